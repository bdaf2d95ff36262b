"""Fund periods (财务公开): a quarter's or a month's income and expense, one file a year in funds/."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from gongkai.model.tree import ZERO, Record, binds
from gongkai.model.schema import AMENDMENTS, ATTACHMENTS, Choice, Date, Field, Id, ListOf, Money, Period, Spec, Text
from gongkai.render import charts
from gongkai.check.diagnostics import Diagnostic, at, display_path
from gongkai.render.kioskkit import NOTE_CHARS, TITLE_CHARS, Panel, Slide, Table, cut
from gongkai.render.words import money, wan, yuan, zh_date
from gongkai.model import period as period_value
from . import Detail, Disclosure, Kind, Kiosk, New, NewRecordError, NoticeLink, NoticeText, Problem, register

FUND_CATEGORIES = ("财务计划", "各项收入", "各项支出", "各项资产", "各类资源", "债权债务", "收益分配", "其他")

ENTRY = Spec("entry", "收支明细", [
    Field("date", Date(), "日期", "", True),
    Field("category", Choice(FUND_CATEGORIES), "类别", "八类法定公开类别之一", True),
    Field("summary", Text(), "摘要", "这笔钱是什么", True),
    Field("income", Money(), "收入（元）", "收入填这里，支出不填"),
    Field("expense", Money(), "支出（元）", "支出填这里，收入不填"),
    Field("counterparty", Text(), "对方单位", "付款或收款的单位；个人只写姓氏加“某”"),
    Field("voucher", Text(), "凭证号", "如 记-012", True),
    ATTACHMENTS,
])
FUND_PERIOD = Spec("fund_period", "财务公开期", [
    Field("id", Id(), "编号", "如 f-2024-q1", True),
    Field("period", Period(), "期间", "按季写 2024-Q1，按月写 2024-03", True),
    Field("opening_balance", Money(signed=True), "期初余额（元）", "", True),
    Field("entries", ListOf(ENTRY), "收支明细", "逐项逐笔", True),
    Field("closing_balance", Money(signed=True), "期末余额（元）", "期初 + 收入 - 支出", True),
    Field("reviewed", Date(), "民主理财小组审核日期", "", True),
    Field("published", Date(), "公开日期", "", True),
    Field("note", Text(), "说明", ""),
    AMENDMENTS,
])


@binds(ENTRY)
class Entry(Record):
    @property
    def amount(self) -> Decimal:
        return self.income if self.income is not None else -(self.expense or ZERO)


@binds(FUND_PERIOD)
class FundPeriod(Record):

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
        sums = {c: [ZERO, ZERO] for c in FUND_CATEGORIES}
        for e in self.entries or []:
            if e.category in sums:
                sums[e.category][0] += e.income or ZERO
                sums[e.category][1] += e.expense or ZERO
        return [(c, i, x) for c, (i, x) in sums.items() if i or x]


# -- its rules


def check(village) -> Iterator[Diagnostic]:
    """Its rules (rules.py runs them): one period once, in sequence, balances carried, vouchers, dates."""
    periods: dict[str, FundPeriod] = {}
    for p in village.funds:
        if p.period in periods:
            yield at(p, "period", "GK406", f"期间 {p.period} 已在 {display_path(periods[p.period].path)} 写过")
        elif p.period:
            periods[p.period] = p
        yield from _check_period(p)
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
    yield from _check_vouchers(village.funds)
    grace = village.county.funds_grace_days
    for p in periods.values():
        end = p.bounds[1]
        if p.reviewed and p.reviewed <= end:
            yield at(p, "reviewed", "GK410", f"审核日期 {p.reviewed} 在本期结束（{end}）之前")
        elif p.reviewed and p.published and p.reviewed > p.published:
            yield at(p, "reviewed", "GK410", f"审核日期 {p.reviewed} 晚于公开日期 {p.published}")
        if p.published and (p.published - end).days > grace:
            yield at(p, "published", "GK411", f"{p.period} 于 {p.published} 公开，比本期结束晚 {(p.published - end).days} 天，超过规定的 {grace} 天")


def _check_vouchers(funds: list[FundPeriod]) -> Iterator[Diagnostic]:
    seen: dict[tuple[int, str], object] = {}
    for p in sorted(funds, key=lambda p: (p.path, p.line)):
        for e in p.entries or []:
            if not e.voucher or not e.date:
                continue
            first = seen.setdefault((e.date.year, e.voucher), e)
            if first is not e:
                yield at(e, "voucher", "GK409", f"凭证号 {e.voucher} 在 {e.date.year} 年已用过（{display_path(first.path)} 第 {first.line_of('voucher')} 行）")


def _check_period(p: FundPeriod) -> Iterator[Diagnostic]:
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


def describe(rec: FundPeriod, today: date) -> tuple[str, str]:
    return f"{rec.period.label}财务公开", f"收入{rec.income:,.2f}元，支出{rec.expense:,.2f}元"


def disclosures(rec: FundPeriod):
    yield Disclosure(rec.published, "published", "财务公开", rec.period.label,
                     (f"收入 {money(rec.income)}，支出 {money(rec.expense)}，期末余额 {money(rec.closing_balance)}",
                      f"民主理财小组{zh_date(rec.reviewed)}审核"), posted=True)


def missing_funds(village, today: date) -> Problem | None:
    """The oldest period that ended, is past its grace days and is not published; None when up to date."""
    monthly = bool(village.high_volume)
    grace = village.county.funds_grace_days
    published = sorted((p for p in village.funds if p.period and p.period.monthly == monthly), key=lambda p: p.bounds)
    if published:
        due_period = published[-1].period.next
    else:
        return None  # a village that never published is new to the site: nothing to compare with
    end = due_period.end
    due = end + timedelta(days=grace)
    if today <= due:
        return None
    count = 0
    period = due_period
    while period.end + timedelta(days=grace) < today:
        count += 1
        period = period.next
    what = f"{due_period.label}财务收支没有公开（应于{zh_date(due)}前公开）"
    if count > 1:
        what += f"，之后还有 {count - 1} 期也没有公开"
    return Problem("财务公开逾期", what, due, (today - due).days)


def chase(village, today: date):
    late = missing_funds(village, today)
    return [late] if late else []


def published_by(periods: list, day: date) -> list:
    return [p for p in periods if p.published and p.published <= day]


def of_year(periods: list, year: int) -> list:
    """The fund periods of one year, first period first."""
    return sorted((p for p in periods if p.period and p.period.year == year), key=lambda p: p.period)


BIGGEST = 3  # the year's largest payments a board names: where the money went, at a glance


def board(village, ctx) -> dict:
    """The board's 财务公开: the finance year's chart and largest payments, every period by year."""
    from gongkai.rollup.figures import finance_year  # the rollups build on the kinds

    year = finance_year([village], ctx.today)
    periods = of_year(village.funds, year)
    chart_title = f"{year}年{'各月' if village.high_volume else '各季度'}收入和支出"
    chart = charts.bar_chart(
        "gk-funds-chart",
        chart_title,
        [p.period.short_label for p in periods],
        [charts.Series("收入", [p.income for p in periods]), charts.Series("支出", [p.expense for p in periods])],
        fmt=wan,
    ) if periods else None
    biggest = heapq.nlargest(BIGGEST, ((e, p) for p in periods for e in p.biggest_expenses(BIGGEST)),
                             key=lambda ep: ep[0].expense)
    return {"biggest": biggest, "chart": chart, "chart_title": chart_title, "fund_years": fund_years(village)}


@dataclass(frozen=True)
class FundYear:
    """A year of a village's fund periods, as the board folds it: newest year open, older ones closed."""

    year: int
    periods: list
    income: Decimal
    expense: Decimal


def fund_years(village) -> list[FundYear]:
    years: dict[int, list] = {}
    for p in village.funds:  # newest first
        years.setdefault(p.period.year, []).append(p)
    return [
        FundYear(y, ps, sum((p.income for p in ps), Decimal(0)), sum((p.expense for p in ps), Decimal(0)))
        for y, ps in years.items()
    ]


# -- its printed notice


def notice(village, rec: FundPeriod, slug: str) -> NoticeText:
    """A fund period's 财务公开: the period, its review, then its ledger (the template lays it out)."""
    label = rec.period.label  # a required field: a record without it never reaches rendering
    first, last = rec.bounds
    lead = (
        f"{label}"
        f"（{zh_date(first)}至{zh_date(last)}）财务收支情况逐项逐笔公示如下。"
        f"本期收支已经村民主理财小组于{zh_date(rec.reviewed)}审核。"
    )
    return NoticeText(f"关于{village.name}{label}财务收支情况的公示", lead, [], rec.published)


# -- on the touch screens


def latest_funds(village, today: date) -> FundPeriod | None:
    published = [p for p in village.funds if p.period and p.published and p.published <= today]
    return max(published, key=lambda p: p.period, default=None)


def funds_slide(village, p: FundPeriod, today: date) -> Slide:
    biggest = p.biggest_expenses(1)
    facts = [
        ("本期收入", money(p.income)),
        ("本期支出", money(p.expense)),
        ("期末余额", money(p.closing_balance)),
        ("审核和公开", f"民主理财小组 {zh_date(p.reviewed)} 审核，{zh_date(p.published)} 公开"),
    ]
    if biggest:  # the largest payment itself, not a category's total
        facts.append(("支出最多", f"{cut(biggest[0].summary, TITLE_CHARS)} {money(biggest[0].expense)}"))
    return Slide("财务公开", f"{p.period.label}财务收支", badge="最新一期", facts=tuple(facts),
                 note=cut(p.note, NOTE_CHARS) or f"共 {len(p.entries or [])} 笔收支，逐项逐笔公开。")


def funds_tables(village, today: date) -> tuple[Table, ...]:
    """Every period's totals, and the latest period entry by entry (逐项逐笔)."""
    periods = tuple((p.period.label, yuan(p.income), yuan(p.expense), yuan(p.closing_balance))
                    for p in village.funds if p.period)
    tables = (Table("各期收支（元）", ("期间", "收入", "支出", "期末余额"), periods),) if periods else ()
    latest = latest_funds(village, today)
    if latest is not None and latest.entries:
        rows = tuple((zh_date(e.date), e.summary or "", yuan(e.income), yuan(e.expense)) for e in latest.entries)
        tables += (Table(f"{latest.period.label}收支明细（元）", ("日期", "摘要", "收入", "支出"), rows),)
    return tables


def current(village, today: date, within: int) -> list:
    latest = latest_funds(village, today)
    return [latest] if latest else []


def panel(village, today: date) -> Panel:
    return Panel("p-funds", "财务", tables=funds_tables(village, today), empty="暂无财务公开。")


# -- in the township and county figures


def totals(periods: list, today: date, year: int, county=None) -> dict:
    """How many periods, and the income and expense of the finance year."""
    of_year = [p for p in periods if p.period and p.period.year == year]
    return {"fund_periods": len(periods), "income": sum((p.income for p in of_year), ZERO),
            "expense": sum((p.expense for p in of_year), ZERO)}


def by_category(periods: list, today: date, year: int, county=None) -> dict:
    """A year's income and expense by statutory category (Counter: category -> Decimal)."""
    income, expense = Counter(), Counter()
    for p in periods:
        for e in p.entries or []:
            if e.income is not None:
                income[e.category] += e.income
            if e.expense is not None:
                expense[e.category] += e.expense
    return {"income": income, "expense": expense}


def area_year(name: str, t) -> dict:
    """A year's income and expense by statutory category (八类), as inline SVG, and the categories."""
    categories = [c for c in FUND_CATEGORIES if t.income[c] or t.expense[c]]
    chart = charts.bar_chart(
        f"gk-categories-{t.year}", f"{name}{t.year}年各类收入和支出", categories,
        [charts.Series("收入", [t.income[c] for c in categories]), charts.Series("支出", [t.expense[c] for c in categories])],
        fmt=wan,
    ) if categories else None
    return {"chart": chart, "categories": FUND_CATEGORIES}


DERIVED = {"income_total": lambda t: sum(t.income.values(), ZERO), "expense_total": lambda t: sum(t.expense.values(), ZERO)}


# -- `gongkai new funds`: the next period, its opening balance the closing balance before it


def next_period(periods: list, monthly: bool, year: int | None, today: date):
    """The period to write next at the village's cadence, and the period it follows (if any).

    Without a year: the period right after the latest one written, or, for a village with none
    yet, the last period that has ended. With a year: the next period of that year.
    """
    by_end = sorted((p for p in periods if p.period), key=lambda p: p.period.bounds[1])
    if year is not None:
        by_end = [p for p in by_end if p.period.bounds[1].year <= year]
    prev = by_end[-1] if by_end else None
    if prev is None:
        if year is None:
            return period_value.Period.containing(period_value.Period(period_value.Period.containing(today, monthly)).bounds[0] - timedelta(days=1), monthly), None
        return period_value.Period.containing(date(year, 1, 1), monthly), None
    start = prev.period.bounds[1] + timedelta(days=1)
    if year is not None and start.year > year:
        raise NewRecordError(
            f"{year} 年的财务公开已经写到最后一期 {prev.period}，下一期 {period_value.Period.containing(start, monthly)} "
            f"要写在 {start.year} 年的文件里（不加 --year 即可）"
        )
    if year is not None and start.year < year:
        return period_value.Period.containing(date(year, 1, 1), monthly), None  # a gap before it: check will say so
    return period_value.Period.containing(start, monthly), prev


def new_period(village, year: int | None, today: date) -> New:
    period, prev = next_period(village.records["funds"], village.monthly, year, today)
    record_id = f"f-{period.lower()}"
    n = 2
    while record_id in village.ids:
        record_id, n = f"f-{period.lower()}-{n}", n + 1
    values = {("period",): period}
    notes = [f"期间：{period}（{period_value.Period(period).label}，{'按月' if village.monthly else '按季度'}公开）"]
    closing = None if prev is None or prev.closing_balance is None else str(prev.closing_balance)
    if closing is not None:
        values[("opening_balance",)] = closing
        notes.append(f"期初余额：{closing} 元，取自上一期 {prev.period} 的期末余额")
    elif prev is not None:
        notes.append(f"上一期 {prev.period} 的期末余额没有填对，期初余额请自己填写")
    else:
        notes.append("前面没有紧挨着的上一期，期初余额请自己填写")
    end = period_value.Period(period).bounds[1]
    if end >= today:
        notes.append(f"这一期到 {end} 才结束，结束后再审核、公开")
    return New(period_value.Period(period).year, record_id, values, notes)


# what a fund period's notice opens with; it is reviewed by the 民主理财小组 and watched by the 村务监督委员会: both sign
NOTICE_WORDS = {
    "funds": (".gk-law-f::before", "根据《中华人民共和国村民委员会组织法》和农村集体经济组织财务公开的有关规定，现将本村"),
    "review": (".gk-reviewers::before", "村民主理财小组（审核）签字："),
    "watch": (".gk-reviewers::after", "村务监督委员会（监督）签字："),
}


KIND = register(Kind("funds", "funds", "财务公开", FUND_PERIOD, "f", None, describe, disclosures, jump="财务",
                     board=board, problems=((10, "财务公开逾期"),), chase=chase,
                     rule_words=lambda county: f"财务每期结束后 {county.funds_grace_days} 天内公开",
                     notice_words=NOTICE_WORDS, new=new_period,
                     detail=Detail("entries", "funds-entries", ("id", "period"),
                                   "每行一笔收支明细，带所在财务公开期的编号和期间；可用 gongkai import funds 导入"), as_of=published_by,
                     kiosk=Kiosk(current, funds_slide, panel), totals=totals, year=by_category,
                     in_year=lambda p: p.period.year if p.period else None, derived=DERIVED, area_year=area_year,
                     notices=lambda rec: [NoticeLink("caiwu", "财务公开", default=True)], notice=notice, rules=check))
