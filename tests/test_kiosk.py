"""Kiosk mode (触摸屏) for the touch screens in service centres.

The sample is built as a site is, and its kiosk pages are checked against the YAML (read with plain
PyYAML). Then real headless Chromium plays the screen, at 1920x1080 with touch: the loop turns by
itself; a tap pauses it and the idle timeout brings it back; a new version file reloads the screen
exactly once and a failing server never; every touch target measures at least 48x48 px with 8 px to
the next; text is at least 32 px; axe-core finds nothing; no request leaves 127.0.0.1. Timings are
shortened through the page's query parameters, as a technician would, never by editing code. The
guide's own commands (the local server, the update script, the Chromium flags) are run as written.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from browserkit import ARGS, CHROMIUM, guard_foreign
from conftest import BUILD_DATE, REPO, mkdocs_build
from gongkai.render import csp, kiosk, pages as render
from gongkai.check.checker import check_tree
from gongkai.check.examples import write_tree
from htmltext import parse as parse_html, text
from test_a11y import CONTRAST, axe_violations, describe
from tinytree import tiny_project

TODAY = date.fromisoformat(BUILD_DATE)
DATA = REPO / "villages"
GUIDE = REPO / "content" / "guide" / "kiosk.md"
SETTINGS = kiosk.Settings()  # the shipped mkdocs.yml keeps the defaults
VIEWPORT = {"width": 1920, "height": 1080}


# -- the sample's YAML, read without gongkai -----------------------------------------------------


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def yaml_records(vdir: Path, kind: str) -> list[dict]:
    return [r for f in sorted((vdir / kind).glob("*.yml")) for r in load(f)]


def days_late(p: dict) -> int:
    deadline = (p.get("revisions") or [{}])[-1].get("deadline") or p["deadline"]
    return (TODAY - deadline).days if p["status"] != "已兑现" and deadline < TODAY else 0


def period_label(period: str) -> str:
    part = period[5:]
    return f"{period[:4]}年" + (f"第{'一二三四'[int(part[1]) - 1]}季度" if part.startswith("Q") else f"{int(part)}月")


def amount(value) -> str:
    return f"¥{Decimal(str(value)):,.2f}"


VILLAGE_DIRS = sorted(p.parent for p in DATA.glob("*/*/*/village.yml"))
REL = {v: v.relative_to(DATA).as_posix() for v in VILLAGE_DIRS}
# the screen under test: the first village with an overdue pledge, so every kind of slide shows
HOME_DIR = next(v for v in VILLAGE_DIRS if any(days_late(p) for p in yaml_records(v, "pledges")))
PAGE = f"kiosk/{REL[HOME_DIR]}/"
TOWNSHIP_PAGE = posixpath.dirname(PAGE.rstrip("/")) + "/"
COUNTY_PAGE = posixpath.dirname(TOWNSHIP_PAGE.rstrip("/")) + "/"

SLIDE = re.compile(r'<section class="gk-k-slide[^"]*"[^>]*>(.*?)</section>', re.S)
PLACE = re.compile(r'<span class="gk-k-place">([^<]*)</span>')


def html_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def slides_of(site: Path, url: str) -> list[str]:
    return [text(s) for s in SLIDE.findall(html_of(site, url))]


# -- what the build writes ---------------------------------------------------------------------


def area_pages() -> tuple[set[str], set[str]]:
    """(the county choosers, the township and village screens) the sample must have, from its folders."""
    counties = {f"kiosk/{p.parent.name}/" for p in DATA.glob("*/county.yml")}
    screens = {f"kiosk/{p.parent.relative_to(DATA).as_posix()}/" for p in DATA.glob("*/*/township.yml")}
    return counties, screens | {f"kiosk/{rel}/" for rel in REL.values()}


def test_the_chooser_reaches_every_village_and_township(sample_site):
    counties, screens = area_pages()
    seen, todo = set(), ["kiosk/"]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        for tag, href, _ in parse_html(html_of(sample_site, url)).links:
            target = posixpath.normpath(url + href) + "/"
            if tag == "a" and target.startswith("kiosk/") and not urlsplit(href).scheme:
                todo.append(target)
    assert seen == {"kiosk/"} | counties | screens, (seen ^ ({"kiosk/"} | counties | screens))
    for url in screens:  # where a screen may be started: its home, which an idle screen goes back to
        assert re.search(r"<body [^>]*data-entry>", html_of(sample_site, url)), url


def test_the_playlists_hold_what_is_current_in_the_yaml(sample_site):
    within = timedelta(days=SETTINGS.recent_days)
    found = {"overdue": 0, "running": 0, "kept": 0, "completed": 0}
    for vdir in VILLAGE_DIRS:
        shown = slides_of(sample_site, f"kiosk/{REL[vdir]}/")
        name = load(vdir / "village.yml")["name"]
        assert shown and f"{name}村务公开栏" in shown[0], shown[:1]
        assert len(shown) <= SETTINGS.max_slides

        def on_a_slide(*words):
            return any(all(w in s for w in words) for s in shown)

        for p in yaml_records(vdir, "pledges"):
            if late := days_late(p):
                assert on_a_slide(p["what"], f"已逾期 {late} 天"), (vdir, p["id"], late)
                found["overdue"] += 1
            elif p["status"] == "已兑现" and TODAY - within <= p["kept_on"] <= TODAY:
                assert on_a_slide(p["what"], "已兑现"), (vdir, p["id"])
                found["kept"] += 1
        for d in yaml_records(vdir, "decisions"):
            disclosure = d.get("resolution_disclosure")
            running = disclosure and disclosure["start"] <= TODAY <= disclosure["end"]
            if running or "resolution" not in d:  # in disclosure, or still being decided
                assert on_a_slide("决策公开", d["title"]), (vdir, d["id"])
                found["running"] += 1
        for c in yaml_records(vdir, "completed"):
            if TODAY - within <= c["date"] <= TODAY:
                assert on_a_slide("办结事项", c["title"]), (vdir, c["id"])
                found["completed"] += 1
        funds = [f for f in yaml_records(vdir, "funds") if f["published"] <= TODAY]
        if funds:
            latest = max(funds, key=lambda f: f["period"])
            income = sum((Decimal(str(e.get("income", 0))) for e in latest["entries"]), Decimal(0))
            expense = sum((Decimal(str(e.get("expense", 0))) for e in latest["entries"]), Decimal(0))
            assert on_a_slide(f"{period_label(latest['period'])}财务收支", f"本期收入 {amount(income)}",
                              f"本期支出 {amount(expense)}", f"期末余额 {amount(latest['closing_balance'])}"), vdir
            # 支出最多 names the largest payment itself, not a category's total
            paid = [e for e in latest["entries"] if e.get("expense")]
            if paid:
                top = max(paid, key=lambda e: Decimal(str(e["expense"])))
                assert on_a_slide("支出最多", top["summary"][:20], amount(top["expense"])), vdir
    assert all(found.values()), f"the sample should show every kind of current item: {found}"


def test_a_township_loop_takes_its_villages_in_turn(sample_site):
    townships = sorted({v.parent for v in VILLAGE_DIRS})
    assert any(len([v for v in VILLAGE_DIRS if v.parent == t]) > 1 for t in townships)
    for tdir in townships:
        names = [load(v / "village.yml")["name"] for v in VILLAGE_DIRS if v.parent == tdir]
        places = PLACE.findall(html_of(sample_site, f"kiosk/{tdir.relative_to(DATA).as_posix()}/"))
        assert sorted(places[: len(names)]) == sorted(names), (tdir, places)


def test_a_village_with_few_current_items_shows_its_latest(tmp_path):
    # the tiny village's records are from 2024: only the fund period and an overdue pledge are current
    village = check_tree(write_tree(tmp_path / "some"), TODAY).tree.villages[0]
    kinds = [s.kind for s in kiosk.village_playlist(village, TODAY, SETTINGS)]
    assert kinds == ["概况", "决策公开", "财务公开", "承诺事项", "办结事项", "群众建议"]
    empty = write_tree(tmp_path / "none", decisions="", funds="", pledges="", completed="", suggestions="")
    village = check_tree(empty, TODAY).tree.villages[0]
    assert [s.kind for s in kiosk.village_playlist(village, TODAY, SETTINGS)] == ["概况"]


@pytest.mark.parametrize("text, days", [
    ("周一", "1"), ("周日", "0"), ("周末轮值", "6 0"), ("周一至周五", "1 2 3 4 5"), ("星期六、星期天", "6 0"),
    ("节假日", ""),
])
def test_duty_roster_days_are_worked_out_at_build_time(text, days):
    assert kiosk.weekdays(text) == days


def test_every_kiosk_page_carries_the_policy_and_only_the_kiosk_script(sample_site):
    pages = sorted((sample_site / "kiosk").rglob("index.html"))
    assert len(pages) == 1 + sum(map(len, area_pages()))
    version = json.loads((sample_site / kiosk.VERSION_FILE).read_text(encoding="utf-8"))["version"]
    for path in pages:
        html = path.read_text(encoding="utf-8")
        # the lean pages' policy: script-src falls back to default-src 'self', so the kiosk's own
        # file runs and no inline script, eval or other host does
        assert f'<meta http-equiv="Content-Security-Policy" content="{csp.lean_policy()}">' in html, path
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert len(scripts) == 1 and scripts[0][1] == "", (path, scripts)
        # named by its content (a new script is a new URL, never a stale copy): no ?v= query
        assert re.search(rf'src="(\.\./)+{re.escape(kiosk.JS_PATH)}"', scripts[0][0]), scripts
        assert re.search(rf'href="(\.\./)+{re.escape(kiosk.CSS_PATH)}"', html), path
        assert re.search(rf'href="(\.\./)+{re.escape(render.CSS_PATH)}"', html), path
        assert f'data-version="{version}"' in html, path
        for asset in (kiosk.JS_PATH, kiosk.CSS_PATH, render.CSS_PATH):
            assert (sample_site / asset).is_file(), asset
        assert not re.search(r"<style|\sstyle=|\son\w+=|javascript:", html, re.I), path
        for _, href, _ in parse_html(html).links:
            assert not urlsplit(href).scheme and not href.startswith("//"), (path, href)
    js = (render.STATIC / "kiosk.js").read_text(encoding="utf-8")
    for risky in ("eval(", "Function(", "innerHTML", "insertAdjacentHTML", "document.write", ".style", "setAttribute(\"style"):
        assert risky not in js, risky
    rules = re.sub(r"/\*.*?\*/", "", (render.STATIC / "kiosk.css").read_text(encoding="utf-8"), flags=re.S)
    assert ":hover" not in rules, "a touch screen has no hover: no control may need it"


def test_the_version_is_the_builds_inputs(sample_site, tmp_path):
    written = json.loads((sample_site / kiosk.VERSION_FILE).read_text(encoding="utf-8"))
    assert written["built"] == BUILD_DATE and re.fullmatch(r"[0-9a-f]{16}", written["version"])

    def version(data: Path, today=TODAY, settings=SETTINGS) -> str:
        ctx = render.Context(check_tree(data, today).tree, today, str(data.parent))
        return kiosk.build_version(ctx, settings)

    copy = tmp_path / "villages"
    shutil.copytree(DATA, copy)
    assert version(DATA) == version(copy) == written["version"]  # the same inputs anywhere: no screen reloads
    assert version(copy, today=TODAY + timedelta(days=1)) != written["version"]
    assert version(copy, settings=kiosk.Settings(slide_seconds=20)) != written["version"]
    pledges = sorted((copy / REL[HOME_DIR] / "pledges").glob("*.yml"))[-1]
    pledges.write_text(pledges.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert version(copy) != written["version"]


def test_timings_come_from_mkdocs_yml(tmp_path):
    project = tiny_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    shipped = config.read_text(encoding="utf-8")
    assert "slide_seconds: 12" in shipped and "idle_seconds: 90" in shipped
    config.write_text(shipped.replace("slide_seconds: 12", "slide_seconds: 7.5").replace("idle_seconds: 90", "idle_seconds: 45"),
                      encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    page = next((tmp_path / "site" / "kiosk").glob("*/*/*/index.html")).read_text(encoding="utf-8")
    assert 'data-slide="7.5" data-idle="45" data-warn="10" data-poll="60"' in page
    config.write_text(shipped.replace("slide_seconds: 12", "slide_seconds: 0"), encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "refused")
    assert done.returncode != 0
    assert "kiosk.slide_seconds 应该是大于 0 的数" in done.stdout + done.stderr


def test_kiosk_files_stay_small(sample_site, capsys):
    """Figures for the record: the busiest village's kiosk page with its script and stylesheet."""
    gz = lambda p: len(gzip.compress(p.read_bytes(), compresslevel=9))  # noqa: E731
    pages = {p: gz(p) for p in (sample_site / "kiosk").glob("*/*/*/index.html")}
    busiest = max(pages, key=pages.get)
    js, css = sample_site / kiosk.JS_PATH, [sample_site / render.CSS_PATH, sample_site / kiosk.CSS_PATH]
    total = pages[busiest] + gz(js) + sum(map(gz, css))
    with capsys.disabled():
        print(f"\nkiosk: {busiest.relative_to(sample_site).parent} {busiest.stat().st_size / 1024:.1f} KB, "
              f"{pages[busiest] / 1024:.1f} KB gzipped; kiosk.js {js.stat().st_size / 1024:.1f} KB "
              f"({gz(js) / 1024:.1f} KB gzipped); stylesheets {sum(map(gz, css)) / 1024:.1f} KB gzipped; "
              f"{total / 1024:.1f} KB in all")
    assert total < 40 * 1024 and js.stat().st_size < 12 * 1024


# -- the screen, in real Chromium --------------------------------------------------------------


class Screen:
    """A 1920x1080 touch screen: one browser context, what it asked of other hosts, its errors and page loads."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport=VIEWPORT, has_touch=True, is_mobile=False, **options)
        self.foreign = guard_foreign(self.context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.loads: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("load", lambda p: self.loads.append(p.url))

    def open(self, url: str) -> Screen:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        # functions, not expressions: the page's policy refuses eval, which an expression would need
        self.page.wait_for_function("() => document.documentElement.dataset.kiosk")
        return self

    @property
    def state(self) -> str:
        return self.page.evaluate("document.documentElement.dataset.kiosk")

    @property
    def slide(self) -> str:
        return self.page.evaluate("document.documentElement.dataset.slide")

    def wait_for_state(self, state: str, timeout: float = 5000) -> None:
        self.page.wait_for_function("s => document.documentElement.dataset.kiosk === s", arg=state, timeout=timeout)

    def wait_for_next_slide(self, timeout: float = 3000) -> None:
        self.page.wait_for_function("s => document.documentElement.dataset.slide !== s", arg=self.slide, timeout=timeout)

    def touch(self) -> None:
        self.page.touchscreen.tap(VIEWPORT["width"] // 2, VIEWPORT["height"] * 2 // 3)


@pytest.fixture
def screen(browser):
    made: list[Screen] = []

    def make(**options) -> Screen:
        made.append(Screen(browser, **options))
        return made[-1]

    yield make
    for s in made:
        s.context.close()


def test_the_loop_turns_by_itself(screen, site_url):
    s = screen().open(site_url + PAGE + "?slide=0.5")
    assert s.state == "loop"
    seen = [s.slide]
    for _ in range(3):
        s.wait_for_next_slide()
        seen.append(s.slide)
        assert s.page.locator(".gk-k-slide:visible").count() == 1
    assert len(set(seen)) >= 3, seen
    for part in (".gk-k-phones", ".gk-k-duty"):  # the board header never leaves the screen
        assert s.page.locator(part).is_visible()
    assert s.foreign == [] and s.errors == []


def test_a_tap_pauses_the_loop_and_the_idle_timeout_brings_it_back(screen, site_url):
    s = screen().open(site_url + PAGE + "?slide=0.4&idle=2&warn=1.5")
    s.touch()
    assert s.state == "nav"
    paused = s.slide
    assert s.page.get_by_role("button", name="返回轮播").is_visible()
    s.page.wait_for_timeout(1200)  # three slide periods
    assert (s.state, s.slide) == ("nav", paused)
    s.page.get_by_role("button", name="财务").tap()  # any touch starts the idle time again
    touched = time.monotonic()
    assert s.page.locator("#p-funds").is_visible() and not s.page.locator("#p-decisions").is_visible()
    s.page.wait_for_timeout(1200)
    assert s.state == "nav"
    s.wait_for_state("warn")
    assert time.monotonic() - touched >= 1.9
    assert s.page.get_by_text("请触摸屏幕继续浏览").is_visible()
    assert "秒后回到轮播" in s.page.locator(".gk-k-countdown").inner_text()
    s.wait_for_state("loop")
    assert time.monotonic() - touched >= 3.4
    s.wait_for_next_slide()  # and it turns again
    assert s.foreign == [] and s.errors == []


def test_a_touch_during_the_warning_keeps_the_navigation(screen, site_url):
    s = screen().open(site_url + PAGE + "?slide=0.5&idle=1&warn=3")
    s.touch()
    s.page.get_by_role("button", name="承诺").tap()
    s.wait_for_state("warn")
    s.touch()  # the waking tap presses nothing that was under the warning
    assert s.state == "nav" and s.page.locator("#p-pledges").is_visible()
    assert s.page.locator(".gk-k-warn").is_hidden()
    assert s.foreign == [] and s.errors == []


def test_a_village_opened_from_its_township_goes_back_to_it(screen, site_url):
    s = screen().open(site_url + TOWNSHIP_PAGE + "?slide=0.5&idle=1&warn=1")
    s.touch()
    village = s.page.locator("#p-villages a").first
    href = village.get_attribute("href")
    village.tap()
    s.page.wait_for_url(site_url + TOWNSHIP_PAGE + href)
    s.wait_for_state("nav")  # a page reached by touch opens on its board
    assert s.page.get_by_role("link", name="返回首页").is_visible()
    s.page.wait_for_url(site_url + TOWNSHIP_PAGE + "?slide=0.5&idle=1&warn=1", timeout=6000)
    s.wait_for_state("loop")
    assert s.foreign == [] and s.errors == []


class Switchboard:
    """The built site on 127.0.0.1, with a kiosk/version.json the test switches: the same version,
    a new one, a 500, garbage, a dropped connection, or no server at all; and pages that fail."""

    ANSWERS = {
        "new": (200, b'{"version": "new-build", "built": "2026-11-23"}'),
        "500": (500, b"server error"),
        "garbage": (200, b"<html>not json"),
        "no-version": (200, b'{"built": "2026-11-23"}'),
    }

    def __init__(self, site: Path):
        self.mode = "same"
        self.rebuilt = False  # with "new": the pages say the new version too
        self.pages_fail = False
        self.polls = 0
        board = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if body.startswith(b"{") else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/" + kiosk.VERSION_FILE:
                    board.polls += 1
                    if board.mode == "drop":
                        return  # not a byte: the connection just closes
                    if board.mode in board.ANSWERS:
                        return self.reply(*board.ANSWERS[board.mode])
                elif path.endswith("/") and board.pages_fail:
                    return self.reply(500, b"server error")
                elif path.endswith("/") and board.rebuilt:
                    html = (site / path.lstrip("/") / "index.html").read_bytes()
                    return self.reply(200, re.sub(rb'data-version="[0-9a-f]+"', b'data-version="new-build"', html))
                return SimpleHTTPRequestHandler.do_HEAD(self) if self.command == "HEAD" else super().do_GET()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False


@pytest.fixture
def switchboard(sample_site):
    board = Switchboard(sample_site)
    yield board
    board.stop()


@pytest.mark.parametrize("mode, reloads", [
    ("same", 0), ("new", 1), ("rebuilt", 1), ("500", 0), ("garbage", 0), ("no-version", 0), ("drop", 0), ("refused", 0),
])
def test_a_new_version_reloads_once_and_a_failing_server_never(screen, switchboard, mode, reloads):
    s = screen().open(switchboard.url + PAGE + "?slide=0.5&poll=0.25")
    s.page.wait_for_timeout(800)
    assert s.loads == [switchboard.url + PAGE + "?slide=0.5&poll=0.25"] and switchboard.polls >= 2
    polls = switchboard.polls
    if mode == "refused":
        switchboard.stop()
    else:
        switchboard.mode = "new" if mode == "rebuilt" else mode
        switchboard.rebuilt = mode == "rebuilt"
    s.page.wait_for_timeout(3000)  # a dozen polls
    assert len(s.loads) == 1 + reloads, s.loads
    if mode != "refused":
        assert switchboard.polls >= polls + 6  # it kept asking, and stayed calm
    if mode == "rebuilt":
        assert s.page.evaluate("document.body.dataset.version") == "new-build"
    assert s.state == "loop" and s.page.locator("h1").is_visible()
    s.wait_for_next_slide()  # the screen is still there, and still turning
    assert s.foreign == []


def test_no_reload_while_someone_is_reading(screen, switchboard):
    s = screen().open(switchboard.url + PAGE + "?slide=0.5&poll=0.25")
    s.touch()
    switchboard.mode = "new"
    s.page.wait_for_timeout(1500)
    assert len(s.loads) == 1 and s.state == "nav"
    s.page.get_by_role("button", name="返回轮播").tap()
    s.page.wait_for_timeout(1500)
    assert len(s.loads) == 2
    assert s.foreign == []


def test_a_page_that_does_not_answer_is_never_opened(screen, switchboard):
    s = screen().open(switchboard.url + TOWNSHIP_PAGE + "?poll=60")
    s.touch()
    switchboard.pages_fail = True
    s.page.locator("#p-villages a").first.tap()
    status = s.page.get_by_role("status")
    status.get_by_text("网络暂时不通").wait_for()
    assert s.page.url == switchboard.url + TOWNSHIP_PAGE + "?poll=60" and len(s.loads) == 1
    assert s.page.locator("h1").is_visible()
    assert s.foreign == []


# What a reader at 1-2 m and a finger need, measured in the page as the browser lays it out.
TARGETS = """() => {
  const sel = 'a[href], button, [role=button], [tabindex], summary, input, select, textarea';
  const shown = [...document.querySelectorAll(sel)].filter(el => {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden')) return false;
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !top || el.contains(top);  // under the warning, nothing can be touched but the warning
  });
  const name = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${el.textContent.trim().slice(0, 12)}"`;
  const out = [];
  for (const el of shown) {
    const r = el.getBoundingClientRect();
    if (r.width < 48 || r.height < 48) out.push(`${name(el)} is ${r.width}x${r.height}`);
  }
  for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
    const [a, b] = [shown[i], shown[j]];
    if (a.contains(b) || b.contains(a)) continue;
    const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
    const gap = Math.max(q.left - p.right, p.left - q.right, q.top - p.bottom, p.top - q.bottom);
    if (gap < 8) out.push(`${name(a)} and ${name(b)} are ${gap}px apart`);
  }
  return {count: shown.length, problems: out};
}"""

TYPE = """() => {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let count = 0;
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el.getClientRects().length) continue;
    const s = getComputedStyle(el), size = parseFloat(s.fontSize), ratio = parseFloat(s.lineHeight) / size;
    count++;
    if (size < 32 || !(ratio >= 1.3)) out.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 12)}": ${size}px, line height ${ratio}`);
  }
  const body = getComputedStyle(document.body);
  return {count, problems: out, body: parseFloat(body.fontSize), ratio: parseFloat(body.lineHeight) / parseFloat(body.fontSize)};
}"""

TOUCH = """() => {
  const out = [];
  for (const el of [document.documentElement, ...document.querySelectorAll('*')]) {
    const t = getComputedStyle(el).touchAction;
    if (!['pan-x pan-y', 'none'].includes(t)) out.push(`${el.tagName.toLowerCase()}.${el.className}: touch-action ${t}`);
  }
  for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
    if ((rule.selectorText || '').includes(':hover')) out.push(`hover rule: ${rule.selectorText}`);
  const meta = document.querySelector('meta[name=viewport]').content;
  if (/user-scalable\\s*=\\s*no|maximum-scale/.test(meta)) out.push(`viewport meta: ${meta}`);
  const body = getComputedStyle(document.body);
  if (body.userSelect !== 'none') out.push(`body user-select ${body.userSelect}`);
  if (getComputedStyle(document.documentElement).overscrollBehaviorY !== 'none') out.push('the page can be pulled');
  for (const el of document.querySelectorAll('.gk-k-panel, .gk-k-main'))
    if (el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY === 'auto'
        && getComputedStyle(el).overscrollBehaviorY !== 'contain') out.push(`${el.className} scrolls on into the page`);
  if (document.documentElement.scrollHeight > innerHeight) out.push('the page itself scrolls');
  return out;
}"""


def reach(s: Screen, site_url: str, where: str) -> None:
    """Bring the screen to a state: the loop, a panel of the navigation, the warning, a chooser."""
    if where == "loop":
        s.open(site_url + PAGE + "?slide=600")
    elif where.startswith("nav-"):
        s.open(site_url + PAGE + "?slide=600")
        s.touch()
        s.page.locator(f'[data-panel="p-{where[4:]}"]').tap()
    elif where == "warning":
        s.open(site_url + PAGE + "?slide=600&idle=0.3&warn=600")
        s.touch()
        s.wait_for_state("warn")
    elif where == "township":
        s.open(site_url + TOWNSHIP_PAGE + "?slide=600")
        s.touch()
    else:
        s.open(site_url + {"chooser": "kiosk/", "county": COUNTY_PAGE}[where])


STATES = ["loop", "nav-decisions", "nav-funds", "nav-pledges", "nav-completed", "nav-people", "warning", "township",
          "chooser", "county"]


@pytest.mark.parametrize("where", STATES)
def test_every_state_reads_from_two_metres_and_takes_a_finger(screen, site_url, where):
    s = screen(bypass_csp=True)  # axe's script is injected: the page's policy (rightly) refuses it
    reach(s, site_url, where)
    targets = s.page.evaluate(TARGETS)
    assert targets["count"] > 0 and targets["problems"] == [], "\n".join(targets["problems"])
    kind = s.page.evaluate(TYPE)
    assert kind["count"] > 5 and kind["body"] >= 32 and kind["ratio"] >= 1.3, kind
    assert kind["problems"] == [], "\n".join(kind["problems"])
    assert s.page.evaluate(TOUCH) == []
    contrast = [c for c in s.page.evaluate(CONTRAST, "body *") if c["text"] and c["ratio"] < 4.5]
    assert contrast == [], contrast
    if where != "warning":
        for part in (".gk-k-board h1", ".gk-k-phones") if "nav" in where or where in ("loop", "township") else ():
            assert s.page.locator(part).is_visible()
    violations = axe_violations(s.page)
    assert violations == [], f"axe-core on {where}:\n{describe(violations)}"
    assert s.foreign == []


def test_no_slide_runs_off_any_screen(screen, site_url):
    s = screen()
    overflowing = []
    for url in sorted(area_pages()[1]):
        s.open(site_url + url + "?slide=600&poll=600")
        overflowing += s.page.evaluate("""url => {
          const slides = [...document.querySelectorAll('.gk-k-slide')], out = [];
          slides.forEach((slide, i) => {
            slides.forEach(other => { other.hidden = other !== slide; });
            const bar = document.querySelector('.gk-k-bar').getBoundingClientRect();
            if (slide.scrollHeight > slide.clientHeight + 1 || bar.bottom > innerHeight)
              out.push(`${url} slide ${i + 1} needs ${slide.scrollHeight}px of ${slide.clientHeight}px`);
          });
          return out;
        }""", url)
    assert overflowing == [], "\n".join(overflowing)
    assert s.foreign == [] and s.errors == []


def test_the_chooser_works_without_the_script(screen, site_url):
    s = screen(java_script_enabled=False)
    s.page.goto(site_url + "kiosk/")
    village = load(HOME_DIR / "village.yml")["name"]
    for name in (load(HOME_DIR.parent.parent / "county.yml")["name"], load(HOME_DIR.parent / "township.yml")["name"], village):
        with s.page.expect_navigation():
            s.page.get_by_role("link", name=name).first.tap()
    assert s.page.url == site_url + PAGE
    assert s.page.locator("h1").inner_text() == f"{village}村务公开栏"
    assert s.foreign == []


# -- the guide's commands, as written ----------------------------------------------------------


def guide_blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.S | re.M)


def guide_line(start: str) -> str:
    """The first command in the guide that starts so, continuation lines joined."""
    for block in guide_blocks("sh"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            if line.startswith(start):
                return line
    raise AssertionError(f"the guide has no command starting {start!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read()
        except OSError:
            assert time.monotonic() < deadline, f"nothing answers at {url}"
            time.sleep(0.2)


class Served:
    """The guide's server command, run on a free port against a folder."""

    def __init__(self, folder: Path):
        command = shlex.split(guide_line("python3 -m http.server"))
        assert command[:3] == ["python3", "-m", "http.server"] and "127.0.0.1" in command, command
        self.port = free_port()
        command = [sys.executable, *command[1:]]
        command[command.index("8080")] = str(self.port)
        command[command.index("--directory") + 1] = str(folder)
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def test_the_documented_server_serves_the_kiosk(sample_site):
    with Served(sample_site) as served:
        page = fetch(served.url + PAGE).decode("utf-8")
        version = json.loads(fetch(served.url + kiosk.VERSION_FILE))["version"]
        assert f'data-version="{version}"' in page


def test_the_documented_update_swaps_the_copy_in_one_step(sample_site, tmp_path):
    script = next(b for b in guide_blocks("sh") if b.startswith("#!/bin/sh"))
    (tmp_path / "update").write_text(script, encoding="utf-8")
    dest = tmp_path / "srv"

    def update(source: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", str(tmp_path / "update")], env={"PATH": "/usr/bin:/bin", "SRC": str(source), "DEST": str(dest)},
                              capture_output=True, text=True, timeout=120)

    first = update(sample_site)
    assert first.returncode == 0, first.stderr
    old = json.loads((sample_site / kiosk.VERSION_FILE).read_text(encoding="utf-8"))["version"]
    newer = tmp_path / "newer"
    shutil.copytree(sample_site, newer)
    (newer / kiosk.VERSION_FILE).write_text('{"version": "newer", "built": "2026-11-23"}', encoding="utf-8")
    half = tmp_path / "half"  # a download cut short: no version file
    shutil.copytree(sample_site / "assets", half / "assets")
    with Served(dest / "current") as served:
        assert json.loads(fetch(served.url + kiosk.VERSION_FILE))["version"] == old
        broken = update(half)
        assert broken.returncode != 0
        assert json.loads(fetch(served.url + kiosk.VERSION_FILE))["version"] == old  # the old copy stays
        for _ in range(3):
            assert update(newer).returncode == 0
        assert json.loads(fetch(served.url + kiosk.VERSION_FILE))["version"] == "newer"  # the same server, the new copy
        assert b"data-version" in fetch(served.url + PAGE)
    releases = sorted((dest / "releases").iterdir())
    assert len(releases) == 3 and (dest / "current").resolve() == releases[-1].resolve()


def test_the_documented_chromium_flags_run_the_kiosk(browser, site_url):
    command = shlex.split(guide_line("chromium --kiosk"))
    app = next(a for a in command if a.startswith("--app="))
    path = urlsplit(app.removeprefix("--app=")).path.lstrip("/")
    assert (DATA / path.removeprefix("kiosk/")).is_dir(), f"{app} is not a village of the sample"
    flags = [a for a in command[1:] if a != app]
    for needed in ("--kiosk", "--noerrdialogs", "--disable-background-networking", "--disable-translate",
                   "--overscroll-history-navigation=0", "--check-for-update-interval=31536000"):
        assert needed in flags, needed
    desktop = next(b for b in guide_blocks("ini") if "[Desktop Entry]" in b)
    assert f"Exec={' '.join(command)}" in desktop, "the autostart entry runs the command shown above"
    documented = browser.browser_type.launch(executable_path=CHROMIUM, args=[*flags, *(a for a in ARGS if a not in flags)])
    try:
        s = Screen(documented).open(site_url + path + "?slide=0.5")
        assert s.state == "loop"
        s.wait_for_next_slide()
        assert s.foreign == [] and s.errors == []
    finally:
        documented.close()


def test_the_guide_documents_every_setting():
    guide = GUIDE.read_text(encoding="utf-8")
    for name, default in vars(kiosk.Settings()).items():
        assert re.search(rf"^\| `{name}` \| {default:g} \|", guide, re.M), name
    for key in ("slide", "idle", "warn", "poll"):
        assert f"`{key}`" in guide


def test_a_village_page_made_beforehand_is_the_page_made_whole(monkeypatch):
    """A village's kiosk page is made with its other pages (in parallel, or kept from the last
    build) and takes the build's version when written: the same page as made whole. A village
    whose own text holds the version's slot mark is made whole, never cut at its text."""
    tree = check_tree(REPO / "villages", date.fromisoformat(BUILD_DATE)).tree
    ctx = render.Context(tree, date.fromisoformat(BUILD_DATE), str(REPO))
    settings = kiosk.Settings()
    whole = dict(kiosk.pages(ctx, settings, "0123456789abcdef"))
    made = {v.url: kiosk.village_page(v, ctx, settings) for v in tree.villages}
    assert all(made.values())
    assert dict(kiosk.pages(ctx, settings, "0123456789abcdef", made)) == whole
    village = tree.villages[0]
    monkeypatch.setattr(kiosk, "_SLOT", village.name)
    assert kiosk.village_page(village, ctx, settings) is None
    made[village.url] = None
    monkeypatch.undo()
    assert dict(kiosk.pages(ctx, settings, "0123456789abcdef", made)) == whole
