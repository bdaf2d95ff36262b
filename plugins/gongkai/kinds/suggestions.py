"""Villagers' suggestions (群众建议) and the branch's replies: the village's 群众意见建议登记; suggestions/.

A suggestion is where 四议两公开 starts when its 动议事由 is 党员群众建议. The village records when
it came in and how, what it asks for (no personal data: the privacy rules apply to every text, and
a villager's name may be left out), who answered and when, and what came of it: adopted and put
to the 四议 as a decision (which must exist and name 党员群众建议 as its origin), done directly,
not adopted (with the reason), or passed up to the township or county. A reply is due within the
county's suggestion_reply_days (county.yml's rules; 10 days when it says none): a late reply is a
warning, an unanswered one past its due day is on the 督查 page.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, timedelta

from gongkai.check.diagnostics import ERROR, WARNING, Code, Diagnostic, at
from gongkai.check.examples import Example
from gongkai.render.kioskkit import NOTE_CHARS, TITLE_CHARS, Panel, Row, Slide, cut, days_ago, latest_of
from gongkai.model.tree import Record, binds
from gongkai.model.schema import AMENDMENTS, ATTACHMENTS, Choice, Count, Date, Field, Id, Spec, Text
from gongkai.render.words import joined, zh_date
from . import Disclosure, Kind, Kiosk, Problem, register

CHANNELS = ("意见箱", "来访", "电话", "网上", "村民代表转交", "党员转交", "村民会议", "入户走访")
ADOPTED = "采纳"  # and put to the 四议: its decision is linked
OUTCOMES = (ADOPTED, "已办理", "不采纳", "转上级")
NEEDS_REASON = ("不采纳", "转上级")
REPLY_DAYS = 10  # when the county sets none: a common local rule
ORIGIN = "党员群众建议"  # the 动议事由 of a decision that came from a suggestion

SUGGESTION = Spec("suggestion", "群众建议", [
    Field("id", Id(), "编号", "如 s-2024-01", True),
    Field("received", Date(), "收到日期", "", True),
    Field("channel", Choice(CHANNELS), "收到渠道", "", True),
    Field("summary", Text(), "建议内容", "概括建议的事，不写身份证号、手机号、住址等个人信息", True),
    Field("proposer", Text(), "提建议人", "本人同意公开时写，如 三组村民王某；不愿公开的不写"),
    Field("answerer", Text(), "答复人", "如 村党支部、村委会、村党支部书记 张建国"),
    Field("reply_date", Date(), "答复日期", "答复了再写"),
    Field("reply", Text(), "答复内容", "答复了再写：怎么答复的"),
    Field("outcome", Choice(OUTCOMES), "处理结果",
          "采纳：提交四议两公开，填 decision；已办理：不需要四议两公开的小事，村里直接办了；不采纳、转上级：写 reason"),
    Field("decision", Id(), "关联决策", "采纳后提交四议两公开的，填决策编号（决策的动议事由写 党员群众建议）"),
    Field("reason", Text(), "理由或去向", "不采纳的理由；转上级的，写转给了哪个部门"),
    ATTACHMENTS,
    AMENDMENTS,
])

REPLY_RULE = Field("suggestion_reply_days", Count(), "群众建议答复天数",
                   f"收到群众建议后多少天内要答复；晚了会提醒，逾期未答复的列在督查页；不写时为 {REPLY_DAYS} 天")


def reply_days(county) -> int:
    return county.rule(REPLY_RULE.key, REPLY_DAYS) if county is not None else REPLY_DAYS


@binds(SUGGESTION)
class Suggestion(Record):

    @property
    def title(self) -> str:
        return self.summary

    @property
    def date(self) -> date | None:
        return self.received

    def due(self, days: int) -> date | None:
        return self.received + timedelta(days=days) if self.received else None

    def days_to_reply(self) -> int | None:
        return (self.reply_date - self.received).days if self.reply_date and self.received else None

    def on_time(self, days: int) -> bool:
        taken = self.days_to_reply()
        return taken is not None and 0 <= taken <= days

    def days_overdue(self, today: date, days: int) -> int:
        """Days past the reply's due day while not answered; 0 when answered or not yet due."""
        if self.reply_date or not self.received or today is None:
            return 0
        return max(0, (today - self.due(days)).days)

    @property
    def status(self) -> str:
        if not self.reply_date:
            return "待答复"
        return {ADOPTED: "已采纳", None: "已答复"}.get(self.outcome, self.outcome)


# -- its rules

CODES = (
    Code("GK1001", ERROR, "答复日期早于收到建议的日期", "核对收到日期 received 和答复日期 reply_date"),
    Code("GK1002", WARNING, "群众建议答复晚了",
         f"收到后应在县里规定的天数内答复（county.yml 的 rules.suggestion_reply_days，不写时为 {REPLY_DAYS} 天）；只是提醒，不影响发布"),
    Code("GK1003", ERROR, "采纳的建议没有关联本村的决策",
         "采纳后提交四议两公开的，decision 填本村决策的编号；不需要四议两公开、村里直接办了的，outcome 写 已办理"),
    Code("GK1004", ERROR, "关联的决策不是由群众建议提起的",
         "核对决策编号；由这条建议提起的决策，动议事由 origin 应写 党员群众建议"),
    Code("GK1005", ERROR, "答复写得不完整", "答复了就写答复日期 reply_date、答复内容 reply 和处理结果 outcome；不采纳和转上级还要写理由 reason"),
)


def check(village) -> Iterator[Diagnostic]:
    days = reply_days(village.county)
    decisions = {d.id: d for d in village.decisions}
    for s in village.suggestions:
        yield from _check_reply(s, days)
        yield from _check_decision(s, decisions, village)


def _check_reply(s: Suggestion, days: int) -> Iterator[Diagnostic]:
    taken = s.days_to_reply()
    if taken is not None and taken < 0:
        yield at(s, "reply_date", "GK1001", f"答复日期 {s.reply_date} 早于收到日期 {s.received}")
    elif taken is not None and taken > days:
        yield at(s, "reply_date", "GK1002", f"收到后第 {taken} 天才答复，晚了 {taken - days} 天（县里规定 {days} 天内答复）")
    answered = [key for key in ("reply_date", "reply", "outcome") if getattr(s, key)]
    if answered and len(answered) < 3:
        missing = "、".join(SUGGESTION.fields[k].label for k in ("reply_date", "reply", "outcome") if k not in answered)
        yield at(s, answered[0], "GK1005", f"建议 {s.id} 写了{SUGGESTION.fields[answered[0]].label}，却没有{missing}")
    if s.outcome in NEEDS_REASON and not s.reason:
        yield at(s, "outcome", "GK1005", f"建议 {s.id} {s.outcome}，没有写{SUGGESTION.fields['reason'].label}（reason）")


def _check_decision(s: Suggestion, decisions: dict, village) -> Iterator[Diagnostic]:
    if s.outcome == ADOPTED and not s.decision:
        yield at(s, "outcome", "GK1003", f"建议 {s.id} 已采纳，没有写提交四议两公开的决策编号（decision）")
    if not s.decision:
        return
    d = decisions.get(s.decision)
    if d is None:
        if "decisions" not in village.unreadable:  # else it may be in the file to be put right first
            yield at(s, "decision", "GK1003", f"本村没有编号为 {s.decision} 的决策")
    elif d.origin and d.origin != ORIGIN:
        yield at(s, "decision", "GK1004", f"决策 {d.id} 的动议事由是“{d.origin}”，不是“{ORIGIN}”")


# -- the tiny valid village's suggestion (examples.py), and how to break it for each code

EXAMPLE = """\
- id: s-2024-01
  received: 2024-02-20
  channel: 村民代表转交
  summary: 村东空地常年堆放杂物，建议清理后修建文化广场
  answerer: 村党支部
  reply_date: 2024-02-28
  reply: 支部研究后同意，提交四议两公开
  outcome: 采纳
  decision: d-2024-01
"""
EXAMPLES = {
    "GK1001": Example("suggestions", "  reply_date: 2024-02-28", "  reply_date: 2024-02-18"),
    "GK1002": Example("suggestions", "  reply_date: 2024-02-28", "  reply_date: 2024-03-08",
                      note="2 月 20 日收到，3 月 8 日才答复，超过了 10 天"),
    "GK1003": Example("suggestions", "  decision: d-2024-01", "  decision: d-2024-05"),
    "GK1004": Example("decisions", "  origin: 党员群众建议", "  origin: 村干部提议", at=("suggestions", 9),
                      note="建议 s-2024-01 写的决策 d-2024-01，动议事由却是村干部提议"),
    "GK1005": Example("suggestions", "  outcome: 采纳\n  decision: d-2024-01", "  outcome: 不采纳",
                      note="不采纳，却没有写理由"),
}


def describe(rec: Suggestion, today: date) -> tuple[str, str]:
    return rec.summary, joined("群众建议", f"{zh_date(rec.received)}收到（{rec.channel}）", rec.status)


def disclosures(rec: Suggestion):
    yield Disclosure(rec.received, "received", "收到群众建议", rec.summary, (rec.channel, rec.proposer))
    yield Disclosure(rec.reply_date, "reply", "答复群众建议", rec.summary, (rec.status, rec.reply, rec.reason), posted=True)


def board(village, ctx) -> dict:
    # unanswered past due first (the longest at the top), then the newest
    days = reply_days(village.county)
    newest = sorted(village.suggestions, key=lambda s: (s.received or date.min, s.id), reverse=True)
    return {"suggestions": sorted(newest, key=lambda s: -s.days_overdue(ctx.today, days)), "days": days}


def page(village, rec: Suggestion, ctx) -> dict:
    return {"linked": village.record(rec.decision) if rec.decision else None, "days": reply_days(village.county)}


def chase(village, today: date):
    days = reply_days(village.county)
    for s in village.suggestions:
        late = s.days_overdue(today, days)
        if late > 0:
            yield Problem("建议逾期未答复", f"{zh_date(s.received)}收到的群众建议“{cut(s.summary, 40)}”，应在 {days} 天内答复",
                          s.due(days), late, s.id)


def as_of(suggestions: list, day: date) -> list:
    return [_as_of(s, day) for s in suggestions if s.received and s.received <= day]


def _as_of(s: Suggestion, day: date) -> Suggestion:
    if s.reply_date and s.reply_date > day:
        s = copy.copy(s)
        s.reply_date = s.reply = s.outcome = s.decision = s.reason = None
    return s


# -- on the touch screens


def current(village, today: date, within: int) -> list:
    """Unanswered past due, the longest first, then those answered recently."""
    days = reply_days(village.county)
    late = sorted((s for s in village.suggestions if s.days_overdue(today, days) > 0), key=lambda s: -s.days_overdue(today, days))
    return late + [s for s in village.suggestions if days_ago(s.reply_date, today, within)]


def slide(village, s: Suggestion, today: date) -> Slide:
    late = s.days_overdue(today, reply_days(village.county))
    facts = [("收到日期", zh_date(s.received)), ("收到渠道", s.channel)]
    if s.reply_date:
        facts += [("答复", f"{zh_date(s.reply_date)}{(s.answerer or '')}答复")]
    linked = village.record(s.decision) if s.decision else None
    if linked is not None:
        facts.append(("对应决策", cut(linked.title, 30)))
    return Slide("群众建议", cut(s.summary, TITLE_CHARS), badge=f"逾期未答复 {late} 天" if late else s.status, late=bool(late),
                 facts=tuple(facts), note=cut(s.reply or s.reason, NOTE_CHARS))


def row(s: Suggestion, today: date, days: int) -> Row:
    late = s.days_overdue(today, days)
    meta = (f"{zh_date(s.received)}收到（{s.channel}）", s.reply_date and f"{zh_date(s.reply_date)}答复")
    return Row(s.summary, f"逾期未答复 {late} 天" if late else s.status, bool(late), joined(*meta))


def panel(village, today: date) -> Panel:
    days = reply_days(village.county)
    return Panel("p-suggestions", "建议", tuple(row(s, today, days) for s in village.suggestions), empty="暂无群众建议。")


def latest_reply(village, today: date):
    return latest_of([s for s in village.suggestions if s.reply_date], today, lambda s: s.reply_date)


# -- in the township and county figures


def totals(suggestions: list, today: date, year: int, county=None) -> dict:
    days = reply_days(county)
    return {"suggestions": len(suggestions),
            "suggestions_on_time": sum(s.on_time(days) for s in suggestions),
            "suggestions_adopted": sum(s.outcome == ADOPTED for s in suggestions),
            "suggestions_overdue": sum(s.days_overdue(today, days) > 0 for s in suggestions)}


def on_time_rate(t) -> str:
    """Answered on time of those received, as 75%; — when none were received."""
    return f"{round(100 * t.suggestions_on_time / t.suggestions)}%" if t.suggestions else "—"


KIND = register(Kind("suggestions", "suggestion", "群众建议", SUGGESTION, "s", ("received",), describe, disclosures,
                     jump="建议", board=board, page=page, problems=((35, "建议逾期未答复"),), chase=chase,
                     rule_words=lambda county: f"群众建议收到后 {reply_days(county)} 天内答复", as_of=as_of,
                     kiosk=Kiosk(current, slide, panel, latest=latest_reply), totals=totals, year=totals,
                     in_year=lambda s: s.received.year if s.received else None, derived={"on_time_rate": on_time_rate},
                     rules=check, codes=CODES, example=EXAMPLE, examples=EXAMPLES, county_rules=(REPLY_RULE,)))
