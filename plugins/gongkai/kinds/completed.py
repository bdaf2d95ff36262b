"""Completed matters (办结事项): work done for the village, what it cost, the decision it carried out; completed/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from gongkai.model.tree import ZERO, Record, binds
from gongkai.model.schema import AMENDMENTS, ATTACHMENTS, Date, Field, Id, Money, Spec, Text
from gongkai.check.diagnostics import Diagnostic, at
from gongkai.render.kioskkit import NOTE_CHARS, TITLE_CHARS, Panel, Row, Slide, cut, days_ago, latest_of
from gongkai.render.words import joined, money, zh_date
from . import Disclosure, Kind, Kiosk, register

COMPLETED = Spec("completed", "办结事项", [
    Field("id", Id(), "编号", "如 c-2024-01", True),
    Field("title", Text(), "事项", "", True),
    Field("date", Date(), "办结日期", "", True),
    Field("cost", Money(), "花费（元）", ""),
    Field("funding", Text(), "资金来源", "如 村集体收入、上级专项资金"),
    Field("decision", Id(), "关联决策", "经过四议两公开的，填决策编号"),
    Field("summary", Text(), "说明", ""),
    ATTACHMENTS,
    AMENDMENTS,
])


@binds(COMPLETED)
class CompletedMatter(Record):
    pass


def check(village) -> Iterator[Diagnostic]:
    """The decision a matter carried out exists, passed, and was decided before the matter was done."""
    decisions = {d.id: d for d in village.decisions}
    for c in village.completed:
        if not c.decision:
            continue
        d = decisions.get(c.decision)
        if d is None:
            if "decisions" not in village.unreadable:  # else the decision may be in the file to be put right first
                yield at(c, "decision", "GK601", f"本村没有编号为 {c.decision} 的决策")
        elif not d.passed:
            yield at(c, "decision", "GK603", f"决策 {d.id} 还没有经第 4 步决议通过")
        elif c.date and d.resolution.date and c.date < d.resolution.date:
            yield at(c, "date", "GK602", f"办结日期 {c.date} 早于决策 {d.id} 的决议日期 {d.resolution.date}")


def describe(rec: CompletedMatter, today: date) -> tuple[str, str]:
    return rec.title, joined("办结事项", rec.funding, rec.summary)


def disclosures(rec: CompletedMatter):
    yield Disclosure(rec.date, "completed", "办结", rec.title,
                     (rec.cost is not None and f"花费 {money(rec.cost)}", rec.funding, rec.summary), posted=True)


def page(village, rec: CompletedMatter, ctx) -> dict:
    return {"linked": village.record(rec.decision) if rec.decision else None}  # the decision it carried out


# -- on the touch screens


def recent_completed(village, today: date, within: int) -> list:
    return [c for c in village.completed if days_ago(c.date, today, within)]


def completed_slide(village, c: CompletedMatter, today: date) -> Slide:
    facts = [("办结日期", zh_date(c.date))]
    if c.cost is not None:
        facts.append(("花费", money(c.cost)))
    if c.funding:
        facts.append(("资金来源", cut(c.funding, 30)))
    linked = village.record(c.decision) if c.decision else None
    if linked is not None:
        facts.append(("对应决策", cut(linked.title, 30)))
    return Slide("办结事项", cut(c.title, TITLE_CHARS), badge="已办结", facts=tuple(facts), note=cut(c.summary, NOTE_CHARS))


def completed_row(c: CompletedMatter) -> Row:
    meta = (f"{zh_date(c.date)}办结", f"花费 {money(c.cost)}" if c.cost is not None else "", c.funding or "")
    return Row(c.title, "已办结", False, joined(*meta))


def panel(village, today: date) -> Panel:
    return Panel("p-completed", "办结", tuple(completed_row(c) for c in village.completed), empty="暂无办结事项。")


def totals(matters: list, today: date, year: int, county=None) -> dict:
    """In the township and county figures: how many, and what they cost."""
    return {"completed": len(matters), "completed_cost": sum((c.cost or ZERO for c in matters), ZERO)}


KIND = register(Kind("completed", "completed", "办结事项", COMPLETED, "c", ("date",), describe, disclosures,
                     jump="办结", page=page,
                     kiosk=Kiosk(recent_completed, completed_slide, panel, latest=lambda village, today: latest_of(village.completed, today)),
                     totals=totals, year=totals, rules=check))
