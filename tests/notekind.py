"""A record kind no module of gongkai knows about, for the tests of kinds/: a village's notices
(公告). Defined here and registered by the test that uses it (or by a project's MkDocs hook,
tests/test_kinds.py writes one), so that it is never in the registry of any other test."""

from __future__ import annotations

from pathlib import Path

from gongkai import kinds
from gongkai.model.tree import Record, binds
from gongkai.model.schema import AMENDMENTS, Date, Field, Id, Spec, Text
from gongkai.render.words import joined

NOTE = Spec("test_note", "公告", [
    Field("id", Id(), "编号", "如 n-2026-01", True),
    Field("title", Text(), "标题", "", True),
    Field("date", Date(), "张贴日期", "", True),
    Field("summary", Text(), "内容", ""),
    AMENDMENTS,
])


@binds(NOTE)
class Note(Record):
    pass


def describe(rec: Note, today) -> tuple[str, str]:
    return rec.title, joined("公告", rec.summary)


def disclosures(rec: Note):
    yield kinds.Disclosure(rec.date, "posted", "公告", rec.title, (rec.summary,), posted=True)


def board(village, ctx) -> dict:
    return {"notes": sorted(village.notes, key=lambda n: n.date, reverse=True)}


def totals(notes: list, today, year, county=None) -> dict:
    return {"notes": len(notes)}


NOTE_KIND = kinds.Kind("notes", "note", "公告", NOTE, "n", ("date",), describe, disclosures, board=board,
                       totals=totals, year=totals, templates=Path(__file__).parent / "notekind_templates")

NOTES = """\
- id: n-2026-01
  title: 冬季防火公告
  date: 2026-11-18
  summary: 村里禁止焚烧秸秆
"""
