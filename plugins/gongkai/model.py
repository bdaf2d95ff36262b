"""Domain objects: what a decision, a fund period, a pledge and a completed matter are.

Records get their fields from schema.py (one definition) and add what follows from them:
status, totals, deadlines. Anything that depends on "today" takes it as an argument, so a
build is reproducible for a given build date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import schema
from .schema import Record

ZERO = Decimal("0.00")


def binds(spec: schema.Spec):
    def bind(cls):
        spec.model = cls
        cls.spec_def = spec
        return cls

    return bind


@binds(schema.PROPOSAL)
class Meeting(Record):
    """A meeting step. Who must attend and agree depends on the body (DOMAIN.md, 组织法 Art. 21-26)."""

    @property
    def by_those_present(self) -> bool:
        # 村民代表会议 and 村民会议 decide by a majority of those present; the party bodies by all members
        return getattr(self, "body", None) in schema.RESOLUTION_BODIES

    @property
    def passed(self) -> bool:
        if self.agree is None or self.present is None or self.expected is None:
            return False
        return self.agree * 2 > (self.present if self.by_those_present else self.expected)

    def quorum_met(self, key: str) -> bool:
        if self.present is None or self.expected is None:
            return True
        if getattr(self, "body", None) == "村民会议":
            return self.present * 2 > self.expected
        if key in ("review", "resolution"):
            return self.present * 3 >= self.expected * 2
        return True


for _spec in (schema.CONSULTATION, schema.REVIEW, schema.RESOLUTION):
    binds(_spec)(type(_spec.name.title(), (Meeting,), {}))


@dataclass(frozen=True)
class Step:
    """One of the six steps of 四议两公开 as a villager sees it."""

    key: str
    number: int
    label: str  # 提议
    body: str  # 村党支部会议
    record: Record | None


STEP_ORDER = [
    # key, number, label, body
    ("proposal", 1, "提议", "村党支部会议"),
    ("consultation", 2, "商议", "村“两委”联席会议"),
    ("review", 3, "审议", "党员大会"),
    ("resolution", 4, "决议", "村民代表会议"),
    ("resolution_disclosure", 5, "决议公开", "公开栏和本网站"),
    ("result_disclosure", 6, "实施结果公开", "公开栏和本网站"),
]


@binds(schema.DECISION)
class Decision(Record):
    kind = "decisions"
    kind_label = "决策"

    @property
    def steps(self) -> list[Step]:
        out = []
        for key, number, label, body in STEP_ORDER:
            rec = getattr(self, key)
            if key == "resolution" and rec is not None and rec.body:
                body = rec.body
            if key == "consultation" and rec is None and self.proposal and self.proposal.merged_consultation:
                body = "与提议合并召开（一肩挑）"
            out.append(Step(key, number, label, body, rec))
        return out

    @property
    def date(self) -> date | None:
        """The date the matter was first put forward: how records are ordered."""
        first = self.three_party or self.proposal
        return first.date if first else None

    def meetings(self) -> list[tuple[str, Meeting]]:
        return [(s.key, s.record) for s in self.steps if s.number <= 4 and s.record is not None]

    @property
    def passed(self) -> bool:
        return bool(self.resolution and self.resolution.passed)

    def status(self, today: date) -> str:
        if any(not m.passed for _, m in self.meetings()):
            return "未通过"
        if self.resolution is None:
            return "讨论中"
        if self.result_disclosure is not None:
            return "已完成"
        d = self.resolution_disclosure
        if d is None or (d.end is not None and today <= d.end):
            return "公示中"
        return "实施中"


def period_bounds(period: str) -> tuple[date, date]:
    year, part = int(period[:4]), period[5:]
    if part.startswith("Q"):
        q = int(part[1])
        first, last = 3 * q - 2, 3 * q
    else:
        first = last = int(part)
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def period_label(period: str) -> str:
    year, part = period[:4], period[5:]
    if part.startswith("Q"):
        return f"{year}年第{'一二三四'[int(part[1]) - 1]}季度"
    return f"{year}年{int(part)}月"


@binds(schema.ENTRY)
class Entry(Record):
    @property
    def amount(self) -> Decimal:
        return self.income if self.income is not None else -(self.expense or ZERO)


@binds(schema.FUND_PERIOD)
class FundPeriod(Record):
    kind = "funds"
    kind_label = "财务公开"

    @property
    def title(self) -> str:
        return f"{period_label(self.period)}财务公开" if self.period else self.id

    @property
    def bounds(self) -> tuple[date, date] | None:
        return period_bounds(self.period) if self.period else None

    @property
    def date(self) -> date | None:
        return self.bounds[1] if self.bounds else None

    @property
    def income(self) -> Decimal:
        return sum((e.income for e in self.entries or [] if e.income is not None), ZERO)

    @property
    def expense(self) -> Decimal:
        return sum((e.expense for e in self.entries or [] if e.expense is not None), ZERO)

    def by_category(self) -> list[tuple[str, Decimal, Decimal]]:
        """(category, income, expense) in the statutory order, only categories used."""
        sums = {c: [ZERO, ZERO] for c in schema.FUND_CATEGORIES}
        for e in self.entries or []:
            if e.category in sums:
                sums[e.category][0] += e.income or ZERO
                sums[e.category][1] += e.expense or ZERO
        return [(c, i, x) for c, (i, x) in sums.items() if i or x]


@binds(schema.REVISION)
class Revision(Record):
    pass


@binds(schema.PLEDGE)
class Pledge(Record):
    kind = "pledges"
    kind_label = "承诺"

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


@binds(schema.COMPLETED)
class CompletedMatter(Record):
    kind = "completed"
    kind_label = "办结事项"


RECORD_MODELS = {kind: spec.model for kind, spec in schema.RECORD_KINDS.items()}


@binds(schema.VILLAGE)
class Village(Record):
    slug: str
    township: "Township"

    def init_tree(self, slug: str, township: "Township") -> None:
        self.slug = slug
        self.township = township
        self.decisions: list[Decision] = []
        self.funds: list[FundPeriod] = []
        self.pledges: list[Pledge] = []
        self.completed: list[CompletedMatter] = []

    @property
    def county(self) -> "County":
        return self.township.county

    @property
    def url(self) -> str:
        return f"{self.township.url}{self.slug}/"

    def records(self):
        yield from self.decisions
        yield from self.funds
        yield from self.pledges
        yield from self.completed

    def record(self, record_id: str) -> Record | None:
        return next((r for r in self.records() if r.id == record_id), None)

    def sort_newest_first(self) -> None:
        for kind in RECORD_MODELS:
            getattr(self, kind).sort(key=lambda r: (r.date or date.min, r.id or ""), reverse=True)


@binds(schema.TOWNSHIP)
class Township(Record):
    def init_tree(self, slug: str, county: "County") -> None:
        self.slug = slug
        self.county = county
        self.villages: list[Village] = []

    @property
    def url(self) -> str:
        return f"{self.county.url}{self.slug}/"


@binds(schema.COUNTY)
class County(Record):
    def init_tree(self, slug: str) -> None:
        self.slug = slug
        self.townships: list[Township] = []

    @property
    def url(self) -> str:
        return f"{self.slug}/"

    @property
    def min_disclosure_days(self) -> int:
        rules = self.rules
        return rules.min_disclosure_days if rules and rules.min_disclosure_days is not None else 7

    @property
    def funds_grace_days(self) -> int:
        rules = self.rules
        return rules.funds_grace_days if rules and rules.funds_grace_days is not None else 15

    @property
    def matter_categories(self) -> tuple[str, ...]:
        local = tuple(self.rules.local_categories or ()) if self.rules else ()
        return schema.MATTER_CATEGORIES + local

    @property
    def villages(self) -> list[Village]:
        return [v for t in self.townships for v in t.villages]


@dataclass
class Tree:
    """Everything loaded from one data folder."""

    root: str
    counties: list[County] = field(default_factory=list)

    @property
    def townships(self) -> list[Township]:
        return [t for c in self.counties for t in c.townships]

    @property
    def villages(self) -> list[Village]:
        return [v for c in self.counties for v in c.villages]

    @property
    def is_sample(self) -> bool:
        return any(c.sample for c in self.counties)
