"""The board a villager can read on a cheap phone: axe-core finds no WCAG 2.1 A/AA violation on every
kind of page, at 360x640 and 1280x800; text can be doubled (适老化) without sideways scrolling; body
text, muted text, links and badges reach 4.5:1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO
from gongkai.kinds.pledges import PLEDGE_STATUSES

AXE = REPO / "tools" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = [(360, 640), (1280, 800)]

# Hand-written and theme pages, by URL; record and notice pages are picked from the built site (see pages).
FIXED = {
    "home": "",
    "explainer": "siyi-liangkai/",
    "guide": "guide/check/",
}
RECORD_KINDS = {"decision": "decisions", "funds": "funds", "pledge": "pledges", "completed": "completed"}  # kind: folder
# The printable notices (公示), as a villager opens them: a record page is its own notice, and the
# address that names one shows it alone on screen (a decision's 决议公开 and 实施结果公开; a fund
# period's page is its 财务公开 notice, #caiwu-a3 the way to print it on A3).
NOTICES = {"jueyi-notice": "#jueyi", "jieguo-notice": "#jieguo", "funds-notice": "#caiwu-a3"}


def _village() -> tuple[str, str, str]:
    village = sorted(REPO.glob("villages/*/*/*/village.yml"))[0].parent
    rel = village.relative_to(REPO / "villages").as_posix()
    county, township, _ = rel.split("/")
    return county, township, rel


# What makes a record page worth testing: the more of its template it shows, the better.
MARKERS = {
    "decision": ("办结情况", "尚未进行", "三方议事", "gk-summary", "会议记录", 'class="gk-n gk-n-jueyi"', "gk-gallery"),
    "funds": ("gk-ledger", "说明：", "gk-closing", "gk-gallery"),
    "pledge": ("期限调整", "gk-overdue", "<del>", "兑现佐证", "群众评议"),
    "completed": ("对应决策", "资金来源", "gk-summary", "花费"),
}
SOURCE = re.compile(r"数据来源：本村\d{4}年(\w+?)记录第 \d+ 行")  # a record page's footer: the file it came from
LABELS = {"decision": "决策", "funds": "财务公开", "pledge": "承诺", "completed": "办结事项"}  # kind: the footer's word


def _kind_of(page: Path) -> str | None:
    found = SOURCE.search(page.read_text(encoding="utf-8"))
    return next((kind for kind, label in LABELS.items() if found and found[1] == label), None)


@pytest.fixture(scope="module")
def pages(sample_site) -> dict[str, str]:
    county, township, rel = _village()
    found = {**FIXED, "county": f"{county}/", "township": f"{county}/{township}/", "village": f"{rel}/",
             "dashboard": f"{county}/ducha/"}
    amended = [p for p in sorted(sample_site.glob("*/*/*/*.html")) if 'id="amendments"' in p.read_text(encoding="utf-8")]
    assert amended, "the sample has a corrected record: its page must show the 更正记录"
    found["amended"] = amended[0].relative_to(sample_site).as_posix()
    duban = sorted(sample_site.glob("*/*/*/duban/index.html"))
    assert duban, "the sample has villages with overdue pledges: some village must have a 督办单"
    found["duban"] = duban[0].parent.relative_to(sample_site).as_posix() + "/"
    best: dict[str, tuple[int, str]] = {}
    both = []  # decisions with both notices
    for page in sorted((sample_site / rel).glob("*.html")):
        kind = _kind_of(page)
        if kind:
            text = page.read_text(encoding="utf-8")
            score = sum(m in text for m in MARKERS[kind])
            if kind not in best or score > best[kind][0]:
                best[kind] = (score, f"{rel}/{page.name}")
            if 'class="gk-n gk-n-jueyi"' in text and 'class="gk-n gk-n-jieguo"' in text:
                both.append(f"{rel}/{page.name}")
    for kind in RECORD_KINDS:
        assert kind in best, f"no {kind} record page under {rel} in the built site"
        found[kind] = best[kind][1]
    assert both, f"no decision under {rel} has both its notices (决议公开, 实施结果公开)"
    found["jueyi-notice"] = both[0] + NOTICES["jueyi-notice"]
    found["jieguo-notice"] = both[0] + NOTICES["jieguo-notice"]
    found["funds-notice"] = found["funds"] + NOTICES["funds-notice"]
    found["search"] = "search/?q=修路"  # the search page with its results shown
    return found


def axe_violations(page) -> list[dict]:
    assert AXE.is_file(), (f"{AXE} is missing: run `cd tools && npm ci` (or `make test`), "
                           "which installs the pinned axe-core")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))""",
        AXE_TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for n in v["nodes"][:8]:
            lines.append(f"    {n['target']}\n      {n['summary']}".replace("\n", "\n      "))
    return "\n".join(lines)


THEME = {*FIXED, "county", "township", "dashboard"}  # MkDocs Material pages; the others are gongkai's lean pages
KINDS = sorted([*THEME, "village", *RECORD_KINDS, *NOTICES, "duban", "amended", "search"])


@pytest.mark.parametrize("width, height", SIZES)
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_violation(browser, site_url, pages, kind, width, height):
    assert kind in pages, f"the site has templates for {kind} pages but the build wrote none"
    # bypass_csp: the lean pages' Content-Security-Policy (rightly) refuses the injected axe script
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 600,
                                  bypass_csp=True)
    page = context.new_page()
    # Material's script makes scrolling code blocks focusable after load: wait for it on theme pages
    wait = "networkidle" if kind in THEME else "load"
    response = page.goto(site_url + pages[kind], wait_until=wait)
    assert response is not None and response.status == 200
    if kind == "search":  # its results come from the index, after the page has loaded
        page.locator(".gk-hit").first.wait_for(timeout=15_000)
    violations = axe_violations(page)
    context.close()
    assert violations == [], f"axe-core on {pages[kind]} at {width}x{height}:\n{describe(violations)}"


def test_axe_really_finds_violations(browser, site_url):
    # Without this, an axe that never ran (or checked nothing) would make the test above pass vacuously.
    page = browser.new_page(bypass_csp=True)  # the home page's Content-Security-Policy refuses axe's script
    page.goto(site_url)
    page.set_content('<!doctype html><html lang="zh-CN"><head><title>坏页面</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                     '<p style="color:#bbb;background:#fff">看不清的字</p></main></body></html>')
    found = {v["id"] for v in axe_violations(page)}
    page.close()
    assert {"image-alt", "color-contrast"} <= found, found


# ---- 适老化: twice the text on a 360 px phone --------------------------------------------------

FITS = """heading => {
  const de = document.documentElement, vw = de.clientWidth, out = [];
  if (de.scrollWidth > vw) out.push(`page scrolls sideways: scrollWidth ${de.scrollWidth} > ${vw}`);
  const boxes = [[heading, document.querySelector(heading)], ...[...document.querySelectorAll('main table')]
                   .map((t, i) => [`table ${i + 1}`, t])];
  for (const [name, el] of boxes) {
    if (!el) { out.push(`${name} is missing`); continue; }
    if (name === heading && !el.getClientRects().length) { out.push(`${name} is not on screen`); continue; }
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > vw + 0.5) out.push(`${name} spans ${r.left}..${r.right} of ${vw}px`);
  }
  for (const el of document.querySelectorAll('main *')) {   // text cut off inside a box that hides it
    const s = getComputedStyle(el);
    if (s.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.tagName.toLowerCase()}.${el.className} overflows its own box`);
  }
  return out;
}"""

HEADING_SIZE = "sel => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize)"
ENLARGED = ["village", "decision", "funds", "pledge", "completed", *NOTICES]
# What says what the page is: its <h1>; at the address of one of a decision's notices, that notice's title
HEADING = {"jueyi-notice": ".gk-n-jueyi .gk-notice-title", "jieguo-notice": ".gk-n-jieguo .gk-notice-title"}


@pytest.mark.parametrize("kind", ENLARGED)
def test_doubled_text_fits_a_phone(browser, site_url, pages, kind):
    # The phone's "large text" setting: the root font size doubles, the screen stays 360 px wide.
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    page = context.new_page()
    page.goto(site_url + pages[kind])
    heading = HEADING.get(kind, "h1")
    before = page.evaluate(HEADING_SIZE, heading)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    after = page.evaluate(HEADING_SIZE, heading)
    assert after >= 1.9 * before, f"the text did not grow: {heading} {before}px -> {after}px"
    problems = page.evaluate(FITS, heading)
    context.close()
    assert problems == [], f"{pages[kind]} with the root font at 200% at 360px:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", ENLARGED)
def test_browser_zoom_200_fits_a_phone(browser, site_url, pages, kind):
    # Browser zoom at 200% on a 360 px phone: the page is laid out 180 CSS px wide, twice as sharp.
    context = browser.new_context(viewport={"width": 180, "height": 320}, device_scale_factor=2, has_touch=True)
    page = context.new_page()
    page.goto(site_url + pages[kind])
    problems = page.evaluate(FITS, HEADING.get(kind, "h1"))
    context.close()
    assert problems == [], f"{pages[kind]} zoomed 200% on a 360px phone:\n" + "\n".join(problems)


# ---- contrast, computed from the colours the browser really paints ------------------------------

CONTRAST = """sel => {
  const rgba = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = el => {       // composite every translucent background up to the page's white
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reduceRight((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  return [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length).map(el => {
    const bg = background(el), fg = over(rgba(getComputedStyle(el).color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return {text: el.textContent.trim().slice(0, 20), fg: getComputedStyle(el).color,
            bg: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`, ratio: (a + 0.05) / (b + 0.05)};
  });
}"""

CONTRASTED = {
    "body text": ".gk-main p:not([class]), .gk-facts dd",
    "muted text": ".gk-meta, .gk-sub, .gk-facts dt, .gk-lean small, .gk-foot p",
    "links": ".gk-main a, .gk-top a, .gk-foot a",
    "badges": ".gk-badge",
    "overdue": ".gk-overdue",
    "sample banner": ".gk-sample",
}


def test_contrast_formula_is_right(browser):
    page = browser.new_page()
    page.set_content('<p style="color:#777;background:#fff">x</p><p style="color:#000;background:#fff">y</p>')
    grey, black = (r["ratio"] for r in page.evaluate(CONTRAST, "p"))
    page.close()
    assert grey == pytest.approx(4.48, abs=0.01) and black == pytest.approx(21, abs=0.01)


# Every badge a decision or a pledge can wear, whether or not the sample shows it today.
BADGES = ["讨论中", "公示中", "实施中", "已完成", "未通过", *PLEDGE_STATUSES]


@pytest.mark.parametrize("what", sorted(CONTRASTED))
def test_village_board_contrast(browser, site_url, pages, what):
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(site_url + pages["village"])
    if what == "badges":
        page.evaluate("""statuses => { const item = document.querySelector('.gk-item');
            for (const s of statuses) { const b = document.createElement('span');
              b.className = 'gk-badge'; b.dataset.status = s; b.textContent = s; item.append(b); } }""", BADGES)
    found = page.evaluate(CONTRAST, CONTRASTED[what])
    page.close()
    assert found, f"no {what} on the village board: selector {CONTRASTED[what]!r} matches nothing"
    low = [f"{f['text']!r}: {f['fg']} on {f['bg']} = {f['ratio']:.2f}:1" for f in found if f["ratio"] < 4.5]
    assert low == [], f"{what} below 4.5:1:\n" + "\n".join(low)
