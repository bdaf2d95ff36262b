"""Published records are append-only: a change passes only with an amendment that says what the
old value was, deletions never pass, and the record page shows the amendment with old and new
values and the code of the version printed before it."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import gongkai
from gongkai.check import amendments
from gongkai.render import pages as render
from gongkai.check.checker import check_tree
from gongkai.check.examples import BASE, FILES, write_tree
from gongkai.model.integrity import fingerprint

TODAY = date(2026, 11, 22)
AMEND_BUDGET = """\
  amendments:
    - date: 2024-03-25
      reason: 预算录入错误，按村民代表会议记录更正
      changes:
        - field: budget
          old: {old}
"""


def _edit(name: str, old: str, new: str, base: dict[str, str] | None = None) -> dict[str, str]:
    text = (base or BASE)[name]
    assert old in text, old
    return {name: text.replace(old, new, 1)}


def _check(tmp_path: Path, published: dict[str, str], now: dict[str, str]) -> list:
    """Diagnostics of `now` against `published` (each: overrides of the tiny village's files)."""
    before = write_tree(tmp_path / "published", **published)
    after = write_tree(tmp_path / "now", **now)
    return check_tree(after, TODAY, since=before).diagnostics


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def test_unchanged_data_passes(tmp_path):
    assert _check(tmp_path, {}, {}) == []


def test_a_silent_edit_is_named_with_record_field_old_and_new_value(tmp_path):
    diags = _check(tmp_path, {}, _edit("decisions", "  budget: 120000.00", "  budget: 150000.00"))
    assert codes(diags) == ["GK801"]
    d = diags[0]
    assert d.path.endswith(FILES["decisions"]) and d.line == line_of(BASE["decisions"], "  budget:")
    for words in ("d-2024-01", "修建文化广场", "预算", "120000.00", "150000.00", 'field: budget，old: "120000.00"'):
        assert words in d.message


def test_nested_and_ledger_edits_point_at_their_line(tmp_path):
    now = _edit("decisions", "    present: 18\n    agree: 17", "    present: 18\n    agree: 16")
    now.update(_edit("funds", "      summary: 保洁员工资", "      summary: 保洁员工资（2月）"))
    diags = _check(tmp_path, {}, now)
    assert sorted((d.code, Path(d.path).parent.name, d.line) for d in diags) == [
        ("GK801", "decisions", line_of(BASE["decisions"], "    present: 18\n    agree: 17") + 1),
        ("GK801", "funds", line_of(BASE["funds"], "      summary: 保洁员工资"))]
    messages = " ".join(d.message for d in diags)
    assert "field: resolution.agree" in messages and "field: entries.2.summary" in messages


def test_a_correction_with_its_amendment_passes(tmp_path):
    now = _edit("decisions", "  budget: 120000.00", "  budget: 150000.00")
    now["decisions"] += AMEND_BUDGET.format(old="120000.00")
    assert _check(tmp_path, {}, now) == []
    now["decisions"] = now["decisions"].replace("old: 120000.00", "old: 120000")  # the same amount
    assert _check(tmp_path, {}, now) == []


def test_an_amendment_with_the_wrong_old_value_is_refused(tmp_path):
    now = _edit("decisions", "  budget: 120000.00", "  budget: 150000.00")
    now["decisions"] += AMEND_BUDGET.format(old="110000.00")
    diags = _check(tmp_path, {}, now)
    assert codes(diags) == ["GK803"]
    assert "120000.00" in diags[0].message and "110000.00" in diags[0].message


def test_removing_a_whole_step_needs_its_amendment(tmp_path):
    step = "  resolution_disclosure:\n    start: 2024-03-16\n    end: 2024-03-22\n"
    now = _edit("decisions", step, "")
    diags = _check(tmp_path, {}, now)
    assert codes(diags) == ["GK801"] and "field: resolution_disclosure）" in diags[0].message  # one step, one message
    now["decisions"] += ("  amendments:\n    - date: 2024-03-25\n      reason: 公示张贴在错误的村，撤下重新公示\n"
                         "      changes:\n        - field: resolution_disclosure\n")
    assert _check(tmp_path, {}, now) == []


def test_progress_is_not_a_correction(tmp_path):
    # a pledge is kept, a later step is added: new facts, not changed ones
    now = _edit("pledges", "  status: 进行中", "  status: 已兑现\n  kept_on: 2024-10-20\n  evidence: 验收单在村委会")
    now.update(_edit("funds", "  published: 2024-07-05\n", "  published: 2024-07-05\n  note: 本季度没有收支\n"))
    assert _check(tmp_path, {}, now) == []
    # but a kept pledge cannot quietly become unkept
    kept = _edit("pledges", "  status: 进行中", "  status: 已兑现\n  kept_on: 2024-10-20\n  evidence: 验收单在村委会")
    later = _edit("pledges", "  status: 已兑现", "  status: 未兑现", base=kept)
    assert "GK801" in codes(_check(tmp_path, kept, later))


def test_a_deleted_record_is_refused(tmp_path):
    q2 = BASE["funds"][BASE["funds"].index("- id: f-2024-q2"):]
    diags = _check(tmp_path, {}, _edit("funds", q2, ""))
    assert codes(diags) == ["GK802"]
    where = f"第 {line_of(BASE['funds'], '- id: f-2024-q2')} 行"
    assert "f-2024-q2" in diags[0].message and where in diags[0].message


def test_earlier_amendments_cannot_be_changed_or_removed(tmp_path):
    changed = _edit("completed", "reason: 结算审计后核减，按审计报告更正", "reason: 按实际结算")
    assert codes(_check(tmp_path, {}, changed)) == ["GK804"]
    text = BASE["completed"]
    removed = {"completed": text[: text.index("  amendments:")]}
    assert "GK804" in codes(_check(tmp_path, {}, removed))


def test_amendments_are_checked_without_a_published_version(tmp_path):
    wrong = _edit("completed", "        - field: cost", "        - field: costs")
    wrong.update(_edit("decisions", "    end: 2024-03-22\n", "    end: 2024-03-22\n" + AMEND_BUDGET.format(old="十二万")))
    result = check_tree(write_tree(tmp_path, **wrong), TODAY)
    found = sorted((d.code, d.message) for d in result.diagnostics)
    assert [c for c, _ in found] == ["GK803", "GK803"]
    assert any("costs" in m for _, m in found) and any("十二万" in m for _, m in found)


def test_record_page_shows_the_amendment_and_the_code_printed_before_it(tmp_path):
    result = check_tree(write_tree(tmp_path / "now"), TODAY)
    village = result.tree.villages[0]
    rec = village.completed[0]
    html = render.record_page(village, rec, render.Context(result.tree, TODAY, str(tmp_path)))
    section = html[html.index('id="amendments"'):]
    for words in ("2024年10月15日", "结算审计后核减，按审计报告更正", "花费（元）", "<del>¥120,500.00</del>", "¥118,000.00"):
        assert words in section, words
    # the version before the amendment, as it was published, had this code on its printed notice
    text = BASE["completed"]
    original = text[: text.index("  amendments:")].replace("cost: 118000.00", "cost: 120500.00")
    earlier = check_tree(write_tree(tmp_path / "before", completed=original), TODAY).tree.villages[0]
    code = fingerprint(earlier.url, earlier.completed[0])
    assert code != fingerprint(village.url, rec)
    assert f"更正前的核对码：<span class=\"gk-code\">{code}</span>" in section
    assert [v.fingerprint_before for v in amendments.history(village.url, rec)] == [code]


# -- the command a pull request runs ------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    write_tree(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "published")
    return tmp_path


def test_check_since_a_git_ref(repo):
    decisions = repo / "villages" / FILES["decisions"]
    decisions.write_text(BASE["decisions"].replace("budget: 120000.00", "budget: 150000.00"), encoding="utf-8")
    done = gongkai("check", "villages", "--since", "main", "--today", "2026-11-22", cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr
    line = line_of(BASE["decisions"], "  budget:")
    assert f"villages/{FILES['decisions']}:{line}:" in done.stdout and "GK801" in done.stdout
    assert "Traceback" not in done.stderr
    # the same edit with its amendment
    decisions.write_text(decisions.read_text(encoding="utf-8") + AMEND_BUDGET.format(old="120000.00"), encoding="utf-8")
    done = gongkai("check", "villages", "--since", "main", "--today", "2026-11-22", cwd=repo)
    assert done.returncode == 0, done.stdout


def test_check_since_explains_what_git_cannot_give(repo, tmp_path_factory):
    done = gongkai("check", "villages", "--since", "no-such-branch", cwd=repo)
    assert done.returncode == 2 and "no-such-branch" in done.stderr and "Traceback" not in done.stderr
    outside = tmp_path_factory.mktemp("nogit")
    write_tree(outside)
    done = gongkai("check", "villages", "--since", "main", cwd=outside)
    assert done.returncode == 2 and "git" in done.stderr and "Traceback" not in done.stderr


def test_a_ref_before_any_data_was_published_has_nothing_to_protect(repo):
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", ".")
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing yet")
    git(repo, "checkout", "-q", "-f", "main")
    done = gongkai("check", "villages", "--since", "empty", "--today", "2026-11-22", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_on_a_notice_printed_before_a_correction_still_finds_the_record(tmp_path):
    data = write_tree(tmp_path)
    village = check_tree(data, TODAY).tree.villages[0]
    rec = village.completed[0]
    earlier = amendments.history(village.url, rec)[0].fingerprint_before
    done = gongkai("verify", earlier.lower().replace("-", ""), "--data", "villages", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "c-2024-01" in done.stdout and "更正以前的版本" in done.stdout
    assert fingerprint(village.url, rec) in done.stdout  # and it says what the code is now
    assert f"{village.url}c-2024-01.html" in done.stdout  # and where the record's page is
    # the site's search finds it by the earlier code as well
    from gongkai.render import search

    village = check_tree(data, TODAY).tree.villages[0]
    line = next(d for d in search.village_documents(village, TODAY) if d[0].endswith("/c-2024-01.html"))
    assert line[3].split(" ") == [fingerprint(village.url, rec), earlier]


ZERO_SUM = """\
    - date: 2024-02-20
      category: 各项收入
      summary: 临时收入
      income: 50.00
      voucher: 记-003
    - date: 2024-02-21
      category: 各项支出
      summary: 临时支出
      expense: 50.00
      voucher: 记-004
"""


def test_ledger_rows_slipped_into_a_published_period_are_changes(tmp_path):
    # two rows that cancel out leave every total as it was: only the ledger shows the difference
    last_entry = "      voucher: 记-002\n"
    now = _edit("funds", last_entry, last_entry + ZERO_SUM)
    diags = _check(tmp_path, {}, now)
    assert codes(diags) == ["GK801", "GK801"]
    assert "field: entries.3" in diags[0].message and "公开以后新加的" in diags[0].message
    now["funds"] = now["funds"].replace("  reviewed: 2024-04-03\n  published: 2024-04-05\n",
        "  reviewed: 2024-04-03\n  published: 2024-04-05\n  amendments:\n    - date: 2024-05-06\n"
        "      reason: 补记漏登的两笔往来\n      changes:\n        - field: entries.3\n        - field: entries.4\n", 1)
    assert _check(tmp_path, {}, now) == []
    # the page can still give the code of the period as first published
    before = check_tree(tmp_path / "published" / "villages", TODAY).tree.villages[0]
    after = check_tree(tmp_path / "now" / "villages", TODAY).tree.villages[0]
    period = next(p for p in after.funds if p.id == "f-2024-q1")
    first = next(p for p in before.funds if p.id == "f-2024-q1")
    assert [v.fingerprint_before for v in amendments.history(after.url, period)] == [fingerprint(before.url, first)]


def test_a_revised_pledge_deadline_is_progress(tmp_path):
    revised = _edit("pledges", "  deadline: 2024-10-31\n",
                    "  deadline: 2024-10-31\n  revisions:\n    - deadline: 2024-12-31\n      date: 2024-10-20\n      reason: 雨季停工两个月\n")
    assert _check(tmp_path, {}, revised) == []
