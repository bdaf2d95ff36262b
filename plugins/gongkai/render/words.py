"""Money and dates in the words a villager reads: ¥1,234.50, 12.35万元, 人民币壹万贰仟元整, 2024年3月5日.

One small module for every page, notice, feed and kiosk screen: the same amount or day is written
the same way wherever it appears. Amounts are Decimal (exact, never float).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gongkai.render.capitals import capitals


def joined(*parts: str | None) -> str:
    """决策 · 公益事业 · 公示中: the parts of a short description that are there, with a dot between."""
    return " · ".join(p for p in parts if p)


def zh_date(value: date | None) -> str:
    """2024年3月5日: a date as Chinese documents write it; — when there is none."""
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def money(value: Decimal | None) -> str:
    """¥1,234.50: what a villager reads on a receipt."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def wan(value: Decimal | None) -> str:
    """Summaries in 万元, exact to the yuan's hundredth of a 万 (two decimals)."""
    if value is None:
        return "—"
    return f"{(value / Decimal(10000)).quantize(Decimal('0.01')):,}万元"


def yuan(value: Decimal | None) -> str:
    """1,234.50: an amount in a table whose header already says （元）."""
    return "" if value is None else f"{value:,.2f}"


def daxie(value: Decimal | None) -> str:
    """人民币壹万贰仟元整, or nothing when there is no amount."""
    return "" if value is None else capitals(value)


def cn_number(n: int) -> str:
    """1 -> 一 ... 99 -> 九十九: the numbers of a notice's items (一、二、)."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "")
