"""`gongkai fmt`: a file in any layout YAML allows comes out in the project's canonical one
(indentation, key order, quoting of codes and ids) with its comments; `gongkai check` warns
(GK114, not an error) about a file that is not, and the shipped sample is."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO, gongkai

VILLAGE = "villages/nanzhao/yunyang/baihang"

MESSY = """\
# 文书自己的注释：这一年的承诺
  - who: 张建国      # 承诺人
    id: "p-2024-01"
    role: 村委会主任
    what: 修好三组的排水沟
    made: 2024-03-01
    deadline: 2024-05-31
    revisions:
    - reason: 雨水多，推迟一个月
      deadline: 2024-06-30
      date: 2024-05-20
    # 兑现以后村民代表验收
    status: 已兑现
    kept_on: 2024-06-25
    evidence: 验收单在村部档案室

  - id: p-2024-02
    who: 李某
    role: 村党支部书记
    what: 硬化五组道路
    deadline: 2024-10-31
    made: 2024-04-01
    status: 进行中
"""


def diagnostics(root: Path, *paths: str) -> list[dict]:
    done = gongkai("check", "--format", "json", *paths, cwd=root)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_the_sample_is_in_the_canonical_layout():
    done = gongkai("fmt", "--check", "villages")
    assert done.returncode == 0 and "都已是规范格式" in done.stderr, done.stderr
    assert not [d for d in diagnostics(REPO, "villages") if d["code"] == "GK114"]


def test_a_file_in_another_layout_is_warned_about_and_put_right_with_its_comments(project: Path):
    path = project / VILLAGE / "pledges" / "2024.yml"
    path.write_text(MESSY, encoding="utf-8")
    found = diagnostics(project, VILLAGE)
    warned = [d for d in found if d["code"] == "GK114"]
    assert len(warned) == 1 and warned[0]["severity"] == "warning" and warned[0]["line"] == 2
    assert "gongkai fmt" in warned[0]["message"]
    assert not [d for d in found if d["severity"] == "error"]

    assert gongkai("fmt", "--check", VILLAGE, cwd=project).returncode == 1
    shown = gongkai("fmt", "--diff", str(path.relative_to(project)), cwd=project)
    assert shown.returncode == 0 and "+- id: p-2024-01" in shown.stdout
    assert path.read_text(encoding="utf-8") == MESSY  # --diff writes nothing

    done = gongkai("fmt", VILLAGE, cwd=project)
    assert done.returncode == 0 and "已整理 1 个文件" in done.stderr, done.stderr
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text) == yaml.safe_load(MESSY)  # the same data
    for comment in ("# 文书自己的注释：这一年的承诺", "# 承诺人", "# 兑现以后村民代表验收"):
        assert comment in text
    lines = text.splitlines()
    assert lines[1:3] == ["- id: p-2024-01", "  who: 张建国        # 承诺人"]
    assert lines[lines.index("  revisions:") + 1:][:3] == ["    - deadline: 2024-06-30", "      date: 2024-05-20",
                                                            "      reason: 雨水多，推迟一个月"]
    assert [ln for ln in lines if ln.startswith("  made") or ln.startswith("  deadline")][-2:] == \
        ["  made: 2024-04-01", "  deadline: 2024-10-31"]
    assert not [d for d in diagnostics(project, VILLAGE) if d["code"] == "GK114"]
    assert gongkai("fmt", "--check", VILLAGE, cwd=project).returncode == 0  # formatting twice changes nothing


def test_an_unquoted_code_keeps_its_digits(project: Path):
    path = project / VILLAGE / "village.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('code: "411321104201"', "code: 411321104201"), encoding="utf-8")
    assert [d["code"] for d in diagnostics(project, VILLAGE)] == ["GK207"]
    assert gongkai("fmt", str(path.relative_to(project)), cwd=project).returncode == 0
    assert path.read_text(encoding="utf-8") == text


def test_the_pull_request_workflow_shows_the_layout_diff():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pr.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    assert any("gongkai fmt --diff" in run and "GITHUB_STEP_SUMMARY" in run for run in runs)


def test_fmt_refuses_a_missing_path(tmp_path: Path):
    shutil.rmtree(tmp_path, ignore_errors=True)
    done = gongkai("fmt", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "找不到" in done.stderr


@pytest.mark.parametrize("raw, words", [
    (b"- id: a\n  id: b\n", "重复"),
    (b"- id: a\n\twho: b\n", "Tab"),
    (b"- id: &x a\n  who: *x\n", "锚点"),
    ("- id: a\n  who: 张某\n".encode("gbk"), "GBK"),
    (b"- id: a\n  who: [b\n", "先改好"),
], ids=["duplicate key", "tab", "anchor", "gbk", "syntax"])
def test_fmt_leaves_a_file_it_cannot_read_as_it_is(project: Path, raw: bytes, words: str):
    path = project / VILLAGE / "pledges" / "2024.yml"
    path.write_bytes(raw)
    done = gongkai("fmt", str(path.relative_to(project)), cwd=project)
    assert "Traceback" not in done.stderr and done.returncode == 1
    assert words in done.stderr and "没有整理" in done.stderr, done.stderr
    assert path.read_bytes() == raw


def test_keys_out_of_the_schemas_order_and_a_quoted_id_are_warned_about_and_put_right(project: Path):
    """Indentation as the canonical layout has it, but a clerk's own order: `note` above the ledger,
    a resolution's votes before its body, a quoted id. One warning a file, naming the first key out
    of place; fmt puts each in place, the data unchanged."""
    funds = project / VILLAGE / "funds" / "2025.yml"
    text = funds.read_text(encoding="utf-8")
    note = re.search(r"\n  note: .*", text)[0]  # the first period's note, moved above its ledger
    first = text.index("\n  entries:")
    moved = text.replace(note, "", 1)
    moved = moved[:first] + note + moved[first:]
    funds.write_text(moved, encoding="utf-8")
    decisions = project / VILLAGE / "decisions" / "2025.yml"
    before = decisions.read_text(encoding="utf-8")
    body = next(line for line in before.splitlines() if line.strip().startswith("body: "))
    swapped = before.replace(body + "\n", "", 1)
    at = swapped.index("  resolution:\n") + len("  resolution:\n")
    end = at + re.search(r"\n(?!    )", swapped[at:]).start()  # the resolution's last line
    swapped = swapped[:end] + "\n" + body + swapped[end:]
    swapped = swapped.replace("- id: d-2025-01\n", '- id: "d-2025-01"\n', 1)
    decisions.write_text(swapped, encoding="utf-8")
    found = diagnostics(project, VILLAGE)
    assert not [d for d in found if d["severity"] == "error"], found
    warned = {Path(d["path"]).name + "/" + Path(d["path"]).parent.name: d for d in found if d["code"] == "GK114"}
    assert set(warned) == {"2025.yml/funds", "2025.yml/decisions"}, found
    assert "“entries”按规范的顺序应写在“note”前面" in warned["2025.yml/funds"]["message"]
    assert "“id”的编号不用加引号" in warned["2025.yml/decisions"]["message"]  # the first departure in the file
    done = gongkai("fmt", VILLAGE, cwd=project)
    assert done.returncode == 0 and "已整理 2 个文件" in done.stderr, done.stderr
    assert decisions.read_text(encoding="utf-8") == before
    assert funds.read_text(encoding="utf-8") == text  # the note back below the ledger, the rest untouched
    assert not [d for d in diagnostics(project, VILLAGE) if d["code"] == "GK114"]
