"""Open data: every record kind as CSV and JSON, for each village, township, county and the whole site.

The columns are walked from schema.py (never a field list of their own): the English name of a
column is the field's key (nested ones joined by dots, `resolution.agree`), its Chinese title the
field's label (`决议·赞成`). Every row starts with where the record is (county, township and
village codes and names). A fund period's ledger gets a table of its own, one row per entry.

Values are written exactly: amounts as decimal text with two places (never a float), dates as
ISO, codes as text with their leading zeros, lists (amendments, deadline revisions) as a JSON
array in one cell. CSV is UTF-8 with a BOM, so that Excel on Chinese Windows reads it right.
The JSON files hold the records as content/schema/<kind>.schema.json describes them: a village's
file is a list of records, like its YAML files; a township's, county's or the site's is a list
of villages, each with its place and its list of records.

Each level's folder (`<url>data/`, and `data/` for the whole site) has a Frictionless data
package descriptor, datapackage.json, that describes its files. Rows are computed once per
village and appended to every level's open files as they come: a county of 300 villages over
five years is streamed, never held in memory. Does not import MkDocs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring as _text  # a JSON string, Chinese kept readable
from pathlib import Path

from . import render, schema
from .model import Tree, Village
from .render import _md_cell
from .schema import ListOf, Record, Spec

FOLDER = "data"  # <village url>data/, <township url>data/, ... and data/ for the whole site
SCHEMA_URL = "schema/{kind}.schema.json"  # from the site's root: what schema_export publishes
DESCRIPTOR = "datapackage.json"


# -- columns, walked from the schema ----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # English: the field key, nested keys joined by dots
    title: str  # Chinese: the field's label
    type: str  # Table Schema type: string, integer, number, date, boolean, array
    description: str
    required: bool
    constraints: dict
    source: int  # which object of a row the value comes from: 0 the village, 1 the record, 2 a ledger entry
    path: tuple[str, ...]  # attributes to follow from that object

    def value(self, objs: tuple) -> object:
        value = objs[self.source]
        for key in self.path:
            value = getattr(value, key, None)
            if value is None:
                return None
        return value

    def descriptor(self) -> dict:
        """This column as a field of a Frictionless Table Schema."""
        out = {"name": self.name, "title": self.title, "type": self.type, "description": self.description}
        if self.type == "boolean":
            out.update(trueValues=["true"], falseValues=["false"])
        constraints = {**self.constraints, **({"required": True} if self.required else {})}
        if constraints:
            out["constraints"] = constraints
        return out


_TYPES = {
    schema.Date: ("date", "日期，如 2024-03-05"),
    schema.Money: ("number", "金额（元），两位小数，如 12000.50"),
    schema.Count: ("integer", "整数"),
    schema.Bool: ("boolean", "true 或 false"),
}


def _constraints(t) -> dict:
    if isinstance(t, schema.Choice):
        return {"enum": list(t.options)}
    if isinstance(t, (schema.Money, schema.Count)) and "minimum" in t.json:
        return {"minimum": t.json["minimum"]}
    pattern = t.json.get("pattern", "") if not isinstance(t, ListOf) else ""
    if pattern and "(?" not in pattern:  # Table Schema patterns are anchored and know no lookahead
        return {"pattern": pattern.removeprefix("^").removesuffix("$")}
    return {}


def _place(spec: Spec, path: tuple[str, ...]) -> list[Column]:
    """The code and name columns of a county, township or village, from its spec."""
    word = spec.label.split("（")[0]  # 县（county.yml） -> 县
    code, name = spec.fields["code"], spec.fields["name"]
    key = spec.name
    return [
        Column(f"{key}_code", f"{word}{code.label}", "string", f"{word}的{code.label}，12 位数字（文本，保留开头的 0）",
               True, _constraints(code.type), 0, path + ("code",)),
        Column(key, name.label, "string", f"{word}的名称", True, {}, 0, path + ("name",)),
    ]


LOCATION = (
    _place(schema.COUNTY, ("township", "county"))
    + _place(schema.TOWNSHIP, ("township",))
    + _place(schema.VILLAGE, ())
)


def _columns(spec: Spec, source: int, skip: tuple[str, ...] = (), path: tuple[str, ...] = (),
             title: str = "", required: bool = True) -> list[Column]:
    """One column per scalar field of `spec`, nested specs flattened; a list is one JSON cell."""
    out: list[Column] = []
    for f in spec.fields.values():
        if f.key in skip:
            continue
        here, label, req = path + (f.key,), f"{title}{f.label}", required and f.required
        if isinstance(f.type, Spec):
            out += _columns(f.type, source, (), here, f"{label}·", req)
            continue
        if isinstance(f.type, ListOf):
            item = f.type.item.label if isinstance(f.type.item, Spec) else "文字"
            kind, words = "array", f"JSON 数组，每项是一条{item}"
        else:
            kind, words = _TYPES.get(type(f.type), ("string", ""))
            if isinstance(f.type, schema.Choice):
                words = "可选：" + "、".join(f.type.options)
        description = "；".join(x for x in (words, f.help) if x)
        out.append(Column(".".join(here), label, kind, description, req, _constraints(f.type), source, here))
    return out


@dataclass(frozen=True)
class Table:
    """One CSV file: its columns and the rows one village gives it."""

    name: str  # file stem and resource name: decisions, funds-entries
    kind: str  # the record kind it comes from (schema.RECORD_KINDS)
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Village], Iterator[tuple]]  # (village, record) or (village, period, entry)


def _chronological(records: list) -> list:
    return sorted(records, key=lambda r: (r.date or date.min, r.id or ""))


def _records(kind: str) -> Callable[[Village], Iterator[tuple]]:
    def rows(village: Village) -> Iterator[tuple]:
        for rec in _chronological(getattr(village, kind)):
            yield village, rec
    return rows


def _ledger_rows(village: Village) -> Iterator[tuple]:
    for period in _chronological(village.funds):
        for entry in period.entries or []:
            yield village, period, entry


def _tables() -> tuple[Table, ...]:
    out = []
    for kind, spec in schema.RECORD_KINDS.items():
        skip = ("entries",) if kind == "funds" else ()
        what = f"每行一条{spec.label}" + ("（不含收支明细，明细见 funds-entries.csv）" if skip else "")
        out.append(Table(kind, kind, spec.label, what, tuple(LOCATION + _columns(spec, 1, skip)), _records(kind)))
        if kind == "funds":
            head = [c for c in _columns(spec, 1, title=f"{spec.label}·") if c.name in ("id", "period")]
            entries = _columns(spec.fields["entries"].type.item, 2)
            out.append(Table("funds-entries", kind, spec.fields["entries"].label,
                             f"每行一笔收支明细，带所在{spec.label}的编号和期间；可用 gongkai import funds 导入",
                             tuple(LOCATION + head + entries), _ledger_rows))
    return tuple(out)


TABLES = _tables()
ENTRIES = next(t for t in TABLES if t.name == "funds-entries")  # what `gongkai import funds` reads back


# -- values -----------------------------------------------------------------------------------


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as CSV text: exact amounts, ISO dates, lists as JSON; nothing for a missing value."""
    kind = type(value)
    if kind is str:
        # Excel and WPS run a cell that starts like a formula (=HYPERLINK(...)): text from YAML must
        # not become one. The apostrophe is Excel's own "this is text" mark; the importer drops it.
        return "'" + value if value[:1] in FORMULA_START else value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is Decimal:
        return f"{value:.2f}"
    if kind is date:
        return value.isoformat()
    if kind is list:
        return json_value(value)
    return str(value)


def json_value(value) -> str:
    """A value as compact JSON text, amounts as numbers written exactly (1234.50, never 1234.5000001).
    Hand-made rather than json.dumps, which knows no exact decimals (and is slower for this)."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is Decimal:
        return f"{value:.2f}"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is date:
        return f'"{value.isoformat()}"'
    if kind is list:
        return "[" + ",".join(map(json_value, value)) + "]"
    if isinstance(value, Record):
        items = ((k, getattr(value, k, None)) for k in value.spec.fields)
    elif kind is dict:
        items = iter(value.items())
    else:
        raise TypeError(f"cannot write {value!r} as JSON")
    return "{" + ",".join(f"{_text(k)}:{json_value(v)}" for k, v in items if v is not None) + "}"


def csv_rows(table: Table, village: Village) -> str:
    """The CSV lines of one village's rows in `table`, header excluded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for objs in table.rows(village):
        writer.writerow([cell(c.value(objs)) for c in table.columns])
    return out.getvalue()


def json_records(kind: str, village: Village) -> list[str]:
    return [json_value(rec) for rec in _chronological(getattr(village, kind))]


# -- writing every level ------------------------------------------------------------------------


def descriptor(name: str, title: str, grouped: bool, sample: bool, sizes: dict[str, int] | None = None) -> dict:
    """The Frictionless data package descriptor of one level's folder (`grouped`: not a village's)."""
    sizes = sizes or {}
    note = "示例数据，不是真实的村务记录。" if sample else ""
    resources = []
    for t in TABLES:
        path = f"{t.name}.csv"
        resources.append({
            "name": t.name, "path": path, "profile": "tabular-data-resource", "title": t.title,
            "description": t.description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            **({"bytes": sizes[path]} if path in sizes else {}),
            "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True},
            "schema": {"fields": [c.descriptor() for c in t.columns], "missingValues": [""]},
        })
    for kind, spec in schema.RECORD_KINDS.items():
        path = f"{kind}.json"
        resources.append({
            "name": f"{kind}-json", "path": path, "profile": "data-resource", "title": f"{spec.label}（JSON）",
            "description": (f"各村的列表，每个村带地点（与 CSV 前六列同名）和 records：{spec.label}的列表，" if grouped
                            else f"{spec.label}的列表，") + f"每条记录的结构见网站的 /{SCHEMA_URL.format(kind=kind)}",
            "format": "json", "mediatype": "application/json", "encoding": "utf-8",
            **({"bytes": sizes[path]} if path in sizes else {}),
        })
    return {
        "name": name, "title": title, "profile": "data-package",
        "description": note + "由 gongkai 从村务公开数据生成。CSV 为 UTF-8（带 BOM），金额单位为元、两位小数，"
                              "日期为 YYYY-MM-DD，区划代码为 12 位文本。",
        "resources": resources,
    }


def village_files(village: Village, sample: bool = False) -> list[tuple[str, bytes]]:
    """A village's own data folder as (path inside the site, bytes): made with its pages, in
    parallel or from the cache. Its rows of every table under the table's header, and its records
    of every kind as a JSON list; the levels above are put together from these files (_gather)."""
    files = {}
    for table in TABLES:
        files[f"{table.name}.csv"] = _csv_head(table) + csv_rows(table, village).encode("utf-8")
    for kind in schema.RECORD_KINDS:
        records = json_records(kind, village)
        files[f"{kind}.json"] = ("[\n" + ",\n".join(records) + "\n]\n" if records else "[]\n").encode("utf-8")
    county, township = village.county, village.township
    about = descriptor(_name(village.url), f"{county.name}{township.name}{village.name}村务公开数据", False, sample,
                       {name: len(data) for name, data in files.items()})
    files[DESCRIPTOR] = (json.dumps(about, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return [(f"{village.url}{FOLDER}/{name}", data) for name, data in files.items()]


def write_all(site_dir: str | Path, tree: Tree, villages: bool = True, kept: Iterable[str] = ()) -> int:
    """Write every level's data folder into the built site; returns the number of files written.
    `villages`: False when the villages' own folders are written already (village_files).
    `kept`: townships (by URL) whose folder is in place already, the same as it would be written.

    A township's files are its villages' files one after the other (each village's JSON list
    under its place), a county's are its townships', the site's its counties': each level is put
    together from the files below it, by the kernel where it can, not written anew."""
    site = Path(site_dir)
    kept = set(kept)
    count = 0
    counties: list[Path] = []  # what the site's files are put together from
    for county in tree.counties:
        townships = []
        for township in county.townships:
            folder = site / township.url / FOLDER
            townships.append(folder)
            if villages:
                for village in township.villages:
                    count += render.write_pages(site, village_files(village, sample=tree.is_sample))
            if township.url not in kept:
                count += _gather(folder, _name(township.url), f"{county.name}{township.name}村务公开数据",
                                 [site / v.url / FOLDER for v in township.villages], tree.is_sample,
                                 places=[_place_json(v) for v in township.villages])
        if county.url:
            folder = site / county.url / FOLDER
            count += _gather(folder, _name(county.url), f"{county.name}村务公开数据", townships, tree.is_sample)
            counties.append(folder)
        else:  # a county built as a site of its own (County.is_root) is the site: its files are the site's
            counties += townships
    top = site / FOLDER
    if len(tree.counties) == 1 and tree.counties[0].url:  # the site's files are its one county's: linked
        return count + _gather(top, "cunwu", "村务公开数据（全部）", counties, tree.is_sample, link=True)
    return count + _gather(top, "cunwu", "村务公开数据（全部）", counties, tree.is_sample)


def _csv_head(table: Table) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel on Chinese Windows reads UTF-8 only with it
    csv.writer(out, lineterminator="\r\n").writerow([c.name for c in table.columns])
    return out.getvalue().encode("utf-8")


def _place_json(village: Village) -> bytes:
    """How a grouped list (township, county, site) starts a village: its place, then its records."""
    return ("\n" + json_value({c.name: c.value((village,)) for c in LOCATION})[:-1] + ',"records":').encode("utf-8")


def _gather(folder: Path, name: str, title: str, parts: list[Path], sample: bool, link: bool = False,
            places: list[bytes] | None = None) -> int:
    """A grouped level's folder made of the folders `parts` (written already, in order): each CSV
    their rows under one header, each JSON list their villages. `places`: `parts` are villages'
    folders, whose JSON lists go into the grouped list under these places. `link`: `parts` is one
    folder of the same villages, whose files are linked (copied where the disk cannot link).
    The number of files written."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for t in TABLES:
        head = _csv_head(t)
        sizes[f"{t.name}.csv"] = _join(folder / f"{t.name}.csv", [p / f"{t.name}.csv" for p in parts], link,
                                       head=head, skip=head)
    for kind in schema.RECORD_KINDS:
        sources = [p / f"{kind}.json" for p in parts]
        if places is None:  # a grouped list is "[" + "\n{village}" + ",\n{village}"... + "\n]\n", or "[]\n"
            sizes[f"{kind}.json"] = _join(folder / f"{kind}.json", sources, link, head=b"[", skip=b"[", cut=3,
                                          between=b",", tail=b"\n]\n", empty_tail=b"]\n")
        else:  # a village's list is "[\n{record},\n{record}\n]\n" or "[]\n": it goes in without its last "\n"
            sizes[f"{kind}.json"] = _join(folder / f"{kind}.json", sources, link, head=b"[", cut=1, between=b",",
                                          tail=b"\n]\n", empty_tail=b"]\n", wraps=[(p, b"}") for p in places])
    text = json.dumps(descriptor(name, title, True, sample, sizes), ensure_ascii=False, indent=2)
    (folder / DESCRIPTOR).write_bytes((text + "\n").encode("utf-8"))
    return len(sizes) + 1


def _join(target: Path, sources: list[Path], link: bool, head: bytes, skip: bytes = b"", cut: int = 0,
          between: bytes = b"", tail: bytes = b"", empty_tail: bytes = b"",
          wraps: list[tuple[bytes, bytes]] | None = None) -> int:
    """Write `target`: `head`, then each source without its first bytes (`skip`, which must be
    there) and its last `cut`, between its `wraps` (prefix, suffix), the sources separated by
    `between`, then `tail`; a source with nothing left and no wrap is left out, and when all are,
    `empty_tail` ends the file. `link`: `target` is the one source, linked. The bytes written."""
    target.unlink(missing_ok=True)
    if link:
        try:
            os.link(sources[0], target)
        except OSError:
            shutil.copyfile(sources[0], target)
        return target.stat().st_size
    written = 0
    with open(target, "wb", buffering=0) as out:
        out.write(head)
        for n, source in enumerate(sources):
            with open(source, "rb", buffering=0) as src:
                size = os.fstat(src.fileno()).st_size
                if src.read(len(skip)) != skip:
                    raise ValueError(f"{source} 的开头不是预期的内容")
                start, end = len(skip), size - cut
                if end <= start and not wraps:
                    continue  # no village in it
                out.write(between if written else b"")
                out.write(wraps[n][0] if wraps else b"")
                _copy(src, out, start, end)
                out.write(wraps[n][1] if wraps else b"")
                written += 1
        out.write(tail if written else empty_tail)
    return target.stat().st_size


def _copy(src, out, start: int, end: int) -> None:
    """Bytes start:end of `src` appended to `out`: by the kernel where it can (no copy through Python)."""
    offset = start
    while offset < end:
        try:
            n = os.copy_file_range(src.fileno(), out.fileno(), end - offset, offset)
        except (AttributeError, OSError):  # not Linux, or not between these files
            src.seek(offset)
            n = out.write(src.read(min(end - offset, 1 << 22)))
        if not n:
            raise OSError(f"{src.name} 比预期的短")
        offset += n


def _name(url: str) -> str:
    return "cunwu-" + url.strip("/").replace("/", "-")


# -- the documentation of the columns ---------------------------------------------------------


def columns_doc(prefix: str = "") -> str:
    """Markdown for the 开放数据 page: the site's downloads, then every file's columns.
    `prefix` leads from the page to the site's root."""
    here = f"{prefix}{FOLDER}/"
    links = [f'<a href="{here}{t.name}.csv">{t.title}（{t.name}.csv）</a>' for t in TABLES]
    links += [f'<a href="{here}{k}.json">{s.label}（{k}.json）</a>' for k, s in schema.RECORD_KINDS.items()]
    links.append(f'<a href="{here}{DESCRIPTOR}">数据包说明（{DESCRIPTOR}）</a>')
    out = ["全部村的数据：", "", *[f"- {link}" for link in links], ""]
    for t in TABLES:
        out += [f"### {t.title}：`{t.name}.csv`", "", f"{t.description}。", "",
                "| 列名 | 中文名 | 类型 | 说明 |", "| --- | --- | --- | --- |"]
        for c in t.columns:
            need = "必填；" if c.required else ""
            out.append(f"| `{c.name}` | {c.title} | {c.type} | {need}{_md_cell(c.description)} |")
        out.append("")
    return "\n".join(out)
