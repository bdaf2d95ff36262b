"""督查: what a township or county supervisor must chase, village by village, as of the build date.

Four kinds of problem, each with the days it is late:
- 财务公开逾期: the last completed period (quarter, or month for a high-volume village) was not
  published within the county's grace days after it ended;
- 决策停滞: a decision waiting at a step longer than the county's max_step_days (Decision.timeline);
- 承诺逾期: a pledge past its (current) deadline and not kept;
- 办结未公开结果: a matter completed longer than max_step_days ago whose decision has no
  实施结果公开.
A village with none of them is shown as such. Counts roll up from villages to townships and counties.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .model import STEP_ORDER, Decision, Pledge, Township, Village
from .words import zh_date

KINDS = ("财务公开逾期", "决策停滞", "承诺逾期", "办结未公开结果")
DEADLINE_DAYS = 15  # a 督办单 asks for the problems to be put right within this many days


@dataclass(frozen=True)
class Problem:
    kind: str  # one of KINDS
    what: str  # the matter, in the supervisor's words
    since: date  # when it became due
    days_late: int
    record: str | None = None  # the record's id, for a link; None when the record is missing


@dataclass
class VillageReport:
    village: Village
    problems: list[Problem] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(p.kind for p in self.problems)


def missing_funds(village: Village, today: date) -> Problem | None:
    """The oldest period that ended, is past its grace days and is not published; None when up to date."""
    monthly = bool(village.high_volume)
    grace = village.county.funds_grace_days
    published = sorted((p for p in village.funds if p.period and p.period.monthly == monthly), key=lambda p: p.bounds)
    if published:
        due_period = published[-1].period.next
    else:
        return None  # a village that never published is new to the site: nothing to compare with
    end = due_period.end
    due = end + timedelta(days=grace)
    if today <= due:
        return None
    count = 0
    period = due_period
    while period.end + timedelta(days=grace) < today:
        count += 1
        period = period.next
    what = f"{due_period.label}财务收支没有公开（应于{zh_date(due)}前公开）"
    if count > 1:
        what += f"，之后还有 {count - 1} 期也没有公开"
    return Problem("财务公开逾期", what, due, (today - due).days)


def village_report(village: Village, today: date) -> VillageReport:
    return VillageReport(village, list(village.remember(("report", today), lambda: _problems(village, today))))


def _problems(village: Village, today: date) -> tuple[Problem, ...]:
    report = VillageReport(village)
    funds = missing_funds(village, today)
    if funds:
        report.problems.append(funds)
    limit = village.county.max_step_days
    for d in village.decisions:
        for step in d.timeline(village, today).steps:
            if step.record is None and step.late:
                kind = "办结未公开结果" if step.number == 6 else "决策停滞"
                late = step.waited - limit
                report.problems.append(Problem(kind, f"“{d.title}”{step.label}：{step.late}", today - timedelta(days=late), late, d.id))
    for p in village.pledges:
        late = p.days_overdue(today)
        if late > 0:
            report.problems.append(Problem("承诺逾期", f"{p.who}（{p.role}）承诺“{p.what}”，期限 {zh_date(p.current_deadline)}", p.current_deadline, late, p.id))
    report.problems.sort(key=lambda p: (KINDS.index(p.kind), -p.days_late))
    return tuple(report.problems)


def area_reports(villages: list[Village], today: date) -> list[VillageReport]:
    return [village_report(v, today) for v in villages]


def rollup(reports: list[VillageReport]) -> Counter:
    total: Counter = Counter()
    for r in reports:
        total.update(r.counts)
    return total


# -- 督办单: issued by the township, recorded in its township.yml, never changed after --------------

@dataclass(frozen=True)
class Issued:
    """A 督办单 the township issued (township.yml `duban`): what it lists is what was late on the
    day it was issued, worked out from the records as they stood that day, so it reads the same in
    every later build, whatever the village put right since."""

    number: int
    village: Village
    issued: date
    problems: tuple[Problem, ...]
    signed: date | None
    reply: object | None  # schema.DUBAN_REPLY: date, summary

    @property
    def year(self) -> int:
        return self.issued.year

    @property
    def deadline(self) -> date:
        return self.issued + timedelta(days=DEADLINE_DAYS)

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.number}"  # its page: <village>/duban/<year>-<number>.html

    def status(self, today: date) -> str:
        if self.reply is not None:
            return "已回复整改"
        if today > self.deadline:
            return "逾期未回复"
        return "已签收" if self.signed else "待签收"


def issued(township: Township) -> list[Issued]:
    """The township's 督办单 as recorded, oldest first (a record naming no village of the
    township is the checker's to report, and left out here)."""
    villages = {v.slug: v for v in township.villages}
    out = []
    for rec in township.duban or []:
        village = villages.get(rec.village)
        if village is None or rec.issued is None or rec.number is None:
            continue
        problems = village_report(as_of(village, rec.issued), rec.issued).problems
        out.append(Issued(rec.number, village, rec.issued, tuple(problems), rec.signed, rec.reply))
    return sorted(out, key=lambda i: (i.issued, i.number))


def next_number(docs: list[Issued], year: int) -> int:
    """The number a township's next 督办单 of `year` takes: one after the last of `docs` (issued())."""
    return max((i.number for i in docs if i.year == year), default=0) + 1


def as_of(village: Village, day: date) -> Village:
    """The village as its records stood on `day`: nothing published, held, revised or kept after it."""
    snap = copy.copy(village)
    snap.timelines, snap.memo = {}, {}
    snap.funds = [p for p in village.funds if p.published and p.published <= day]
    snap.completed = [c for c in village.completed if c.date and c.date <= day]
    snap.pledges = [_pledge_as_of(p, day) for p in village.pledges if p.made and p.made <= day]
    snap.decisions = [d for d in (_decision_as_of(d, day) for d in village.decisions) if d is not None]
    return snap


def _decision_as_of(d: Decision, day: date) -> Decision | None:
    if not d.date or d.date > day:
        return None
    d = copy.copy(d)
    later = False
    for key, number, *_ in STEP_ORDER:
        step = getattr(d, key)
        when = step and (step.start if number >= 5 else step.date)
        later = later or (step is not None and (when is None or when > day))
        if later:
            setattr(d, key, None)
    return d


def _pledge_as_of(p: Pledge, day: date) -> Pledge:
    p = copy.copy(p)
    p.revisions = [r for r in p.revisions or [] if r.date and r.date <= day]
    if p.status == "已兑现" and not (p.kept_on and p.kept_on <= day):
        p.status = "进行中"
    return p
