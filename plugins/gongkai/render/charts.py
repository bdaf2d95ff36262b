"""Bar charts drawn as inline SVG when the site is built: no chart library goes to the phone.

A chart is a list of groups (periods, categories, years, villages), each with one bar per
series (收入, 支出). Bars run sideways, one group a row with its label on the left: twelve
months or a township's villages fit a 360 px phone without turning their names.

What a villager must be able to read without colour: each series has its own fill *and*
stroke (solid, outlined, dashed), the legend names them in words, and the numbers behind the
picture are in the <desc> for screen readers and, on the page, in a table beside the chart.
Colours are at least 3:1 against white (bars) and 4.5:1 (text). No script, no link, no
style sheet: only shapes and text, and every text from the data goes through escape().
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from markupsafe import Markup, escape

TEXT = "#1a1a1a"  # 17:1 on white
AXIS = "#4d4d4d"  # 8.5:1
GRID = "#c8c8c8"  # decoration only: the tick labels carry the scale
# (fill, stroke, extra attributes) for the 1st, 2nd and 3rd series; grey print tells them apart
STYLES = (
    ("#1f5a8c", "none", ""),  # solid dark blue, 7.2:1
    ("#fbe3c8", "#a04800", ' stroke-width="1.5"'),  # pale fill, dark orange outline 6.1:1
    ("#ffffff", "#4d4d4d", ' stroke-width="1.5" stroke-dasharray="3 2"'),  # white, dashed grey outline
)

FONT = 12  # user units; the SVG is about as wide in user units as a phone is in CSS pixels
BAR = 9  # thickness of one bar
GAP = 8  # between two groups
PAD = 4
LEGEND = 26  # height of the legend row above the bars
AXIS_ROW = 22  # height of the tick labels below the bars
MIN_WIDTH = 320
MIN_PLOT = 200
_ID = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class Series:
    """One kind of bar: its name for the legend and one value per group, in the base unit (元)."""

    name: str
    values: Sequence[Decimal]


def bar_chart(
    chart_id: str,
    title: str,
    groups: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "万元",
    per_unit: Decimal = Decimal(10000),
    fmt: Callable[[Decimal], str] | None = None,
) -> Markup:
    """An <svg> of grouped horizontal bars; values are non-negative, shown on an axis in `unit`.

    `chart_id` must be unique on the page (the title and description are referenced by it);
    `fmt` writes a value for the description (default: two decimals in `unit`).
    """
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lower-case letters, digits and hyphens")
    if not 1 <= len(series) <= len(STYLES):
        raise ValueError(f"a chart has 1 to {len(STYLES)} series, not {len(series)}")
    if any(len(s.values) != len(groups) for s in series):
        raise ValueError("every series needs one value per group")
    if any(v < 0 for s in series for v in s.values):
        raise ValueError("bar charts here show amounts, which are never negative")
    fmt = fmt or (lambda v: f"{v / per_unit:,.2f}{unit}")

    ticks = _ticks(max((v for s in series for v in s.values), default=Decimal(0)) / per_unit)
    tick_text = [_number(t) for t in ticks]
    left = PAD + max((_text_width(g) for g in groups), default=0) + 6
    right = max(_text_width(tick_text[-1]) / 2 + PAD, 12)
    width = max(MIN_WIDTH, left + MIN_PLOT + right)
    plot = width - left - right
    band = len(series) * BAR + (len(series) - 1) + GAP
    top, bottom = LEGEND, LEGEND + band * len(groups)
    height = bottom + AXIS_ROW
    scale = plot / float(ticks[-1] * per_unit)  # user units per base unit

    out = [
        f'<svg viewBox="0 0 {_n(width)} {height}" width="100%" role="img" class="gk-chart-svg"'
        f' aria-labelledby="{chart_id}-t {chart_id}-d" font-size="{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{_describe(groups, series, fmt)}</desc>',
    ]
    # the scale: light lines at each tick and their labels under the bars
    xs = [left + float(t * per_unit) * scale for t in ticks]
    out.append(f'<path stroke="{GRID}" d="{"".join(f"M{_n(x)} {top}V{bottom}" for x in xs[1:])}"/>')
    out.append(f'<g fill="{TEXT}" text-anchor="middle">')
    out += [f'<text x="{_n(x)}" y="{bottom + 15}">{t}</text>' for x, t in zip(xs, tick_text)]
    out.append("</g>")
    # the legend above: a sample of each bar and its name in words; the unit on the right
    out.append(f'<g fill="{TEXT}">')
    x = PAD
    for (fill, stroke, extra), s in zip(STYLES, series):
        out.append(f'<rect x="{_n(x + 1)}" y="6" width="12" height="12" fill="{fill}" stroke="{stroke}"{extra}/>')
        out.append(f'<text x="{_n(x + 18)}" y="16">{escape(s.name)}</text>')
        x += 18 + _text_width(s.name) + 14
    out.append(f'<text x="{_n(width - PAD)}" y="16" text-anchor="end">单位：{escape(unit)}</text>')
    out.append("</g>")
    # group labels, right-aligned against the bars
    out.append(f'<g fill="{TEXT}" text-anchor="end">')
    for i, g in enumerate(groups):
        middle = top + i * band + band / 2
        out.append(f'<text x="{_n(left - 6)}" y="{_n(middle + FONT * 0.35)}">{escape(g)}</text>')
    out.append("</g>")
    # the bars, one <g> a series
    for j, ((fill, stroke, extra), s) in enumerate(zip(STYLES, series)):
        out.append(f'<g data-series="{escape(s.name)}" fill="{fill}" stroke="{stroke}"{extra}>')
        for i, v in enumerate(s.values):
            y = top + i * band + GAP / 2 + j * (BAR + 1)
            out.append(f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(float(v) * scale)}" height="{BAR}"/>')
        out.append("</g>")
    out.append(f'<path stroke="{AXIS}" d="M{_n(left)} {top}V{bottom}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _describe(groups: Sequence[str], series: Sequence[Series], fmt: Callable[[Decimal], str]) -> Markup:
    """Every figure of the chart in words: 1月：收入 1.20万元，支出 0.35万元；2月：…"""
    parts = [
        f"{g}：" + "，".join(f"{s.name} {fmt(s.values[i])}" for s in series) for i, g in enumerate(groups)
    ]
    return escape("；".join(parts) + "。" if parts else "没有数据。")


def _ticks(top: Decimal) -> list[Decimal]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least `top`: at most 6 ticks."""
    if top <= 0:
        return [Decimal(0), Decimal(1)]
    magnitude = Decimal(1).scaleb((top / 5).adjusted())
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude * 5 >= top)
    count = int((top / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * k for k in range(count + 1)]


def _number(value: Decimal) -> str:
    """A tick label: 0, 0.5, 10 (no exponent, no trailing zeros)."""
    return f"{value.normalize():f}"


def _text_width(text: str) -> float:
    """Roughly how wide a label is: a Chinese character is 1 em, a digit or letter about 0.6 em."""
    return sum(FONT if ord(c) > 0x2E7F else FONT * 0.6 for c in text)


def _n(x: float) -> str:
    """A coordinate with at most two decimals, to keep the markup short."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
