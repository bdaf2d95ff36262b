"""Totals for villages, townships and counties. A township's figure is the sum of its villages'."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .model import ZERO, County, Township, Village


@dataclass
class Totals:
    villages: int = 0
    decisions: int = 0
    decision_status: Counter = field(default_factory=Counter)
    fund_periods: int = 0
    income: Decimal = ZERO  # in `year`
    expense: Decimal = ZERO  # in `year`
    pledges: int = 0
    pledges_kept: int = 0
    pledges_overdue: int = 0
    completed: int = 0
    completed_cost: Decimal = ZERO

    def __iadd__(self, other: "Totals") -> "Totals":
        return _add(self, other)


def _add(total, part, keep: tuple[str, ...] = ()):
    """Add every field of `part` into `total` (an area's figure is the sum of its parts'), but those in `keep`."""
    for name in total.__dataclass_fields__:
        if name not in keep:
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total


def village_totals(village: Village, today: date, year: int) -> Totals:
    """The village's figures, with income and expense of `year` (worked out once: Village.memo). Not to be changed."""
    return village.remember(("totals", today, year), lambda: _village_totals(village, today, year))


def _village_totals(village: Village, today: date, year: int) -> Totals:
    t = Totals(villages=1)
    t.decisions = len(village.decisions)
    t.decision_status = Counter(d.status(today) for d in village.decisions)
    t.fund_periods = len(village.funds)
    for p in village.funds:
        if p.period and p.period.year == year:
            t.income += p.income
            t.expense += p.expense
    t.pledges = len(village.pledges)
    t.pledges_kept = sum(p.status == "已兑现" for p in village.pledges)
    t.pledges_overdue = sum(p.days_overdue(today) > 0 for p in village.pledges)
    t.completed = len(village.completed)
    t.completed_cost = sum((c.cost or ZERO for c in village.completed), ZERO)
    return t


def area_totals(area: County | Township, today: date, year: int) -> Totals:
    total = Totals()
    for village in area.villages:
        total += village_totals(village, today, year)
    return total


def finance_year(villages: list[Village], today: date) -> int:
    """The year whose income and expense summaries are shown: the latest year with a published period."""
    years = [p.period.year for v in villages for p in v.funds if p.period]
    return max(years, default=today.year)


# -- per year, for the township and county pages ------------------------------------------------


@dataclass
class YearTotals:
    """What a township or county page shows for one year; an area's is the sum of its villages'.

    A decision counts in the year it was put forward, a fund entry in its period's year, a pledge
    in the year it was made, a completed matter in the year it was done."""

    year: int
    decisions: int = 0
    decision_status: Counter = field(default_factory=Counter)
    decision_category: Counter = field(default_factory=Counter)
    income: Counter = field(default_factory=Counter)  # statutory fund category -> Decimal
    expense: Counter = field(default_factory=Counter)
    pledges: int = 0
    pledges_kept: int = 0
    pledges_overdue: int = 0
    completed: int = 0
    completed_cost: Decimal = ZERO

    def __iadd__(self, other: "YearTotals") -> "YearTotals":
        return _add(self, other, keep=("year",))

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), ZERO)

    @property
    def expense_total(self) -> Decimal:
        return sum(self.expense.values(), ZERO)

    @property
    def kept_rate(self) -> str:
        """Kept of pledges made, as 75%; — when none were made."""
        return f"{round(100 * self.pledges_kept / self.pledges)}%" if self.pledges else "—"


def village_years(village: Village, today: date) -> dict[int, YearTotals]:
    """The village's figures year by year (worked out once: Village.memo). Not to be changed."""
    return village.remember(("years", today), lambda: _village_years(village, today))


def _village_years(village: Village, today: date) -> dict[int, YearTotals]:
    years: dict[int, YearTotals] = {}

    def of(day_or_year) -> YearTotals:
        y = day_or_year if isinstance(day_or_year, int) else day_or_year.year
        return years.setdefault(y, YearTotals(y))

    for d in village.decisions:
        if d.date:
            t = of(d.date)
            t.decisions += 1
            t.decision_status[d.status(today)] += 1
            t.decision_category[d.category] += 1
    for p in village.funds:
        if p.period:
            t = of(p.period.year)
            for e in p.entries or []:
                if e.income is not None:
                    t.income[e.category] += e.income
                if e.expense is not None:
                    t.expense[e.category] += e.expense
    for p in village.pledges:
        if p.made:
            t = of(p.made)
            t.pledges += 1
            t.pledges_kept += p.status == "已兑现"
            t.pledges_overdue += p.days_overdue(today) > 0
    for c in village.completed:
        if c.date:
            t = of(c.date)
            t.completed += 1
            t.completed_cost += c.cost or ZERO
    return years


def area_years(villages: list[Village], today: date) -> list[YearTotals]:
    """Year by year, newest first: the sums of the villages' figures."""
    total: dict[int, YearTotals] = {}
    for v in villages:
        for y, t in village_years(v, today).items():
            total.setdefault(y, YearTotals(y))
            total[y] += t
    return [total[y] for y in sorted(total, reverse=True)]
