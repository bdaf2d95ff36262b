"""The village board as a villager reads it on a 360 px phone: where each decision stands among its
six steps, the overdue pledges first, a jump to each part, and links a finger can hit.

What the board should say is worked out here from the YAML (read with PyYAML), not by gongkai."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from browserkit import guard_foreign
from conftest import BUILD_DATE, REPO

TODAY = date.fromisoformat(BUILD_DATE)
STEPS = [("proposal", "提议"), ("consultation", "商议"), ("review", "审议"), ("resolution", "决议"),
         ("resolution_disclosure", "决议公开"), ("result_disclosure", "实施结果公开")]
VILLAGES = sorted(p.parent for p in (REPO / "villages").glob("*/*/*/village.yml"))
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
FINGER = 44  # px: the smallest target a thumb hits without hitting its neighbour
APART = 8  # px between two targets


def yaml_records(vdir, kind: str) -> list[dict]:
    out = []
    for f in sorted((vdir / kind).glob("*.yml")):
        out += yaml.safe_load(f.read_text(encoding="utf-8")) or []
    return out


def rel(vdir) -> str:
    return vdir.relative_to(REPO / "villages").as_posix()


def where_it_stands(d: dict) -> str:
    """第 N 步…已完成，下一步：… (or 六步都已完成) as a villager would say it, from the decision's YAML."""
    merged = bool((d.get("proposal") or {}).get("merged_consultation"))
    failed = any((d.get(k) or {}).get("agree") is not None and not passed(d[k]) for k, _ in STEPS[:4])
    if failed:
        return "未获通过，不再进行"
    done = [(n, label) for n, (k, label) in enumerate(STEPS, 1) if d.get(k) or (k == "consultation" and merged)]
    todo = [label for n, (k, label) in enumerate(STEPS, 1) if not d.get(k) and not (k == "consultation" and merged)]
    if not todo:
        return "六步都已完成"
    return (f"第 {done[-1][0]} 步{done[-1][1]}已完成" if done else "尚未开始") + f"，下一步：{todo[0]}"


def passed(m: dict) -> bool:
    base = m["present"] if m.get("by_those_present") else m["expected"]
    return m["agree"] * 2 > base


def days_overdue(p: dict) -> int:
    deadline = (p.get("revisions") or [{}])[-1].get("deadline") or p["deadline"]
    return (TODAY - deadline).days if p["status"] == "未兑现" or (p["status"] != "已兑现" and TODAY > deadline) else 0


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    foreign = guard_foreign(context)
    yield context.new_page()
    assert foreign == []
    context.close()


def test_each_decision_says_where_it_stands_among_the_six_steps(sample_site):
    from htmltext import parse as parse_html, text

    seen = 0
    for vdir in VILLAGES:
        board = (sample_site / rel(vdir) / "index.html").read_text(encoding="utf-8")
        items = board.split('<section aria-labelledby="decisions">', 1)[1].split("</section>", 1)[0].split('<li class="gk-item')[1:]
        by_link = {parse_html(i).links[0][1].removesuffix(".html"): text(i) for i in items}
        for d in yaml_records(vdir, "decisions"):
            assert where_it_stands(d) in by_link[d["id"]], (rel(vdir), d["id"], by_link[d["id"]])
            seen += 1
    assert seen > 50


def test_overdue_pledges_come_first_the_longest_overdue_at_the_top(sample_site):
    from htmltext import parse as parse_html

    checked = 0
    for vdir in VILLAGES:
        pledges = yaml_records(vdir, "pledges")
        late = sorted((p for p in pledges if days_overdue(p) > 0), key=lambda p: -days_overdue(p))
        if not late:
            continue
        board = (sample_site / rel(vdir) / "index.html").read_text(encoding="utf-8")
        section = board.split('<section aria-labelledby="pledges">', 1)[1].split("</section>", 1)[0]
        order = [url.removesuffix(".html") for tag, url, _ in parse_html(section).links]
        assert order[: len(late)] == [p["id"] for p in late], (rel(vdir), order[:5])
        checked += 1
    assert checked >= 2, "the sample should have villages with overdue pledges"


def _boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, "els => els.filter(e => e.offsetParent).map(e => "
                                               "{const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height, t: e.textContent}})")


def _apart(a: dict, b: dict) -> float:
    """The gap between two boxes (0 when they touch or overlap)."""
    dx = max(b["x"] - (a["x"] + a["w"]), a["x"] - (b["x"] + b["w"]), 0)
    dy = max(b["y"] - (a["y"] + a["h"]), a["y"] - (b["y"] + b["h"]), 0)
    return max(dx, dy)


def test_the_board_jumps_to_each_part_with_targets_a_finger_can_hit(phone, site_url):
    vdir = VILLAGES[0]
    phone.goto(f"{site_url}{rel(vdir)}/", wait_until="networkidle")
    jumps = _boxes(phone, ".gk-jump a")
    assert [j["t"] for j in jumps][:4] == ["决策", "财务", "承诺", "办结"]
    for j in jumps:
        assert j["w"] >= FINGER and j["h"] >= FINGER, j
    for a, b in zip(jumps, jumps[1:]):
        assert _apart(a, b) >= APART, (a, b)
    # the jump bar is on the first screen, and a tap brings the part to the top
    assert jumps[-1]["y"] + jumps[-1]["h"] <= PHONE["viewport"]["height"]
    phone.tap(".gk-jump a[href='#pledges']")
    phone.wait_for_function("Math.abs(document.getElementById('pledges').getBoundingClientRect().top) < 5")


@pytest.mark.parametrize("which", ["board", "record"])
def test_links_to_move_around_are_a_fingers_size(phone, site_url, which):
    vdir = VILLAGES[0]
    record = yaml_records(vdir, "decisions")[0]["id"]
    phone.goto(f"{site_url}{rel(vdir)}/" + ("" if which == "board" else f"{record}.html"), wait_until="networkidle")
    targets = _boxes(phone, ".gk-home, .gk-crumbs a, .gk-find, .gk-jump a, .gk-item > .gk-title")
    assert len(targets) >= (8 if which == "board" else 3)
    small = [t for t in targets if t["h"] < FINGER or t["w"] < FINGER]
    assert small == [], small[:3]
    crumbs = _boxes(phone, ".gk-home, .gk-find, .gk-crumbs a")
    for a, b in zip(crumbs, crumbs[1:]):
        assert _apart(a, b) >= APART, (a, b)


# What a villager taps on the theme's pages: the header's buttons, the menu's lines, the place each
# table row is about and every phone number. A link inside a sentence is text, and is left as it is.
THEME_TARGETS = (".md-header__button, .md-nav--primary .md-nav__link, .md-typeset td > a, .md-typeset th > a,"
                 " .md-typeset a[href^='tel:']")


@pytest.mark.parametrize("where", ["home", "guide", "county", "township", "dashboard"])
def test_the_theme_pages_too_are_tapped_with_a_finger(phone, site_url, where):
    county, township = rel(VILLAGES[0]).split("/")[:2]
    path = {"home": "", "guide": "guide/", "county": f"{county}/", "township": f"{county}/{township}/",
            "dashboard": f"{county}/ducha/"}[where]
    phone.goto(site_url + path, wait_until="networkidle")
    phone.tap("label.md-header__button[for=__drawer]")  # the menu open: its lines are on screen
    phone.wait_for_timeout(300)
    targets = [t for t in _boxes(phone, THEME_TARGETS) if t["w"] and t["h"]]
    assert len(targets) >= 8, targets
    small = [t for t in targets if t["h"] < FINGER or t["w"] < FINGER]
    assert small == [], small[:3]
    header = _boxes(phone, ".md-header__button")
    for a, b in zip(header, header[1:]):
        assert _apart(a, b) >= APART, (a, b)


def test_a_township_row_reads_as_one_line_on_a_phone(phone, site_url):
    county, township = rel(VILLAGES[0]).split("/")[:2]
    phone.goto(f"{site_url}{county}/{township}/", wait_until="networkidle")
    cells = phone.eval_on_selector_all("td[data-label='承诺'] > span", "els => els.map(e => e.innerText)")
    assert cells
    for c in cells:  # （已兑现 13，逾期 0）: no gaps inside the brackets
        assert "（已兑现" in c and "  " not in c and " ）" not in c and "， " not in c, c


JARGON = ("CSV", "JSON", "Frictionless", "datapackage", ".yml", "villages/", "统计用区划代码")


def test_a_villager_reads_no_file_names_or_jargon(sample_site):
    from htmltext import text

    vdir = VILLAGES[0]
    county, township, _ = rel(vdir).split("/")
    decision = next(d for v in VILLAGES for d in yaml_records(v, "decisions") if d.get("three_party"))
    owner = next(v for v in VILLAGES if decision in yaml_records(v, "decisions"))
    pages = {
        "board": sample_site / rel(vdir) / "index.html",
        "funds": sample_site / rel(vdir) / f"{yaml_records(vdir, 'funds')[0]['id']}.html",
        "three-party": sample_site / rel(owner) / f"{decision['id']}.html",
        "township": sample_site / county / township / "index.html",
    }
    for name, path in pages.items():
        body = text(path.read_text(encoding="utf-8"))
        assert not [w for w in JARGON if w in body], (name, [w for w in JARGON if w in body])
    # where a record came from, in words a clerk still reads as a file: 本村2024年决策记录第 N 行
    assert re.search(r"数据来源：本村\d{4}年财务公开记录第 \d+ 行", text(pages["funds"].read_text(encoding="utf-8")))
    # the meeting before the six steps is not "step 0"
    steps = text(pages["three-party"].read_text(encoding="utf-8"))
    assert "前 三方议事" in steps and "0 三方议事" not in steps


def test_a_township_year_is_a_plain_fold_not_a_note_box(phone, site_url):
    county, township = rel(VILLAGES[0]).split("/")[:2]
    phone.goto(f"{site_url}{county}/{township}/", wait_until="networkidle")
    look = phone.eval_on_selector("details.gk-year", """d => ({
        icon: getComputedStyle(d.querySelector('summary'), '::before').display,
        border: getComputedStyle(d).borderLeftWidth, shadow: getComputedStyle(d).boxShadow})""")
    assert look == {"icon": "none", "border": "0px", "shadow": "none"}, look


def test_the_home_pages_villages_are_buttons_a_finger_can_hit(phone, site_url):
    phone.goto(site_url, wait_until="networkidle")
    links = _boxes(phone, ".gk-directory a")
    assert len(links) >= len(VILLAGES) + 2, len(links)  # every village, every township and county
    small = [a for a in links if a["h"] < FINGER or a["w"] < FINGER]
    assert small == [], small[:3]
    villages = _boxes(phone, ".gk-dir-villages a")
    for a, b in zip(villages, villages[1:]):
        assert _apart(a, b) >= APART, (a, b)
