"""Amounts in capitals (人民币大写): the examples of the rules for bills and vouchers, and properties
checked by reading every result back with an independent reader (tests/daxie.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from daxie import parse
from gongkai.render.capitals import capitals, words

KNOWN = [
    # the brief and DOMAIN.md
    ("12000", "人民币壹万贰仟元整"),
    ("1234.56", "人民币壹仟贰佰叁拾肆元伍角陆分"),
    ("100.05", "人民币壹佰元零伍分"),
    ("0", "人民币零元整"),
    ("0.00", "人民币零元整"),
    ("100000000", "人民币壹亿元整"),
    ("10.50", "人民币壹拾元伍角整"),
    ("-100", "人民币负壹佰元整"),
    # 《正确填写票据和结算凭证的基本规定》
    ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
    # a leading ten is 壹拾, zeros inside 万 and 亿 groups, less than one yuan
    ("10", "人民币壹拾元整"),
    ("15", "人民币壹拾伍元整"),
    ("110", "人民币壹佰壹拾元整"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("100010", "人民币壹拾万零壹拾元整"),
    ("200200", "人民币贰拾万零贰佰元整"),
    ("5000", "人民币伍仟元整"),
    ("78000.00", "人民币柒万捌仟元整"),
    ("2050000", "人民币贰佰零伍万元整"),
    ("1608000", "人民币壹佰陆拾万捌仟元整"),  # 万位 zero before a 仟: no 零, as 107000.53
    ("100010000", "人民币壹亿零壹万元整"),
    ("101000000", "人民币壹亿零壹佰万元整"),
    ("110000000", "人民币壹亿壹仟万元整"),
    ("1000000000000", "人民币壹万亿元整"),
    ("1000200000000", "人民币壹万零贰亿元整"),
    ("9999999999999.99", "人民币玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("0.50", "人民币伍角整"),
    ("0.05", "人民币伍分"),
    ("0.55", "人民币伍角伍分"),
    ("2000.2", "人民币贰仟元贰角整"),
    ("-0.01", "人民币负壹分"),
]


@pytest.mark.parametrize("amount, expected", KNOWN)
def test_known_amounts(amount, expected):
    assert capitals(Decimal(amount)) == expected
    assert capitals(amount) == expected
    assert parse(expected) == Decimal(amount)  # the reader agrees with the examples too


def test_integers_and_words():
    assert capitals(12000) == "人民币壹万贰仟元整"
    assert words(Decimal("12000")) == "壹万贰仟元整"


@pytest.mark.parametrize("bad", [Decimal("0.001"), Decimal("12.345"), "1.005", 0.1, 12.0, True, "abc", "",
                                 Decimal("NaN"), Decimal("Infinity"), None, Decimal(10) ** 16])
def test_refuses_what_is_not_an_exact_amount(bad):
    with pytest.raises(ValueError):
        capitals(bad)


def test_exact_not_rounded():
    # a trailing zero beyond the fen is still exact
    assert capitals(Decimal("1.500")) == "人民币壹元伍角整"


CENTS = st.integers(min_value=-(10**15), max_value=10**15) | st.integers(min_value=-10**4, max_value=10**4)
ALPHABET = set("人民币负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@given(CENTS)
@example(0)
@example(1)
@example(10)
@example(100)
@example(10**14)
@example(10**15 - 1)
def test_reads_back_and_keeps_the_rules(cents):
    value = Decimal(cents).scaleb(-2)
    text = capitals(value)
    assert parse(text) == value
    assert set(text) <= ALPHABET
    assert text.startswith("人民币")
    assert text.startswith("人民币负") == (cents < 0)
    jiao, fen = abs(cents) // 10 % 10, abs(cents) % 10
    # 整 exactly when there is no 分; 角 and 分 exactly when those digits are not zero
    assert text.endswith("整") == (fen == 0) == ("分" not in text)
    assert ("角" in text) == (jiao != 0)
    # one 零 for a run of zeros; never a 零 before a unit or at the end
    assert "零零" not in text
    for unit in "拾佰仟万亿角分整":
        assert "零" + unit not in text
    assert "零元" not in text or text == "人民币零元整"
    # 拾 always has its digit: 壹拾, never a bare 拾
    for i, ch in enumerate(text):
        if ch in "拾佰仟":
            assert text[i - 1] in "壹贰叁肆伍陆柒捌玖", text
    # 元 appears once when there are whole yuan, not at all below one yuan (伍角整)
    yuan = abs(cents) // 100
    assert text.count("元") == (1 if yuan or cents == 0 else 0)


@given(st.integers(min_value=1, max_value=10**15))
def test_negative_is_the_positive_with_fu(cents):
    value = Decimal(cents).scaleb(-2)
    assert capitals(-value) == "人民币负" + words(value)
