"""Township, county and portal pages: every figure is the sum of the figures of the villages under
it, recomputed here straight from the YAML (not through gongkai's model), and every row links on."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from htmltext import parse

DATA = REPO / "villages"
SUMMARY = re.compile(r'<details class="gk-year"[^>]*>\s*<summary>(\d{4})年：决策 (\d+) 项，收入 ([\d,.]+)万元，'
                     r'支出 ([\d,.]+)万元，承诺 (\d+) 项，办结 (\d+) 项，群众建议 (\d+) 条</summary>(.*?)</details>', re.S)
CATEGORY_ROW = re.compile(r'<tr><th scope="row" data-label="类别">([^<]+)</th><td data-label="收入">([^<]+)</td>'
                          r'<td data-label="支出">([^<]+)</td></tr>')


def load(path: Path):
    # BaseLoader: every scalar a string, as written; amounts become Decimal here, never float
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or []


@dataclass
class Year:
    decisions: int = 0
    income: Counter = field(default_factory=Counter)
    expense: Counter = field(default_factory=Counter)
    pledges: int = 0
    kept: int = 0
    completed: int = 0
    cost: Decimal = Decimal(0)
    suggestions: int = 0
    on_time: int = 0  # answered within the county's days (the sample's counties set none: 10)
    adopted: int = 0


def village_years(vdir: Path) -> dict[int, Year]:
    years: dict[int, Year] = defaultdict(Year)
    for f in sorted(vdir.glob("decisions/*.yml")):
        for d in load(f):
            first = d.get("three_party") or d["proposal"]
            years[int(first["date"][:4])].decisions += 1
    for f in sorted(vdir.glob("funds/*.yml")):
        for p in load(f):
            y = years[int(p["period"][:4])]
            for e in p["entries"] if isinstance(p["entries"], list) else []:
                if "income" in e:
                    y.income[e["category"]] += Decimal(e["income"])
                if "expense" in e:
                    y.expense[e["category"]] += Decimal(e["expense"])
    for f in sorted(vdir.glob("pledges/*.yml")):
        for p in load(f):
            y = years[int(p["made"][:4])]
            y.pledges += 1
            y.kept += p["status"] == "已兑现"
    for f in sorted(vdir.glob("completed/*.yml")):
        for c in load(f):
            y = years[int(c["date"][:4])]
            y.completed += 1
            y.cost += Decimal(c.get("cost", "0"))
    for f in sorted(vdir.glob("suggestions/*.yml")):
        for s in load(f):
            y = years[int(s["received"][:4])]
            y.suggestions += 1
            y.on_time += "reply_date" in s and (date.fromisoformat(s["reply_date"]) - date.fromisoformat(s["received"])).days <= 10
            y.adopted += s.get("outcome") == "采纳"
    return years


def area_years(vdirs: list[Path]) -> dict[int, Year]:
    total: dict[int, Year] = defaultdict(Year)
    for vdir in vdirs:
        for year, y in village_years(vdir).items():
            t = total[year]
            t.decisions += y.decisions
            t.income.update(y.income)
            t.expense.update(y.expense)
            t.pledges += y.pledges
            t.kept += y.kept
            t.completed += y.completed
            t.cost += y.cost
            t.suggestions += y.suggestions
            t.on_time += y.on_time
            t.adopted += y.adopted
    return total


def wan(amount: Decimal) -> str:
    return f"{(amount / 10000).quantize(Decimal('0.01')):,}"


def money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def areas() -> list[tuple[str, list[Path]]]:
    """(page under the site, village folders it sums): every township, every county, the portal."""
    out = []
    for county in sorted(p.parent for p in DATA.glob("*/county.yml")):
        for township in sorted(p.parent for p in county.glob("*/township.yml")):
            out.append((f"{county.name}/{township.name}/", sorted(p.parent for p in township.glob("*/village.yml"))))
        out.append((f"{county.name}/", sorted(p.parent for p in county.glob("*/*/village.yml"))))
    out.append(("gedi/", sorted(p.parent for p in DATA.glob("*/*/*/village.yml"))))
    return out


@pytest.mark.parametrize("page, villages", areas(), ids=[a for a, _ in areas()])
def test_every_yearly_figure_is_the_sum_of_its_villages(sample_site, page, villages):
    html = (sample_site / page / "index.html").read_text(encoding="utf-8")
    shown = {int(m[1]): m for m in SUMMARY.finditer(html)}
    expected = area_years(villages)
    assert sorted(shown) == sorted(expected) and len(shown) >= 4
    for year, y in expected.items():
        m = shown[year]
        assert (int(m[2]), m[3], m[4], int(m[5]), int(m[6]), int(m[7])) == (
            y.decisions, wan(sum(y.income.values(), Decimal(0))), wan(sum(y.expense.values(), Decimal(0))), y.pledges, y.completed,
            y.suggestions,
        ), (page, year)
        body = m[8]
        rows = {c: (i, e) for c, i, e in CATEGORY_ROW.findall(body)}
        categories = set(y.income) | set(y.expense)
        assert set(rows) == categories | {"合计"}
        for c in categories:
            assert rows[c] == (money(y.income[c]), money(y.expense[c])), (page, year, c)
        assert f"{y.kept} 项（兑现率" in body and f"{money(y.cost)}" in body
        assert f"按时答复</th><td>{y.on_time} 条" in body and f"采纳</th><td>{y.adopted} 条" in body


def test_every_village_row_links_to_its_board(sample_site):
    for page, villages in areas():
        if page.count("/") != 2:
            continue  # township pages list villages; counties list townships
        links = {url for tag, url, _ in parse((sample_site / page / "index.html").read_text(encoding="utf-8")).links if tag == "a"}
        for vdir in villages:
            assert f"{vdir.name}/" in links, (page, vdir.name)
            assert (sample_site / page / vdir.name / "index.html").is_file()


def test_the_portal_links_every_county_and_its_dashboard(sample_site):
    links = {url for tag, url, _ in parse((sample_site / "gedi" / "index.html").read_text(encoding="utf-8")).links if tag == "a"}
    for county in sorted(p.parent.name for p in DATA.glob("*/county.yml")):
        assert f"../{county}/" in links and f"../{county}/ducha/" in links
        assert (sample_site / county / "ducha" / "index.html").is_file()
