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
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def village_totals(village: Village, today: date, year: int) -> Totals:
    t = Totals(villages=1)
    t.decisions = len(village.decisions)
    t.decision_status = Counter(d.status(today) for d in village.decisions)
    t.fund_periods = len(village.funds)
    for p in village.funds:
        if p.period and int(p.period[:4]) == year:
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
    years = [int(p.period[:4]) for v in villages for p in v.funds if p.period]
    return max(years, default=today.year)
