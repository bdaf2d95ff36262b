"""Search in Chinese: every board and record can be found by its words, place names stay whole,
ledger rows stay out, and the index a phone downloads stays small."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from browserkit import guard_foreign
from conftest import BUILD_DATE, REPO
from gongkai import search
from gongkai.check import check_tree
from gongkai.model import Decision
from gongkai.render import lean_pages, record_url, Context

ZWSP = "\u200b"
# Issue "A whole county in seconds": 300 villages x 5 years is about 42,000 records and the
# index must stay under 2 MB gzipped, so each record's entry may cost about 48 bytes gzipped.
BYTES_PER_RECORD = 48
SAMPLE_INDEX_BUDGET = 150_000  # gzipped, the whole sample site's index, theme pages included


@pytest.fixture(scope="module")
def tree():
    from datetime import date

    result = check_tree(REPO / "villages", date.fromisoformat(BUILD_DATE))
    assert result.ok
    return result.tree


@pytest.fixture(scope="module")
def index(sample_site):
    return json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def words(s: str) -> list[str]:
    """The words Material's search makes of an entry: it splits at its separator, not only ZWSP."""
    return [w for w in re.split(search.SEPARATOR, s) if w]


def plain(s: str) -> str:
    return s.replace(ZWSP, "")


def test_every_board_and_record_is_indexed_once(tree, index):
    ctx = Context(tree, date_of_build(), str(REPO))
    # boards (<village>/) and record pages (<village>/<id>.html); a 督办单 is for the township, not a search
    pages = {path.removesuffix("index.html") for path, _ in lean_pages(ctx) if not path.endswith("/duban/index.html")}
    located = [d["location"] for d in index["docs"]]
    for page in pages:
        assert located.count(page) == 1, page
    assert len(pages) == len(tree.villages) + sum(1 for v in tree.villages for r in v.records() if r.id)
    assert {record_url(v, r) for v in tree.villages for r in v.records() if r.id} <= pages
    assert not [loc for loc in located if "/duban/" in loc or loc.endswith("/index.html")]


def test_titles_and_summaries_are_found_ledger_rows_are_not(tree, index):
    by_location = {d["location"]: d for d in index["docs"]}
    checked_decisions = checked_periods = 0
    for village in tree.villages:
        board = by_location[village.url]
        assert plain(board["title"]) == f"{village.name}村务公开栏"
        for rec in village.records():
            doc = by_location[record_url(village, rec)]
            if isinstance(rec, Decision):
                assert plain(doc["title"]) == rec.title
                if rec.summary:
                    assert rec.summary[:20] in plain(doc["text"])
                    checked_decisions += 1
            elif rec.kind == "funds":
                text = plain(doc["text"])
                assert f"收入{rec.income:,.2f}元" in text
                # 逐项逐笔 is on the record's page; a search entry per ledger row would bury the rest
                for e in rec.entries or []:
                    if e.summary and len(e.summary) >= 6:
                        assert e.summary not in text, (doc["location"], e.summary)
                checked_periods += 1
    assert checked_decisions > 50 and checked_periods > 100


def test_place_names_stay_one_word(tree, index):
    by_location = {d["location"]: d for d in index["docs"]}
    for village in tree.villages:
        assert village.name in words(by_location[village.url]["title"]), village.name
    # a name jieba does not know would otherwise be cut in two
    search.learn_place_names(tree)
    for township in (t for c in tree.counties for t in c.townships):
        assert township.name in words(search.segment(f"{township.name}人民政府"))


def test_the_index_splits_words_where_the_search_does_and_carries_no_needless_separator(tree, index):
    # the theme's search configuration is the one the entries were cut for
    assert index["config"]["separator"] == search.SEPARATOR
    cut = search.segment("任窑村 · 修缮一组文化活动室桌椅，经村务监督委员会验收，费用2100元")
    assert words(cut) == ["任窑村", "·", "修缮", "一组", "文化", "活动室", "桌椅", "经", "村务", "监督",
                          "委员会", "验收", "费用", "2100", "元"]
    assert "，" + ZWSP not in cut and ZWSP + " " not in cut  # a comma or a space already splits there
    ours = [d for d in index["docs"] if d["location"].endswith(".html")]
    assert ours and not [d for d in ours if search.NEEDLESS_ZWSP.search(d["text"] + d["title"])]


def test_text_from_yaml_is_escaped_in_the_index():
    doc = search.entry("a/", "<script>alert(1)</script>村", "<img src=x onerror=alert(1)>")
    assert "<" not in doc["title"] + doc["text"]
    assert plain(doc["title"]).startswith("&lt;script&gt;")


def test_index_stays_within_its_budget(tree, index, sample_site):
    raw = (sample_site / "search" / "search_index.json").read_bytes()
    whole = len(gzip.compress(raw, 9))
    pages = {record_url(v, r) for v in tree.villages for r in v.records() if r.id}
    records = [d for d in index["docs"] if d["location"] in pages]
    assert len(records) == len(pages)
    per_record = len(gzip.compress(json.dumps(records, ensure_ascii=False).encode(), 9)) / len(records)
    print(f"search index: {len(raw):,} bytes, {whole:,} gzipped; {per_record:.1f} bytes gzipped per record")
    assert whole <= SAMPLE_INDEX_BUDGET
    assert per_record <= BYTES_PER_RECORD


def date_of_build():
    from datetime import date

    return date.fromisoformat(BUILD_DATE)


def _search(page, query: str) -> list[str]:
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # on a phone the search opens from the header button
        page.locator("label.md-header__button[for=__search]").click()
    box.fill("")  # the last query's results go first: never read them as this query's
    box.press("End")
    page.locator(".md-search-result__item").first.wait_for(state="detached", timeout=15_000)
    box.fill(query)
    box.press("End")  # Material searches on key events
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    links = page.locator(".md-search-result__item > a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


@pytest.mark.parametrize("width, height", [(360, 640), (1280, 800)])
def test_a_villager_finds_the_board_by_the_village_name(browser, site_url, tree, width, height):
    village = next(v for v in tree.villages if v.decisions)
    decision = village.decisions[0]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 600)
    foreign = guard_foreign(context)
    page = context.new_page()
    page.goto(site_url, wait_until="networkidle")
    found = _search(page, village.name)
    assert found[0] == site_url + village.url
    found = _search(page, decision.title)
    assert site_url + record_url(village, decision) in found[:3]
    assert foreign == []
    context.close()


def test_learning_the_place_names_again_cuts_text_the_same(tree):
    """`mkdocs serve` learns the place names at every rebuild: jieba must not weigh them anew each time."""
    import jieba

    search.learn_place_names(tree)
    before = jieba.dt.total, list(jieba.cut("县名、乡镇名和村名都按原样切分"))
    search.learn_place_names(tree)
    assert (jieba.dt.total, list(jieba.cut("县名、乡镇名和村名都按原样切分"))) == before


def test_a_place_name_learned_later_is_cut_whole_in_text_cut_before():
    """Cuts are remembered by text; a village added while `mkdocs serve` runs still stays one word."""
    import jieba

    text = "葭萌坝芦苇荡修路"
    first = search.segment(text).split(search.ZWSP)
    assert "葭萌坝芦苇荡" not in first
    saved = dict(jieba.dt.FREQ), jieba.dt.total
    jieba.add_word("葭萌坝芦苇荡", freq=search.PLACE_FREQ)
    try:
        assert "葭萌坝芦苇荡" in search.segment(text).split(search.ZWSP)
    finally:  # the dictionary as it was, for the other tests
        jieba.dt.FREQ.clear()
        jieba.dt.FREQ.update(saved[0])
        jieba.dt.total = saved[1]
    assert search.segment(text).split(search.ZWSP) == first
