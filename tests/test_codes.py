"""Every diagnostic code has an example that breaks the tiny village; the checker must find it
in the right file at the changed line. The same examples are the documentation's wrong/fixed pairs."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.check.checker import check_tree
from gongkai.check.diagnostics import CODES
from gongkai.check.examples import EXAMPLES, FILES, write_tree

TODAY = date(2026, 11, 22)


def test_tiny_village_is_clean(tmp_path):
    assert check_tree(write_tree(tmp_path), TODAY).diagnostics == []


def test_every_code_has_an_example():
    assert sorted(EXAMPLES) == sorted(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_example_fires_its_code_at_the_changed_line(tmp_path, code):
    example = EXAMPLES[code]
    path = example.apply(tmp_path)
    since = tmp_path / "published" / "villages" if example.published else None
    result = check_tree(tmp_path / "villages", TODAY, since=since)
    mine = [d for d in result.diagnostics if d.code == code]
    assert mine, [(d.code, d.line) for d in result.diagnostics]
    first, last = example.changed_lines()
    where = path.parent if code == "GK111" else path
    if example.at:
        where = tmp_path / "villages" / FILES[example.at[0]]
        first = last = example.at[1]
    assert any(d.path == str(where) and first <= d.line <= last + 1 for d in mine), (first, last, mine)
    assert result.ok == (CODES[code].severity == "warning")


def test_documentation_snippets_show_the_change():
    for code, example in EXAMPLES.items():
        if example.file and not (example.encoding or example.pad):
            wrong, right = example.snippets()
            assert wrong != right, code
