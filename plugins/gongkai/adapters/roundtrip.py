"""Edit a clerk's data file through ruamel.yaml's round-trip mode: what a command does not change
stays as the clerk wrote it, byte for byte.

Bulk reading (check, build) stays on libyaml events (load/reader.py). The commands that write into a
clerk's file (`gongkai new`, `gongkai import funds`, `gongkai amend`, `gongkai fmt`) load it
here, change the records they mean to change, and dump it: comments, blank lines, key order,
quoting and the `# yaml-language-server` line of everything else come out as they went in.

Two things ruamel.yaml does not do by itself are done here:

- Our files keep a list of records at column 0 (`- id: ...`) but indent the lists inside a record
  (`entries:` then `  - date: ...`); ruamel.yaml indents every list the same way. The text of a
  file whose top is a list is shifted two columns right before loading and back after dumping,
  so the top list is indented like the inner ones while ruamel.yaml works on it.
- What follows a record (the blank line before the next one, a comment) is kept by ruamel.yaml
  on the record's last value: a value added at the end of a record, or a record added at the end
  of the file, takes it over (`detach_after`, `attach_after`).

And every edit is checked before anything is written (`check_spans`, `expect`): when the dump
would change a line outside the records a command meant to change, the command refuses with a
Chinese message instead of rewriting the clerk's file.
"""

from __future__ import annotations

import difflib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from gongkai.load.reader import decode

SHIFT = "  "  # how far a file whose top is a list is moved right while ruamel.yaml works on it
BOM = "\ufeff"


class EditError(Exception):
    """A file cannot be edited without changing what the command did not mean to change; the
    message is Chinese and says what to do."""


def _yaml() -> YAML:
    y = YAML(typ="rt", pure=True)
    y.preserve_quotes = True
    y.width = 1_000_000  # never fold a long line
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_duplicate_keys = False
    return y


@dataclass
class Document:
    """One data file as ruamel.yaml holds it, and how to write it back as it was."""

    path: Path
    original: str  # the text as read: line feeds only, no byte order mark
    newline: str  # "\r\n" when the file used it
    bom: bool
    data: CommentedSeq | CommentedMap | None  # None: an empty (or missing) file
    top_list: bool

    def dumps(self) -> str:
        """The file's text now (line feeds only, no byte order mark)."""
        if self.data is None:
            return self.original
        out = io.StringIO()
        _yaml().dump(self.data, out)
        text = out.getvalue()
        return _unshift(text) if self.top_list else text

    def encoded(self, text: str) -> bytes:
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ((BOM if self.bom else "") + text).encode("utf-8")


def _shift(text: str) -> str:
    return "".join(SHIFT + line if line.strip() else line for line in text.splitlines(keepends=True))


def _unshift(text: str) -> str:
    return "".join(line[len(SHIFT):] if line.startswith(SHIFT) else line for line in text.splitlines(keepends=True))


def _top_is_list(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return (stripped == "-" or stripped.startswith("- ")) and not line.startswith("---")
    return False


def parse(text: str, path: Path | str = "", bom: bool = False) -> Document:
    """A document from text (as decode() gives it: no byte order mark; `bom`: the file had one)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    top_list = _top_is_list(plain)
    data = None
    if plain.strip():
        try:
            data = _yaml().load(_shift(plain) if top_list else plain)
        except (YAMLError, ValueError) as exc:  # ValueError: a duplicate key, in some ruamel.yaml versions
            mark = getattr(exc, "problem_mark", None)
            where = f" 第 {mark.line + 1} 行" if mark is not None else ""
            raise EditError(f"{path}{where}有 YAML 写法错误；先运行 gongkai check {path} 看是什么问题，改好它") from None
    if data is not None and not isinstance(data, CommentedSeq | CommentedMap):
        raise EditError(f"{path} 里不是记录的列表；先运行 gongkai check 改好它")
    return Document(Path(path), plain, newline, bom, data, top_list)


def read(path: Path) -> Document:
    """The file at `path` (an empty document when there is no such file yet)."""
    raw = path.read_bytes() if path.exists() else b""
    text, bad = decode(raw, str(path))
    if bad is not None:
        raise EditError(f"{path} 现在不能读：{bad.message}；先运行 gongkai check 改好它")
    return parse(text, path, has_bom(raw))


def has_bom(raw: bytes) -> bool:
    return raw.startswith(BOM.encode("utf-8"))


def write(path: Path, data: bytes) -> None:
    """Replace the file in one step: a reader (or a crash) sees the old bytes or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- what follows a record ----------------------------------------------------------------------


def _is_block(node) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not node.fa.flow_style()


def _slot(node) -> tuple[object, object, int] | None:
    """(container, key, index into its comment list) of the comment that follows `node`'s last value."""
    while _is_block(node):
        if isinstance(node, CommentedMap):
            key = next(reversed(node))
            at = 2
        else:
            key = len(node) - 1
            at = 0
        if _is_block(node[key]):
            node = node[key]
            continue
        return node, key, at
    return None


def _get_tail(node) -> str:
    slot = _slot(node)
    if slot is None:
        return ""
    container, key, at = slot
    entry = container.ca.items.get(key)
    token = entry[at] if entry and len(entry) > at else None
    return token.value if token is not None else ""


def _set_tail(node, value: str) -> None:
    slot = _slot(node)
    if slot is None:
        return
    container, key, at = slot
    entry = container.ca.items.setdefault(key, [None, None, None, None] if at == 2 else [None, None])
    while len(entry) <= at:
        entry.append(None)
    token = entry[at]
    if value in ("", "\n"):  # nothing after the value but the end of its line
        entry[at] = None
    elif token is None:
        entry[at] = CommentToken(value, CommentMark(0), None)
    else:
        token.value = value


def _split_first_line(tail: str) -> tuple[str, str]:
    """A value's trailing comment text: (the comment on its own line, what comes on the lines after)."""
    if "\n" not in tail:
        return tail, ""
    first, rest = tail.split("\n", 1)
    return first + "\n", rest


def ensure_blank_after(node) -> None:
    """One blank line after `node` (when there is none): a record added below starts apart."""
    tail = _get_tail(node)
    own, after = _split_first_line(tail)
    if after.startswith("\n") or (after.strip() and after.endswith("\n\n")):
        return
    if not tail:
        _set_tail(node, "\n\n")
    elif not after:
        _set_tail(node, (own if own.endswith("\n") else own + "\n") + "\n")
    else:
        _set_tail(node, own + after + ("\n" if after.endswith("\n") else "\n\n"))


# -- records ------------------------------------------------------------------------------------


def items_from_text(text: str) -> CommentedSeq:
    """The records of a YAML list written as our generators write it (yamltext, scaffold), as
    ruamel.yaml holds them: ready to be added to a document, comments and all."""
    doc = parse(text)
    if not isinstance(doc.data, CommentedSeq):
        raise EditError("内部错误：新记录不是列表")
    return doc.data


def append_text(doc: Document, text: str) -> str:
    """Add the records written in `text` at the end of the document's list, one blank line before
    them; returns the file's new text, which is the old text with `text` after it."""
    old = doc.original
    if doc.data is None:
        # nothing there yet (or only comments): the new text comes after them
        sep = "" if not old or old.endswith("\n") else "\n"
        if old.strip() and not (old + sep).endswith("\n\n"):
            sep += "\n"
        new = old + sep + text
        fresh = parse(new, doc.path)
        doc.data, doc.top_list = fresh.data, fresh.top_list
        expect(doc, new)
        return new
    if not isinstance(doc.data, CommentedSeq):
        raise EditError(f"{doc.path} 里不是记录的列表；先运行 gongkai check 改好它")
    sep = "" if old.endswith("\n") else "\n"
    if not (old + sep).endswith("\n\n"):
        sep += "\n"
    if len(doc.data):
        ensure_blank_after(doc.data[-1])
    _extend(doc.data, items_from_text(text))
    new = old + sep + text
    expect(doc, new)
    return new


def _extend(seq: CommentedSeq, items: CommentedSeq) -> None:
    """Add `items` at the end of `seq`, with the comments ruamel.yaml keeps for them by position."""
    start = len(seq)
    seq.extend(items)
    for i, entry in items.ca.items.items():
        seq.ca.items[start + i] = entry


def expect(doc: Document, wanted: str) -> None:
    """Refuse when the dump is not exactly `wanted`."""
    got = doc.dumps()
    if got != wanted:
        raise EditError(_kept_apart(doc.path, changed_lines(wanted, got)[0]))


def item_lines(seq: CommentedSeq, total_lines: int) -> list[tuple[int, int]]:
    """(first, last) line, 1-based, of each item of the document's top list as it was read: from
    its "- " to the line before the next item (blank lines and comments between them included)."""
    starts = [seq[i].lc.line + 1 if hasattr(seq[i], "lc") else seq.lc.item(i)[0] + 1 for i in range(len(seq))]
    return [(s, (starts[i + 1] - 1) if i + 1 < len(starts) else total_lines) for i, s in enumerate(starts)]


def changed_lines(old: str, new: str) -> list[int]:
    """The lines of `old` (1-based) that `new` changes, and for an insertion the line it follows."""
    out: list[int] = []
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        out.extend(range(i1 + 1, i2 + 1) if i2 > i1 else [max(i1, 1)])
    return out


def check_spans(doc: Document, new: str, allowed: list[tuple[int, int]]) -> None:
    """Refuse when `new` changes a line of the file outside the `allowed` line spans."""
    for line in changed_lines(doc.original, new):
        if not any(a <= line <= b for a, b in allowed):
            raise EditError(_kept_apart(doc.path, line))


def _kept_apart(path: Path, line: int) -> str:
    return (f"{path} 第 {line} 行附近的写法 gongkai 不能原样保留，文件没有改动。"
            f"先运行 gongkai check {path} 看有没有写错，再用 gongkai fmt {path} 整理格式后重试")


def detach_after(node) -> str:
    """Take from `node` what follows its last value on later lines (blank lines, comments), leaving
    the comment at the end of that value's own line; give it back with attach_after()."""
    own, after = _split_first_line(_get_tail(node))
    if after:
        _set_tail(node, own if own.strip() else "")
    return after


def attach_after(node, after: str) -> None:
    """Put `after` (from detach_after) after `node`'s last value, which may have changed since."""
    if not after:
        return
    own, _ = _split_first_line(_get_tail(node))
    _set_tail(node, (own if own.strip() else "\n") + after)


def add_items(record: CommentedMap, key: str, text: str) -> None:
    """Add the items written in `text` (a YAML list) at the end of the list `record[key]`; a key
    that is not there yet is added as the record's last."""
    items = items_from_text(text)
    after = detach_after(record)
    current = record.get(key)
    if key in record and isinstance(current, CommentedSeq) and len(current) and not current.fa.flow_style():
        _extend(current, items)
    else:
        entry = record.ca.items.get(key)
        token = entry[2] if entry and len(entry) > 2 else None
        if token is not None:  # `key:  # a note` and, commented out below it, an example of an item
            own, rest = _split_first_line(token.value)
            token.value = own
            items.ca.comment = [token, None]
            after = rest + after if rest.strip() else after
        record[key] = items
    attach_after(record, after)
