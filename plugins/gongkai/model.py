"""Domain objects: what a decision, a fund period, a pledge and a completed matter are.

Records get their fields from schema.py (one definition) and add what follows from them:
status, totals, deadlines. Anything that depends on "today" takes it as an argument, so a
build is reproducible for a given build date.
"""

from __future__ import annotations

import heapq

import functools
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from . import schema, synonyms
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
    # module attributes (Consultation, Review, Resolution), so that pickle finds them by name
    globals()[_spec.name.title()] = binds(_spec)(type(_spec.name.title(), (Meeting,), {}))


@dataclass(frozen=True)
class Step:
    """One of the six steps of 四议两公开 as a villager sees it."""

    key: str
    number: int
    label: str  # 提议
    body: str  # 村党支部会议
    record: Record | None
    merged: bool = False  # a consultation held together with the proposal (一肩挑): not pending
    late: str = ""  # why the step is late, in the villager's words; "" when it is not
    problem: str = ""  # a rule the step broke, in the villager's words; "" when none
    waited: int = 0  # a step not yet reached: days since the step before it (or since the work was done)

    @property
    def date(self) -> date | None:
        """When the step happened: a meeting's date, a disclosure's first day."""
        if self.record is None:
            return None
        return self.record.start if self.number >= 5 else self.record.date


@dataclass(frozen=True)
class Timeline:
    """A decision's steps with what is late or wrong marked, as of a build date."""

    steps: list[Step]

    @property
    def flags(self) -> list[str]:
        """Short marks for the decision's line on the village board."""
        flags = []
        if any(s.late for s in self.steps):
            flags.append("有步骤逾期")
        if any(s.problem for s in self.steps):
            flags.append("有步骤不合规")
        return flags


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

    @functools.cached_property  # a record never changes once checked; rules, pages and rollups all ask
    def steps(self) -> tuple[Step, ...]:
        out = []
        for key, number, label, body in STEP_ORDER:
            rec = getattr(self, key)
            if key == "resolution" and rec is not None and rec.body:
                body = rec.body
            merged = key == "consultation" and rec is None and bool(self.proposal and self.proposal.merged_consultation)
            if merged:
                body = "与提议合并召开（一肩挑）"
            out.append(Step(key, number, label, body, rec, merged))
        return tuple(out)

    def timeline(self, village: "Village", today: date) -> Timeline:
        # board, record page, 督查 and kiosk all ask; kept on the village, which a build sets up
        # afresh (init_tree), since it depends on the village's other records too
        known = village.timelines
        key = (self.id, id(self), today)
        if key not in known:
            known[key] = self._timeline(village, today)
        return known[key]

    def _timeline(self, village: "Village", today: date) -> Timeline:
        """The steps, each marked when it came late, is waiting too long, or broke a rule.

        Late means more than the county's max_step_days after the step before it. Step 6 is
        measured from when the work was done (a completed matter linking this decision), since
        the work itself may take a year. Of the steps not yet reached only the next one can be
        late, and none of a decision that did not pass.
        """
        limit = village.county.max_step_days
        rule = f"（本县规定不超过 {limit} 天）"
        done = [c.date for c in village.completed if c.decision == self.id and c.date]
        finished = ("办结", max(done)) if done else (None, None)
        before = ("三方议事", self.three_party.date) if self.three_party and self.three_party.date else (None, None)
        waiting = self.status(today) != "未通过"
        out = []
        for s in self.steps:
            what, since = finished if s.number == 6 else before
            late = problem = ""
            if s.record is not None:
                days = (s.date - since).days if s.date and since else 0
                if days > limit:
                    late = f"办结后 {days} 天才公开{rule}" if s.number == 6 else f"比上一步{what}晚了 {days} 天{rule}"
                mismatch = village.expected_mismatch(s.key, s.record) if s.number <= 4 else None
                if mismatch:
                    problem = f"应到 {s.record.expected} 人，与本村登记的{mismatch[1]} {mismatch[0]} 人不一致"
                before = (s.label, s.date) if s.date else before
            elif waiting and not s.merged:
                waiting = False
                days = (today - since).days if since else 0
                if days > limit:
                    late = f"{what}后已过 {days} 天仍未{'公开' if s.number >= 5 else '召开'}{rule}"
                out.append(replace(s, late=late, waited=days))
                continue
            out.append(replace(s, late=late, problem=problem))
        return Timeline(out)

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

    def progress(self, today: date) -> str:
        """Where the decision stands among the six steps of 四议两公开, in a villager's words."""
        done = [s for s in self.steps if s.record is not None or s.merged]
        if self.status(today) == "未通过":
            return "未获通过，不再进行"
        nxt = next((s for s in self.steps if s.record is None and not s.merged), None)
        if nxt is None:
            return "六步都已完成"
        return f"{f'第 {done[-1].number} 步{done[-1].label}已完成' if done else '尚未开始'}，下一步：{nxt.label}"

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
        return f"{self.period.label}财务公开" if self.period else self.id

    @property
    def bounds(self) -> tuple[date, date] | None:
        return self.period.bounds if self.period else None

    @property
    def date(self) -> date | None:
        return self.bounds[1] if self.bounds else None

    @property
    def income(self) -> Decimal:
        return sum((e.income for e in self.entries or [] if e.income is not None), ZERO)

    @property
    def expense(self) -> Decimal:
        return sum((e.expense for e in self.entries or [] if e.expense is not None), ZERO)

    def biggest_expenses(self, n: int = 3) -> list:
        """The period's largest payments, largest first (equal ones in ledger order)."""
        return heapq.nlargest(n, (e for e in self.entries or [] if e.expense), key=lambda e: e.expense)

    def by_category_tells(self) -> bool:
        """Whether the summary by category says more than the two totals: it does not when all
        income is under one category and all expense under one (各项收入 and 各项支出, usually)."""
        rows = self.by_category()
        return sum(1 for _, i, _ in rows if i) > 1 or sum(1 for _, _, x in rows if x) > 1

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
        self.timelines: dict = {}  # Decision.timeline's answers for this build
        # what is worked out from this village alone (its 督查 problems, its figures by year, the
        # rules' findings): once a build, and in `mkdocs serve` once while the village is unchanged
        # (check_tree). Values only: nothing in it may point back at the village or its tree.
        self.memo: dict = {}
        self.media: dict = {}  # the published form of each (attach.outputs), for its pages
        self.attachments_found: dict = {}  # its photos and scans the check found good, by path (attach.Found)
        # record kinds with a file that could not be read at all (load.UNREADABLE): what its records
        # would have answered (a decision's id, a listed photo) is not reported missing as well
        self.unreadable: set[str] = set()

    def remember(self, key, make):
        """make()'s answer, worked out once (see memo)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    @property
    def county(self) -> "County":
        return self.township.county

    @property
    def url(self) -> str:
        """The board's folder in the site being built (without the county in a county's own site)."""
        return f"{self.township.url}{self.slug}/"

    @property
    def slug_path(self) -> str:
        """county/township/village/: the village's place in the data, the same in every build.
        Fingerprints (核对码) are made from it, so a record keeps its code in a county's own site."""
        return f"{self.county.slug}/{self.township.slug}/{self.slug}/"

    def records(self):
        yield from self.decisions
        yield from self.funds
        yield from self.pledges
        yield from self.completed

    def record(self, record_id: str) -> Record | None:
        return next((r for r in self.records() if r.id == record_id), None)

    def funds_of_year(self, year: int) -> list[FundPeriod]:
        """The fund periods of one year, first period first."""
        return sorted((p for p in self.funds if p.period and p.period.year == year), key=lambda p: p.period)

    def expected_mismatch(self, key: str, meeting: Record) -> tuple[int, str] | None:
        """(number, what it is) from village.yml when a meeting's 应到 differs from it, else None.

        党员大会 counts the party members, 村民代表会议 the representatives, 村民会议 the adult
        villagers (or the households when those are not given). Other meetings are not checked.
        """
        body = getattr(meeting, "body", None)
        count, what = {
            ("review", None): (self.party_members, "党员人数"),
            ("resolution", "村民代表会议"): (self.representatives, "村民代表人数"),
            ("resolution", "村民会议"): (self.adult_villagers or self.households, "年满十八周岁的村民人数或户数"),
        }.get((key, body), (None, ""))
        if count is not None and meeting.expected is not None and meeting.expected != count:
            return count, what
        return None

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
    # True when the county is built as a site of its own (`gongkai build --only`): its page is the
    # site's home, so its url is "" and its townships' are "<township>/"; the site itself is
    # published at <address>/<county>/, so every public URL is the same as in the whole site.
    is_root = False

    def init_tree(self, slug: str) -> None:
        self.slug = slug
        self.townships: list[Township] = []

    @property
    def url(self) -> str:
        return "" if self.is_root else f"{self.slug}/"

    def _rule(self, key: str, default: int) -> int:
        value = getattr(self.rules, key, None) if self.rules else None
        return default if value is None else value

    @property
    def min_disclosure_days(self) -> int:
        return self._rule("min_disclosure_days", 7)

    @property
    def funds_grace_days(self) -> int:
        return self._rule("funds_grace_days", 15)

    @property
    def max_step_days(self) -> int:
        """The longest a decision may wait between two steps before the board marks it late."""
        return self._rule("max_step_days", 30)

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
    digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of each file read, by path
    # the search's synonyms: gongkai's list with the data folder's synonyms.yml added (synonyms.py)
    synonyms: dict[str, list[str]] = field(default_factory=lambda: dict(synonyms.shipped()))

    @property
    def townships(self) -> list[Township]:
        return [t for c in self.counties for t in c.townships]

    @property
    def villages(self) -> list[Village]:
        return [v for c in self.counties for v in c.villages]

    @property
    def is_sample(self) -> bool:
        return any(c.sample for c in self.counties)
