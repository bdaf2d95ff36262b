"""Site search a villager's phone can afford: a small page of its own, an index fetched only when
a search starts, and the words villagers use.

What is written (`write`): the search page (search/index.html, a lean page like the boards), and
its index in pieces under search/:
- index.json: the places (county, townships, villages and their boards), the hand-written pages
  (guides, what 四议两公开 is...), the synonym list (`synonyms.py`) and the list of the pieces
  below with their sizes. A few kilobytes per township.
- t/<county>.<township>.json: one township's records, a line each (path, title, short text, 核对码),
  and its villages' names by folder.
  The page fetches the villager's own township first (the page they came from says which) and the
  others only when asked or when there is no own township, piece by piece with progress shown:
  a county is megabytes, a township a few dozen kilobytes.
The page matches text as written, no word cutting: Chinese has no spaces, and a villager's "修路"
must find 道路硬化 by the synonym list, not by a dictionary's guess. Every text here is plain text:
the page puts it into the document as text, never as HTML.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from gongkai import kinds
from gongkai.check import amendments
from gongkai.model import integrity
from gongkai.render import pages as render
from gongkai.model.tree import Tree, Village
from gongkai.model.schema import Record
from gongkai.render.words import joined

PAGE_URL = "search/"
INDEX = "search/index.json"
SHARDS = "search/t/"
JS = (render.STATIC / "search.js").read_text(encoding="utf-8")
JS_PATH = render.hashed("assets/gongkai", "search.js", JS)
TEXT_CHARS = 60  # a result's text: enough to recognise the record; its page has the rest
PAGE_TEXT_CHARS = 300  # a section of a hand-written page: its opening, where its point is
# what a search from outside any township fetches without asking: a few townships' records (a
# small county's all); beyond, the page says how much all of them are and lets the villager choose
AUTO_BYTES = 400_000


def village_documents(village: Village, today) -> list[list[str]]:
    """One line per record page of a village: [path from the township's folder, title, text, 核对码].
    The text a result shows starts with the village's name: the page puts it back from the township
    piece's `villages` (by the path's first folder), not 60,000 times in a county's index."""
    at = village.township.url
    return [[render.record_url(village, rec).removeprefix(at), *_describe(village, rec, today), _codes(village, rec)]
            for rec in village.records() if rec.id]


def _codes(village: Village, rec: Record) -> str:
    """The record's 核对码, and the earlier ones of a corrected record (a notice printed before the
    correction carries them): each found as printed, or typed without its dash."""
    codes = [integrity.fingerprint(village.slug_path, rec)]
    codes += [v.fingerprint_before for v in amendments.history(village.slug_path, rec) if v.fingerprint_before]
    return " ".join(codes)


def _describe(village: Village, rec: Record, today) -> tuple[str, str]:
    title, text = kinds.of(rec).describe(rec, today)
    return title, _cut(text, TEXT_CHARS - len(f"{village.name} · "))


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def places(tree: Tree) -> list[list[str]]:
    """[url, name, where] of every county, township and village board: found by name from any page
    without fetching a township's records."""
    out = []
    for county in tree.counties:
        out.append([county.url, county.name, "县"])
        for township in county.townships:
            out.append([township.url, township.name, county.name])
        for village in county.villages:
            where = f"{village.county.name} {village.township.name} · 村务公开栏"
            out.append([village.url, village.name, _cut(joined(where, village.introduction), TEXT_CHARS)])
    return out


_SECTION = re.compile(r'<h([12])\b(?:[^>]*?\bid="([^"]*)")?[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def page_documents(url: str, title: str, content: str) -> list[list[str]]:
    """[url#section, title, text] for each section of a hand-written page (its HTML from Markdown)."""
    parts = _SECTION.split(content)
    # split gives: text before the first heading, then (level, id, heading, text) for each heading
    docs = [[url, title, lead]] if (lead := _text(parts[0])) else []
    for i in range(1, len(parts) - 1, 4):
        _, anchor, heading, body = parts[i: i + 4]
        heading = _text(heading)
        docs.append([f"{url}#{anchor}" if anchor else url, heading if heading == title else f"{title} › {heading}", _text(body)])
    return [[u, t, _cut(x, PAGE_TEXT_CHARS)] for u, t, x in docs]


def _text(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def shard_path(township_url: str) -> str:
    return f"{SHARDS}{township_url.strip('/').replace('/', '.')}.json"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def files(tree: Tree, docs: dict[str, list[list[str]]], pages: Iterable[list[str]],
          words: dict[str, list[str]], where: list[list[str]] | None = None) -> Iterator[tuple[str, bytes]]:
    """(path in the site, bytes) of the index and its pieces. `docs`: each township's lines (by its
    url, from village_documents), `pages`: the hand-written pages' sections, `words`: the synonyms,
    `where`: the places when not the tree's own (the portal's: the county sites)."""
    shards = []
    for county in tree.counties:
        for township in county.townships:
            if township.url not in docs:  # the portal's townships: their records are in the county sites
                continue
            villages = {v.url.removeprefix(township.url).strip("/"): v.name for v in township.villages}
            body = _json({"at": township.url, "villages": villages, "docs": docs.get(township.url, [])})
            shards.append({"file": shard_path(township.url).removeprefix("search/"), "at": township.url,
                           "name": f"{county.name}{township.name}", "bytes": len(body)})
            yield shard_path(township.url), body
    yield INDEX, _json({"places": places(tree) if where is None else where, "pages": list(pages), "words": words,
                        "shards": shards})


def search_page(ctx: render.Context) -> str:
    return render.page("search.html", f"{PAGE_URL}index.html", ctx, search_js=JS_PATH, auto_bytes=AUTO_BYTES)


def write(site_dir: str | Path, ctx: render.Context, docs: dict[str, list[list[str]]],
          pages: Iterable[list[str]], where: list[list[str]] | None = None) -> int:
    """The search page, its script and its index: the number of files written."""
    out = [*files(ctx.tree, docs, pages, ctx.tree.synonyms, where), (f"{PAGE_URL}index.html", search_page(ctx)),
           (JS_PATH, JS)]
    return render.write_pages(site_dir, out)
