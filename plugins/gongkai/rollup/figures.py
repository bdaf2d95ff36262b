"""Totals for villages, townships and counties. A township's figure is the sum of its villages'.

Each record kind works out its own figures (kinds.Kind.totals, .year): how many decisions and in
what state, a year's income and expense, pledges made, kept and overdue, matters completed and
what they cost. Here they are gathered per village (kept in Village.memo) and added up by area.
"""

from __future__ import annotations

import copy
from datetime import date

from gongkai import kinds
from gongkai.model.tree import County, Township, Village


class Figures(dict):
    """Figures by name (decisions, pledges_kept, income ...), read as attributes by the templates
    (totals.decisions) and added up name by name (an area's are the sum of its parts'). A name a
    kind derives from the others (kinds.Kind.derived: a kept rate) is worked out when read."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            derive = next((k.derived[name] for k in kinds.KINDS if name in k.derived), None)
            if derive is None:
                raise AttributeError(name) from None
            return derive(self)

    def __iadd__(self, other: "Figures") -> "Figures":
        for name, value in other.items():
            if name != "year":
                self[name] = self[name] + value if name in self else copy.copy(value)
        return self


def zero_totals() -> Figures:
    """An area's figures before any village is added: every kind's, of no records."""
    out = Figures(villages=0)
    for kind in kinds.KINDS:
        out.update(kind.totals([], None, None, None))
    return out


def village_totals(village: Village, today: date, year: int) -> Figures:
    """The village's figures, with income and expense of `year` (worked out once: Village.memo). Not to be changed."""
    return village.remember(("totals", today, year), lambda: _village_totals(village, today, year))


def _village_totals(village: Village, today: date, year: int) -> Figures:
    t = Figures(villages=1)
    for kind in kinds.KINDS:
        t.update(kind.totals(getattr(village, kind.folder), today, year, village.county))
    return t


def area_totals(area: County | Township, today: date, year: int) -> Figures:
    total = zero_totals()
    for village in area.villages:
        total += village_totals(village, today, year)
    return total


def finance_year(villages: list[Village], today: date) -> int:
    """The year whose income and expense summaries are shown: the latest year with a published period."""
    years = [p.period.year for v in villages for p in v.funds if p.period]
    return max(years, default=today.year)


# -- per year, for the township and county pages ------------------------------------------------


def zero_year(year: int) -> Figures:
    """What a township or county page shows for one year, before any village is added."""
    out = Figures(year=year)
    for kind in kinds.KINDS:
        out.update(kind.year([], None, year, None))
    return out


def village_years(village: Village, today: date) -> dict[int, Figures]:
    """The village's figures year by year (worked out once: Village.memo). Not to be changed.
    Each record counts in its kind's year of it (kinds.Kind.in_year): a decision in the year it was
    put forward, a fund entry in its period's year, a pledge in the year it was made."""
    return village.remember(("years", today), lambda: _village_years(village, today))


def _village_years(village: Village, today: date) -> dict[int, Figures]:
    found = sorted({y for kind in kinds.KINDS for r in getattr(village, kind.folder) if (y := kind.in_year(r))})
    years = {}
    for y in found:
        t = Figures(year=y)
        for kind in kinds.KINDS:
            t.update(kind.year([r for r in getattr(village, kind.folder) if kind.in_year(r) == y], today, y, village.county))
        years[y] = t
    return years


def area_years(villages: list[Village], today: date) -> list[Figures]:
    """Year by year, newest first: the sums of the villages' figures."""
    total: dict[int, Figures] = {}
    for v in villages:
        for y, t in village_years(v, today).items():
            total.setdefault(y, zero_year(y))
            total[y] += t
    return [total[y] for y in sorted(total, reverse=True)]
