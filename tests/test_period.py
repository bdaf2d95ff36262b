"""A fund period as the data writes it (gongkai/period.py): the text itself, with its year, days and
Chinese name, checked against the calendar by hypothesis rather than by a list of cases."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

from hypothesis import given, strategies as st

from gongkai.model.period import Period

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@given(days, st.booleans())
def test_the_period_containing_a_day_holds_it_and_is_the_text_a_clerk_writes(day, monthly):
    p = Period.containing(day, monthly)
    assert p.start <= day <= p.end and p.year == day.year and p.monthly == monthly
    assert Period.parse(str(p)) == p and p == (f"{day:%Y-%m}" if monthly else f"{day.year}-Q{(day.month + 2) // 3}")
    # the next one starts the day after it ends: the chain the check and the 督查 walk
    assert p.next.start == p.end + timedelta(days=1) and p.next.monthly == monthly
    assert (p.end - p.start).days + 1 in ((28, 29, 30, 31) if monthly else (90, 91, 92))


def test_its_chinese_names():
    assert Period("2024-Q1").label == "2024年第一季度" and Period("2024-Q4").short_label == "第四季度"
    assert Period("2024-03").label == "2024年3月" and Period("2024-12").short_label == "12月"
    assert Period("2024-02").end == date(2024, 2, 29) and Period("2023-02").end == date(2023, 2, 28)


def test_it_is_the_text_itself():
    p = Period("2024-Q3")
    assert isinstance(p, str) and str(p) == "2024-Q3" and f"{p}" == "2024-Q3" and p.lower() == "2024-q3"
    assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is Period  # the parse cache
    assert sorted([Period("2024-Q3"), Period("2024-Q1")]) == ["2024-Q1", "2024-Q3"]
    for wrong in ("2024-Q5", "2024-13", "2024-3", "24-Q1", "2024Q1", "2024-00"):
        assert Period.parse(wrong) is None, wrong
