"""`gongkai amend`: after a clerk corrects published records, it writes the amendments that
`check --since` asks for into the right records, keeping the rest of the file as it was, and
refuses (writing nothing) what an amendment cannot explain."""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import BIN, REPO, gongkai

VILLAGE = "villages/nanzhao/yunyang/baihang"
DECISIONS = f"{VILLAGE}/decisions/2024.yml"
FUNDS = f"{VILLAGE}/funds/2024.yml"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=文书", "-c", "user.email=clerk@example.org", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The sample data in a git work tree whose origin/main is what was published."""
    root = tmp_path / "work"
    root.mkdir()
    shutil.copytree(REPO / "villages", root / "villages")
    shutil.copytree(REPO / "content" / "schema", root / "content" / "schema")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "published")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    return root


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "villages").rglob("*")) if p.is_file()}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def amend(root: Path, *extra: str, reason: str = "录入错误，按会议记录更正") -> subprocess.CompletedProcess:
    done = gongkai("amend", VILLAGE, "--since", "origin/main", "--reason", reason, *extra, cwd=root)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def records(root: Path, rel: str) -> dict[str, dict]:
    return {r["id"]: r for r in yaml.safe_load((root / rel).read_text(encoding="utf-8"))}


def spans(text: str) -> dict[str, tuple[int, int]]:
    """Each record's lines (1-based, blank line after it included)."""
    starts = [(n, m[1]) for n, line in enumerate(text.splitlines(), 1) if (m := re.match(r"- id: (\S+)", line))]
    ends = [s - 1 for s, _ in starts[1:]] + [len(text.splitlines())]
    return {rid: (s, e) for (s, rid), e in zip(starts, ends)}


def changed_lines(root: Path, rel: str) -> list[int]:
    """The published file's lines that the work tree changed (or after which it added lines)."""
    diff = git(root, "diff", "-U0", "origin/main", "--", rel)
    out = []
    for m in re.finditer(r"^@@ -(\d+)(?:,(\d+))? ", diff, re.M):
        start, count = int(m[1]), int(m[2] or 1)
        out.extend(range(start, start + count) if count else [start])
    return out


def test_writes_the_amendments_check_since_asks_for_and_nothing_else(work):
    published = (work / DECISIONS).read_text(encoding="utf-8")
    edit(work, DECISIONS, "budget: 81600.00", "budget: 81000.00")
    edit(work, DECISIONS, "    expected: 7\n", "    expected: 8\n")
    edit(work, FUNDS, "voucher: 记-003", "voucher: 记-003A")
    before = gongkai("check", "--since", "origin/main", VILLAGE, cwd=work)
    assert before.returncode == 1 and before.stdout.count("GK801") == 3

    done = amend(work, "--date", "2026-11-20")
    assert done.returncode == 0, done.stderr
    assert "已写入 2 条更正记录（2 个文件）" in done.stdout
    assert "预算（元）（budget）原来是 ¥81,600.00，现在是 ¥81,000.00" in done.stdout

    after = gongkai("check", "--since", "origin/main", VILLAGE, cwd=work)
    assert after.returncode == 0 and "检查通过" in after.stdout, after.stdout
    rec = records(work, DECISIONS)["d-2024-01"]
    assert rec["amendments"] == [{"date": __import__("datetime").date(2026, 11, 20), "reason": "录入错误，按会议记录更正",
                                  "changes": [{"field": "budget", "old": "81600.00"},
                                              {"field": "proposal.expected", "old": "7"}]}]
    funds = records(work, FUNDS)["f-2024-q1"]["amendments"][0]["changes"]
    assert funds == [{"field": "entries.3.voucher", "old": "记-003"}]
    # only the corrected record's lines changed: the other records, comments and schema line stay byte for byte
    first, last = spans(published)["d-2024-01"]
    assert changed_lines(work, DECISIONS) and all(first <= n <= last for n in changed_lines(work, DECISIONS))
    assert (work / DECISIONS).read_text(encoding="utf-8").splitlines()[:3] == published.splitlines()[:3]


def test_a_second_correction_comes_after_the_first(work):
    edit(work, DECISIONS, "budget: 81600.00", "budget: 81000.00")
    assert amend(work, "--date", "2026-11-01").returncode == 0
    git(work, "commit", "-qam", "first correction")
    git(work, "update-ref", "refs/remotes/origin/main", "HEAD")
    edit(work, DECISIONS, "budget: 81000.00", "budget: 80500.00")
    done = amend(work, "--date", "2026-11-21", reason="再次核对会议记录")
    assert done.returncode == 0, done.stderr
    entries = records(work, DECISIONS)["d-2024-01"]["amendments"]
    assert [(e["reason"], e["changes"]) for e in entries] == [
        ("录入错误，按会议记录更正", [{"field": "budget", "old": "81600.00"}]),
        ("再次核对会议记录", [{"field": "budget", "old": "81000.00"}]),
    ]
    assert gongkai("check", "--since", "origin/main", VILLAGE, cwd=work).returncode == 0


def test_writes_under_the_commented_example_gongkai_new_left(work):
    """A record made by `gongkai new` has `amendments:` with a commented-out example under it."""
    assert gongkai("new", "completed", VILLAGE, "--year", "2024", cwd=work).returncode == 0
    path = work / VILLAGE / "completed" / "2024.yml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  title:)(\s+#)", r"\1 修缮村部屋顶\2", text, count=1)
    text = re.sub(r"(?m)^(  date:)(\s+#)", r"\1 2024-12-20\2", text, count=1)
    text = re.sub(r"(?m)^(  cost:)(\s+#)", r"\1 8600.00\2", text, count=1)
    path.write_text(text, encoding="utf-8")
    assert gongkai("check", VILLAGE, cwd=work).returncode == 0
    git(work, "commit", "-qam", "new record")
    git(work, "update-ref", "refs/remotes/origin/main", "HEAD")
    new_id = re.findall(r"(?m)^- id: (c-2024-\d+)", text)[-1]
    edit(work, f"{VILLAGE}/completed/2024.yml", "cost: 8600.00", "cost: 8060.00")

    done = gongkai("amend", VILLAGE, "--since", "origin/main", "--reason", "票据金额录错", "--date", "2026-11-21", cwd=work)
    assert done.returncode == 0, done.stderr
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  amendments:") and i > text.count("\n") - 20)
    assert lines[at + 1:at + 6] == ["    - date: 2026-11-21", "      reason: 票据金额录错", "      changes:",
                                    "        - field: cost", '          old: "8600.00"']
    assert lines[at + 6].lstrip().startswith("# - date:")  # the clerk's example is still there, below
    assert records(work, f"{VILLAGE}/completed/2024.yml")[new_id]["amendments"][0]["reason"] == "票据金额录错"
    assert gongkai("check", "--since", "origin/main", VILLAGE, cwd=work).returncode == 0


def test_dry_run_prints_the_entries_and_writes_nothing(work):
    edit(work, DECISIONS, "budget: 81600.00", "budget: 81000.00")
    kept = files(work)
    done = amend(work, "--dry-run", "--date", "2026-11-20")
    assert done.returncode == 0, done.stderr
    assert "将要写入 1 条更正记录" in done.stdout and "没有写任何文件" in done.stdout
    assert '- field: budget' in done.stdout and 'old: "81600.00"' in done.stdout and "date: 2026-11-20" in done.stdout
    assert files(work) == kept


def test_nothing_to_amend(work):
    done = amend(work)
    assert done.returncode == 0 and "没有需要写更正记录的改动" in done.stdout
    assert not git(work, "status", "--porcelain")


def _delete(work: Path) -> None:
    text = (work / DECISIONS).read_text(encoding="utf-8")
    first, last = spans(text)["d-2024-02"]
    lines = text.splitlines(keepends=True)
    (work / DECISIONS).write_text("".join(lines[:first - 1] + lines[last:]), encoding="utf-8")


def _tamper(work: Path) -> None:
    edit(work, DECISIONS, "budget: 81600.00", "budget: 81000.00")
    assert amend(work, "--date", "2026-11-01").returncode == 0
    git(work, "commit", "-qam", "corrected")
    git(work, "update-ref", "refs/remotes/origin/main", "HEAD")
    edit(work, DECISIONS, "reason: 录入错误，按会议记录更正", "reason: 改过的原因")
    edit(work, DECISIONS, "budget: 81000.00", "budget: 80000.00")


def _break(work: Path) -> None:
    edit(work, DECISIONS, "budget: 81600.00", "budget: 81000.00")
    edit(work, FUNDS, "  period: 2024-Q1", "  period: 2024-Q1\n\tnote: 制表符")


@pytest.mark.parametrize("spoil, ref, words", [
    (_delete, "origin/main", ["已公开的决策", "被删除了", "不能删除"]),
    (_tamper, "origin/main", ["第 1 条更正记录", "被改动或删除了", "不能改"]),
    (_break, "origin/main", ["GK103", "Tab 缩进", "先改好"]),
    (lambda work: edit(work, DECISIONS, "budget: 81600.00", "budget: 81000.00"), "no-such-branch",
     ["git 里没有“no-such-branch”"]),
], ids=["deleted record", "edited amendment", "file that does not check", "no such ref"])
def test_refuses_and_writes_nothing(work, spoil, ref, words):
    spoil(work)
    kept = files(work)
    done = gongkai("amend", VILLAGE, "--since", ref, "--reason", "更正", cwd=work)
    assert "Traceback" not in done.stderr
    assert done.returncode != 0 and done.stdout == ""
    for word in words:
        assert word in done.stderr, done.stderr
    assert files(work) == kept


def test_the_guide_page_steps_work_on_a_copy_of_the_sample(work):
    """content/guide/amendments.md, step by step: the record it shows, the edit, its commands, the result."""
    page = (REPO / "content" / "guide" / "amendments.md").read_text(encoding="utf-8")
    blocks = [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", page, re.S)]
    published, corrected = blocks[0], blocks[1]
    path = next(work.glob("villages/**/" + re.search(r"`(villages/[^`]+\.yml)`", page)[1].split("villages/", 1)[1]))
    assert published in path.read_text(encoding="utf-8")  # the page shows the sample as it is
    old, new = re.search(r"把 `([^`]+)` 改成 `([^`]+)`", page).groups()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    commands = [line.strip() for b in re.findall(r"```sh\n(.*?)```", page, re.S) for line in b.splitlines()
                if line.strip().startswith(".venv/bin/gongkai")]
    assert [c.split()[1] for c in commands] == ["amend", "amend", "check", "check"]
    outputs = []
    for command in commands:
        argv = [str(BIN / "gongkai"), *__import__("shlex").split(command)[1:]]
        done = subprocess.run(argv, cwd=work, capture_output=True, text=True, env=__import__("conftest").env())
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
        outputs.append(done.stdout)
        if "--dry-run" in command:
            assert published.replace(old, new) in path.read_text(encoding="utf-8")  # nothing written yet
    assert corrected in path.read_text(encoding="utf-8")
    assert "检查通过" in outputs[2]
