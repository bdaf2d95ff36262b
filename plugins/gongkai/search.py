"""What the site search finds on village boards and record pages.

The boards and records are written as lean pages, outside the theme, so the theme's search
never sees them. This module gives the index one entry per board and per record: its title
and a short summary, never the ledger rows (tens of thousands of them would make an index no
phone can load). Chinese has no spaces, so text is cut into words with jieba, the way
Material's search plugin does for the theme's own pages, with every county, township and
village name in jieba's dictionary so that a place name stays one word.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import re
from collections.abc import Iterable, Iterator

import jieba

from . import amendments, integrity, render
from .model import Decision, Tree, Village, period_label
from .schema import Record

jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict..." chatter on every build

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
ZWSP = "\u200b"  # the word separator that Material's search configuration splits on
# what Material's search splits words at (its default for Chinese): a zero-width space beside
# any of the others separates nothing more, and a county's index held 700,000 of them (2 MB)
SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"
_BESIDE = SEPARATOR[:-1].replace(r"\u200b", "")
NEEDLESS_ZWSP = re.compile(f"{ZWSP}(?={_BESIDE})|(?<={_BESIDE}){ZWSP}")


PLACE_FREQ = 100_000  # a place name's weight in jieba's dictionary: always cut out whole


def learn_place_names(tree: Tree) -> None:
    """Put every place name in jieba's dictionary, with and without its 县/镇/乡/村 ending.
    A word is added once: jieba counts every add_word into its total, so adding the same names
    again (each rebuild of `mkdocs serve`) would cut the same text differently each time."""
    jieba.dt.check_initialized()
    for county in tree.counties:
        areas = [county, *county.townships, *county.villages]
        for area in areas:
            for word in _name_forms(area.name):
                if jieba.dt.FREQ.get(word) != PLACE_FREQ:
                    jieba.add_word(word, freq=PLACE_FREQ)


def _name_forms(name: str | None) -> set[str]:
    if not name:  # a place whose file did not load has no name to learn
        return set()
    forms = {name}
    if len(name) > 2 and name[-1] in "县镇乡村区":
        forms.add(name[:-1])
    return {f for f in forms if HAN.fullmatch(f)}


def segment(text: str) -> str:
    """Han runs cut into words and fenced by zero-width spaces; other text as it was."""
    jieba.dt.check_initialized()
    # a word added since cuts differently (jieba counts every add into its total; only its del_word,
    # which gongkai never calls, would go unseen)
    dictionary = (jieba.dt.total, len(jieba.dt.FREQ))
    cut = HAN.sub(lambda m: ZWSP + _cut(m[0], dictionary) + ZWSP, text)
    return NEEDLESS_ZWSP.sub("", re.sub(f"{ZWSP}+", ZWSP, cut).strip(ZWSP))


@functools.lru_cache(maxsize=1 << 16)
def _cut(run: str, dictionary: tuple[int, int]) -> str:
    """One Han run cut, once per state of the dictionary: a county's records repeat their wording
    (项目名称, 收支摘要, 会议名称...), and cutting was about a tenth of a village's rendering."""
    return ZWSP.join(jieba.cut(run))


TEXT_CHARS = 80  # a result's text: enough to recognise the record; the page has the rest


def entry(location: str, title: str, text: str) -> dict[str, str]:
    """One search result. Material shows title and text as HTML, so both are escaped here."""
    if len(text) > TEXT_CHARS:
        text = text[: TEXT_CHARS - 1] + "…"
    return {
        "location": location,
        "title": segment(html.escape(title, quote=False)),
        "text": segment(html.escape(text, quote=False)),
    }


def documents(tree: Tree, today) -> Iterator[dict[str, str]]:
    """An entry for every village board and every record page, in site order."""
    for village in tree.villages:
        yield from village_documents(village, today)


def village_documents(village: Village, today) -> Iterator[dict[str, str]]:
    """The entries of one village's board and record pages."""
    where = f"{village.county.name} {village.township.name}"
    yield entry(village.url, f"{village.name}村务公开栏", "，".join(x for x in (where, village.introduction) if x))
    for rec in village.records():
        if rec.id:
            title, text = _describe(village, rec, today)
            yield entry(render.record_url(village, rec), title, f"{village.name} · {_code_words(village, rec)} · {text}")


def _code_words(village: Village, rec: Record) -> str:
    """The record's 核对码 as printed, and again without its dash: the search splits words at a
    dash, so 7K2Q-M9XD is found as 7K2Q and M9XD, and 7k2qm9xd (typed without it) by the second.
    First in the text, so that cutting a long summary short never cuts the code."""
    codes = [integrity.fingerprint(village.slug_path, rec)]
    # a notice printed before a correction carries the earlier code: it finds the record too
    codes += [v.fingerprint_before for v in amendments.history(village.slug_path, rec) if v.fingerprint_before]
    return "核对码 " + " ".join(f"{c} {c.replace('-', '')}" for c in codes)


def _describe(village: Village, rec: Record, today) -> tuple[str, str]:
    if isinstance(rec, Decision):
        result = rec.result_disclosure.summary if rec.result_disclosure else None
        return rec.title, _join("决策", rec.category, rec.status(today), rec.summary, result)
    if rec.kind == "funds":
        label = period_label(rec.period)
        return f"{village.name}{label}财务公开", _join("财务公开", f"{label}收入{rec.income:,.2f}元，支出{rec.expense:,.2f}元")
    if rec.kind == "pledges":
        return rec.what, _join("承诺事项", f"{rec.who}（{rec.role}）承诺，期限{rec.current_deadline}", rec.status)
    return rec.title, _join("办结事项", rec.funding, rec.summary)


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def merge(index_json: str, docs: Iterable[dict[str, str]]) -> str:
    """The theme's search_index.json with our entries added (replacing any at the same place)."""
    index = json.loads(index_json)
    docs = list(docs)
    ours = {d["location"] for d in docs}
    index["docs"] = [d for d in index.get("docs", []) if d.get("location") not in ours] + docs
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))
