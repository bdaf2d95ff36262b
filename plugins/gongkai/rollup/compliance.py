"""督查: what a township or county supervisor must chase, village by village, as of the build date.

Each record kind says what problems its records can have (kinds.Kind.chase), each with the days
it is late: 财务公开逾期 (kinds/funds.py), 决策停滞 and 办结未公开结果 (kinds/decisions.py),
承诺逾期 (kinds/pledges.py). A village with none of them is shown as such. Counts roll up from villages to townships and counties.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from gongkai import kinds
from gongkai.kinds import Problem
from gongkai.model.tree import Township, Village

DEADLINE_DAYS = 15  # a 督办单 asks for the problems to be put right within this many days


@dataclass
class VillageReport:
    village: Village
    problems: list[Problem] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(p.kind for p in self.problems)


def village_report(village: Village, today: date) -> VillageReport:
    return VillageReport(village, list(village.remember(("report", today), lambda: _problems(village, today))))


def _problems(village: Village, today: date) -> tuple[Problem, ...]:
    problems = [p for kind in kinds.KINDS for p in kind.chase(village, today)]
    order = kinds.problem_kinds()
    return tuple(sorted(problems, key=lambda p: (order.index(p.kind), -p.days_late)))


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
    for kind in kinds.KINDS:
        setattr(snap, kind.folder, kind.as_of(getattr(village, kind.folder), day))
    return snap
