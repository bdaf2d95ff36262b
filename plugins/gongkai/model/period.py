"""A fund period as the data writes it: a quarter (2024-Q1) or, for a busy village, a month (2024-03).

One value object for what six modules used to parse in place (`int(p.period[:4])`, `"Q" in
p.period`) and three wrote out again (the period containing a day). A `Period` is the text itself
(a `str`): it is written, compared, sorted and fingerprinted exactly as the clerk's text, and it
knows its year, its first and last day and its Chinese name.
"""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, timedelta

PATTERN = re.compile(r"^[0-9]{4}-(Q[1-4]|0[1-9]|1[0-2])$")
QUARTERS = "一二三四"


class Period(str):
    """2024-Q1 or 2024-03. Made from text already checked (schema.Period) or by `containing`."""

    __slots__ = ()

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """The period the text names, or None when it names none."""
        return cls(text) if PATTERN.match(text) else None

    @classmethod
    def containing(cls, day: date, monthly: bool) -> Period:
        return cls(f"{day.year}-{day.month:02d}" if monthly else f"{day.year}-Q{(day.month - 1) // 3 + 1}")

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def monthly(self) -> bool:
        return "Q" not in self

    @property
    def bounds(self) -> tuple[date, date]:
        """Its first and last day."""
        return _bounds(str(self))

    @property
    def start(self) -> date:
        return self.bounds[0]

    @property
    def end(self) -> date:
        return self.bounds[1]

    @property
    def next(self) -> Period:
        return Period.containing(self.end + timedelta(days=1), self.monthly)

    @property
    def label(self) -> str:
        """2024-Q1 -> 2024年第一季度, 2024-03 -> 2024年3月."""
        return f"{self[:4]}年{self.short_label}"

    @property
    def short_label(self) -> str:
        """Within its year: 第一季度, 3月."""
        part = self[5:]
        return f"第{QUARTERS[int(part[1]) - 1]}季度" if part.startswith("Q") else f"{int(part)}月"


@functools.lru_cache(maxsize=1 << 14)  # a county sorts its tens of thousands of periods by them, again and again
def _bounds(text: str) -> tuple[date, date]:
    year, part = int(text[:4]), text[5:]
    if part.startswith("Q"):
        first, last = 3 * int(part[1]) - 2, 3 * int(part[1])
    else:
        first = last = int(part)
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
