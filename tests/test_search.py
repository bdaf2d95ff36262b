"""Search as a villager uses it: reachable from every page, nothing downloaded until a search starts,
everyday words (修路) finding the records' words (道路硬化) through a synonym list kept as data that a
county extends, each record found once with its 核对码 shown once, ledger rows left out."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from browserkit import guard_foreign, serve
from conftest import BUILD_DATE, REPO, copy_project, mkdocs_build
from gongkai.render import search
from gongkai.model import synonyms
from gongkai.check.checker import check_tree
from gongkai.check.examples import write_tree
from gongkai.kinds.decisions import Decision
from gongkai.render.pages import record_url

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def tree():
    result = check_tree(REPO / "villages", date.fromisoformat(BUILD_DATE))
    assert result.ok
    return result.tree


def read_index(site: Path) -> tuple[dict, dict[str, list]]:
    """search/index.json, and every record line of every township's piece by its full path, its
    text as the page shows it: after its village's name, which the piece keeps once."""
    index = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))
    records: dict[str, list] = {}
    for shard in index["shards"]:
        piece = json.loads((site / "search" / shard["file"]).read_text(encoding="utf-8"))
        assert piece["at"] == shard["at"] and len(json.dumps(piece, ensure_ascii=False, separators=(",", ":")).encode()) == shard["bytes"]
        for line in piece["docs"]:
            assert piece["at"] + line[0] not in records, line  # once
            records[piece["at"] + line[0]] = [line[0], line[1], f'{piece["villages"][line[0].split("/")[0]]} · {line[2]}', *line[3:]]
    return index, records


@pytest.fixture(scope="module")
def index(sample_site):
    return read_index(sample_site)


# -- the index ------------------------------------------------------------------------------------


def test_every_record_is_in_its_townships_piece_once_and_every_board_is_a_place(tree, index):
    places, records = index[0]["places"], index[1]
    want = {record_url(v, r) for v in tree.villages for r in v.records() if r.id}
    assert set(records) == want and len(want) > 700
    for v in tree.villages:  # a village's records are in its own township's piece
        assert all(url.startswith(v.township.url) for url in records if url.startswith(v.url))
    boards = [p for p in places if p[0] in {v.url for v in tree.villages}]
    assert sorted(p[0] for p in boards) == sorted(v.url for v in tree.villages)
    assert {p[1] for p in boards} == {v.name for v in tree.villages}


def test_titles_and_summaries_are_found_ledger_rows_are_not(tree, index):
    records = index[1]
    checked_decisions = checked_periods = 0
    for village in tree.villages:
        for rec in village.records():
            url, title, text, codes = records[record_url(village, rec)]
            assert text.startswith(village.name)  # which village, in a list of a township's records
            if isinstance(rec, Decision):
                assert title == rec.title
                if rec.summary:
                    assert rec.summary[:15] in text
                    checked_decisions += 1
            elif rec.kind == "funds":
                assert f"收入{rec.income:,.2f}元" in text
                # 逐项逐笔 is on the record's page; a line per ledger row would bury the rest
                for e in rec.entries or []:
                    if e.summary and len(e.summary) >= 6:
                        assert e.summary not in text, (url, e.summary)
                checked_periods += 1
            assert len(text) <= search.TEXT_CHARS
    assert checked_decisions > 50 and checked_periods > 100


def test_the_hand_written_pages_are_found_by_their_sections(index):
    pages = {p[0]: p for p in index[0]["pages"]}
    assert any(url.startswith("guide/") and "#" in url for url in pages)
    assert any(title == "什么是四议两公开" for _, title, _ in pages.values())
    # the county and township pages are places, not their tables' thousands of rows
    assert not [url for url in pages if url.startswith("nanzhao/")]


def test_a_county_page_fetches_a_little_and_a_township_less(index, sample_site):
    """Nothing is fetched until a search starts; then index.json and one township's piece."""
    raw = (sample_site / "search" / "index.json").read_bytes()
    first = len(gzip.compress(raw, 9))
    pieces = [len(gzip.compress((sample_site / "search" / s["file"]).read_bytes(), 9)) for s in index[0]["shards"]]
    records = len(index[1])
    per_record = sum(pieces) / records
    print(f"search: index.json {len(raw):,} bytes ({first:,} gzipped); pieces {sum(pieces):,} gzipped, "
          f"{per_record:.1f} per record; the largest piece {max(pieces):,}")
    assert first <= 30_000  # the first search's download, places and guides and synonyms
    # a township's piece is fetched next: a 700-village county's (47,000 records) about 70 KB each
    assert per_record <= 60


def test_the_shipped_synonyms_are_valid_and_find_what_villagers_ask_for(tree, index):
    words = synonyms.shipped()
    assert index[0]["words"] == words
    for asked in ("修路", "低保", "分红", "补贴"):
        assert words[asked], asked
    # and they lead somewhere in the sample: each everyday word finds a record that does not contain it
    texts = [line[1] + line[2] for line in index[1].values()]
    for asked in ("修路", "分红", "补贴", "吃水"):
        assert any(asked not in t and any(w in t for w in words[asked]) for t in texts), asked


def test_a_countys_own_synonyms_are_checked_with_every_problem_at_its_line(tmp_path):
    data = write_tree(tmp_path)
    (data / "synonyms.yml").write_text("修路: [道路, 机耕路]\n低保:\n分红: [股金, [错]]\n晒场: {a: b}\n", encoding="utf-8")
    result = check_tree(data, date.fromisoformat(BUILD_DATE))
    found = [(d.code, d.line) for d in result.errors]
    assert found == [("GK217", 2), ("GK217", 3), ("GK217", 4)], found
    assert all("“" in d.message for d in result.errors)
    (data / "synonyms.yml").write_text("修路: [机耕路]\n晒场: [晾晒场, 晒坝]\n", encoding="utf-8")
    result = check_tree(data, date.fromisoformat(BUILD_DATE))
    assert result.ok
    assert result.tree.synonyms["修路"][-1] == "机耕路" and "道路" in result.tree.synonyms["修路"]
    assert result.tree.synonyms["晒场"] == ["晾晒场", "晒坝"]
    (data / "synonyms.yml").write_bytes("修路: [道路]\n".encode("gbk"))
    assert [d.code for d in check_tree(data, date.fromisoformat(BUILD_DATE)).errors] == ["GK102"]


# -- in the browser, as a villager ------------------------------------------------------------------


def _watch_index(page) -> list[str]:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/search/" in r.url and r.url.endswith(".json") else None)
    return fetched


def _results(page) -> list[dict]:
    page.wait_for_function("() => /^(找到|没有找到)/.test(document.getElementById('gk-status').textContent)"
                           " && !document.getElementById('gk-status').textContent.includes('正在')", timeout=15_000)
    return page.eval_on_selector_all(".gk-hit", """items => items.map(li => ({
        href: li.querySelector('a').href, title: li.querySelector('a').textContent, text: li.textContent}))""")


def search_from(page, query: str) -> list[dict]:
    link = page.locator("a.gk-find, a.gk-md-find").first
    box = link.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    link.click()
    page.wait_for_url("**/search/")
    page.locator("#gk-q").fill(query)
    page.locator("#gk-q").press("Enter")
    return _results(page)


def _pages_of_each_kind(tree) -> dict[str, str]:
    village = next(v for v in tree.villages if v.decisions)
    return {"home": "", "guide": "guide/decisions/", "county": village.county.url, "township": village.township.url,
            "dashboard": f"{village.township.url}ducha/", "board": village.url,
            "record": record_url(village, village.decisions[0]), "duban": f"{village.url}duban/index.html"}


def test_search_is_one_tap_away_on_every_page_and_nothing_is_fetched_before(browser, site_url, tree, sample_site):
    pages = _pages_of_each_kind(tree)
    assert (sample_site / pages["duban"]).is_file() or (pages.pop("duban") and True)
    for kind, path in pages.items():
        context = browser.new_context(viewport=PHONE, has_touch=True)  # a new one: nothing in its cache
        foreign = guard_foreign(context)
        page = context.new_page()
        fetched = _watch_index(page)
        page.goto(site_url + path, wait_until="networkidle")
        assert fetched == [], (kind, fetched)  # a page loads no index, not even the home page
        link = page.locator("a.gk-find, a.gk-md-find").first
        assert link.is_visible(), kind
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44 and box["y"] < 120, (kind, box)  # in the header
        link.click()
        page.wait_for_url(site_url + "search/")
        page.wait_for_load_state("networkidle")
        assert fetched == [], (kind, fetched)  # the search page too waits for a search
        page.locator("#gk-q").type("修")
        assert _results(page), kind  # the search ran
        assert site_url + "search/index.json" in fetched, kind
        assert foreign == []
        context.close()


def test_a_villager_finds_road_work_by_saying_xiulu(browser, site_url, tree):
    # a village whose township paved a road: the records say 道路/硬化, never 修路
    village, road = next((v, r) for v in tree.villages for r in v.records()
                         if getattr(r, "title", None) and "硬化" in r.title and "修路" not in r.title)
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(site_url + village.url, wait_until="networkidle")
    hits = search_from(page, "修路")
    hrefs = [h["href"] for h in hits]
    assert site_url + record_url(village, road) in hrefs
    assert len(hrefs) == len(set(hrefs))  # each record once
    for hit in hits:
        assert hit["text"].count("核对码") <= 1, hit  # the code once
    # the villager's own township first: its records lead the list
    first_record = next(h["href"] for h in hits if h["href"].endswith(".html"))
    assert first_record.startswith(site_url + village.township.url)
    status = page.locator("#gk-status").inner_text()
    assert "只搜了" in status and village.township.name in status
    assert "“修路”也搜了道路、" in status  # why a record that never says 修路 is found
    # and the rest of the county when asked, with the cost said first
    wider = page.locator("#gk-wider")
    assert re.search(r"其他 \d+ 个乡镇.*约 \d+ KB", wider.inner_text())
    box = wider.bounding_box()
    assert box["height"] >= 44
    before = len(hits)
    wider.click()
    page.wait_for_function("() => !document.getElementById('gk-status').textContent.includes('只搜了')"
                           " && !document.getElementById('gk-status').textContent.includes('正在')", timeout=15_000)
    assert int(re.search(r"找到 (\d+) 条", page.locator("#gk-status").inner_text())[1]) > before
    assert page.locator("#gk-wider").is_hidden()
    context.close()


def test_two_everyday_words_written_together_find_what_says_both(browser, site_url, index):
    """"修路分红" (no space between): a record about dividends that pays for road work answers it."""
    words = index[0]["words"]
    road, shares = ["修路", *words["修路"]], ["分红", *words["分红"]]
    want = {url for url, line in index[1].items()
            if any(w in line[1] + line[2] for w in road) and any(w in line[1] + line[2] for w in shares)}
    assert want  # the sample has such a record
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "search/?q=修路分红", wait_until="networkidle")
    found = {h["href"].removeprefix(site_url) for h in _results(page)}
    assert {url for url in found if url in index[1]} == want  # the records: exactly those that say both
    context.close()


def test_the_code_on_a_paper_notice_finds_its_record_typed_any_way(browser, site_url, tree, index):
    village = next(v for v in tree.villages if v.pledges)
    rec = village.pledges[0]
    url = record_url(village, rec)
    code = index[1][url][3].split(" ")[0]
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    for typed in (code, code.replace("-", "").lower(), code.replace("-", " ")):
        page.goto(site_url + "search/?q=" + typed, wait_until="networkidle")
        hits = _results(page)
        assert [h["href"] for h in hits] == [site_url + url], typed
        assert hits[0]["text"].count(code) == 1
    context.close()


def test_a_village_name_finds_its_board_from_the_home_page(browser, site_url, tree):
    village = tree.villages[-1]
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(site_url, wait_until="networkidle")
    hits = search_from(page, village.name.removesuffix("村"))
    assert hits[0]["href"] == site_url + village.url
    # from a page outside any township, every township's records are searched, the progress shown
    assert "只搜了" not in page.locator("#gk-status").inner_text()
    context.close()


def test_a_big_countys_records_are_fetched_from_the_home_page_only_when_asked(browser, site_url, index):
    """A county's records are megabytes: searched from outside any township, the page finds places
    and guides at once and asks before fetching the records, saying how much that is."""
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    # the sample is small (its records are fetched unasked): the page as a big county's would be
    small = re.compile(r'data-auto="\d+"')

    def as_big(route):
        body = route.fetch().text()
        assert small.search(body)
        route.fulfill(body=small.sub('data-auto="1000"', body), content_type="text/html; charset=utf-8")

    page.route("**/search/", as_big)
    fetched = _watch_index(page)
    page.goto(site_url, wait_until="networkidle")
    hits = search_from(page, "修路")
    assert fetched == [site_url + "search/index.json"]  # places and guides only
    assert all(not h["href"].endswith(".html") for h in hits)
    assert "各村的记录还没有搜" in page.locator("#gk-status").inner_text()
    pieces = index[0]["shards"]
    kb = round(sum(s["bytes"] for s in pieces) / 1024)
    assert page.locator("#gk-wider").inner_text() == f"在全部 {len(pieces)} 个乡镇的记录里搜（要下载约 {kb} KB）"
    page.locator("#gk-wider").click()
    hits = _results(page)
    assert len(fetched) == 1 + len(pieces)
    assert any(h["href"].endswith(".html") for h in hits) and page.locator("#gk-wider").is_hidden()
    context.close()


def test_a_countys_own_word_finds_its_records_and_text_stays_text(browser, tmp_path):
    project = copy_project(tmp_path / "project")
    # the county's word for a threshing floor, and a title a page must show as the text it is
    (project / "villages" / "synonyms.yml").write_text("# 本县的说法\n晒坝: [晾晒场]\n", encoding="utf-8")
    year = next((project / "villages").glob("*/*/*/decisions/2026.yml"))
    text = year.read_text(encoding="utf-8")
    title = re.search(r"^  title: (.+)$", text, re.M)[1]
    year.write_text(text.replace(f"  title: {title}", '  title: "<img src=x onerror=alert(1)>晾晒场"', 1), encoding="utf-8")
    site = tmp_path / "site"
    done = mkdocs_build(project, site, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    with serve(site) as url:
        context = browser.new_context(viewport=PHONE, has_touch=True)
        page = context.new_page()
        alerts = []
        page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
        page.goto(url + "search/?q=晒坝", wait_until="networkidle")
        hits = _results(page)
        assert "<img src=x onerror=alert(1)>晾晒场" in [h["title"] for h in hits]
        assert page.locator(".gk-hit img").count() == 0 and alerts == []
        context.close()
    shutil.rmtree(site)


def test_a_search_page_without_script_says_how_else_to_find_a_village(sample_site):
    page = (sample_site / "search" / "index.html").read_text(encoding="utf-8")
    assert "<noscript>" in page and 'href="../"' in page
    assert 'action="./"' in page and 'name="q"' in page
