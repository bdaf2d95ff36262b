"""`gongkai check` as a clerk and a CI job use it: output format, exit codes, paths."""

from __future__ import annotations

import json

from conftest import REPO, gongkai
from tinytree import DECISION, VILLAGE_DIR, write_tree


def test_shipped_sample_passes_with_no_warnings():
    done = gongkai("check")
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip() == "检查通过：没有发现问题。"


def test_error_line_format_and_exit_1(tmp_path):
    write_tree(tmp_path, decisions=DECISION.replace("    present: 25", "    present: 31"))
    done = gongkai("check", "villages", cwd=tmp_path)
    assert done.returncode == 1
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"villages/{VILLAGE_DIR}/decisions/2024.yml:19:14: error GK303 ")
    assert "实到 31 人，超过应到 30 人" in first
    assert done.stdout.splitlines()[-1] == "共 1 个错误，0 个警告，涉及 1 个文件。"


def test_default_path_is_villages(tmp_path):
    write_tree(tmp_path)
    assert gongkai("check", cwd=tmp_path).returncode == 0


def test_usage_errors_exit_2(tmp_path):
    assert gongkai("check", "no/such/folder", cwd=tmp_path).returncode == 2
    assert gongkai("check", "--format", "xml", cwd=REPO).returncode == 2
    assert gongkai("frobnicate", cwd=REPO).returncode == 2
    (tmp_path / "loose").mkdir()
    assert gongkai("check", "loose", cwd=tmp_path).returncode == 2


def test_checking_one_village_reports_only_that_village(tmp_path):
    root = write_tree(tmp_path, decisions=DECISION.replace("    present: 25", "    present: 31"))
    other = root / "nanzhao/nanhedian/guoying"
    other.mkdir()
    (other / "village.yml").write_text((root / VILLAGE_DIR / "village.yml").read_text().replace("longwang", "x"))
    assert gongkai("check", "villages/nanzhao/nanhedian/guoying", cwd=tmp_path).returncode == 0
    assert gongkai("check", f"villages/{VILLAGE_DIR}/decisions/2024.yml", cwd=tmp_path).returncode == 1


def test_json_and_github_formats(tmp_path):
    write_tree(tmp_path, decisions=DECISION.replace("    present: 25", "    present: 31"))
    data = json.loads(gongkai("check", "--format", "json", cwd=tmp_path).stdout)
    assert data == [{
        "path": f"villages/{VILLAGE_DIR}/decisions/2024.yml", "line": 19, "column": 14,
        "severity": "error", "code": "GK303", "message": data[0]["message"], "hint": data[0]["hint"],
    }]
    gh = gongkai("check", "--format", "github", cwd=tmp_path).stdout.strip()
    assert gh.startswith(f"::error file=villages/{VILLAGE_DIR}/decisions/2024.yml,line=19,col=14::GK303 ")
