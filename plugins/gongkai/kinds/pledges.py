"""Pledges (承诺): what a cadre promised the village, by when, and whether it was kept; pledges/."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date

from gongkai.model.tree import Record, binds
from gongkai.model.schema import AMENDMENTS, ATTACHMENTS, Choice, Date, Field, Id, ListOf, Spec, Text
from gongkai.check.diagnostics import Diagnostic, at
from gongkai.render.kioskkit import NOTE_CHARS, TITLE_CHARS, Panel, Row, Slide, cut, days_ago, latest_of
from gongkai.render.words import joined, zh_date
from . import Disclosure, Kind, Kiosk, Problem, register

PLEDGE_STATUSES = ("未开始", "进行中", "已兑现", "未兑现")

REVISION = Spec("revision", "期限调整", [
    Field("deadline", Date(), "新期限", "", True),
    Field("date", Date(), "调整日期", "", True),
    Field("reason", Text(), "调整原因", "", True),
])
PLEDGE = Spec("pledge", "承诺", [
    Field("id", Id(), "编号", "如 p-2024-01", True),
    Field("who", Text(), "承诺人", "姓名", True),
    Field("role", Text(), "职务", "公开职务", True),
    Field("what", Text(), "承诺内容", "", True),
    Field("made", Date(), "承诺日期", "", True),
    Field("deadline", Date(), "原定期限", "第一次承诺的期限；以后调整写在 revisions 里，这里不改", True),
    Field("revisions", ListOf(REVISION), "期限调整", "每次调整一项，保留原期限"),
    Field("status", Choice(PLEDGE_STATUSES), "状态", "", True),
    Field("kept_on", Date(), "兑现日期", "已兑现时填写"),
    Field("evidence", Text(), "兑现佐证", "已兑现时填写：照片、验收单等在哪里可以看到"),
    Field("evaluation", Text(), "群众评议", ""),
    ATTACHMENTS,
    AMENDMENTS,
])


@binds(REVISION)
class Revision(Record):
    pass


@binds(PLEDGE)
class Pledge(Record):

    @property
    def title(self) -> str:
        return self.what

    @property
    def date(self) -> date | None:
        return self.made

    @property
    def current_deadline(self) -> date | None:
        revs = [r for r in self.revisions or [] if r.deadline]
        return revs[-1].deadline if revs else self.deadline

    def days_overdue(self, today: date) -> int:
        """Days past the current deadline while not kept; 0 when not overdue."""
        if self.status == "已兑现" or self.current_deadline is None:
            return 0
        return max(0, (today - self.current_deadline).days)


# -- its rules


def check(village) -> Iterator[Diagnostic]:
    for p in village.pledges:
        yield from _check_pledge(p)


def _check_pledge(p: Pledge) -> Iterator[Diagnostic]:
    if p.made and p.deadline and p.deadline < p.made:
        yield at(p, "deadline", "GK501", f"期限 {p.deadline} 早于承诺日期 {p.made}")
    if p.made and p.kept_on and p.kept_on < p.made:
        yield at(p, "kept_on", "GK503", f"兑现日期 {p.kept_on} 早于承诺日期 {p.made}")
    last = p.made
    for r in p.revisions or []:
        if last and r.date and r.date < last:
            yield at(r, "date", "GK503", f"期限调整日期 {r.date} 早于 {last}（承诺日期或上一次调整）")
        last = r.date or last
    if p.status == "已兑现":
        missing = [label for key, label in (("kept_on", "兑现日期"), ("evidence", "兑现佐证")) if not getattr(p, key)]
        if missing:
            yield at(p, "status", "GK502", f"承诺 {p.id} 标为已兑现，但没有{'和'.join(missing)}")


def describe(rec: Pledge, today: date) -> tuple[str, str]:
    return rec.what, joined("承诺事项", f"{rec.who}（{rec.role}）承诺，期限{rec.current_deadline}", rec.status)


def disclosures(rec: Pledge):
    yield Disclosure(rec.made, "made", "公开承诺", rec.what, (f"{rec.who}（{rec.role}）承诺，期限{zh_date(rec.deadline)}",),
                     posted=True)
    before = rec.deadline
    for n, r in enumerate(rec.revisions or [], 1):
        yield Disclosure(r.date, f"revision-{n}", "承诺期限调整", rec.what,
                         (f"期限由{zh_date(before)}调整为{zh_date(r.deadline)}", r.reason))
        before = r.deadline or before
    if rec.status == "已兑现":
        yield Disclosure(rec.kept_on, "kept", "承诺兑现", rec.what, (rec.evidence, rec.evaluation), posted=True)
    elif rec.status == "未兑现":  # the file gives no day it was judged so: the day the last deadline ran out
        yield Disclosure(rec.current_deadline, "not-kept", "承诺未兑现", rec.what,
                         (f"期限{zh_date(rec.current_deadline)}已过，没有兑现", rec.evaluation))


def board(village, ctx) -> dict:
    # overdue pledges first, the longest overdue at the top: what a villager most needs to see
    return {"pledges": sorted(village.pledges, key=lambda p: -p.days_overdue(ctx.today))}


def chase(village, today: date):
    for p in village.pledges:
        late = p.days_overdue(today)
        if late > 0:
            yield Problem("承诺逾期", f"{p.who}（{p.role}）承诺“{p.what}”，期限 {zh_date(p.current_deadline)}",
                          p.current_deadline, late, p.id)


def as_of(pledges: list, day: date) -> list:
    return [_pledge_as_of(p, day) for p in pledges if p.made and p.made <= day]


def _pledge_as_of(p: Pledge, day: date) -> Pledge:
    p = copy.copy(p)
    p.revisions = [r for r in p.revisions or [] if r.date and r.date <= day]
    if p.status == "已兑现" and not (p.kept_on and p.kept_on <= day):
        p.status = "进行中"
    return p


# -- on the touch screens


def overdue_pledges(village, today: date) -> list[Pledge]:
    late = [p for p in village.pledges if p.made and p.made <= today and p.days_overdue(today) > 0]
    return sorted(late, key=lambda p: -p.days_overdue(today))


def kept_pledges(village, today: date, within: int) -> list[Pledge]:
    return [p for p in village.pledges if p.status == "已兑现" and days_ago(p.kept_on, today, within)]


def deadline_text(p: Pledge) -> str:
    if p.revisions and p.current_deadline != p.deadline:
        return f"原定{zh_date(p.deadline)}，调整为{zh_date(p.current_deadline)}"
    return zh_date(p.current_deadline)


def pledge_slide(village, p: Pledge, today: date) -> Slide:
    late = p.days_overdue(today)
    facts = [("承诺人", f"{p.who}（{cut(p.role, 16)}）"), ("承诺日期", zh_date(p.made)), ("期限", deadline_text(p))]
    if late:
        facts.append(("状态", f"{p.status}，已逾期 {late} 天"))
    else:
        facts += [("兑现日期", zh_date(p.kept_on)), ("兑现佐证", cut(p.evidence, 30) or "—")]
    return Slide("承诺事项", cut(p.what, TITLE_CHARS), badge=f"已逾期 {late} 天" if late else p.status, late=bool(late),
                 facts=tuple(facts), note=cut(p.evaluation, NOTE_CHARS))


def pledge_row(p: Pledge, today: date) -> Row:
    late = p.days_overdue(today)
    meta = f"{p.who}（{p.role}）{zh_date(p.made)}承诺 · 期限 {deadline_text(p)}"
    if p.kept_on:
        meta += f" · {zh_date(p.kept_on)}兑现"
    return Row(p.what, f"已逾期 {late} 天" if late else p.status, bool(late), meta)


def current(village, today: date, within: int) -> list:
    """Overdue, the longest overdue first, then those kept recently."""
    return overdue_pledges(village, today) + kept_pledges(village, today, within)


def latest_kept(village, today: date):
    return latest_of([p for p in village.pledges if p.status == "已兑现"], today, lambda p: p.kept_on)


def panel(village, today: date) -> Panel:
    return Panel("p-pledges", "承诺", tuple(pledge_row(p, today) for p in village.pledges), empty="暂无承诺事项。")


# -- in the township and county figures


def totals(pledges: list, today: date, year: int, county=None) -> dict:
    return {"pledges": len(pledges), "pledges_kept": sum(p.status == "已兑现" for p in pledges),
            "pledges_overdue": sum(p.days_overdue(today) > 0 for p in pledges)}


def kept_rate(t) -> str:
    """Kept of pledges made, as 75%; — when none were made."""
    return f"{round(100 * t.pledges_kept / t.pledges)}%" if t.pledges else "—"


KIND = register(Kind("pledges", "pledge", "承诺", PLEDGE, "p", ("made",), describe, disclosures, board=board,
                     # a pledge moves on from 未开始 and 进行中, and its deadline moves, without a correction
                     lifecycle={"status": {"未开始", "进行中"}}, growing=frozenset({"revisions"}),
                     problems=((30, "承诺逾期"),), chase=chase, as_of=as_of,
                     kiosk=Kiosk(current, pledge_slide, panel, latest=latest_kept), totals=totals, year=totals,
                     in_year=lambda p: p.made.year if p.made else None, derived={"kept_rate": kept_rate}, rules=check))
