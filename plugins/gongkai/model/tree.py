"""Domain objects: the tree of counties, townships and villages that holds the records.

Each record kind's class is in its module in kinds/ (a decision's steps and status, a fund
period's totals, a pledge's deadline); a village keeps one list of records per kind, named
after the kind's folder. Records get their fields from the specs (one definition) and add what
follows from them. Anything that depends on "today" takes it as an argument, so a build is
reproducible for a given build date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from gongkai.model import schema, synonyms
from gongkai.model.schema import Record

ZERO = Decimal("0.00")


def binds(spec: schema.Spec):
    def bind(cls):
        spec.model = cls
        cls.spec_def = spec
        return cls

    return bind


@binds(schema.VILLAGE)
class Village(Record):
    slug: str
    township: "Township"

    def init_tree(self, slug: str, township: "Township") -> None:
        self.slug = slug
        self.township = township
        for kind in kinds.KINDS:  # village.decisions, village.funds, ...: its records of each kind
            setattr(self, kind.folder, [])
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
        for kind in kinds.KINDS:
            yield from getattr(self, kind.folder)

    def record(self, record_id: str) -> Record | None:
        return next((r for r in self.records() if r.id == record_id), None)

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
        for kind in kinds.KINDS:
            getattr(self, kind.folder).sort(key=lambda r: (r.date or date.min, r.id or ""), reverse=True)


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

    def rule(self, key: str, default: int) -> int:
        """A number the county sets in county.yml's rules (a kind may add one: kinds.Kind.county_rules), or its default."""
        value = getattr(self.rules, key, None) if self.rules else None
        return default if value is None else value

    @property
    def min_disclosure_days(self) -> int:
        return self.rule("min_disclosure_days", 7)

    @property
    def funds_grace_days(self) -> int:
        return self.rule("funds_grace_days", 15)

    @property
    def max_step_days(self) -> int:
        """The longest a decision may wait between two steps before the board marks it late."""
        return self.rule("max_step_days", 30)

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


# last: the kinds' modules build on Record and binds above (and the tree asks kinds.KINDS only when used)
from gongkai import kinds  # noqa: E402
