"""Rules across fields and records: what the law and DOMAIN.md say must hold.

Each rule reads the model and yields diagnostics; a rule never assumes a field converted
(a broken field is None and its own diagnostic is already out).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from .diagnostics import Diagnostic, display_path
from .kinds.decisions import Decision
from .kinds.funds import FundPeriod
from .kinds.pledges import Pledge
from .model import Tree, Village
from .schema import Record


def at(rec: Record, key: str | None, code: str, message: str, severity: str = "") -> Diagnostic:
    if key:
        return Diagnostic(rec.path, rec.line_of(key), rec.col_of(key), code, message, severity)
    return Diagnostic(rec.path, rec.line, 1, code, message, severity)


def run_all(tree: Tree, today: date) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for county in tree.counties:
        for township in county.townships:
            out.extend(codes_nest(county, township))
            out.extend(duban(township))
            for village in township.villages:
                out.extend(codes_nest(township, village))
                out.extend(village.remember("rules", lambda: [d for rule in VILLAGE_RULES for d in rule(village)]))
    return out


def codes_nest(parent: Record, child: Record) -> Iterator[Diagnostic]:
    n = 6 if parent.spec.name == "county" else 9
    if parent.code and child.code and child.code[:n] != parent.code[:n]:
        yield at(child, "code", "GK214", f"代码 {child.code} 的前 {n} 位与上级 {parent.name} 的代码 {parent.code} 不一致")


def duban(township) -> Iterator[Diagnostic]:
    """The 督办单 a township recorded: each names one of its villages, a number once a year, and
    no signature or reply before it was issued."""
    # the portal reads no village: only their folders' names (shard._AreasOnly)
    slugs = getattr(township, "village_folders", None) or {v.slug for v in township.villages}
    numbers: dict[tuple[int, int], Record] = {}
    for d in township.duban or []:
        if d.village and d.village not in slugs:
            yield at(d, "village", "GK604", f"{township.name}没有文件夹名为“{d.village}”的村，可选：{'、'.join(sorted(slugs))}")
        if d.issued and d.number is not None:
            first = numbers.setdefault((d.issued.year, d.number), d)
            if first is not d:
                yield at(d, "number", "GK605", f"{d.issued.year} 年第 {d.number} 号督办单已在第 {first.line_of('number')} 行用过")
        for when, key, what in ((d.signed, "signed", "签收"), (d.reply and d.reply.date, "reply", "整改回复")):
            if when and d.issued and when < d.issued:
                yield at(d, key, "GK606", f"{what}日期 {when} 早于签发日期 {d.issued}")


def unique_ids(village: Village) -> Iterator[Diagnostic]:
    seen: dict[str, Record] = {}
    for rec in village.records():
        if not rec.id:
            continue
        first = seen.setdefault(rec.id, rec)
        if first is not rec:
            yield at(rec, "id", "GK212", f"编号 {rec.id} 已在 {display_path(first.path)} 第 {first.line_of('id')} 行用过")


def record_years(village: Village) -> Iterator[Diagnostic]:
    for rec in village.records():
        d = rec.date
        if d and d.year != rec.year_file:
            yield at(rec, None, "GK215", f"{rec.kind_label} {rec.id} 的日期是 {d.year} 年，却写在 {rec.year_file}.yml 里")


def decision_steps(village: Village) -> Iterator[Diagnostic]:
    county = village.county
    for d in village.decisions:
        yield from _decision(d, village, county.matter_categories, county.min_disclosure_days)


def _decision(d: Decision, village: Village, categories, min_days: int) -> Iterator[Diagnostic]:
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
            yield from _votes(rec, step.label)
            yield from _quorum(d, step, village)
        elif rec.start and rec.end:
            if rec.end < rec.start:
                yield at(rec, "end", "GK304", f"“{step.label}”的结束日期 {rec.end} 早于开始日期 {rec.start}")
            elif step.number == 5 and (rec.end - rec.start).days + 1 < min_days:
                days = (rec.end - rec.start).days + 1
                yield at(rec, "end", "GK304", f"决议公开只有 {days} 天，本县规定至少 {min_days} 天")


def _quorum(d: Decision, step, village: Village) -> Iterator[Diagnostic]:
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


def _votes(m: Record, label: str) -> Iterator[Diagnostic]:
    if m.present is not None and m.expected is not None and m.present > m.expected:
        yield at(m, "present", "GK303", f"“{label}”实到 {m.present} 人，超过应到 {m.expected} 人")
    votes = [v for v in (m.agree, m.against, m.abstain) if v is not None]
    if m.present is not None and sum(votes) > m.present:
        yield at(m, "agree", "GK303", f"“{label}”赞成、反对、弃权共 {sum(votes)} 票，超过实到 {m.present} 人")


def fund_periods(village: Village) -> Iterator[Diagnostic]:
    periods: dict[str, FundPeriod] = {}
    for p in village.funds:
        if p.period in periods:
            yield at(p, "period", "GK406", f"期间 {p.period} 已在 {display_path(periods[p.period].path)} 写过")
        elif p.period:
            periods[p.period] = p
        yield from _period(p)
    monthly = bool(village.high_volume)
    for p in periods.values():
        if p.period.monthly != monthly:
            want = "按月（如 2024-03）" if monthly else "按季度（如 2024-Q1）"
            yield at(p, "period", "GK408", f"{village.name}{want}公开财务，这里写的是 {p.period}")
    chain = sorted((p for p in periods.values() if p.period.monthly == monthly), key=lambda p: p.bounds)
    for before, after in zip(chain, chain[1:]):
        gap_start = before.bounds[1] + timedelta(days=1)
        if after.bounds[0] != gap_start:
            yield at(after, "period", "GK407", f"{before.period} 之后直接是 {after.period}，中间 {gap_start} 起的期间没有公开")
        elif not (before.broken or after.broken) and after.opening_balance != before.closing_balance:
            yield at(after, "opening_balance", "GK402", f"{after.period} 期初 {after.opening_balance} 元，上期 {before.period} 期末是 {before.closing_balance} 元")
    yield from _vouchers(village.funds)
    grace = village.county.funds_grace_days
    for p in periods.values():
        end = p.bounds[1]
        if p.reviewed and p.reviewed <= end:
            yield at(p, "reviewed", "GK410", f"审核日期 {p.reviewed} 在本期结束（{end}）之前")
        elif p.reviewed and p.published and p.reviewed > p.published:
            yield at(p, "reviewed", "GK410", f"审核日期 {p.reviewed} 晚于公开日期 {p.published}")
        if p.published and (p.published - end).days > grace:
            yield at(p, "published", "GK411", f"{p.period} 于 {p.published} 公开，比本期结束晚 {(p.published - end).days} 天，超过规定的 {grace} 天")


def _vouchers(funds: list[FundPeriod]) -> Iterator[Diagnostic]:
    seen: dict[tuple[int, str], object] = {}
    for p in sorted(funds, key=lambda p: (p.path, p.line)):
        for e in p.entries or []:
            if not e.voucher or not e.date:
                continue
            first = seen.setdefault((e.date.year, e.voucher), e)
            if first is not e:
                yield at(e, "voucher", "GK409", f"凭证号 {e.voucher} 在 {e.date.year} 年已用过（{display_path(first.path)} 第 {first.line_of('voucher')} 行）")


def _period(p: FundPeriod) -> Iterator[Diagnostic]:
    bounds = p.bounds
    for e in p.entries or []:
        if (e.income is None) == (e.expense is None):
            yield at(e, None, "GK405", f"明细“{e.summary}”要么填收入，要么填支出，不能{'都填' if e.income is not None else '都不填'}")
        if bounds and e.date and not bounds[0] <= e.date <= bounds[1]:
            yield at(e, "date", "GK403", f"明细日期 {e.date} 不在 {p.period}（{bounds[0]} 至 {bounds[1]}）内")
    if p.broken or any(e.broken for e in p.entries or []):
        return
    expected = p.opening_balance + p.income - p.expense
    if expected != p.closing_balance:
        yield at(p, "closing_balance", "GK401", f"期初 {p.opening_balance} + 收入 {p.income} - 支出 {p.expense} = {expected} 元，但期末写的是 {p.closing_balance} 元")


def pledges(village: Village) -> Iterator[Diagnostic]:
    for p in village.pledges:
        yield from _pledge(p)


def _pledge(p: Pledge) -> Iterator[Diagnostic]:
    if p.made and p.deadline and p.deadline < p.made:
        yield at(p, "deadline", "GK501", f"期限 {p.deadline} 早于承诺日期 {p.made}")
    if p.made and p.kept_on and p.kept_on < p.made:
        yield at(p, "kept_on", "GK503", f"兑现日期 {p.kept_on} 早于承诺日期 {p.made}")
    last = p.made
    for r in p.revisions or []:
        if last and r.date and r.date < last:
            yield at(r, "date", "GK503", f"期限调整日期 {r.date} 早于 {last}（承诺日期或上一次调整）")
        last = r.date or last
    if p.status == "已兑现":
        missing = [label for key, label in (("kept_on", "兑现日期"), ("evidence", "兑现佐证")) if not getattr(p, key)]
        if missing:
            yield at(p, "status", "GK502", f"承诺 {p.id} 标为已兑现，但没有{'和'.join(missing)}")


def completed(village: Village) -> Iterator[Diagnostic]:
    decisions = {d.id: d for d in village.decisions}
    for c in village.completed:
        if not c.decision:
            continue
        d = decisions.get(c.decision)
        if d is None:
            if "decisions" not in village.unreadable:  # else the decision may be in the file to be put right first
                yield at(c, "decision", "GK601", f"本村没有编号为 {c.decision} 的决策")
        elif not d.passed:
            yield at(c, "decision", "GK603", f"决策 {d.id} 还没有经第 4 步决议通过")
        elif c.date and d.resolution.date and c.date < d.resolution.date:
            yield at(c, "date", "GK602", f"办结日期 {c.date} 早于决策 {d.id} 的决议日期 {d.resolution.date}")


VILLAGE_RULES = [unique_ids, record_years, decision_steps, fund_periods, pledges, completed]

