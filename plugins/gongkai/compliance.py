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

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .model import Village, period_bounds, period_label, zh_date

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


def period_containing(day: date, monthly: bool) -> str:
    return f"{day.year}-{day.month:02d}" if monthly else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def next_period(period: str) -> str:
    last = period_bounds(period)[1]
    return period_containing(last + timedelta(days=1), "Q" not in period)


def missing_funds(village: Village, today: date) -> Problem | None:
    """The oldest period that ended, is past its grace days and is not published; None when up to date."""
    monthly = bool(village.high_volume)
    grace = village.county.funds_grace_days
    published = sorted((p for p in village.funds if p.period and ("Q" in p.period) != monthly), key=lambda p: p.bounds)
    if published:
        due_period = next_period(published[-1].period)
    else:
        return None  # a village that never published is new to the site: nothing to compare with
    end = period_bounds(due_period)[1]
    due = end + timedelta(days=grace)
    if today <= due:
        return None
    count = 0
    period = due_period
    while period_bounds(period)[1] + timedelta(days=grace) < today:
        count += 1
        period = next_period(period)
    what = f"{period_label(due_period)}财务收支没有公开（应于{zh_date(due)}前公开）"
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
