"""Amounts in capitals (人民币大写), as printed financial notices and vouchers write them.

The rules are the common ones for bills and vouchers (中国人民银行《支付结算办法》附件
《正确填写票据和结算凭证的基本规定》):

- a run of zeros inside the number is written as one 零 (6007.14 -> 陆仟零柒元壹角肆分);
- a zero in the 元 or 万 place before a non-zero 角 or 仟 may be left out, and is
  (1680.32 -> 壹仟陆佰捌拾元叁角贰分, 107000.53 -> 壹拾万柒仟元伍角叁分);
- 角 zero and 分 not: 零 after 元 (16409.02 -> 壹万陆仟肆佰零玖元零贰分);
- 整 after 元 or 角, never after 分 (10.50 -> 壹拾元伍角整);
- a leading ten is 壹拾, not 拾 (10 -> 壹拾元整).

Exact: a value with a fraction finer than the 分 is refused, never rounded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_WAN = 10**4
_YI = 10**8
LIMIT = 10**16  # up to 9999万亿 (the data allows 13 digits of 元)


def _section(n: int) -> str:
    """1..9999 with 拾佰仟; zeros inside become one 零, trailing zeros nothing."""
    out: list[str] = []
    zero = False
    for place in range(3, -1, -1):
        d = n // 10**place % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out.append("零")
                zero = False
            out.append(DIGITS[d] + _PLACES[place])
    return "".join(out)


def _integer(n: int) -> str:
    """1 <= n < 10**16: 万 groups inside 亿 groups, 壹万亿 for 10**12."""
    if n >= _YI:
        high, low = divmod(n, _YI)
        words = _integer(high) + "亿"
        if low:
            words += ("零" if low < _YI // 10 else "") + _integer(low)
        return words
    if n >= _WAN:
        high, low = divmod(n, _WAN)
        words = _section(high) + "万"
        if low:
            words += ("零" if low < _WAN // 10 else "") + _section(low)
        return words
    return _section(n)


def words(amount: Decimal | int | str) -> str:
    """The capitals without the 人民币 prefix: 壹万贰仟元整."""
    if isinstance(amount, (float, bool)):
        raise ValueError(f"金额要用 Decimal、整数或字符串，不用浮点数：{amount!r}")
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"不是金额：{amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"不是金额：{amount!r}")
    fen_total = value * 100
    if fen_total != fen_total.to_integral_value():
        raise ValueError(f"金额 {amount} 超过两位小数（精确到分）")
    fen_total = int(fen_total)
    sign = "负" if fen_total < 0 else ""
    fen_total = abs(fen_total)
    yuan, cents = divmod(fen_total, 100)
    if yuan >= LIMIT:
        raise ValueError(f"金额 {amount} 太大")
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    out = sign
    if yuan:
        out += _integer(yuan) + "元"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out


def capitals(amount: Decimal | int | str) -> str:
    """人民币壹万贰仟元整: how a printed financial notice writes an amount."""
    return "人民币" + words(amount)
