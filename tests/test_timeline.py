"""Each decision as a six-step timeline: what a villager reads when a step came late, waits too
long, or broke a rule, checked against the dates in the YAML it came from.

The shipped sample has no late step (tools/make_sample.py keeps steps close together), so a
small tree here has one of each: a step that came late, steps that wait too long, a decision
on time, one that did not pass and a meeting whose 应到 differs from village.yml.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
import yaml

from conftest import BUILD_DATE, copy_project, mkdocs_build
from gongkai.render import pages as render
from gongkai.check.checker import check_tree
from htmltext import text
from tinytree import COMPLETED, COUNTY, DECISION, VILLAGE, VILLAGE_DIR, write_tree

TODAY = date.fromisoformat(BUILD_DATE)

MORE_DECISIONS = """
- id: d-2024-02
  title: 硬化村东道路
  category: 公益事业
  origin: 党员群众建议
  proposal: {date: 2024-04-01, expected: 5, present: 5, agree: 5}
  consultation: {date: 2024-04-05, expected: 7, present: 7, agree: 7}
  review: {date: 2024-05-20, expected: 30, present: 25, agree: 24}
  resolution: {body: 村民代表会议, date: 2024-05-25, expected: 21, present: 18, agree: 17}
  resolution_disclosure: {start: 2024-05-26, end: 2024-06-01}
  result_disclosure: {start: 2024-06-20, end: 2024-06-26, summary: 道路已硬化 800 米}

- id: d-2024-03
  title: 安装太阳能路灯
  category: 公益事业
  origin: 村干部提议
  proposal: {date: 2024-06-03, expected: 5, present: 5, agree: 5}
  consultation: {date: 2024-06-06, expected: 7, present: 7, agree: 7}
  review: {date: 2024-06-10, expected: 30, present: 26, agree: 25}
  resolution: {body: 村民代表会议, date: 2024-06-15, expected: 21, present: 19, agree: 18}
  resolution_disclosure: {start: 2024-06-16, end: 2024-06-22}
  result_disclosure: {start: 2024-08-05, end: 2024-08-11, summary: 装好路灯 40 盏, cost: 52000}

- id: d-2024-04
  title: 村集体林地重新发包
  category: 土地承包
  origin: 村干部提议
  proposal: {date: 2024-10-08, expected: 7, present: 7, agree: 7, merged_consultation: true}
  review: {date: 2024-10-12, expected: 30, present: 24, agree: 22}
  resolution: {body: 村民代表会议, date: 2024-10-20, expected: 21, present: 17, agree: 15}

- id: d-2024-05
  title: 提高误工补贴标准
  category: 误工补贴
  origin: 村干部提议
  proposal: {date: 2024-11-01, expected: 5, present: 5, agree: 5}
  consultation: {date: 2024-11-05, expected: 7, present: 7, agree: 7}
  review: {date: 2024-11-10, expected: 30, present: 25, agree: 10, against: 15}

- id: d-2024-06
  title: 修建村西排水渠
  category: 公益事业
  origin: 党员群众建议
  proposal: {date: 2024-12-02, expected: 5, present: 5, agree: 5}
"""
DECISIONS_2026 = """\
- id: d-2026-01
  title: 修缮村卫生室
  category: 公益事业
  origin: 党员群众建议
  proposal: {date: 2026-11-10, expected: 5, present: 5, agree: 5}
  consultation: {date: 2026-11-12, expected: 7, present: 7, agree: 7}
  review: {date: 2026-11-15, expected: 31, present: 25, agree: 24}
"""
MORE_COMPLETED = """
- id: c-2024-02
  title: 太阳能路灯装好
  date: 2024-08-01
  cost: 52000.00
  decision: d-2024-03
"""
ONE_PERSON = VILLAGE.replace("one_person_both_posts: false", "one_person_both_posts: true")


def write(root, county: str = COUNTY):
    data = write_tree(root, county=county, village=ONE_PERSON, decisions=DECISION + MORE_DECISIONS,
                      completed=COMPLETED + MORE_COMPLETED)
    (data / VILLAGE_DIR / "decisions" / "2026.yml").write_text(DECISIONS_2026, encoding="utf-8")
    return data


def decisions(data) -> dict[str, dict]:
    out = {}
    for f in sorted((data / VILLAGE_DIR / "decisions").glob("*.yml")):
        out.update({d["id"]: d for d in yaml.safe_load(f.read_text(encoding="utf-8"))})
    return out


def completed(data) -> dict[str, dict]:
    return {c["decision"]: c for c in yaml.safe_load((data / VILLAGE_DIR / "completed" / "2024.yml").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The tiny tree built by MkDocs the way the sample is: (site folder, data folder)."""
    project = copy_project(tmp_path_factory.mktemp("timeline") / "project")
    shutil.rmtree(project / "villages")
    data = write(project)
    site = project.parent / "site"
    done = mkdocs_build(project, site, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    return site, data


def _step_items(html: str) -> list[tuple[str, str]]:
    """(class, inner HTML) of each step of the timeline: the list items of <ol class="gk-steps">,
    written without their end tags (each runs to the next <li> or to the list's end)."""
    lists = re.findall(r'<ol class="gk-steps">(.*?)</ol>', html, re.S)
    assert len(lists) <= 1, "a record page shows one timeline"
    if not lists:
        return []
    return re.findall(r'<li class="([^"]*)">(.*?)(?=<li[ >]|$)', lists[0], re.S)


def steps(html: str) -> dict[int, str]:
    """Step number -> what a villager reads in that step of the timeline (step 0 is 三方议事)."""
    out = {}
    for _, item in _step_items(html):
        words = text(item)
        out[int(words.split(" ", 1)[0])] = words
    return out


def late_steps(html: str) -> list[int]:
    return [int(text(item).split(" ", 1)[0]) for cls, item in _step_items(html) if "gk-late" in cls.split()]


def record(site, rec_id: str) -> str:
    return (site / VILLAGE_DIR / f"{rec_id}.html").read_text(encoding="utf-8")


def board_item(site, rec_id: str) -> str:
    board = (site / VILLAGE_DIR / "index.html").read_text(encoding="utf-8")
    item = next(i for i in re.findall(r'<li class="gk-item[^"]*">.*?</li>', board, re.S) if f'href="{rec_id}.html"' in i)
    return text(item)


RULE = "（本县规定不超过 30 天）"  # the county of the tiny tree writes no max_step_days: 30 by default


def test_step_that_came_late_says_by_how_many_days(site):
    site, data = site
    d = decisions(data)["d-2024-02"]
    days = (d["review"]["date"] - d["consultation"]["date"]).days
    assert days > 30
    html = record(site, "d-2024-02")
    assert late_steps(html) == [3]
    assert f"逾期 ：比上一步商议晚了 {days} 天{RULE}" in steps(html)[3]
    assert text(html).count("逾期") == 1
    assert "有步骤逾期" in board_item(site, "d-2024-02")


def test_result_disclosure_is_measured_from_the_completed_matter(site):
    # d-2024-03's result came weeks after its resolution disclosure, but days after the work was done
    site, data = site
    d, c = decisions(data)["d-2024-03"], completed(data)["d-2024-03"]
    assert (d["result_disclosure"]["start"] - d["resolution_disclosure"]["start"]).days > 30
    assert (d["result_disclosure"]["start"] - c["date"]).days <= 30
    html = record(site, "d-2024-03")
    assert late_steps(html) == []
    assert "逾期" not in text(html) and "不合规" not in text(html)
    assert "有步骤" not in board_item(site, "d-2024-03")


def test_on_time_steps_show_no_mark(site):
    site, data = site
    html = record(site, "d-2024-03")
    shown = steps(html)
    assert sorted(shown) == [1, 2, 3, 4, 5, 6]
    assert all("逾期" not in words and "尚未进行" not in words for words in shown.values())


def test_result_not_disclosed_long_after_the_work_was_done(site):
    site, data = site
    days = (TODAY - completed(data)["d-2024-01"]["date"]).days
    html = record(site, "d-2024-01")
    assert late_steps(html) == [6]
    assert f"逾期 ：办结后已过 {days} 天仍未公开{RULE}" in steps(html)[6]
    assert "尚未进行" in steps(html)[6]
    assert "有步骤逾期" in board_item(site, "d-2024-01")


def test_next_step_waiting_too_long_after_the_last(site):
    site, data = site
    d = decisions(data)["d-2024-04"]
    days = (TODAY - d["resolution"]["date"]).days
    html = record(site, "d-2024-04")
    assert late_steps(html) == [5]  # only the next step: step 6 is pending, not late
    assert f"逾期 ：决议后已过 {days} 天仍未公开{RULE}" in steps(html)[5]
    # the consultation merged into the proposal (一肩挑) is not a pending step
    assert "已与提议合并召开" in steps(html)[2] and "逾期" not in steps(html)[2]

    d = decisions(data)["d-2024-06"]
    days = (TODAY - d["proposal"]["date"]).days
    html = record(site, "d-2024-06")
    assert late_steps(html) == [2]
    assert f"逾期 ：提议后已过 {days} 天仍未召开{RULE}" in steps(html)[2]


def test_a_decision_that_did_not_pass_waits_for_nothing(site):
    site, data = site
    html = record(site, "d-2024-05")
    assert "未通过" in text(html)
    assert late_steps(html) == [] and "逾期" not in text(html)
    assert "有步骤" not in board_item(site, "d-2024-05")


def test_expected_count_that_differs_from_village_yml_is_marked(site):
    site, data = site
    review = decisions(data)["d-2026-01"]["review"]
    members = yaml.safe_load((data / VILLAGE_DIR / "village.yml").read_text(encoding="utf-8"))["party_members"]
    assert review["expected"] != members
    html = record(site, "d-2026-01")
    assert late_steps(html) == [3]
    assert f"不合规 ：应到 {review['expected']} 人，与本村登记的党员人数 {members} 人不一致" in steps(html)[3]
    assert "逾期" not in text(html)  # three days since the review: step 4 is not late
    assert "有步骤不合规" in board_item(site, "d-2026-01")


def pages_with(tmp_path, max_step_days: int | None) -> dict[str, str]:
    """Record pages of the tiny tree under a county rule, rendered by the build's own function."""
    county = COUNTY if max_step_days is None else COUNTY + f"  max_step_days: {max_step_days}\n"
    result = check_tree(write(tmp_path, county), TODAY)
    assert result.ok, result.diagnostics
    village = result.tree.villages[0]
    ctx = render.Context(result.tree, TODAY, str(tmp_path))
    return {d.id: render.record_page(village, d, ctx) for d in village.decisions}


def test_county_rule_sets_the_limit(tmp_path):
    days = (date(2024, 5, 20) - date(2024, 4, 5)).days  # d-2024-02: review after consultation
    at_limit = pages_with(tmp_path / "at", days)
    assert late_steps(at_limit["d-2024-02"]) == []  # late is *more* than the limit
    below = pages_with(tmp_path / "below", days - 1)
    assert late_steps(below["d-2024-02"]) == [3]
    assert f"比上一步商议晚了 {days} 天（本县规定不超过 {days - 1} 天）" in text(below["d-2024-02"])
    # d-2024-03 under a tight rule: steps 3 and 4 came late, and its result days after the work was done
    data = tmp_path / "below" / "villages"
    d, c = decisions(data)["d-2024-03"], completed(data)["d-2024-03"]
    after_work = (d["result_disclosure"]["start"] - c["date"]).days
    tight = pages_with(tmp_path / "tight", after_work - 1)
    assert late_steps(tight["d-2024-03"]) == [3, 4, 6]
    assert f"逾期 ：办结后 {after_work} 天才公开（本县规定不超过 {after_work - 1} 天）" in steps(tight["d-2024-03"])[6]
    default = pages_with(tmp_path / "default", None)
    assert late_steps(default["d-2024-02"]) == [3] and RULE in text(default["d-2024-02"])


@pytest.mark.parametrize("path", ["", "d-2024-02.html", "d-2024-04.html", "d-2026-01.html"])
def test_marks_are_accessible(site, browser, path):
    # the sample has no late step, so test_a11y never sees these marks: check them here
    from browserkit import serve
    from test_a11y import CONTRAST, axe_violations, describe

    site, _ = site
    with serve(site) as url:
        context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{url}{VILLAGE_DIR}/{path}")
        marks = page.evaluate(CONTRAST, ".gk-flag, .gk-overdue, .gk-late h3 > b")
        violations = axe_violations(page)
        context.close()
    assert marks, "no mark on the page"
    low = [f"{m['text']!r}: {m['ratio']:.2f}:1" for m in marks if m["ratio"] < 4.5]
    assert low == [] and violations == [], "\n".join(low) + describe(violations)
