"""The clerk's guide, in Markdown walked from the code: each file kind's field table (from schema.py and kinds/)
and the page of every diagnostic code with a wrong and a fixed example (diagnostics.py, examples.py).
The hand-written pages ask for them by marker (`<!-- gongkai:fields village -->`, the MkDocs adapter);
the JSON Schemas, `gongkai new` and the open data's column list describe a value the same way.
"""

from __future__ import annotations

from gongkai import kinds
from gongkai.check import diagnostics
from gongkai.model import schema
from gongkai.check.examples import EXAMPLES, FILES


def field_table(spec_name: str) -> str:
    """The Markdown table of a spec's fields, for the clerk's guide."""
    spec = next((s for s in _all_specs() if s.name == spec_name), None)
    if spec is None:
        raise KeyError(spec_name)
    rows = ["| 字段 | 名称 | 必填 | 怎么写 |", "| --- | --- | --- | --- |"]
    for f in spec.fields.values():
        kind = type_words(f.type)
        help_text = "；".join(x for x in (kind, f.help) if x)
        rows.append(f"| `{f.key}` | {f.label} | {'是' if f.required else ''} | {md_cell(help_text)} |")
    return "\n".join(rows)


def codes_page() -> str:
    """Every code: a table, then a wrong and a fixed example from gongkai.check.examples."""
    rows = ["| 代码 | 级别 | 问题 | 怎么改 |", "| --- | --- | --- | --- |"]
    sections: list[str] = []
    for c in diagnostics.CODES.values():
        level = "错误" if c.severity == diagnostics.ERROR else "警告"
        anchor = c.code.lower()
        rows.append(f"| [`{c.code}`](#{anchor}) | {level} | {md_cell(c.title)} | {md_cell(c.hint)} |")
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


def md_cell(text: str) -> str:
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
    schema.Statement: "只能写 是",
}


def type_words(t) -> str:
    """How a clerk writes a value of this type, in the guide's field tables."""
    if isinstance(t, schema.ListOf):
        inner = t.item.label if isinstance(t.item, schema.Spec) else type_words(t.item)
        return f"列表，每项是{inner}"
    if isinstance(t, schema.Spec):
        return f"一组字段（见“{t.label}”）"
    if isinstance(t, schema.Choice):
        return "可选：" + "、".join(t.options)
    return _TYPE_WORDS[type(t)]


def _all_specs():
    """Every spec: the files around the records (schema.py) and each record kind's, with the specs inside them."""
    return [v for v in vars(schema).values() if isinstance(v, schema.Spec)] + [
        s for k in kinds.KINDS for s in _within(k.spec)]


def _within(spec: schema.Spec):
    yield spec
    for f in spec.fields.values():
        inner = f.type.item if isinstance(f.type, schema.ListOf) else f.type
        if isinstance(inner, schema.Spec):
            yield from _within(inner)
