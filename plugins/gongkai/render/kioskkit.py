"""What the touch screens' pages are made of (kiosk.py): slides, rows, tables and panels, and
how long their texts may be. Each record kind makes its own (kinds.Kiosk); kiosk.py puts them
together into pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

NOTE_CHARS = 70  # longer texts are cut on a slide (the full text is one touch away)
TITLE_CHARS = 50


@dataclass(frozen=True)
class Slide:
    """One screen of the attract loop."""

    kind: str  # 决策公开, 财务公开, 承诺事项, 办结事项, 概况
    title: str
    badge: str = ""
    late: bool = False  # overdue: said in words and shown in red
    facts: tuple[tuple[str, str], ...] = ()
    note: str = ""
    place: str = ""  # the village's name, on a township's loop
    photos: tuple[tuple[str, str, int, int], ...] = ()  # (path in the site, caption, width, height), shown large


@dataclass(frozen=True)
class Row:
    """A line of a panel behind the touch (the board at kiosk size)."""

    title: str
    badge: str = ""
    late: bool = False
    meta: str = ""
    href: str = ""  # a link to another kiosk page (a township's villages)


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Panel:
    key: str  # the element id, and the button that opens it
    label: str
    rows: tuple[Row, ...] = ()
    tables: tuple[Table, ...] = ()
    empty: str = ""


def cut(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def days_ago(day: date | None, today: date, within: int) -> bool:
    return day is not None and today - timedelta(days=within) <= day <= today


def latest_of(records, today: date, when=lambda r: r.date):
    return max((r for r in records if when(r) and when(r) <= today), key=when, default=None)
