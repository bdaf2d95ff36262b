"""Decisions (决策): a matter taken through the six steps of 四议两公开, one file a year in decisions/."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, replace
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from gongkai.model.tree import Record, binds
from gongkai.model.schema import AMENDMENTS, ATTACHMENTS, Bool, Choice, Count, Date, Field, Id, Money, Spec, Text
from gongkai.render.capitals import capitals
from gongkai.check.diagnostics import Diagnostic, at
from gongkai.render.kioskkit import NOTE_CHARS, TITLE_CHARS, Panel, Row, Slide, cut, days_ago, latest_of
from gongkai.render.words import joined, money, zh_date
from . import Disclosure, Kind, Kiosk, NoticeLink, NoticeText, Problem, register

if TYPE_CHECKING:
    from gongkai.model.tree import Village

# 村民委员会组织法 Art. 24: matters the villagers decide
MATTER_CATEGORIES = (
    "误工补贴", "集体收益使用", "公益事业", "筹资筹劳", "土地承包", "集体经济项目",
    "宅基地使用", "征地补偿", "集体财产处分",
)
ORIGINS = ("党员群众建议", "村干部提议", "上级安排")
RESOLUTION_BODIES = ("村民代表会议", "村民会议")

_MEETING_FIELDS = [
    Field("date", Date(), "会议日期", "", True),
    Field("expected", Count(), "应到人数", "", True),
    Field("present", Count(), "实到人数", "", True),
    Field("agree", Count(), "赞成", "赞成票数", True),
    Field("against", Count(), "反对", "反对票数"),
    Field("abstain", Count(), "弃权", "弃权票数"),
    Field("summary", Text(), "会议内容", "议了什么、结论是什么"),
    Field("minutes", Text(), "会议记录", "会议记录本的页码或编号"),
]
THREE_PARTY = Spec("three_party", "三方议事", [
    Field("date", Date(), "会议日期", "", True),
    Field("summary", Text(), "会议内容", "村党支部、村委会、村务监督委员会商量了什么"),
    Field("minutes", Text(), "会议记录", ""),
    ATTACHMENTS,
])
PROPOSAL = Spec("proposal", "提议（村党支部会议）", _MEETING_FIELDS + [
    Field("merged_consultation", Bool(), "与商议合并召开", "一肩挑的村，提议和商议可以合并为一次会议，写 true"),
    ATTACHMENTS,
])
CONSULTATION = Spec("consultation", "商议（村“两委”联席会议）", _MEETING_FIELDS + [ATTACHMENTS])
REVIEW = Spec("review", "审议（党员大会）", _MEETING_FIELDS + [ATTACHMENTS])
# which meeting decided comes first: it is what a clerk writes first, and what a reader asks first
RESOLUTION = Spec("resolution", "决议（村民代表会议或村民会议）", [
    Field("body", Choice(RESOLUTION_BODIES), "会议形式", "", True),
    *_MEETING_FIELDS,
    ATTACHMENTS,
])
DISCLOSURE = Spec("disclosure", "决议公开", [
    Field("start", Date(), "公示开始", "", True),
    Field("end", Date(), "公示结束", "", True),
    Field("where", Text(), "公示地点", "如 村务公开栏、本网站"),
    ATTACHMENTS,
])
RESULT_DISCLOSURE = Spec("result_disclosure", "实施结果公开", [
    Field("start", Date(), "公示开始", "", True),
    Field("end", Date(), "公示结束", "", True),
    Field("where", Text(), "公示地点", ""),
    Field("summary", Text(), "实施结果", "做了什么、花了多少", True),
    Field("cost", Money(), "实际花费（元）", ""),
    ATTACHMENTS,
])
DECISION = Spec("decision", "决策", [
    Field("id", Id(), "编号", "本村唯一，如 d-2024-01；公开后不要再改", True),
    Field("title", Text(), "事项", "如 修建村党群服务中心", True),
    Field("category", Text(), "事项类别", "法定类别：" + "、".join(MATTER_CATEGORIES) + "；或本县增加的类别", True),
    Field("origin", Choice(ORIGINS), "动议事由", "", True),
    Field("budget", Money(), "预算（元）", ""),
    Field("summary", Text(), "事项说明", "为什么要办、怎么办"),
    Field("three_party", THREE_PARTY, "三方议事", "（可选）第 0 步"),
    Field("proposal", PROPOSAL, "提议", "第 1 步：村党支部会议", True),
    Field("consultation", CONSULTATION, "商议", "第 2 步：村“两委”联席会议"),
    Field("review", REVIEW, "审议", "第 3 步：党员大会"),
    Field("resolution", RESOLUTION, "决议", "第 4 步：村民代表会议或村民会议"),
    Field("resolution_disclosure", DISCLOSURE, "决议公开", "第 5 步"),
    Field("result_disclosure", RESULT_DISCLOSURE, "实施结果公开", "第 6 步"),
    AMENDMENTS,
])


@binds(PROPOSAL)
class Meeting(Record):
    """A meeting step. Who must attend and agree depends on the body (DOMAIN.md, 组织法 Art. 21-26)."""

    @property
    def by_those_present(self) -> bool:
        # 村民代表会议 and 村民会议 decide by a majority of those present; the party bodies by all members
        return getattr(self, "body", None) in RESOLUTION_BODIES

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


for _spec in (CONSULTATION, REVIEW, RESOLUTION):
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


@binds(DECISION)
class Decision(Record):

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


# -- its rules


def matter_categories(county) -> tuple[str, ...]:
    """The matters that must go through 四议两公开: the statutory ones and the county's own (rules.local_categories)."""
    local = tuple(county.rules.local_categories or ()) if county.rules else ()
    return MATTER_CATEGORIES + local


def check(village: Village) -> Iterator[Diagnostic]:
    """Its rules (rules.py runs them): category, the six steps in order, votes, quorums and days."""
    county = village.county
    for d in village.decisions:
        yield from _check_decision(d, village, matter_categories(county), county.min_disclosure_days)


def _check_decision(d: Decision, village: Village, categories, min_days: int) -> Iterator[Diagnostic]:
    if d.category and d.category not in categories:
        yield at(d, "category", "GK208", f"事项类别“{d.category}”不在法定类别和本县类别中，可选：{'、'.join(categories)}")
    merged = bool(d.proposal and d.proposal.merged_consultation)
    if merged and not village.one_person_both_posts:
        yield at(d.proposal, "merged_consultation", "GK305", f"{village.name}不是一肩挑的村，提议和商议不能合并")
    present = [s for s in d.steps if s.record is not None]
    # every present step needs the steps before it: a missing step is reported once, at the
    # first step written after it
    missing = []
    for step in d.steps:
        if step.record is None:
            if not (step.key == "consultation" and merged):
                missing.append(f"第 {step.number} 步“{step.label}”")
        elif missing:
            yield at(d, step.key, "GK301", f"缺少{'和'.join(missing)}：后面的第 {step.number} 步“{step.label}”已经写了")
            missing = []
    # dates never go backwards along the steps
    chain = [("三方议事", d.three_party, "date")] + [
        (s.label, s.record, "start" if s.number >= 5 else "date") for s in d.steps
    ]
    last_label, last_date = None, None
    for label, rec, key in chain:
        when = getattr(rec, key, None) if rec is not None else None
        if when is None:
            continue
        if last_date and when < last_date:
            yield at(rec, key, "GK302", f"“{label}”的日期 {when} 早于“{last_label}”的 {last_date}")
        last_label, last_date = label, when
    for step in present:
        rec = step.record
        if step.number <= 4:
            yield from _check_votes(rec, step.label)
            yield from _check_quorum(d, step, village)
        elif rec.start and rec.end:
            if rec.end < rec.start:
                yield at(rec, "end", "GK304", f"“{step.label}”的结束日期 {rec.end} 早于开始日期 {rec.start}")
            elif step.number == 5 and (rec.end - rec.start).days + 1 < min_days:
                days = (rec.end - rec.start).days + 1
                yield at(rec, "end", "GK304", f"决议公开只有 {days} 天，本县规定至少 {min_days} 天")


def _check_quorum(d: Decision, step, village: Village) -> Iterator[Diagnostic]:
    m = step.record
    if not m.quorum_met(step.key):
        need = "过半数" if getattr(m, "body", None) == "村民会议" else "三分之二以上"
        yield at(m, "present", "GK306", f"“{step.label}”应到 {m.expected} 人、实到 {m.present} 人，不足{need}")
    later = [s for s in d.steps if s.number > step.number and s.record is not None]
    if m.agree is not None and not m.passed and later:
        base = f"实到 {m.present} 人" if m.by_those_present else f"应到 {m.expected} 人"
        yield at(m, "agree", "GK307", f"“{step.label}”赞成 {m.agree} 票，未超过{base}的半数，却进行了“{later[0].label}”")
    mismatch = village.expected_mismatch(step.key, m)
    if mismatch:
        count, what = mismatch
        yield at(m, "expected", "GK308", f"“{step.label}”应到 {m.expected} 人，与 village.yml 中的{what} {count} 不一致")


def _check_votes(m: Record, label: str) -> Iterator[Diagnostic]:
    if m.present is not None and m.expected is not None and m.present > m.expected:
        yield at(m, "present", "GK303", f"“{label}”实到 {m.present} 人，超过应到 {m.expected} 人")
    votes = [v for v in (m.agree, m.against, m.abstain) if v is not None]
    if m.present is not None and sum(votes) > m.present:
        yield at(m, "agree", "GK303", f"“{label}”赞成、反对、弃权共 {sum(votes)} 票，超过实到 {m.present} 人")


def describe(rec: Decision, today: date) -> tuple[str, str]:
    result = rec.result_disclosure.summary if rec.result_disclosure else None
    return rec.title, joined("决策", rec.category, rec.status(today), rec.summary, result)


def disclosures(rec: Decision):
    first = "三方议事" if rec.three_party and rec.three_party.date else "提议"
    yield Disclosure(rec.date, "proposed", first, rec.title, (rec.category, rec.origin, rec.summary))
    d, res = rec.resolution_disclosure, rec.resolution
    if d is not None:
        vote = res and f"{res.body}表决：赞成 {res.agree} 票，{'通过' if res.passed else '未通过'}"
        yield Disclosure(d.start, "resolution-disclosure", "决议公开", rec.title,
                         (_period(d), vote, rec.budget is not None and f"预算 {money(rec.budget)}"), posted=True)
    d = rec.result_disclosure
    if d is not None:
        yield Disclosure(d.start, "result-disclosure", "实施结果公开", rec.title,
                         (_period(d), d.summary, d.cost is not None and f"实际花费 {money(d.cost)}"), posted=True)


def _period(d: Record) -> str:
    where = f"，地点：{d.where}" if d.where else ""
    return f"公示期{zh_date(d.start)}至{zh_date(d.end)}{where}"


def board(village: Village, ctx) -> dict:
    return {"decisions": [(d, d.timeline(village, ctx.today)) for d in village.decisions]}


def page(village: Village, rec: Decision, ctx) -> dict:
    """Its steps as of the build date, and the completed matters that carried it out."""
    return {"timeline": rec.timeline(village, ctx.today),
            "carried_out": [c for c in village.completed if c.decision == rec.id]}


def chase(village: Village, today: date):
    """A step waiting longer than the county allows: 决策停滞, or 办结未公开结果 when it is the
    实施结果公开 of work already done."""
    limit = village.county.max_step_days
    for d in village.decisions:
        for step in d.timeline(village, today).steps:
            if step.record is None and step.late:
                kind = "办结未公开结果" if step.number == 6 else "决策停滞"
                late = step.waited - limit
                yield Problem(kind, f"“{d.title}”{step.label}：{step.late}", today - timedelta(days=late), late, d.id)


def as_of(decisions: list, day: date) -> list:
    return [d for d in (_decision_as_of(d, day) for d in decisions) if d is not None]


def _decision_as_of(d: Decision, day: date) -> Decision | None:
    if not d.date or d.date > day:
        return None
    d = copy.copy(d)
    d.__dict__.pop("steps", None)  # worked out again from the steps left: the copy must not keep the record's
    later = False
    for key, number, *_ in STEP_ORDER:
        step = getattr(d, key)
        when = step and (step.start if number >= 5 else step.date)
        later = later or (step is not None and (when is None or when > day))
        if later:
            setattr(d, key, None)
    return d


# -- its printed notices


def notice_links(rec: Decision) -> list[NoticeLink]:
    """Its two disclosures once they exist; the later is what its page prints by default."""
    out = []
    if rec.resolution_disclosure is not None:
        out.append(NoticeLink("jueyi", "决议公开"))
    if rec.result_disclosure is not None:
        out.append(NoticeLink("jieguo", "实施结果公开"))
    return out[:-1] + [replace(out[-1], default=True)] if out else out


def _amount(value: Decimal) -> str:
    return f"{money(value)}（{capitals(value)}）"


def _votes(m) -> str:
    against = m.against if m.against is not None else 0
    abstain = m.abstain if m.abstain is not None else 0
    return f"应到 {m.expected} 人，实到 {m.present} 人，赞成 {m.agree} 票，反对 {against} 票，弃权 {abstain} 票"


def notice(village: Village, rec: Decision, slug: str) -> NoticeText:
    """What a decision's 决议公开 (jueyi) or 实施结果公开 (jieguo) notice says."""
    result = slug == "jieguo"
    res = rec.resolution
    items: list[tuple[str, str]] = []
    if not result:
        d = rec.resolution_disclosure
        title = f"关于{rec.title}的公示"
        matter = f"本村“{rec.title}”事项（{rec.category}，动议事由：{rec.origin}）"
        if res is not None:
            outcome = "决议通过" if res.passed else "未获通过"
            lead = f"{matter}于{zh_date(res.date)}经{res.body}表决：{_votes(res)}，{outcome}。"
        else:
            lead = f"{matter}尚未表决。"
        if rec.summary:
            items.append(("主要内容", rec.summary))
        if rec.budget is not None:
            items.append(("预算金额", _amount(rec.budget)))
        if res is not None and res.summary:
            items.append(("决议情况", res.summary))
        return NoticeText(title, lead, items, d.start, d)
    d = rec.result_disclosure
    title = f"关于{rec.title}实施结果的公示"
    when = f"于{zh_date(res.date)}经{res.body}表决通过后" if res is not None and res.passed else ""
    lead = f"本村“{rec.title}”事项{when}已组织实施。"
    items.append(("实施结果", d.summary or "—"))
    if rec.budget is not None:
        items.append(("预算金额", _amount(rec.budget)))
    if d.cost is not None:
        items.append(("实际花费", _amount(d.cost)))
    for c in village.completed:
        if c.decision == rec.id:
            what = f"{c.title}，{zh_date(c.date)}办结"
            if c.funding:
                what += f"，资金来源：{c.funding}"
            items.append(("办结情况", what))
    return NoticeText(title, lead, items, d.start, d)


# -- on the touch screens


def _last_step(d: Decision, today: date) -> date | None:
    return max((s.date for s in d.steps if s.date and s.date <= today), default=None)


def _running(disclosure, today: date) -> bool:
    return bool(disclosure and disclosure.start and disclosure.end and disclosure.start <= today <= disclosure.end)


def current_decisions(village: Village, today: date, within: int) -> list[Decision]:
    """Being decided or in disclosure, a result disclosure running, or a step taken recently."""
    return [
        d for d in village.decisions
        if (d.date and d.date <= today)
        and (d.status(today) in ("讨论中", "公示中") or _running(d.result_disclosure, today)
             or days_ago(_last_step(d, today), today, within))
    ]


def votes(m) -> str:
    return f"{m.body or ''} {zh_date(m.date)}：赞成 {m.agree} 票，实到 {m.present} 人，应到 {m.expected} 人".strip()


def decision_slide(village: Village, d: Decision, today: date) -> Slide:
    flags = d.timeline(village, today).flags
    facts = [("事项类别", d.category or "—")]
    if flags:
        facts.append(("提醒", "，".join(flags)))
    if d.budget is not None:
        facts.append(("预算", money(d.budget)))
    if d.resolution:
        facts.append(("决议", votes(d.resolution)))
    shown = next(((label, disc) for label, disc in (("实施结果公示", d.result_disclosure), ("决议公示", d.resolution_disclosure))
                  if disc is not None and disc.start and disc.end), None)
    if shown:
        facts.append((shown[0], f"{zh_date(shown[1].start)}至{zh_date(shown[1].end)}"))
    facts.append(("进度", d.progress(today)))
    return Slide("决策公开", cut(d.title, TITLE_CHARS), badge=d.status(today), late=bool(flags),
                 facts=tuple(facts), note=cut(d.summary, NOTE_CHARS))


def decision_row(village: Village, d: Decision, today: date) -> Row:
    flags = d.timeline(village, today).flags
    meta = (d.category, f"提议于{zh_date(d.date)}", votes(d.resolution) if d.resolution else "", d.progress(today), "，".join(flags))
    return Row(d.title, d.status(today), bool(flags), joined(*meta))


def panel(village: Village, today: date) -> Panel:
    return Panel("p-decisions", "决策", tuple(decision_row(village, d, today) for d in village.decisions), empty="暂无决策事项。")


# -- in the township and county figures


def totals(decisions: list, today: date, year: int, county=None) -> dict:
    return {"decisions": len(decisions), "decision_status": Counter(d.status(today) for d in decisions)}


def of_year(decisions: list, today: date, year: int, county=None) -> dict:
    return {**totals(decisions, today, year), "decision_category": Counter(d.category for d in decisions)}


NOTICE_WORDS = {  # what every decision's notice opens with, and each of its two notices closes its opening with
    "decision": (".gk-law::before", "根据《中华人民共和国村民委员会组织法》和“四议两公开”工作法，"),
    "jueyi": (".gk-n-jueyi .gk-law::after", "现将有关情况公示如下："),
    "jieguo": (".gk-n-jieguo .gk-law::after", "现将实施结果公示如下："),
}
KIOSK = Kiosk(current_decisions, decision_slide, panel, latest=lambda village, today: latest_of(village.decisions, today))


KIND = register(Kind("decisions", "decision", "决策", DECISION, "d", ("proposal", "date"), describe, disclosures,
                     board=board, page=page, problems=((20, "决策停滞"), (40, "办结未公开结果")), chase=chase,
                     rule_words=lambda county: f"四议两公开两个步骤之间不超过 {county.max_step_days} 天",
                     as_of=as_of, kiosk=KIOSK, totals=totals, year=of_year,
                     notices=notice_links, notice=notice, rules=check, notice_words=NOTICE_WORDS))
