"""Read one YAML file into position-carrying nodes, refusing what a clerk should not write.

Why not yaml.safe_load or ruamel's round-trip loader: we need a line and column for every
value (diagnostics point at it), we must see anchors, aliases, merge keys, duplicate keys and
quoting (an unquoted code loses its leading zero) before anything is expanded or typed, and
we must be fast on tens of thousands of files. libyaml's C parser gives us a stream of
events with positions; we build plain nodes from it and never let YAML guess types: the
schema decides what a scalar means.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

from gongkai.check.diagnostics import Diagnostic

MAX_BYTES = 2 * 1024 * 1024  # a year of a busy village's ledger is far below this
# A record nests four deep. libyaml's time grows with the square of the nesting depth
# (8,000 nested "[" take seconds, a 2 MB file of them hours): refuse before it gets there.
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class Node:
    kind: str  # "map", "seq" or "scalar"
    line: int  # 1-based
    col: int  # 1-based
    value: object = None  # dict[str, tuple[Node, Node]] | list[Node] | str
    plain: bool = True  # scalar written without quotes or block style


# what a file that could not be read at all is reported with: it gives no records
UNREADABLE = frozenset({"GK101", "GK102", "GK103", "GK104", "GK105", "GK106", "GK108", "GK109", "GK111", "GK112"})


@dataclass
class Source:
    """One data file: its path, its root node (None when unreadable) and what went wrong."""

    path: Path
    node: Node | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_source(path: Path) -> Source:
    p = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Source(path, None, [Diagnostic(p, 1, 1, "GK104", f"文件有 {size // 1024} KB，超过上限 {MAX_BYTES // 1024} KB")])
        raw = path.read_bytes()
    except OSError as exc:
        return Source(path, None, [Diagnostic(p, 1, 1, "GK111", f"无法读取文件：{exc.strerror}")])
    text, diag = decode(raw, p)
    if diag:
        return Source(path, None, [diag])
    node, diags = parse(text, p)
    return Source(path, node, diags)


def decode(raw: bytes, path: str) -> tuple[str, Diagnostic | None]:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]  # Notepad's UTF-8 BOM is harmless: accept it
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", Diagnostic(path, 1, 1, "GK102", "文件是 UTF-16 编码")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        try:
            raw.decode("gb18030")
            found = "文件看起来是 GBK/GB2312 编码（Windows 记事本的“ANSI”）"
        except UnicodeDecodeError:
            found = "文件里有不是 UTF-8 的字节，编码无法识别"
        return "", Diagnostic(path, line, col, "GK102", found)


def _tab_diagnostic(text: str, path: str) -> Diagnostic | None:
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent:
            return Diagnostic(path, n, indent.index("\t") + 1, "GK103", "这一行用 Tab 缩进，YAML 只允许空格")
    return None


# libyaml's English problems, turned into words a clerk understands
_PROBLEMS = [
    ("mapping values are not allowed", "这里不能出现冒号“:”；冒号后要有空格，值里含冒号时请给整个值加引号"),
    ("could not find expected ':'", "缺少冒号“:”，或上一行的引号没有闭合"),
    ("did not find expected key", "缩进不一致：同一级的字段必须左对齐"),
    ("did not find expected '-' indicator", "缩进不一致：这一行没有和同一项的其他字段对齐，或列表项的“- ”没有对齐"),
    ("found character that cannot start any token", "出现了不能在这里使用的字符（常见于 Tab 或全角符号）"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("found unknown escape character", "双引号里的反斜杠“\\”写法不对，改用单引号"),
    ("control characters are not allowed", "文件里有看不见的控制字符"),
    ("expected <block end>, but found", "缩进不一致：这一行比上面的同级内容缩进多或少"),
    ("found undefined alias", "用了别名“*”"),
    ("while scanning an alias", "用了别名“*”"),
    ("while scanning an anchor", "用了锚点“&”"),
]


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, path: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    wide = _full_width_colon(text, line)
    if wide:
        return Diagnostic(path, *wide)
    problem = f"{exc.problem or ''} {exc.context or ''}"
    words = next((zh for en, zh in _PROBLEMS if en in problem), None)
    if words is None:  # a problem not translated yet: the parser's own words are all there is
        words = f"YAML 写法有误（解析器：{(exc.problem or exc.context or '').strip()}）"
    return Diagnostic(path, line, col, "GK101", words)


# a field written with the Chinese IME's colon, the commonest slip: `title：修建…`
_WIDE_COLON_KEY = re.compile(r"^([ ]*(?:-[ ]+)?)([A-Za-z_][A-Za-z0-9_]*)[ ]*：")
WIDE_COLON_LINES = 3  # libyaml notices it on the line after, or a few lines on in a folded value


def _full_width_colon(text: str, line: int) -> tuple[int, int, str, str] | None:
    """(line, column, code, message) of a field name followed by "：" on the line the parser
    stopped at or the few before it, nearest first."""
    lines = text.split("\n")
    for n in range(min(line, len(lines)), max(0, line - 1 - WIDE_COLON_LINES), -1):
        m = _WIDE_COLON_KEY.match(lines[n - 1])
        if m:
            key = m[2]
            return (n, m.end(), "GK101",
                    f"“{key}”后面的“：”是中文全角冒号，要换成英文半角冒号“:”并在后面空一格，如“{key}: …”")
    return None


class _Refused(Exception):
    def __init__(self, diag: Diagnostic):
        self.diag = diag


_ODD_BREAKS = re.compile("[\u0085\u2028\u2029]")


def _odd_break_diagnostic(text: str, path: str) -> Diagnostic | None:
    """libyaml counts U+2028, U+2029 and NEL as line breaks, editors do not: line numbers would lie."""
    m = _ODD_BREAKS.search(text)
    if not m:
        return None
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    return Diagnostic(path, line, col, "GK112", f"这一行有看不见的特殊换行符（U+{ord(m.group()):04X}）")


def parse(text: str, path: str) -> tuple[Node | None, list[Diagnostic]]:
    """Build nodes from libyaml events; stop at the first thing we refuse."""
    odd = _odd_break_diagnostic(text, path)
    if odd:
        return None, [odd]
    diags: list[Diagnostic] = []
    stack: list[list] = []  # [node, pending_key_node]
    root: Node | None = None
    docs = 0

    def refuse(e, code: str, message: str):
        raise _Refused(Diagnostic(path, e.start_mark.line + 1, e.start_mark.column + 1, code, message))

    # the loader's events one by one (yaml.parse's generator, without its overhead: a county is
    # tens of millions of events); a node is attached to its parent where it ends
    try:
        next_event = _Loader(text).get_event
        while True:
            e = next_event()
            t = type(e)
            if t is ScalarEvent:
                if e.anchor:
                    refuse(e, "GK106", f"用了锚点“&{e.anchor}”")
                if e.tag and e.tag != "!":
                    refuse(e, "GK109", f"用了标签“{e.tag}”")
                mark = e.start_mark
                node = Node("scalar", mark.line + 1, mark.column + 1, e.value, not e.style)
            elif t is MappingStartEvent or t is SequenceStartEvent:
                if e.anchor:
                    refuse(e, "GK106", f"用了锚点“&{e.anchor}”")
                if e.tag and not e.implicit:
                    refuse(e, "GK109", f"用了标签“{e.tag}”")
                if len(stack) >= MAX_DEPTH:
                    refuse(e, "GK101", f"括号或缩进嵌套超过 {MAX_DEPTH} 层：检查是否多写了“[”“{{”，或缩进一层比一层深")
                mark = e.start_mark
                is_map = t is MappingStartEvent
                stack.append([Node("map" if is_map else "seq", mark.line + 1, mark.column + 1, {} if is_map else []), None])
                continue
            elif t is MappingEndEvent or t is SequenceEndEvent:
                node = stack.pop()[0]
            elif t is AliasEvent:
                refuse(e, "GK106", f"用了别名“*{e.anchor}”")
            elif t is DocumentStartEvent:
                docs += 1
                if docs > 1:
                    refuse(e, "GK108", "文件里有第二份文档（“---”）")
                continue
            elif t is StreamEndEvent:
                break
            else:
                continue
            if not stack:
                root = node
                continue
            frame = stack[-1]
            parent = frame[0]
            if parent.kind == "seq":
                parent.value.append(node)
            elif frame[1] is None:  # a key
                if node.kind != "scalar":
                    refuse(e, "GK201", "字段名必须是文字")
                if node.plain and node.value == "<<":
                    refuse(e, "GK106", "用了合并键“<<”")
                if node.value in parent.value:
                    first = parent.value[node.value][0]
                    diags.append(Diagnostic(path, node.line, node.col, "GK107", f"字段“{node.value}”重复，第 {first.line} 行已经写过"))
                frame[1] = node
            else:
                key = frame[1]
                if key.value not in parent.value:
                    parent.value[key.value] = (key, node)
                frame[1] = None
    except _Refused as r:
        return None, diags + [r.diag]
    except yaml.MarkedYAMLError as exc:
        tab = _tab_diagnostic(text, path)
        return None, diags + [tab or _syntax_diagnostic(exc, path, text)]
    except yaml.reader.ReaderError as exc:
        # characters YAML forbids (control characters): point at the character itself
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, diags + [Diagnostic(path, line, col, "GK101", f"文件里有看不见的控制字符（U+{exc.character:04X}），请删除")]
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for all we know of
        return None, diags + [Diagnostic(path, 1, 1, "GK101", f"YAML 写法有误：{exc}")]
    if root is None or (root.kind == "scalar" and root.plain and root.value == ""):
        return None, diags + [Diagnostic(path, 1, 1, "GK105", "文件里没有内容")]
    return root, diags
