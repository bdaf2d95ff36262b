"""Real headless Chromium on a cheap phone's screen and a desktop: no request leaves the
machine, nothing scrolls sideways."""

from __future__ import annotations

import pytest
import yaml

from browserkit import guard_foreign
from conftest import REPO


def _pages():
    village = sorted(REPO.glob("villages/*/*/*/village.yml"))[0].parent
    rel = village.relative_to(REPO / "villages").as_posix()
    county, township, _ = rel.split("/")
    decision = sorted((village / "decisions").glob("*.yml"))[-1]
    funds = sorted((village / "funds").glob("*.yml"))[-1]
    first_id = lambda f: next(l.split(":", 1)[1].strip() for l in f.read_text(encoding="utf-8").splitlines() if l.startswith("- id:"))
    # the latest decision whose result was disclosed: its page holds both notices (决议公开, 实施结果公开)
    decisions = [d for f in sorted((village / "decisions").glob("*.yml")) for d in yaml.safe_load(f.read_text(encoding="utf-8"))]
    done = [d["id"] for d in decisions if d.get("resolution_disclosure") and d.get("result_disclosure")][-1]
    return {
        "home": "",
        "explainer": "siyi-liangkai/",
        "county": f"{county}/",
        "township": f"{county}/{township}/",
        "village": f"{rel}/",
        "decision": f"{rel}/{first_id(decision)}.html",
        "funds": f"{rel}/{first_id(funds)}.html",
        # a record page is its own printed notice (公示); the address that names a notice shows it alone
        "notice-jueyi": f"{rel}/{done}.html#jueyi",
        "notice-jieguo": f"{rel}/{done}.html#jieguo",
        "notice-jueyi-a3": f"{rel}/{done}.html#jueyi-a3",
        "notice-caiwu-a3": f"{rel}/{first_id(funds)}.html#caiwu-a3",  # a fund period's page is its notice
    }


PAGES = _pages()
# What says, on screen, what the page is: its <h1>; where the address names one of a decision's
# notices, that notice's own title (the page's <h1> and steps are set aside, as on paper).
TITLE = {"notice-jueyi": ".gk-n-jueyi .gk-notice-title", "notice-jieguo": ".gk-n-jieguo .gk-notice-title",
         "notice-jueyi-a3": ".gk-n-jueyi .gk-notice-title"}
END = (".gk-complain", ".gk-qr-code")  # the way to complain and the QR code, once for every notice
SHOWN = {
    "notice-jueyi": (".gk-n-jueyi .gk-items", ".gk-n-jueyi .gk-meetings", ".gk-n-jueyi .gk-period", *END),
    "notice-jueyi-a3": (".gk-n-jueyi .gk-items", ".gk-n-jueyi .gk-meetings", ".gk-n-jueyi .gk-period", *END),
    "notice-jieguo": (".gk-n-jieguo .gk-items", ".gk-n-jieguo .gk-period", *END),
    "notice-caiwu-a3": (".gk-law-f", ".gk-balance", ".gk-sum", ".gk-ledger", ".gk-period", ".gk-reviewers", *END),
}
OTHER = {"notice-jueyi": ".gk-n-jieguo", "notice-jieguo": ".gk-n-jueyi", "notice-jueyi-a3": ".gk-n-jieguo"}


@pytest.mark.parametrize("width, height", [(360, 640), (1280, 800)])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_stays_on_this_machine_and_fits(browser, site_url, kind, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 600)
    foreign = guard_foreign(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # CSP violations too
    response = page.goto(site_url + PAGES[kind], wait_until="networkidle")
    assert response is not None and response.status == 200
    assert foreign == []
    assert errors == []
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px at {width}px"
    title = page.locator(TITLE.get(kind, "h1")).first
    assert title.is_visible(), f"{PAGES[kind]}: {TITLE.get(kind, 'h1')} is not on screen"
    if kind in OTHER:  # the notice the address names, alone: not the other one
        assert title.inner_text().startswith("关于") and title.inner_text().endswith("的公示")
        assert page.locator(OTHER[kind]).count() >= 1 and not page.locator(OTHER[kind]).first.is_visible()
    for part in SHOWN.get(kind, ()):  # the notice as it will print, on screen: what it says, its QR code
        assert page.locator(part).first.is_visible(), f"{PAGES[kind]} at {width}px: {part} is not on screen"
    context.close()


def test_guard_really_sees_foreign_requests(browser, site_url):
    # Without this, a guard that never fires would make the test above pass vacuously.
    # bypass_csp: the page's Content-Security-Policy would (rightly) stop the image before the guard sees it
    context = browser.new_context(bypass_csp=True)
    foreign = guard_foreign(context)
    page = context.new_page()
    page.goto(site_url)
    page.set_content('<img src="https://example.invalid/x.png">')
    page.wait_for_timeout(300)
    assert foreign == ["https://example.invalid/x.png"]
    context.close()


def test_village_board_on_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    page = context.new_page()
    page.goto(site_url + PAGES["village"])
    for heading in ("决策公开", "财务公开", "承诺事项", "办结事项"):
        assert page.get_by_role("heading", name=heading).count() == 1
    # the fund table turns into cards: every cell still readable inside the screen
    cell = page.locator(".gk-cards td").first
    box = cell.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
    context.close()
