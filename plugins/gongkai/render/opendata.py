"""Open data: every record kind as CSV and JSON, for each village, township, county and the whole site.

The columns are walked from the kinds' specs (kinds/; never a field list of their own): the English name of a
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
import functools
import html
import io
import json
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring as _text  # a JSON string, Chinese kept readable
from pathlib import Path

from gongkai import kinds
from gongkai.render import pages as render
from gongkai.model import schema
from gongkai.model.tree import Tree, Village
from gongkai.model.period import Period
from gongkai.render.guide import md_cell
from gongkai.model.schema import ListOf, Record, Spec

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
            if f.type.item is schema.ATTACHMENT:
                words += "，file 是网站上发布的文件（去掉了拍照信息），相对本村的网页所在的文件夹"
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
    kind: str  # the record kind it comes from (its folder: kinds.KINDS)
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


def _detail_rows(kind: str, field: str) -> Callable[[Village], Iterator[tuple]]:
    def rows(village: Village) -> Iterator[tuple]:
        for rec in _chronological(getattr(village, kind)):
            for item in getattr(rec, field) or []:
                yield village, rec, item
    return rows


def tables() -> tuple[Table, ...]:
    """The CSV files: one for each record kind registered (kinds.KINDS), then the list it publishes
    apart (kinds.Detail: the funds' ledger)."""
    return _tables(tuple(kinds.KINDS))


@functools.cache
def _tables(registered: tuple) -> tuple[Table, ...]:
    out = []
    for k in registered:
        kind, spec, d = k.folder, k.spec, k.detail
        skip = (d.field,) if d else ()
        what = f"每行一条{spec.label}" + (f"（不含{spec.fields[d.field].label}，明细见 {d.table}.csv）" if d else "")
        out.append(Table(kind, kind, spec.label, what, tuple(LOCATION + _columns(spec, 1, skip)), _records(kind)))
        if d:
            head = [c for c in _columns(spec, 1, title=f"{spec.label}·") if c.name in d.keys]
            items = _columns(spec.fields[d.field].type.item, 2)
            out.append(Table(d.table, kind, spec.fields[d.field].label, d.description, tuple(LOCATION + head + items),
                             _detail_rows(kind, d.field)))
    return tuple(out)


# csv_rows writes a row as the village's cells, the record's, then the entry's: the columns are in that order
assert all([c.source for c in t.columns] == sorted(c.source for c in t.columns) for t in tables())
ENTRIES = next(t for t in tables() if t.name == "funds-entries")  # what `gongkai import funds` reads back


# -- values -----------------------------------------------------------------------------------


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as CSV text: exact amounts, ISO dates, lists as JSON; nothing for a missing value."""
    kind = type(value)
    if kind is str or kind is Period:  # a fund period is its text
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
    if kind is str or kind is Period:  # a fund period is its text
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
        fields = value.__dict__  # a record has every field of its spec as an attribute (None when not given)
        if "published" in fields:  # an attachment: the file as the site publishes it, not the clerk's original
            fields = {**fields, "file": fields["published"]}
        return "{" + ",".join(key + json_value(v) for name, key in _keys(value.spec)
                              if (v := fields.get(name)) is not None) + "}"
    if kind is dict:
        return "{" + ",".join(f"{_text(k)}:{json_value(v)}" for k, v in value.items() if v is not None) + "}"
    raise TypeError(f"cannot write {value!r} as JSON")


@functools.lru_cache(maxsize=None)
def _keys(spec: Spec) -> tuple[tuple[str, str], ...]:
    """(field, its JSON key with the colon) of each field of a spec: written once, not once a record."""
    return tuple((k, f"{_text(k)}:") for k in spec.fields)


def csv_rows(table: Table, village: Village, own: bool = False) -> str:
    """The CSV lines of one village's rows in `table`, header excluded; `own`: for the village's own
    file, without the columns of where the village is. A cell that comes from the village or from a
    record is worked out once for all its rows (a county's ledger is hundreds of thousands of rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = table.columns[len(LOCATION):] if own else table.columns
    last: list = [None, None]  # the village's and the record's cells, with the objects they are of
    for objs in table.rows(village):
        for source in (0, 1):
            if last[source] is None or last[source][0] is not objs[source]:
                last[source] = (objs[source], [cell(c.value(objs)) for c in columns if c.source == source])
        if len(objs) == 2:
            writer.writerow(last[0][1] + last[1][1])
        else:
            writer.writerow(last[0][1] + last[1][1] + [cell(c.value(objs)) for c in columns if c.source == 2])
    return out.getvalue()


def json_records(kind: str, village: Village) -> list[str]:
    return [json_value(rec) for rec in _chronological(getattr(village, kind))]


# -- what is published --------------------------------------------------------------------------
#
# Each row is published twice, never more: in its village's own small CSV files, and in its county's
# package. A village's folder (`<village>/data/`) holds one CSV of each record kind (the ledger, the
# bulk of the rows, only in the package: its village shows it on each fund period's page). A county
# offers one ZIP of all its villages: every table as CSV, every kind as JSON, and the
# datapackage.json that describes them. Nothing above the county repeats a row: a site of several
# counties lists their packages (data/packages.json).
#
# The package is put together from pieces each township makes with its villages' pages, in
# parallel: its rows of every member, deflated on their own (a "sync flush" ends each piece on a
# byte boundary, so the pieces of 50 townships join into one stream, as pigz does), with their
# CRC-32 and length.

def village_tables() -> tuple[Table, ...]:
    """A village's own files: every table but the ledger (its rows are on the fund periods' pages)."""
    return tuple(t for t in tables() if t.name != ENTRIES.name)
PACKAGES = "packages.json"  # data/packages.json: the counties' packages of a site of several counties
# each village's piece is deflated once, in parallel, and cached: level 9 makes a 700-village county's
# package 1.7 MB smaller than 6 (15.5 MB) for about 4 s more of CPU in a cold build, none in a warm one
ZIP_LEVEL = 9


def descriptor(name: str, title: str, grouped: bool, sample: bool, sizes: dict[str, int] | None = None) -> dict:
    """The Frictionless data package descriptor of one level's folder (`grouped`: not a village's)."""
    sizes = sizes or {}
    note = "示例数据，不是真实的村务记录。" if sample else ""
    resources = []
    for t in tables():
        path = f"{t.name}.csv"
        resources.append({
            "name": t.name, "path": path, "profile": "tabular-data-resource", "title": t.title,
            "description": t.description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            **({"bytes": sizes[path]} if path in sizes else {}),
            "dialect": {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True},
            "schema": {"fields": [c.descriptor() for c in t.columns], "missingValues": [""]},
        })
    for kind, spec in kinds.specs().items():
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


def package_name(county) -> str:
    return f"{_name(county.url or county.slug + '/')}.zip"


def package_url(county) -> str:
    """Where a county's package is, from the site's root."""
    return f"{county.url}{FOLDER}/{package_name(county)}"


def village_files(village: Village, sample: bool = False) -> list[tuple[str, bytes]]:
    """A village's own data folder as (path inside the site, bytes): made with its pages, in
    parallel or from the cache. Its rows of every table but the ledger, under the table's header,
    without the six columns of where they are (the same in every row of a village's file)."""
    return [(f"{village.url}{FOLDER}/{t.name}.csv", _csv_head(t, own=True) + csv_rows(t, village, own=True).encode("utf-8"))
            for t in village_tables()]


@dataclass(frozen=True)
class Piece:
    """Part of one member of a package: raw deflate data ending on a byte boundary, and what the
    ZIP must know of the bytes it holds."""

    data: bytes
    crc: int
    size: int


def deflated(raw: bytes) -> Piece:
    packer = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    return Piece(packer.compress(raw) + packer.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(raw), len(raw))


def members() -> list[str]:
    return [f"{t.name}.csv" for t in tables()] + [f"{kind.folder}.json" for kind in kinds.KINDS]


def township_pieces(township) -> tuple[Piece, ...]:
    """A township's piece of each member of its county's package (in `members()` order): its
    villages' rows of every table; of every kind, each village's place and records as an item of
    the county's JSON list (items joined by commas). Deflated together: the villages of a township
    share their words, which a village's rows alone cannot refer back to."""
    out = [deflated("".join(csv_rows(t, v) for v in township.villages).encode("utf-8")) for t in tables()]
    for kind in kinds.specs():
        items = []
        for village in township.villages:
            records = json_records(kind, village)
            inner = ("\n" + ",\n".join(records) + "\n") if records else ""
            items.append(_place_json(village) + f"[{inner}]}}".encode("utf-8"))
        out.append(deflated(b",".join(items)))
    return tuple(out)


def _place_json(village: Village) -> bytes:
    """How a county's JSON list starts a village: its place, then its records."""
    return ("\n" + json_value({c.name: c.value((village,)) for c in LOCATION})[:-1] + ',"records":').encode("utf-8")


_COMMA, _END = deflated(b","), zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def _crc_join(crc: int, piece_crc: int, size: int, zeros: memoryview) -> int:
    """The CRC-32 of A+B from those of A and B and B's length: CRC-32 is affine, and A's part of
    it is A's register run through len(B) zero bytes (zlib's crc32_combine, which Python lacks)."""
    register = crc
    while size:
        n = min(size, len(zeros))
        register = ~zlib.crc32(zeros[:n], ~register & 0xFFFFFFFF) & 0xFFFFFFFF
        size -= n
    return piece_crc ^ register


def package_member(name: str, pieces: list[Piece]) -> tuple[bytes, int, int]:
    """(deflated data, CRC-32, size) of one member of a county's package from its townships' pieces."""
    if name.endswith(".csv"):
        table = next(t for t in tables() if f"{t.name}.csv" == name)
        parts = [deflated(_csv_head(table)), *pieces]
    else:  # a list of villages: "[" village "," village ... "\n]\n"; a township without villages adds nothing
        parts = [deflated(b"[")]
        for piece in (p for p in pieces if p.size):
            parts += [_COMMA, piece] if len(parts) > 1 else [piece]
        parts.append(deflated(b"\n]\n" if len(parts) > 1 else b"]\n"))
    zeros = memoryview(bytes(max((p.size for p in parts), default=0)))
    crc, size = 0, 0
    for p in parts:
        crc, size = _crc_join(crc, p.crc, p.size, zeros), size + p.size
    return b"".join(p.data for p in parts) + _END, crc, size


def write_package(site_dir: str | Path, county, pieces: list[tuple[Piece, ...]], built: date, sample: bool) -> int:
    """Write a county's package (ZIP) from its townships' pieces, in the townships' order; its size in bytes.
    The same data and build date give the same bytes."""
    site = Path(site_dir)
    target = site / package_url(county)
    target.parent.mkdir(parents=True, exist_ok=True)
    entries, sizes = [], {}
    for n, name in enumerate(members()):
        data, crc, size = package_member(name, [v[n] for v in pieces])
        entries.append((name, data, crc, size))
        sizes[name] = size
    title = f"{county.name}村务公开数据"
    about = (json.dumps(descriptor(_name(county.url or county.slug + "/"), title, True, sample, sizes),
                        ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    packer = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    entries.append((DESCRIPTOR, packer.compress(about) + packer.flush(), zlib.crc32(about), len(about)))
    fresh = target.with_name(f".{target.name}.{os.getpid()}")
    with open(fresh, "wb") as out:
        _zip(out, entries, built)
    os.replace(fresh, target)  # never half a package at its address
    return target.stat().st_size


def _zip(out, entries: list[tuple[str, bytes, int, int]], built: date) -> None:
    """A ZIP file (deflated members, UTF-8 names) written by hand: zipfile cannot take data deflated beforehand."""
    stamp_time, stamp_date = 0, ((built.year - 1980) << 9) | (built.month << 5) | built.day
    central, offset = [], 0
    for name, data, crc, size in entries:
        raw_name = name.encode("utf-8")
        fixed = struct.pack("<HHHHHIIIHH", 20, 0x0800, 8, stamp_time, stamp_date, crc, len(data), size, len(raw_name), 0)
        out.write(b"PK\x03\x04" + fixed + raw_name)
        out.write(data)
        central.append(b"PK\x01\x02" + struct.pack("<H", 20) + fixed + struct.pack("<HHHII", 0, 0, 0, 0, offset) + raw_name)
        offset += 30 + len(raw_name) + len(data)
    directory = b"".join(central)
    out.write(directory)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), offset, 0))


def write_packages_list(site_dir: str | Path, tree: Tree, sizes: dict[str, int]) -> int:
    """A site of several counties: data/packages.json lists their packages (no row of its own)."""
    listed = [{"county": c.name, "county_code": c.code, "path": package_url(c), "bytes": sizes[c.url]}
              for c in tree.counties if c.url in sizes]
    target = Path(site_dir) / FOLDER / PACKAGES
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"packages": listed}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1


def write_packages(site_dir: str | Path, tree: Tree, pieces: dict[str, tuple[Piece, ...]], built: date) -> str:
    """Every county's package from its townships' pieces (by township URL), and a site of several
    counties their list; what was written, for the build log."""
    sizes = {c.url: write_package(site_dir, c, [pieces[t.url] for t in c.townships], built, tree.is_sample)
             for c in tree.counties}
    if len(tree.counties) > 1:
        write_packages_list(site_dir, tree, sizes)
    return "、".join(f"{c.name} {package_name(c)}（{sizes[c.url] / 1e6:.1f} MB）" for c in tree.counties)


def write_all(site_dir: str | Path, tree: Tree, built: date) -> str:
    """Every village's own files and every county's package, made in this process (a build makes
    them alongside the pages: produce.py); what was written."""
    for village in tree.villages:
        render.write_pages(site_dir, village_files(village, sample=tree.is_sample))
    return write_packages(site_dir, tree, {t.url: township_pieces(t) for t in tree.townships}, built)


def _csv_head(table: Table, own: bool = False) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel on Chinese Windows reads UTF-8 only with it
    columns = table.columns[len(LOCATION):] if own else table.columns
    csv.writer(out, lineterminator="\r\n").writerow([c.name for c in columns])
    return out.getvalue().encode("utf-8")


def _name(url: str) -> str:
    return "cunwu-" + url.strip("/").replace("/", "-")


# -- the documentation of the columns ---------------------------------------------------------


def columns_doc(prefix: str = "", counties: Iterable = ()) -> str:
    """Markdown for the 开放数据 page: each county's package, then every file's columns.
    `prefix` leads from the page to the site's root; `counties`: those whose packages this site has."""
    # a block of HTML, which Markdown leaves alone: a county's name is text, never Markdown
    links = "".join(f'<li><a href="{html.escape(prefix + package_url(c))}">{html.escape(c.name or c.slug)}'
                    f'全部村的数据包（{html.escape(package_name(c))}）</a></li>' for c in counties)
    out = ["每个县的全部数据：", "", f'<ul class="gk-packages">{links}</ul>', ""] if links else []
    for t in tables():
        where = "每个县的数据包里" + ("；每个村的 data/ 里是本村的（不含前六列地点）" if t in village_tables() else "（村的 data/ 里没有）")
        out += [f"### {t.title}：`{t.name}.csv`", "", f"{t.description}。{where}。", "",
                "| 列名 | 中文名 | 类型 | 说明 |", "| --- | --- | --- | --- |"]
        for c in t.columns:
            need = "必填；" if c.required else ""
            out.append(f"| `{c.name}` | {c.title} | {c.type} | {need}{md_cell(c.description)} |")
        out.append("")
    return "\n".join(out)
