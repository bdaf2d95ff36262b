"""The record kinds, one module each, and the registry that lists them.

A kind's module holds everything that is that kind's own: its fields (schema.py's types), its
model class, its vocabularies, the word a clerk types for it, how a search line and the feeds
describe one of its records. Every other module iterates KINDS instead of naming a kind; a new
kind is a new module registered here (and its templates).

KINDS is in the order the board lists them. It is a list that `register` extends in place, so
that a module which imported it sees a kind registered later (a test's temporary kind).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from gongkai.check import diagnostics, examples
from gongkai.model import schema
from gongkai.model.schema import Record, Spec


@dataclass(frozen=True)
class Disclosure:
    """Something a record made public on a day: a line of the feeds, and, when `posted`, a notice
    put up on the board that counts for the village's 最近公开 line."""

    day: date | None  # None: not made public (a step without a date made nothing public)
    kind: str  # part of the feed entry's id: proposed, resolution-disclosure, revision-2, ...
    label: str  # 决议公开: what a villager calls it
    subject: str  # the record in a few words: its title, 2024年第一季度, the pledge's text
    parts: tuple  # the summary's pieces, joined by the feed; empty ones are left out
    posted: bool = False


@dataclass(frozen=True)
class Problem:
    """Something a supervisor must chase (督查), with the days it is late."""

    kind: str  # what kind of problem: one of a record kind's `problems`, 财务公开逾期
    what: str  # the matter, in the supervisor's words
    since: date  # when it became due
    days_late: int
    record: str | None = None  # the record's id, for a link; None when the record is missing


def dated_by(records: list, day: date) -> list:
    """The records made by `day` (their date on or before it): what a kind's records were that day."""
    return [r for r in records if r.date and r.date <= day]


@dataclass(frozen=True)
class NoticeLink:
    """A printable notice of a record: its name in the record page's address (#jueyi), what it discloses."""

    slug: str  # the element's id on the record page; #<slug>-a3 prints it on A3
    label: str  # 决议公开, 实施结果公开, 财务公开
    default: bool = False  # what printing the page prints when its address names no notice: the latest


@dataclass(frozen=True)
class NoticeText:
    """What a record's printed notice (公示) says, besides the words every notice of its kind has
    (its notice_words, render.LAW) and what render.notice adds (issuer, QR code, link)."""

    title: str  # 关于…的公示
    lead: str  # the opening paragraph
    items: list  # 一、… 二、…: (label, text)
    issued: date | None  # the date under the issuer
    disclosure: object | None = None  # its 公示期 and place (start, end, where), if it has one


@dataclass(frozen=True)
class Kiosk:
    """How a kind shows on the touch screens (kiosk.py puts the pages together; kioskkit.py has the parts)."""

    current: Callable  # (village, build date, days counted as recent) -> its records on the loop now
    slide: Callable  # (village, record, build date) -> kioskkit.Slide
    panel: Callable  # (village, build date) -> kioskkit.Panel: its part of the board behind the touch
    latest: Callable = lambda village, today: None  # the one record it adds to a loop with few current ones


@dataclass(frozen=True)
class Detail:
    """A list in each record (a fund period's entries) published as a table of its own in the open
    data: one row an item, after the record's `keys` (its id, its period)."""

    field: str  # the list: entries
    table: str  # the CSV's name: funds-entries
    keys: tuple[str, ...]  # the record's fields each row carries: ("id", "period")
    description: str  # what a row is, for the data package


@dataclass(frozen=True)
class New:
    """What `gongkai new` fills in for a kind that makes a new record from those before it."""

    year: int  # the year file it goes in
    id: str
    values: dict  # {field path (tuple of keys): text}
    notes: list  # what the clerk is told, one line each


class NewRecordError(ValueError):
    """The record asked for cannot be made (its year is full): said to the clerk, in Chinese."""


@dataclass(frozen=True, eq=False)
class Kind:
    folder: str  # the folder of its year files beside village.yml, and the village's list of its records
    word: str  # what a clerk types after `gongkai new`
    label: str  # 决策: what a villager calls it
    spec: Spec  # its fields; spec.model is its record class
    prefix: str  # of its ids: d-2024-01
    today_field: tuple[str, ...] | None  # the date `gongkai new` fills in with today, if any
    # (record, build date) -> (title, text): the record's line in the search
    describe: Callable[[Record, date], tuple[str, str]]
    # record -> what it made public, whatever the date: feeds, the board's 最近公开 line
    disclosures: Callable[[Record], Iterable[Disclosure]]
    jump: str = ""  # its link in the board's 本页内容 line (决策); its label when empty
    # (village, render.Context) -> what its section of the board (template board_<folder>.html) shows
    board: Callable[..., dict] = lambda village, ctx: {}
    # (village, record, render.Context) -> what its record page (record_<folder>.html) shows besides the record
    page: Callable[..., dict] = lambda village, rec, ctx: {}
    # a published record changes without a correction (更正) when it moves on: {field path: values it leaves}
    lifecycle: dict = field(default_factory=dict)
    growing: frozenset = frozenset()  # its lists whose new items are progress, not corrections
    templates: Path | None = None  # the folder of its templates; None: the package's templates/
    # village -> diagnostics: its rules across fields and records (rules.py runs them, after ids and years)
    rules: Callable[..., Iterable] = lambda village: ()
    # 督查: the problems its records can have, each with its place among the 督查 page's columns
    problems: tuple[tuple[int, str], ...] = ()
    # (village, build date) -> its records' problems (Problem), in the order the village's page lists them
    chase: Callable[..., Iterable[Problem]] = lambda village, today: ()
    # (its records, a day) -> the records as they stood that day: a 督办单 lists what was late the day it was issued
    as_of: Callable[[list, date], list] = dated_by
    kiosk: Kiosk | None = None  # None: not on the touch screens
    # the township and county figures (rollup/figures.py): (its records, build date, finance year, the village's
    # county, whose rules apply) -> {name: figure}, a village's figures for its board and the areas' tables
    # (no records and no county: every figure's zero)
    totals: Callable[..., dict] = lambda records, today, year, county: {}
    # (its records of one year, build date, the year, the village's county) -> {name: figure}: the areas' 历年汇总
    year: Callable[..., dict] = lambda records, today, year, county: {}
    in_year: Callable[[Record], int | None] = lambda rec: rec.date.year if rec.date else None  # the year a record counts in
    derived: dict = field(default_factory=dict)  # {name: figures -> value}: read from the others (a rate)
    # (an area's name, its figures of a year) -> what the kind's part of the area's 历年汇总 shows besides them
    # (templates/area_<folder>.html: its sentence, columns, year summary and tables)
    area_year: Callable[[str, dict], dict] = lambda name, t: {}
    notices: Callable[[Record], list] = lambda rec: []  # its printed notices (NoticeLink), the default last
    notice: Callable[..., NoticeText] | None = None  # (village, record, a NoticeLink's slug) -> what that notice says
    # the fixed words its notices open and close with, written by the print stylesheet once for the site:
    # {key: (the element that prints them, the words)}
    notice_words: dict = field(default_factory=dict)
    # its diagnostic codes (diagnostics.Code), beyond the ones every file shares; each needs an example
    codes: tuple = ()
    example: str = ""  # its file in the tiny valid village of examples.py (the codes' examples break it)
    examples: dict = field(default_factory=dict)  # {code: examples.Example}: how to break the tiny village for each of its codes
    # fields it adds to county.yml's rules (schema.Field): what a county sets for it (a number of days)
    county_rules: tuple = ()
    # county -> the county's rule its 督查 checks, in a supervisor's words (财务每期结束后 15 天内公开)
    rule_words: Callable[..., str] | None = None
    detail: Detail | None = None  # a list of its records the open data publishes as a table of its own
    # (the village as `gongkai new` read it: name, monthly, ids, records of the kinds with this, the year
    # asked for or None, today) -> New: a new record filled in from those before it
    new: Callable[..., New] | None = None

    @property
    def model(self) -> type:
        return self.spec.model

    @property
    def link(self) -> str:
        return self.jump or self.label


KINDS: list[Kind] = []


def register(kind: Kind) -> Kind:
    """Add a kind at the end of the board's order."""
    if any(k.folder == kind.folder or k.word == kind.word or k.prefix == kind.prefix for k in KINDS):
        raise ValueError(f"record kind {kind.folder} clashes with one registered")
    kind.spec.model.kind = kind.folder
    kind.spec.model.kind_label = kind.label
    KINDS.append(kind)
    for c in kind.codes:
        diagnostics.CODES[c.code] = c
    if kind.example:
        examples.FILES[kind.folder] = f"{examples.VILLAGE_DIR}/{kind.folder}/2024.yml"
        examples.BASE[kind.folder] = kind.example
    examples.EXAMPLES.update(kind.examples)
    for f in kind.county_rules:
        schema.RULES.fields[f.key] = f
        schema.RULES.order[f.key] = len(schema.RULES.order)
    _folders_named()
    return kind


def unregister(kind: Kind) -> None:
    KINDS.remove(kind)
    for c in kind.codes:
        diagnostics.CODES.pop(c.code, None)
    examples.FILES.pop(kind.folder, None)
    examples.BASE.pop(kind.folder, None)
    for code in kind.examples:
        examples.EXAMPLES.pop(code, None)
    for f in kind.county_rules:
        schema.RULES.fields.pop(f.key, None)
        schema.RULES.order.pop(f.key, None)
    _folders_named()


def _folders_named() -> None:
    """GK110's hint names the folders a village may hold: the kinds registered."""
    c = diagnostics.CODES["GK110"]
    folders = " ".join(f"{k.folder}/" for k in KINDS)
    diagnostics.CODES["GK110"] = replace(c, hint=f"检查文件名；记录文件应放在 {folders} 下，以年份命名，如 2024.yml")


def by_folder(folder: str) -> Kind | None:
    return next((k for k in KINDS if k.folder == folder), None)


def of(rec: Record) -> Kind:
    """The kind of a record."""
    return next(k for k in KINDS if k.folder == rec.kind)


def problem_kinds() -> tuple[str, ...]:
    """Every kind of problem the 督查 pages count, in the order of their columns."""
    return tuple(label for _, label in sorted(p for k in KINDS for p in k.problems))


def rules_said(county) -> str:
    """本县规定：… — the rules the 督查 page checks, in the order of its columns."""
    said = sorted((min(p for p, _ in k.problems), k.rule_words(county)) for k in KINDS if k.rule_words and k.problems)
    return f"本县规定：{'；'.join(words for _, words in said)}。" if said else ""


def specs() -> dict[str, Spec]:
    """{folder: spec} of every kind: what a village folder may hold besides village.yml and its photos."""
    return {k.folder: k.spec for k in KINDS}


def disclosures(rec: Record) -> Iterator[Disclosure]:
    """What a record made public (with a day): its kind's, then each correction (更正) it had."""
    yield from (d for d in of(rec).disclosures(rec) if d.day)
    for n, a in enumerate(getattr(rec, "amendments", None) or [], 1):
        if a.date:
            yield Disclosure(a.date, f"amendment-{n}", "更正", rec.title, (a.reason,))


from . import decisions, funds, pledges, completed, suggestions  # noqa: E402  (each registers itself, in the board's order)
