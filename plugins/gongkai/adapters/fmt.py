"""`gongkai fmt [PATH...]`: put data files into the project's canonical layout, keeping comments.

The layout is the one `gongkai new`, `gongkai import` and the sample generators write: two
spaces per level, a file's records at column 0 (`- id: ...`) with the lists inside them indented
(`entries:` then `  - date: ...`), keys in the order of the schema, codes in double quotes (a
leading zero survives) and record ids without quotes. `gongkai check` warns (GK114) about a file that departs from
it (indentation, key order, a quoted id); this command goes through ruamel.yaml's round trip (roundtrip.py), so
comments and blank lines stay where the clerk put them.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString

from gongkai import kinds
from gongkai.adapters import roundtrip
from gongkai.model import schema
from gongkai.check.checker import YEAR_FILE
from gongkai.check.diagnostics import display_path
from gongkai.load.reader import decode, parse

FILE_SPECS = {"county.yml": schema.COUNTY, "township.yml": schema.TOWNSHIP, "village.yml": schema.VILLAGE}


def spec_of(path: Path) -> tuple[schema.Spec, bool] | None:
    """(the file's spec, whether the file is a list of them); None for a file that is not data."""
    if path.name in FILE_SPECS:
        return FILE_SPECS[path.name], False
    spec = kind.spec if (kind := kinds.by_folder(path.parent.name)) else None
    if spec is not None and YEAR_FILE.match(path.name):
        return spec, True
    return None


def _code_text(container, key, doc: roundtrip.Document) -> str:
    """A code as it is written in the file (an unquoted one was read as a number: its digits)."""
    line, col = container.lc.value(key)
    source = doc.original.splitlines()[line]
    found = re.match(r"[0-9]+", source[col - (len(roundtrip.SHIFT) if doc.top_list else 0):])
    return found[0] if found else str(container[key])


def _tidy(node, t, doc: roundtrip.Document) -> None:
    if isinstance(t, schema.Spec) and isinstance(node, CommentedMap):
        keys = list(node)
        wanted = sorted(keys, key=lambda k: (t.order.get(k, len(t.order)), keys.index(k)))
        if wanted != keys:
            after = roundtrip.detach_after(node)
            for key in wanted:
                node.move_to_end(key)
            roundtrip.attach_after(node, after)
        for key in list(node):
            f = t.fields.get(key)
            value = node[key]
            if f is None or value is None:
                continue
            if isinstance(f.type, schema.Code) and not isinstance(value, DoubleQuotedScalarString):
                node[key] = DoubleQuotedScalarString(value if isinstance(value, str) else _code_text(node, key, doc))
            elif isinstance(f.type, schema.Id) and isinstance(value, str) and type(value) not in (str, PlainScalarString):
                node[key] = PlainScalarString(value)  # quoted: written plain (a plain str would keep the quotes)
            else:
                _tidy(value, f.type, doc)
    elif isinstance(t, schema.ListOf) and isinstance(node, CommentedSeq):
        for item in node:
            _tidy(item, t.item, doc)


def formatted(path: Path) -> tuple[roundtrip.Document, str]:
    """The file as read, and its text in the canonical layout."""
    found = spec_of(path)
    raw = path.read_bytes()
    text, bad = decode(raw, str(path))
    problems = [bad] if bad is not None else parse(text, str(path))[1]
    if problems:  # what `check` refuses in a file (tabs, anchors, duplicate keys...), fmt does too, in its words
        first = problems[0]
        raise roundtrip.EditError(f"{display_path(str(path))}:{first.line}: {first.message}；先改好它，再整理格式")
    doc = roundtrip.parse(text, path, roundtrip.has_bom(raw))
    if found is None or doc.data is None:
        return doc, doc.original
    spec, many = found
    _tidy(doc.data, schema.ListOf(spec) if many else spec, doc)
    return doc, doc.dumps()


def data_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        candidates = sorted(p.rglob("*.yml")) if p.is_dir() else [p]
        out += [f for f in candidates if spec_of(f) is not None and not f.is_symlink()]
    return out


def command(paths: list[str], check: bool, diff: bool) -> int:
    targets = [Path(p) for p in (paths or ["villages"])]
    for t in targets:
        if not t.exists():
            print(f"gongkai fmt: 找不到 {t}", file=sys.stderr)
            return 2
    files = data_files(targets)
    changed: list[Path] = []
    failed = 0
    for n, path in enumerate(files, 1):
        if len(files) >= 200 and n % 200 == 0:
            print(f"gongkai fmt: 已看过 {n}/{len(files)} 个文件", file=sys.stderr)
        try:
            doc, text = formatted(path)
        except roundtrip.EditError as exc:
            print(f"gongkai fmt: {exc}", file=sys.stderr)
            failed += 1
            continue
        if text == doc.original:
            continue
        changed.append(path)
        shown = display_path(str(path))
        if diff:
            sys.stdout.writelines(difflib.unified_diff(doc.original.splitlines(keepends=True), text.splitlines(keepends=True),
                                                       f"a/{shown}", f"b/{shown}"))
        if not (check or diff):
            roundtrip.write(path, doc.encoded(text))
    verb = "需要整理" if check or diff else "已整理"
    if changed:
        print(f"{verb} {len(changed)} 个文件（共 {len(files)} 个）：" + "、".join(display_path(str(p)) for p in changed[:20])
              + ("……" if len(changed) > 20 else ""), file=sys.stderr)
    elif not failed:
        print(f"{len(files)} 个文件都已是规范格式", file=sys.stderr)
    if failed:
        print(f"有 {failed} 个文件读不懂，没有整理", file=sys.stderr)
    if failed:
        return 1
    return 1 if changed and check else 0
