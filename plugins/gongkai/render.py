"""Turn the model into HTML. Python computes, templates only lay out.

Village boards and record pages are whole, lean HTML pages written straight to the site
folder (tens of thousands of them must not go through Markdown and the theme); county and
township pages are HTML fragments that the MkDocs adapter places inside the theme.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from . import diagnostics, schema
from .examples import EXAMPLES, FILES
from .model import STEP_ORDER, County, Decision, Tree, Village, period_label
from .rollup import area_totals, finance_year, village_totals
from .schema import Record

STATIC = Path(__file__).parent / "static"
CSS_PATH = "assets/gongkai/gongkai.css"


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


def zh_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


_env = Environment(
    loader=PackageLoader("gongkai", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(money=money, wan=wan, zh_date=zh_date, period_label=period_label)


@dataclass(frozen=True)
class Context:
    """What every page needs to know about the build."""

    tree: Tree
    today: date
    repo_root: str  # paths shown as "数据来源" are relative to this

    def source(self, rec: Record) -> str:
        rel = os.path.relpath(rec.path, self.repo_root).replace(os.sep, "/")
        return f"{rel} 第 {rec.line} 行"


def _page(template: str, url: str, ctx: Context, **values) -> str:
    depth = url.strip("/").count("/") + 1 if url.strip("/") else 0
    base = "../" * depth
    return _env.get_template(template).render(
        base=base, css=base + CSS_PATH, ctx=ctx, today=ctx.today, sample=ctx.tree.is_sample, **values
    )


def village_page(village: Village, ctx: Context) -> str:
    year = finance_year([village], ctx.today)
    return _page(
        "village.html",
        village.url,
        ctx,
        village=village,
        totals=village_totals(village, ctx.today, year),
        year=year,
        last_update=last_disclosure(village, ctx.today),
    )


def last_disclosure(village: Village, today: date) -> date | None:
    """The latest day something of this village was made public, up to today."""
    days = []
    for rec in village.records():
        if isinstance(rec, Decision):
            days += [s.record.start for s in rec.steps if s.number >= 5 and s.record and s.record.start]
        elif rec.kind == "funds":
            days.append(rec.published)
        elif rec.kind == "pledges":
            days += [rec.made, rec.kept_on]
        else:
            days.append(rec.date)
    return max((d for d in days if d and d <= today), default=None)


def record_url(village: Village, rec: Record) -> str:
    return f"{village.url}{rec.id}/"


def record_page(village: Village, rec: Record, ctx: Context) -> str:
    linked = None
    if rec.kind == "completed" and rec.decision:
        linked = village.record(rec.decision)
    carried_out = [c for c in village.completed if rec.kind == "decisions" and c.decision == rec.id]
    return _page(
        f"record_{rec.kind}.html",
        record_url(village, rec),
        ctx,
        village=village,
        rec=rec,
        linked=linked,
        carried_out=carried_out,
        step_order=STEP_ORDER,
    )


def lean_pages(ctx: Context) -> Iterator[tuple[str, str]]:
    """(path inside the site folder, HTML) for every village board and record page."""
    for village in ctx.tree.villages:
        yield f"{village.url}index.html", village_page(village, ctx)
        for rec in village.records():
            if rec.id:
                yield f"{record_url(village, rec)}index.html", record_page(village, rec, ctx)


def write_pages(site_dir: str | Path, pages: Iterator[tuple[str, str]]) -> int:
    site_dir = Path(site_dir)
    count = 0
    for rel, html in pages:
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


def css() -> str:
    return (STATIC / "gongkai.css").read_text(encoding="utf-8")


# -- fragments for the theme's pages ---------------------------------------------------------


def _fragment(template: str, ctx: Context, **values) -> str:
    return _env.get_template(template).render(ctx=ctx, today=ctx.today, **values)


def area_fragment(area, ctx: Context) -> str:
    """A county's or township's page body: its parts with simple totals."""
    year = finance_year(area.villages, ctx.today)
    is_county = isinstance(area, County)
    parts = area.townships if is_county else area.villages
    rows = [
        (p, area_totals(p, ctx.today, year) if is_county else village_totals(p, ctx.today, year))
        for p in parts
    ]
    return _fragment(
        "area.html", ctx, area=area, is_county=is_county, rows=rows,
        totals=area_totals(area, ctx.today, year), year=year,
    )


def directory_fragment(ctx: Context, prefix: str = "") -> str:
    return _fragment("directory.html", ctx, tree=ctx.tree, prefix=prefix)


def sample_banner() -> str:
    return _env.get_template("sample_banner.html").render()


def field_table(spec_name: str) -> str:
    """The Markdown table of a spec's fields, for the clerk's guide."""
    spec = next((s for s in _all_specs() if s.name == spec_name), None)
    if spec is None:
        raise KeyError(spec_name)
    rows = ["| 字段 | 名称 | 必填 | 怎么写 |", "| --- | --- | --- | --- |"]
    for f in spec.fields.values():
        kind = _type_words(f.type)
        help_text = "；".join(x for x in (kind, f.help) if x)
        rows.append(f"| `{f.key}` | {f.label} | {'是' if f.required else ''} | {_md_cell(help_text)} |")
    return "\n".join(rows)


def codes_page() -> str:
    """Every code: a table, then a wrong and a fixed example from gongkai.examples."""
    rows = ["| 代码 | 级别 | 问题 | 怎么改 |", "| --- | --- | --- | --- |"]
    sections: list[str] = []
    for c in diagnostics.CODES.values():
        level = "错误" if c.severity == diagnostics.ERROR else "警告"
        anchor = c.code.lower()
        rows.append(f"| [`{c.code}`](#{anchor}) | {level} | {_md_cell(c.title)} | {_md_cell(c.hint)} |")
        ex = EXAMPLES[c.code]
        sections += [f"### {c.code} {c.title} {{#{anchor}}}", "", f"{level}。怎么改：{c.hint}。", ""]
        if ex.note:
            sections += [f"例如：{ex.note}。", ""]
        if ex.create:
            sections += [f"错误：多了 `villages/{ex.create}`。正确：删除它，或按文书指南放到正确的位置。", ""]
        elif not (ex.encoding or ex.pad):
            wrong, right = ex.snippets()
            where = f"villages/{FILES[ex.file]}"
            sections += [f"错误写法（`{where}`）：", "", "```yaml", wrong, "```", "", "正确写法：", "", "```yaml", right, "```", ""]
    return "\n".join(rows + [""] + sections)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_TYPE_WORDS = {
    schema.Code: "12 位数字，加英文双引号",
    schema.Date: "日期，如 2024-03-05",
    schema.Count: "整数",
    schema.Bool: "true 或 false",
    schema.Id: "编号：小写字母、数字、连字符",
    schema.Period: "2024-Q1 或 2024-03",
    schema.Phone: "公开的办公电话，加引号",
    schema.Money: "金额（元），如 12000.50",
    schema.Text: "文字",
}


def _type_words(t) -> str:
    """How a clerk writes a value of this type, in the guide's field tables."""
    if isinstance(t, schema.ListOf):
        inner = t.item.label if isinstance(t.item, schema.Spec) else _type_words(t.item)
        return f"列表，每项是{inner}"
    if isinstance(t, schema.Spec):
        return f"一组字段（见“{t.label}”）"
    if isinstance(t, schema.Choice):
        return "可选：" + "、".join(t.options)
    return _TYPE_WORDS[type(t)]


def _all_specs():
    return [v for v in vars(schema).values() if isinstance(v, schema.Spec)]
