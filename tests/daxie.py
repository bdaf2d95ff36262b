"""Read an amount in capitals (人民币壹万贰仟元整) back into a number.

Written for the tests, independently of gongkai.render.capitals: a notice's capitals are checked by
reading them back and comparing with the YAML, not by running the code that wrote them.
"""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
PLACES = {"拾": 10, "佰": 100, "仟": 1000}
# 人民币, an optional 负, the 元 part, then 角 and 分, then 整 (never after 分)
SHAPE = re.compile(r"人民币(负)?(?:([零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+)元)?(零)?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?(整)?")


def _below_wan(text: str) -> int:
    total, digit = 0, 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in PLACES:
            assert digit, f"{ch} without a digit before it in {text!r}"
            total, digit = total + digit * PLACES[ch], 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    return total + digit


def _integer(text: str) -> int:
    if "亿" in text:
        high, low = text.rsplit("亿", 1)
        return _integer(high) * 10**8 + _integer(low)
    if "万" in text:
        high, low = text.split("万")
        return _below_wan(high) * 10**4 + _below_wan(low)
    return _below_wan(text)


def parse(text: str) -> Decimal:
    m = SHAPE.fullmatch(text)
    assert m, f"not an amount in capitals: {text!r}"
    negative, yuan, zero, jiao, fen, whole = m.groups()
    assert yuan or jiao or fen, text
    assert bool(whole) != bool(fen), f"整 goes with an amount that has no 分: {text!r}"
    value = Decimal(_integer(yuan or "")) + Decimal(DIGITS[jiao] if jiao else 0) / 10 + Decimal(DIGITS[fen] if fen else 0) / 100
    return -value if negative else value


CAPITALS = re.compile(r"人民币[负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+")


def find_all(text: str) -> list[str]:
    return CAPITALS.findall(text)
