"""Villagers' suggestions (群众建议) and the branch's replies: what a clerk may write and is told
when it is wrong, when a reply is due (the county's days), and where a suggestion shows: the board,
its page, the township and county figures, the 督查 page, the kiosk, the feed, the open data.

The shipped sample's expectations are worked out here from its YAML (read with PyYAML)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import yaml

from conftest import BUILD_DATE, REPO
from htmltext import text
from gongkai.rollup import compliance, figures as rollup
from gongkai.render import feeds, kiosk, search
from gongkai.adapters import scaffold
from gongkai.check.checker import check_tree
from gongkai.check.examples import VILLAGE_DIR, write_tree
from gongkai.kinds.suggestions import EXAMPLE

TODAY = date(2024, 11, 20)
SAMPLE_DAY = date.fromisoformat(BUILD_DATE)
VILLAGES = sorted(p.parent for p in (REPO / "villages").glob("*/*/*/village.yml"))


def suggestions_file(root, body: str) -> None:
    (root / VILLAGE_DIR / "suggestions" / "2024.yml").write_text(body, encoding="utf-8")


def diagnostics(root, today: date = TODAY):
    result = check_tree(root, today)
    return result, [(d.code, d.line, d.message) for d in result.diagnostics if d.path.endswith("suggestions/2024.yml")]


PENDING = """\
- id: s-2024-02
  received: 2024-11-01
  channel: 意见箱
  summary: 二组排水沟堵塞，下雨积水，建议清淤
"""


def test_the_example_village_suggestion_is_clean_and_linked_to_its_decision(tmp_path):
    result, diags = diagnostics(write_tree(tmp_path))
    assert result.ok and diags == []
    village = result.tree.villages[0]
    (s,) = village.suggestions
    assert (s.id, s.received, s.channel, s.outcome, s.decision) == ("s-2024-01", date(2024, 2, 20), "村民代表转交", "采纳", "d-2024-01")
    assert village.record(s.decision).origin == "党员群众建议"


def test_a_late_reply_is_a_warning_that_says_by_how_many_days_and_publishes(tmp_path):
    root = write_tree(tmp_path)
    suggestions_file(root, EXAMPLE.replace("reply_date: 2024-02-28", "reply_date: 2024-03-05"))
    result, diags = diagnostics(root)
    assert result.ok  # a warning: the site is still made
    assert diags == [("GK1002", 6, "收到后第 14 天才答复，晚了 4 天（县里规定 10 天内答复）")]


def test_the_countys_reply_days_decide_what_is_late(tmp_path):
    root = write_tree(tmp_path)
    county = root / "nanzhao" / "county.yml"
    county.write_text(county.read_text(encoding="utf-8") + "  suggestion_reply_days: 5\n", encoding="utf-8")
    result, diags = diagnostics(root)
    assert diags == [("GK1002", 6, "收到后第 8 天才答复，晚了 3 天（县里规定 5 天内答复）")]
    county.write_text(county.read_text(encoding="utf-8").replace("suggestion_reply_days: 5", "suggestion_reply_days: 十天"),
                      encoding="utf-8")
    (d,) = [d for d in check_tree(root, TODAY).errors]
    assert d.code == "GK206" and d.path.endswith("county.yml")


def test_every_mistake_in_a_file_is_reported_in_one_run_at_its_line(tmp_path):
    root = write_tree(tmp_path)
    suggestions_file(root, EXAMPLE.replace("reply_date: 2024-02-28", "reply_date: 2024-02-18") + """\

- id: s-2024-02
  received: 2024-03-01
  channel: 意见箱
  summary: 建议把村委会院子改成停车场
  reply_date: 2024-03-04
  reply: 经村两委研究，暂不采纳
  outcome: 不采纳

- id: s-2024-03
  received: 2024-03-02
  channel: 微信群
  summary: 建议修缮村小学围墙
  reply: 已转交镇教育办

- id: s-2024-04
  received: 2024-03-03
  channel: 来访
  summary: 建议硬化村西生产路
  reply_date: 2024-03-06
  reply: 同意，提交四议两公开
  outcome: 采纳
  decision: d-2024-07

- id: s-2024-05
  received: 2024-03-03
  channel: 电话
  summary: 联系人电话13912345678，建议修路
""")
    result, diags = diagnostics(root)
    assert not result.ok
    assert sorted(diags) == sorted([
        ("GK1001", 6, "答复日期 2024-02-18 早于收到日期 2024-02-20"),
        ("GK1005", 17, "建议 s-2024-02 不采纳，没有写理由或去向（reason）"),
        ("GK208", 21, diags_message(diags, 21)),
        ("GK1005", 23, "建议 s-2024-03 写了答复内容，却没有答复日期、处理结果"),
        ("GK1003", 32, "本村没有编号为 d-2024-07 的决策"),
        ("GK702", 37, diags_message(diags, 37)),
    ])
    assert "微信群" in diags_message(diags, 21) and "“建议内容”里有" in diags_message(diags, 37)


def diags_message(diags, line: int) -> str:
    return next(m for _, ln, m in diags if ln == line)


def test_an_adopted_suggestion_needs_a_decision_that_came_from_villagers(tmp_path):
    root = write_tree(tmp_path)
    suggestions_file(root, EXAMPLE.replace("  decision: d-2024-01\n", ""))
    assert diagnostics(root)[1] == [("GK1003", 8, "建议 s-2024-01 已采纳，没有写提交四议两公开的决策编号（decision）")]
    suggestions_file(root, EXAMPLE)
    decisions = root / VILLAGE_DIR / "decisions" / "2024.yml"
    decisions.write_text(decisions.read_text(encoding="utf-8").replace("origin: 党员群众建议", "origin: 上级安排"), encoding="utf-8")
    assert diagnostics(root)[1] == [("GK1004", 9, "决策 d-2024-01 的动议事由是“上级安排”，不是“党员群众建议”")]


def test_unanswered_past_its_days_is_on_the_ducha_page_and_counted(tmp_path):
    root = write_tree(tmp_path)
    suggestions_file(root, EXAMPLE + "\n" + PENDING)
    for today, late in ((date(2024, 11, 11), 0), (date(2024, 11, 12), 1), (date(2024, 11, 20), 9)):
        village = check_tree(root, today).tree.villages[0]
        problems = [p for p in compliance.village_report(village, today).problems if p.kind == "建议逾期未答复"]
        assert [(p.record, p.days_late, p.since) for p in problems] == ([("s-2024-02", late, date(2024, 11, 11))] if late else [])
        t = rollup.village_totals(village, today, 2024)
        assert (t.suggestions, t.suggestions_on_time, t.suggestions_adopted, t.suggestions_overdue) == (2, 1, 1, int(bool(late)))
        assert t.on_time_rate == "50%"
    (p,) = [p for p in compliance.village_report(village, date(2024, 11, 20)).problems if p.kind == "建议逾期未答复"]
    assert "2024年11月1日收到的群众建议“二组排水沟堵塞，下雨积水，建议清淤”，应在 10 天内答复" == p.what

    # the kiosk's loop puts it up, red, with its days
    slides = [s for s in kiosk.village_items(village, date(2024, 11, 20), kiosk.Settings()) if s.kind == "群众建议"]
    assert slides[0].title == "二组排水沟堵塞，下雨积水，建议清淤" and slides[0].late and slides[0].badge == "逾期未答复 9 天"


def test_a_suggestion_in_the_search_and_the_feed(tmp_path):
    root = write_tree(tmp_path)
    suggestions_file(root, EXAMPLE + "\n" + PENDING)
    village = check_tree(root, TODAY).tree.villages[0]
    lines = {line[0].rsplit("/", 1)[-1]: line[1:3] for line in search.village_documents(village, TODAY)}
    assert lines["s-2024-01.html"] == ["村东空地常年堆放杂物，建议清理后修建文化广场", "群众建议 · 2024年2月20日收到（村民代表转交） · 已采纳"]
    assert lines["s-2024-02.html"][1] == "群众建议 · 2024年11月1日收到（意见箱） · 待答复"
    events = [(e.day, e.label) for e in feeds.village_events(village, TODAY) if e.rec.kind == "suggestions"]
    assert sorted(events) == [(date(2024, 2, 20), "收到群众建议"), (date(2024, 2, 28), "答复群众建议"), (date(2024, 11, 1), "收到群众建议")]


def test_gongkai_new_suggestion_writes_the_next_one_received_today(tmp_path):
    root = write_tree(tmp_path)
    done = scaffold.new_record("suggestion", root / VILLAGE_DIR, today=date(2024, 5, 6))
    assert done.id == "s-2024-02"
    written = (root / VILLAGE_DIR / "suggestions" / "2024.yml").read_text(encoding="utf-8")
    assert written.startswith(EXAMPLE) and "- id: s-2024-02" in written and "received: 2024-05-06" in written


# -- the shipped sample


def sample_suggestions(vdir) -> list[dict]:
    out = []
    for f in sorted((vdir / "suggestions").glob("*.yml")):
        out += yaml.safe_load(f.read_text(encoding="utf-8")) or []
    return out


def test_every_sample_village_has_suggestions_every_year_answered_in_time_or_still_open():
    assert len(VILLAGES) == 15
    for vdir in VILLAGES:
        years = {int(f.stem) for f in (vdir / "decisions").glob("*.yml")}
        found = sample_suggestions(vdir)
        assert {s["received"].year for s in found} == years, vdir.name
        decisions = {d["id"]: d for f in (vdir / "decisions").glob("*.yml") for d in yaml.safe_load(f.read_text(encoding="utf-8"))}
        for s in found:
            if "reply_date" in s:
                assert 0 <= (s["reply_date"] - s["received"]).days <= 10 and s["outcome"], s["id"]
            if s.get("outcome") == "采纳":
                assert decisions[s["decision"]]["origin"] == "党员群众建议", s["id"]
        # every decision put forward by villagers has the suggestion it came from
        from_villagers = {i for i, d in decisions.items() if d["origin"] == "党员群众建议"}
        assert from_villagers == {s["decision"] for s in found if s.get("decision")}, vdir.name
    assert sum(1 for vdir in VILLAGES for s in sample_suggestions(vdir)
               if "reply_date" not in s and (SAMPLE_DAY - s["received"]).days > 10) >= 3  # the 督查 page has some


def test_the_board_lists_a_villages_suggestions_unanswered_past_due_first(sample_site):
    for vdir in VILLAGES:
        rel = vdir.relative_to(REPO / "villages").as_posix()
        html = (sample_site / rel / "index.html").read_text(encoding="utf-8")
        section = html[html.index('<section aria-labelledby="suggestions">'):]
        section = section[:section.index("</section>")]
        found = sample_suggestions(vdir)
        late = sorted((s for s in found if "reply_date" not in s and (SAMPLE_DAY - s["received"]).days > 10),
                      key=lambda s: s["received"])
        said = text(section)
        on_time = sum(1 for s in found if "reply_date" in s)
        assert f"群众建议 （{len(found)} 条，按时答复 {on_time} 条，采纳 {sum(s.get('outcome') == '采纳' for s in found)} 条" in said
        titles = [m.split('">', 1)[1].split("</a>", 1)[0] for m in section.split('<a class="gk-title" href="')[1:]]
        assert sorted(titles) == sorted(s["summary"] for s in found)
        if late:
            assert titles[:len(late)] == [s["summary"] for s in late]
            assert f"逾期未答复 {(SAMPLE_DAY - late[0]['received']).days - 10} 天" in said


def test_a_suggestions_page_says_when_it_was_due_and_links_its_decision(sample_site):
    vdir = REPO / "villages" / "nanzhao" / "nanhedian" / "longwangmiao"
    s = next(s for s in sample_suggestions(vdir) if s.get("outcome") == "采纳")
    page = text((sample_site / "nanzhao/nanhedian/longwangmiao" / f"{s['id']}.html").read_text(encoding="utf-8"))
    due = s["received"] + timedelta(days=10)
    assert f"应答复日期 {due.year}年{due.month}月{due.day}日（收到后 10 天内）" in page
    assert f"收到后第 {(s['reply_date'] - s['received']).days} 天" in page
    decision = next(d for f in (vdir / "decisions").glob("*.yml") for d in yaml.safe_load(f.read_text(encoding="utf-8"))
                    if d["id"] == s["decision"])
    assert f"对应决策 {decision['title']}" in page


def test_the_areas_count_suggestions_and_the_open_data_has_them(sample_site):
    township = text((sample_site / "nanzhao/nanhedian/index.html").read_text(encoding="utf-8"))
    found = [s for vdir in VILLAGES if vdir.parent.name == "nanhedian" for s in sample_suggestions(vdir)]
    adopted = sum(s.get("outcome") == "采纳" for s in found)
    assert f"群众建议 {len(found)} 条（按时答复 {sum('reply_date' in s for s in found)} 条，采纳 {adopted} 条）" in township
    ducha = text((sample_site / "nanzhao/ducha/index.html").read_text(encoding="utf-8"))
    assert "建议逾期未答复" in ducha and "群众建议收到后 10 天内答复" in ducha

    vdir = REPO / "villages" / "nanzhao" / "nanhedian" / "longwangmiao"
    rows = list(csv.DictReader(io.StringIO((sample_site / "nanzhao/nanhedian/longwangmiao/data/suggestions.csv")
                                           .read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == [s["id"] for s in sample_suggestions(vdir)]
    assert all(r["summary"] for r in rows)


def test_the_clerks_guide_has_the_suggestions_page_in_its_nav(sample_site):
    home = (sample_site / "guide" / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav'):]
    assert nav.index("办结事项") < nav.index("群众建议") < nav.index("照片和扫描件")
    page = text((sample_site / "guide" / "suggestions" / "index.html").read_text(encoding="utf-8"))
    assert "suggestion_reply_days" in page and "收到渠道" in page  # the field table walked from the kind's spec


@pytest.mark.parametrize("summary", ['<script>alert("x")</script>建议修路'])
def test_a_suggestion_from_yaml_is_escaped(tmp_path, summary):
    from gongkai.render import pages as render

    root = write_tree(tmp_path)
    suggestions_file(root, EXAMPLE.replace("村东空地常年堆放杂物，建议清理后修建文化广场", f"'{summary}'"))
    result = check_tree(root, TODAY)
    village = result.tree.villages[0]
    ctx = render.Context(result.tree, TODAY, str(tmp_path))
    page = render.record_page(village, village.suggestions[0], ctx)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;建议修路" in page
