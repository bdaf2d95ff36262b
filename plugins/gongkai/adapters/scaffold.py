"""`gongkai new`: append a blank record, with the next free id and a Chinese comment on every field.

The record is written by walking its kind's Spec (kinds/; never a field list of its own):
every field on its own line, followed by `# 标签（必填）：怎么写；帮助`. Required fields are
left empty so that `gongkai check` points at each one (GK202) until the clerk fills it in;
optional fields are left empty too (an empty value is a missing value); optional groups
(a later meeting step) and lists are shown with their fields commented out, ready to be
uncommented.

What is filled in: the id (the next free one for that kind and year, unique across the whole
village) and today's date where the record is being made today; a kind that fills in a new record
from those before it does so itself (kinds.Kind.new: a fund period is the next period at the
village's cadence, its opening balance the previous period's closing balance, copied exactly).

The year file is only ever appended to: the text already there stays byte for byte. Does not
import MkDocs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gongkai import kinds
from gongkai.adapters import roundtrip
from gongkai.model import schema
from gongkai.check.checker import YEAR_FILE
from gongkai.config import build_date
from gongkai.load.reader import parse, read_source
from gongkai.render.guide import type_words
from gongkai.model.schema import Ctx, Field, ListOf, Spec

SCHEMA_LINE = "# yaml-language-server: $schema="


class UsageError(Exception):
    """The command line asked for something that cannot be done (exit 2)."""


class DataError(Exception):
    """The data on disk keeps us from appending safely (exit 1)."""


@dataclass
class Written:
    path: Path
    id: str
    line: int  # of `- id:` in the file, 1-based
    created: bool  # the year file did not exist
    notes: list[str]


# -- what the village already has -----------------------------------------------------------


@dataclass
class _Village:
    name: str
    monthly: bool
    ids: set[str]
    # the records of each kind that fills in a new one from those before it (kinds.Kind.new), converted,
    # in file order; each with the path of its file
    records: dict[str, list]


def _year_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and YEAR_FILE.match(p.name))


def _scan(vdir: Path) -> _Village:
    """Read every record of the village with gongkai's own reader; broken files add nothing."""
    scratch: list = []
    name, monthly = vdir.name, False
    source = read_source(vdir / "village.yml")
    if source.node is not None and source.node.kind == "map":
        village = schema.VILLAGE.convert(source.node, Ctx(str(source.path), scratch))
        name = getattr(village, "name", None) or name
        monthly = bool(getattr(village, "high_volume", False))
    ids: set[str] = set()
    records: dict[str, list] = {k.folder: [] for k in kinds.KINDS if k.new}
    for folder, spec in kinds.specs().items():
        for path in _year_files(vdir / folder):
            node = read_source(path).node
            if node is None or node.kind != "seq":
                continue
            for item in node.value:
                if item.kind != "map":
                    continue
                id_node = item.value.get("id", (None, None))[1]
                if id_node is not None and id_node.kind == "scalar" and id_node.value.strip():
                    ids.add(id_node.value.strip())
                if folder in records:
                    records[folder].append(spec.convert(item, Ctx(str(path), scratch)))
    return _Village(name, monthly, ids, records)


# -- ids and periods ------------------------------------------------------------------------


def next_id(prefix: str, year: int, ids: set[str]) -> str:
    """d-2024-03 after the highest d-2024-NN anywhere in the village, skipping any id in use."""
    pattern = re.compile(rf"^{re.escape(prefix)}-{year}-(\d+)$")
    n = max((int(m[1]) for m in map(pattern.match, ids) if m), default=0) + 1
    while f"{prefix}-{year}-{n:02d}" in ids:
        n += 1
    return f"{prefix}-{year}-{n:02d}"


# -- the text of a record, walked from its spec ---------------------------------------------


@dataclass
class _Line:
    indent: int  # spaces before the key (or before "- ")
    dash: bool  # first key of a list item
    key: str  # "" for an item of a list of plain values
    value: str
    comment: str
    hash_at: int | None  # commented out: where "# " goes (one column for a whole block), else None

    def code(self) -> str:
        if self.hash_at is None:
            head = " " * self.indent
        else:
            head = " " * self.hash_at + "# " + " " * (self.indent - self.hash_at)
        head += "- " if self.dash else ""
        if not self.key:
            return head.rstrip()
        return f"{head}{self.key}:" + (f" {self.value}" if self.value else "")


def _words(f: Field) -> str:
    """How a value of this type is written (the guide's words); a group is explained by its fields."""
    if isinstance(f.type, Spec):
        return ""
    words = type_words(f.type)
    return words.removeprefix(f"{f.label}：")  # 编号（必填）：小写字母… rather than 编号：编号：…


def _comment(f: Field, extra: str = "") -> str:
    parts = (_words(f), f.help, extra)
    words = "；".join(dict.fromkeys(x for x in parts if x))
    return f"{f.label}（{'必填' if f.required else '选填'}）" + (f"：{words}" if words else "")


UNCOMMENT = "要填时，去掉下面几行开头的“# ”"


def _spec_lines(spec: Spec, indent: int, dash: bool, hash_at: int | None, values: dict, path: tuple, out: list) -> None:
    """One line per field of `spec`, keys at column `indent`; hash_at: the block is commented out."""
    for i, f in enumerate(spec.fields.values()):
        first = dash and i == 0
        at = indent - 2 if first else indent
        here = path + (f.key,)
        t = f.type
        if isinstance(t, Spec):
            # a required group is written out; an optional one waits, commented out, until needed
            inner = hash_at if hash_at is not None or f.required else indent + 2
            extra = UNCOMMENT if hash_at is None and inner is not None else ""
            out.append(_Line(at, first, f.key, "", _comment(f, extra), hash_at))
            _spec_lines(t, indent + 2, False, inner, values, here, out)
        elif isinstance(t, ListOf):
            # one example item, commented out: the list itself stays empty until it is filled
            inner = hash_at if hash_at is not None else indent + 2
            extra = "" if hash_at is not None else "照下面的例子写，去掉开头的“# ”，每项以“- ”开头"
            if f.required and hash_at is None:
                extra += "；一项也没有时写 []"
            out.append(_Line(at, first, f.key, "", _comment(f, extra), hash_at))
            if isinstance(t.item, Spec):
                _spec_lines(t.item, indent + 4, True, inner, values, here, out)
            else:
                item = Field("", t.item, t.label or f.label, "", True)
                out.append(_Line(indent + 2, True, "", "", _comment(item), inner))
        else:
            out.append(_Line(at, first, f.key, values.get(here, ""), _comment(f), hash_at))


def record_text(spec: Spec, values: dict[tuple, str]) -> str:
    """The YAML text of one list item of `spec`: `values` maps field paths to the text to fill in."""
    lines: list[_Line] = []
    _spec_lines(spec, 2, True, None, values, (), lines)
    width = max(len(line.code()) for line in lines) + 2
    return "".join(f"{line.code():<{width}}# {line.comment}\n" for line in lines)


def _field_at(spec: Spec, path: tuple) -> Field:
    f = spec.fields[path[0]]
    return f if len(path) == 1 else _field_at(f.type, path[1:])


# -- writing --------------------------------------------------------------------------------


def resolve_kind(word: str) -> kinds.Kind:
    """The kind a clerk asked for, by its word (decision) or its folder (decisions)."""
    key = word.strip().lower()
    kind = next((k for k in kinds.KINDS if key in (k.word, k.folder)), None)
    if kind is None:
        choices = "、".join(f"{k.word}（{k.label}）" for k in kinds.KINDS)
        raise UsageError(f"不认识“{word}”，可以新增：{choices}")
    return kind


def _schema_line(yfile: Path, vdir: Path, folder: str) -> str | None:
    """The VS Code schema line: copied from a sibling year file, else pointing at content/schema/."""
    for sibling in reversed(_year_files(yfile.parent)):
        try:
            head = sibling.read_text(encoding="utf-8-sig").splitlines()[:3]
        except (OSError, UnicodeDecodeError):
            continue
        found = next((line for line in head if line.startswith(SCHEMA_LINE)), None)
        if found:
            return found
    # villages/<county>/<township>/<village>: the project folder is above villages/
    project = vdir.resolve().parents[3] if len(vdir.resolve().parents) > 3 else None
    target = project / "content" / "schema" / f"{folder}.schema.json" if project else None
    if target is None or not target.is_file():
        return None
    return SCHEMA_LINE + Path(os.path.relpath(target, yfile.parent.resolve())).as_posix()


def new_record(kind: str, village_dir: Path | str, year: int | None = None, today: date | None = None) -> Written:
    """Append a blank record of `kind` to the village's year file; never rewrites what is there."""
    kind = resolve_kind(kind)
    folder = kind.folder
    vdir = Path(village_dir)
    if not (vdir / "village.yml").is_file():
        raise UsageError(f"{vdir} 不是村文件夹（里面没有 village.yml）")
    if year is not None and not 1000 <= year <= 9999:
        raise UsageError(f"年份 {year} 不对，写四位数，如 2024")
    today = today or build_date()
    village = _scan(vdir)
    spec = kind.spec
    values: dict[tuple, str] = {}
    notes: list[str] = []
    if kind.new:  # the kind fills in a new record from those before it (a fund period: the next period, its opening balance)
        try:
            new = kind.new(village, year, today)
        except kinds.NewRecordError as exc:
            raise UsageError(str(exc)) from None
        year, record_id = new.year, new.id
        values.update(new.values)
        notes += new.notes
    else:
        year = year or today.year
        record_id = next_id(kind.prefix, year, village.ids)
        if year == today.year and kind.today_field:
            path = kind.today_field
            assert isinstance(_field_at(spec, path).type, schema.Date), path
            values[path] = today.isoformat()
            notes.append(f"{_field_at(spec, path).label}先填了今天 {today.isoformat()}，不对就改")
    values[("id",)] = record_id

    yfile = vdir / folder / f"{year}.yml"
    existed = yfile.exists()
    try:
        doc = roundtrip.read(yfile)  # the file as the clerk wrote it, through ruamel.yaml's round trip
    except roundtrip.EditError as exc:
        raise DataError(f"{exc}，再新增记录") from None
    old_text = doc.original
    record = text = record_text(spec, values)
    if not old_text.strip():
        header = [f"# {village.name} {year} 年的{kind.label}：每条记录以“- id:”开头，新记录加在最后面"]
        line = _schema_line(yfile, vdir, folder)
        if line:
            header.append(line)
        text = "\n".join(header) + "\n\n" + text
    try:
        new_text = roundtrip.append_text(doc, text)
    except roundtrip.EditError as exc:
        raise DataError(str(exc)) from None
    line_no = len(new_text.splitlines()) - len(record.splitlines()) + 1
    _verify(yfile, old_text, new_text, record_id, line_no)
    roundtrip.write(yfile, doc.encoded(new_text))
    return Written(yfile, record_id, line_no, not existed, notes)


def _count(text: str, path: str) -> int | None:
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return 0
    node, _ = parse(text, path)
    return len(node.value) if node is not None and node.kind == "seq" else None


def _verify(yfile: Path, old_text: str, new_text: str, record_id: str, line_no: int) -> None:
    """Refuse to append to a file that is not a plain list of records, or when the result would not be one."""
    before = _count(old_text, str(yfile))
    node, _ = parse(new_text, str(yfile))
    ok = (
        before is not None and node is not None and node.kind == "seq" and len(node.value) == before + 1
        and node.value[-1].kind == "map" and node.value[-1].line == line_no
        and node.value[-1].value.get("id", (None, None))[1].value == record_id
    )
    if not ok:
        raise DataError(
            f"{yfile} 现在不是一个能接着往下写的记录列表（可能有 YAML 写法错误）。"
            f"先运行 gongkai check 改好它，再新增记录"
        )


def command(kind: str, village: str, year: int | None) -> int:
    """The `gongkai new` command: returns the exit code."""
    import sys

    try:
        done = new_record(kind, Path(village), year)
    except UsageError as exc:
        print(f"gongkai new: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"gongkai new: {exc}", file=sys.stderr)
        return 1
    what = resolve_kind(kind).label
    where = f"新建 {done.path}，写入" if done.created else f"在 {done.path} 末尾新增"
    print(f"已{where}{what} {done.id}（第 {done.line} 行）")
    for note in done.notes:
        print(f"  {note}")
    print("请打开这个文件，把空着的字段填上（注释里写着“必填”的一定要填，选填的不需要可以空着），然后运行：")
    print(f"  gongkai check {village}")
    return 0
