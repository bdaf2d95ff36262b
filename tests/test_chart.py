"""The year chart of income and expense on each village board, read back from the built page and
checked against the ledger entries in the YAML (read with PyYAML, not gongkai's loader).

The chart is inline SVG: each bar's length must be in proportion to its period's totals and
agree with the printed scale, every figure must also be in words, and nothing in it may run
or fetch anything.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import yaml
from markupsafe import Markup

from conftest import REPO
from gongkai.render.charts import Series, bar_chart

DATA = REPO / "villages"
QUARTERS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度"}


def village_dirs():
    return sorted(p.parent for p in DATA.glob("*/*/*/village.yml"))


def year_periods(vdir) -> tuple[int, list[tuple[str, Decimal, Decimal]]]:
    """(latest year with a published period, [(period, income, expense)] of that year, first first)."""
    periods = [p for f in sorted((vdir / "funds").glob("*.yml")) for p in yaml.safe_load(f.read_text(encoding="utf-8"))]
    year = max(int(p["period"][:4]) for p in periods)
    out = []
    for p in sorted((p for p in periods if p["period"].startswith(f"{year}-")), key=lambda p: p["period"]):
        income = sum((Decimal(str(e["income"])) for e in p["entries"] if "income" in e), Decimal(0))
        expense = sum((Decimal(str(e["expense"])) for e in p["entries"] if "expense" in e), Decimal(0))
        out.append((p["period"], income, expense))
    return year, out


def short_label(period: str) -> str:
    part = period[5:]
    return QUARTERS[part] if part in QUARTERS else f"{int(part)}月"


def wan(value: Decimal) -> str:
    return f"{(value / 10000).quantize(Decimal('0.01')):,}万元"


def board_chart(site, vdir) -> tuple[str, str]:
    """(the whole board's HTML, the <svg> of its finance chart)."""
    html = (site / vdir.relative_to(DATA) / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="gk-chart">.*?</figure>', html, re.S)
    assert len(figures) == 1, vdir
    svgs = re.findall(r"<svg\b.*?</svg>", figures[0], re.S)
    assert len(svgs) == 1, vdir
    return html, svgs[0]


class Read:
    """What the chart draws: labels with their heights, bars by series, the scale."""

    def __init__(self, svg: str):
        self.root = ET.fromstring(svg)
        self.labels = [(t.text, float(t.get("y"))) for t in self.root.findall("g[@text-anchor='end']/text")]
        self.bars = {g.get("data-series"): [(float(r.get("y")), float(r.get("height")), float(r.get("width")), float(r.get("x")))
                                            for r in g.findall("rect")]
                     for g in self.root.findall("g[@data-series]")}
        self.ticks = [(Decimal(t.text), float(t.get("x"))) for t in self.root.findall("g[@text-anchor='middle']/text")]


@pytest.mark.parametrize("vdir", village_dirs(), ids=lambda p: p.name)
def test_bars_are_the_period_totals_of_the_current_year(sample_site, vdir):
    year, periods = year_periods(vdir)
    html, svg = board_chart(sample_site, vdir)
    chart = Read(svg)
    # one group per period of the year, in order, named the way the board names periods
    assert [label for label, _ in chart.labels] == [short_label(p) for p, _, _ in periods]
    assert set(chart.bars) == {"收入", "支出"}
    values = {"收入": [i for _, i, _ in periods], "支出": [x for _, _, x in periods]}
    longest = max((w, v) for name in values for (_, _, w, _), v in zip(chart.bars[name], values[name]))
    per_yuan = longest[0] / float(longest[1])  # user units per 元, from the longest bar
    left = {x for name in chart.bars for *_, x in chart.bars[name]}
    assert len(left) == 1, "all bars start on the axis"
    for name, bars in chart.bars.items():
        assert len(bars) == len(periods)
        for (y, height, width, _), value, (label, label_y) in zip(bars, values[name], chart.labels):
            assert width == pytest.approx(float(value) * per_yuan, abs=0.011), (vdir.name, label, name)
            assert y - 2 <= label_y <= y + height + 12, f"{label}'s {name} bar is not beside its label"
    # the printed scale (万元) says what the bars say
    (zero, x0), *rest = chart.ticks
    assert zero == 0 and x0 == pytest.approx(left.pop(), abs=0.011)
    assert rest and rest[-1][0] * 10000 >= max(values["收入"] + values["支出"])
    for tick, x in rest:
        assert x - x0 == pytest.approx(float(tick * 10000) * per_yuan, abs=0.02), (vdir.name, tick)
    assert "单位：万元" in svg
    # every figure is also in words, for a screen reader
    desc = chart.root.find("desc").text
    for (period, income, expense) in periods:
        assert f"{short_label(period)}：收入 {wan(income)}，支出 {wan(expense)}" in desc
    # and its exact amount is in the table under the chart
    table = html[html.index("</figure>"):]
    for period, income, expense in periods:
        assert f"¥{income:,.2f}" in table and f"¥{expense:,.2f}" in table
    assert str(year) in chart.root.find("title").text


def test_monthly_village_has_one_group_a_month(sample_site):
    monthly = [v for v in village_dirs() if "high_volume: true" in (v / "village.yml").read_text(encoding="utf-8")]
    assert monthly, "the sample needs a village that discloses monthly"
    for vdir in monthly:
        _, periods = year_periods(vdir)
        labels = [label for label, _ in Read(board_chart(sample_site, vdir)[1]).labels]
        assert len(labels) == len(periods) > 4 and labels[0] == "1月"


FORBIDDEN_TAGS = {"script", "foreignObject", "style", "image", "use", "a", "iframe", "object", "link"}


@pytest.mark.parametrize("vdir", village_dirs()[:1] + [v for v in village_dirs() if v.name == "guoying"], ids=lambda p: p.name)
def test_chart_runs_and_fetches_nothing(sample_site, vdir):
    html, svg = board_chart(sample_site, vdir)
    root = ET.fromstring(svg)
    for el in root.iter():
        assert el.tag not in FORBIDDEN_TAGS, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower() and name != "style", name
            assert "url(" not in value and "javascript:" not in value, (name, value)
    # named for assistive technology by its own title and description
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    assert [root.find("title").get("id"), root.find("desc").get("id")] == ids
    for i in ids:
        assert html.count(f'id="{i}"') == 1
    # sized by the page, not in pixels: it fits a 360 px phone
    assert root.get("width") == "100%" and root.get("height") is None and root.get("viewBox")
    assert "font-family" not in svg  # the page's Chinese font stack applies


def test_monthly_chart_is_small(sample_site):
    vdir = next(v for v in village_dirs() if v.name == "guoying")
    _, svg = board_chart(sample_site, vdir)
    assert len(svg.encode("utf-8")) < 4500


def luminance(colour: str) -> float:
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_and_grey_print(sample_site):
    _, svg = board_chart(sample_site, village_dirs()[0])
    root = ET.fromstring(svg)
    text_fills = {g.get("fill") for g in root.iter("g") if g.find("text") is not None}
    assert text_fills and all(contrast(f, "#ffffff") >= 4.5 for f in text_fills), text_fills
    styles = []
    for g in root.findall("g[@data-series]"):
        fill, stroke = g.get("fill"), g.get("stroke")
        edge = [c for c in (fill, stroke) if c != "none"]
        assert max(contrast(c, "#ffffff") for c in edge) >= 3, (g.get("data-series"), edge)
        styles.append(fill)
        # the legend shows the same bar beside the series' name
        assert any(r.get("fill") == fill and r.get("stroke") == stroke for r in root.findall("g/rect"))
    # printed in black and white, income and expense bars still look different
    assert contrast(*styles) >= 3


# -- the chart function itself, as township and county pages will use it --------------------


def test_bar_lengths_follow_the_values():
    svg = bar_chart("gk-t", "测试", ["甲", "乙", "丙"],
                    [Series("收入", [Decimal(30000), Decimal(15000), Decimal(0)])])
    chart = Read(svg)
    widths = [w for _, _, w, _ in chart.bars["收入"]]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.011) and widths[2] == 0
    assert [t for t, _ in chart.ticks] == [0, 1, 2, 3]  # 万元, rounded steps up to the largest value


def test_text_from_data_is_escaped():
    hostile = '<script>alert(1)</script>"'
    svg = bar_chart("gk-t", hostile, [hostile], [Series(hostile, [Decimal(1)])])
    assert isinstance(svg, Markup)
    root = ET.fromstring(svg)
    assert root.find("title").text == hostile
    assert [t.text for t in root.iter("text") if t.text == hostile]  # shown as text, not markup
    assert all(el.tag != "script" for el in root.iter())


@pytest.mark.parametrize("bad", [
    dict(chart_id="x y"), dict(values=[Decimal(-1)]), dict(values=[]),
])
def test_refuses_what_it_cannot_draw(bad):
    with pytest.raises(ValueError):
        bar_chart(bad.get("chart_id", "gk-t"), "t", ["甲"], [Series("收入", bad.get("values", [Decimal(1)]))])
