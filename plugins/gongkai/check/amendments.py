"""Published records are append-only: a change needs an amendment, and the page shows it.

A record on main has been published. Later, a field may be added (a decision reaches its next
step, a pledge gets its 兑现日期) but a value that was published may only change, or go, with an
amendment in the record: date, reason, and for each changed field its path (`budget`,
`resolution.agree`, `entries.3.expense`) and the value it had (`old`). `compare` finds every
change between the published tree and the new one that no new amendment explains; `history`
gives a record page the amendments with old and new values and the fingerprint of each
earlier version, so a notice printed before a correction can still be traced.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from gongkai import kinds
from gongkai.check.diagnostics import Diagnostic
from gongkai.model.integrity import AMENDMENTS, EVIDENCE, canonical_value, fingerprint_of
from gongkai.load.reader import Node
from gongkai.model.tree import Tree, Village
from gongkai.model.schema import MISSING, Ctx, ListOf, Money, Record, Spec, Type

# -- field paths ------------------------------------------------------------------------------


def resolve(spec: Spec, path: str) -> tuple[str, object] | None:
    """(Chinese label, type) of a field path such as entries.3.expense; None if there is no such field."""
    labels: list[str] = []
    t: object = spec
    for part in path.split("."):
        if isinstance(t, Spec):
            f = t.fields.get(part)
            if f is None or f.key == AMENDMENTS:
                return None
            labels.append(f.label)
            t = f.type
        elif isinstance(t, ListOf):
            if not part.isdigit() or int(part) < 1:
                return None
            labels[-1] += f"第 {int(part)} 项"
            t = t.item
        else:
            return None
    return ("的".join(labels), t) if labels else None


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def changes(old, new, path: str = "", growing: frozenset[str] = frozenset()) -> Iterator[tuple[str, object, object]]:
    """(path, old, new) for every published value that changed or went. A field that was not there
    may be added; an item added to a list is a change (a ledger row slipped into a published
    period), except in the lists named in `growing` (a pledge's deadline revisions) and in
    attachments anywhere (the photo of a notice is taken once it is posted)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in old.items():
            yield from changes(value, new.get(key), _join(path, key), growing)
    elif isinstance(old, list) and isinstance(new, list):
        for i, value in enumerate(old, 1):
            yield from changes(value, new[i - 1] if i <= len(new) else None, _join(path, i), growing)
        if path not in growing and not path.endswith(EVIDENCE) and path != EVIDENCE:
            for i in range(len(old) + 1, len(new) + 1):
                yield _join(path, i), None, new[i - 1]
    elif old != new:
        yield path, old, new


def _get(data, path: str):
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and 0 < int(part) <= len(data):
            data = data[int(part) - 1]
        else:
            return None
    return data


def _set(data, path: str, value) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[int(part) - 1] if isinstance(data, list) else data.setdefault(part, {})
    if isinstance(data, list):
        i = int(last) - 1
        if value is None:
            del data[i]
        elif i < len(data):
            data[i] = value
        else:
            data.append(value)
    elif value is None:
        data.pop(last, None)
    else:
        data[last] = value


def old_value(spec: Spec, change: Record) -> object:
    """The `old` of a change, read as its field's type (so 120000 and 120000.00 agree); MISSING if unreadable."""
    target = resolve(spec, change.field or "")
    if change.old is None or target is None:
        return None
    kind = target[1]
    if not isinstance(kind, Type):
        return change.old  # a whole step or list was changed: old is only shown, not compared
    diags: list[Diagnostic] = []
    node = Node("scalar", change.line, 1, change.old, True)
    value = kind.parse(change.old, node, Ctx("", diags), "")
    return MISSING if value is MISSING or diags else canonical_value(value)


def show(value, kind: object = None) -> str:
    """A value as a villager reads it in an amendment: “（无）” for nothing, “（一组内容）” for a step,
    amounts as ¥1,234.50."""
    if value is None:
        return "（无）"
    if isinstance(value, dict | list):
        return "（一组内容）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(kind, Money):
        return f"¥{Decimal(value):,.2f}"
    return str(value)


def record_name(rec: Record) -> str:
    name = getattr(rec, "title", None) or getattr(rec, "what", None) or getattr(rec, "period", None) or ""
    return f"{getattr(rec, 'kind_label', '')}“{name}”（{rec.id}）"


# -- what `gongkai check` always checks ---------------------------------------------------------


def check(tree: Tree, today: date) -> Iterator[Diagnostic]:
    """Amendments that name no field of the record, carry an unreadable old value, or lie in the future."""
    for village in tree.villages:
        for rec in village.records():
            for amendment in rec.amendments or []:
                if amendment.date and amendment.date > today:
                    yield _at(amendment, "date", "GK803", f"更正日期 {amendment.date} 还没到")
                for change in amendment.changes or []:
                    if change.field is None:
                        continue
                    if resolve(rec.spec, change.field) is None:
                        yield _at(change, "field", "GK803", f"{record_name(rec)}没有“{change.field}”这个字段")
                    elif old_value(rec.spec, change) is MISSING:
                        label = resolve(rec.spec, change.field)[0]
                        yield _at(change, "old", "GK803", f"原来的值“{change.old}”不是有效的“{label}”")


def _at(rec: Record, key: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(rec.path, rec.line_of(key), rec.col_of(key), code, message)


def _at_path(rec: Record, path: str, code: str, message: str) -> Diagnostic:
    """A diagnostic on the line of `path` (resolution.agree: agree's line), or of what is left of it."""
    parts = path.split(".")
    i = 0
    while i < len(parts):
        value = getattr(rec, parts[i], None)
        if isinstance(value, Record):
            rec, i = value, i + 1
        elif isinstance(value, list) and i + 1 < len(parts) and parts[i + 1].isdigit() \
                and 0 < int(parts[i + 1]) <= len(value) and isinstance(value[int(parts[i + 1]) - 1], Record):
            rec, i = value[int(parts[i + 1]) - 1], i + 2
        else:
            return _at(rec, parts[i], code, message)  # line_of falls back to the record's first line
    return Diagnostic(rec.path, rec.line, 1, code, message)


# -- what `gongkai check --since REF` adds --------------------------------------------------------


def _records(tree: Tree) -> dict[tuple[str, str, str], tuple[Village, Record]]:
    return {(v.slug_path, r.kind, r.id): (v, r) for v in tree.villages for r in v.records() if r.id}


def compare(before: Tree, after: Tree) -> Iterator[Diagnostic]:
    """Every silent edit or deletion of a record published in `before`, as an error in `after`."""
    now = _records(after)
    for key, (village, old) in _records(before).items():
        if key not in now:
            yield _deleted(before, after, village, old)
            continue
        yield from _compare_record(old, now[key][1])


def _deleted(before: Tree, after: Tree, village: Village, rec: Record) -> Diagnostic:
    rel = Path(rec.path).relative_to(before.root)
    path = Path(after.root) / rel
    where = f"，原来在 {rel.as_posix()} 第 {rec.line} 行"
    return Diagnostic(str(path), 1, 1, "GK802", f"已公开的{record_name(rec)}被删除了{where}")


def tampered(old: Record, new: Record) -> Iterator[tuple[int, str]]:
    """(number, field path) of each amendment of the published `old` that `new` changed or dropped."""
    before, after = list(old.amendments or []), list(new.amendments or [])
    for i, amendment in enumerate(before):
        if i >= len(after) or canonical_value(after[i]) != canonical_value(amendment):
            was = canonical_value(amendment)
            first = next(changes(was, canonical_value(after[i])), ("", None, None))[0] if i < len(after) else ""
            yield i + 1, f"amendments.{i + 1}" + (f".{first}" if first else "")


def edits(old: Record, new: Record) -> Iterator[tuple[str, object, object, list[Record]]]:
    """(path, published value, value now, the new amendments' changes that name it) for every
    published value of `old` that `new` changed or dropped, but for what moves on by itself."""
    fresh = [c for a in list(new.amendments or [])[len(old.amendments or []):] for c in (a.changes or []) if c.field]
    kind = kinds.of(new)  # what moves on in a record of its kind without a correction
    for path, was, now in changes(canonical_value(old), canonical_value(new), "", kind.growing):
        if was in kind.lifecycle.get(path, ()):
            continue
        yield path, was, now, [c for c in fresh if path == c.field or path.startswith(c.field + ".")]


def _compare_record(old: Record, new: Record) -> Iterator[Diagnostic]:
    for i, where in tampered(old, new):
        amendment = old.amendments[i - 1]
        yield _at_path(new, where, "GK804", f"{record_name(new)}的第 {i} 条更正记录（{amendment.date}）被改动或删除了")
    for path, was, now, covering in edits(old, new):
        target = resolve(new.spec, path)
        label = target[0] if target else path
        if not covering:
            hint = f"field: {path}" + (f"，old: \"{was}\"" if was is not None and not isinstance(was, dict | list) else "")
            what = "是公开以后新加的" if was is None else f"从 {show(was)} 改成了 {show(now)}"
            yield _at_path(new, path, "GK801", f"已公开的{record_name(new)}的“{label}”{what}，没有更正记录（changes 里写 {hint}）")
            continue
        for c in covering:
            if c.field == path and c.old is not None and not isinstance(was, dict | list):
                if old_value(new.spec, c) != was:
                    yield _at(c, "old", "GK803", f"“{label}”原来公开的是 {show(was)}，更正记录里写的是“{c.old}”")


# -- what a record page shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Version:
    """An amendment as a record page shows it: what changed, and the code the earlier version had."""

    date: date | None
    reason: str
    changes: tuple[Change, ...]
    fingerprint_before: str  # the 核对码 of the record just before this amendment; "" when it cannot be rebuilt


def history(where: str, rec: Record) -> list[Version]:
    """The record's amendments, oldest first, with new values and earlier fingerprints."""
    amendments = list(rec.amendments or [])
    if not amendments:  # most records: every record page and search entry asks, so answer cheaply
        return []
    content = canonical_value(rec)
    # walk back from today's content: undoing the latest amendment first gives each earlier version
    # (an old value that is a whole step, or unreadable, cannot be rebuilt: earlier codes are then unknown)
    after: list[dict] = []
    exact: list[bool] = []
    rebuilt = True
    for amendment in reversed(amendments):
        after.append(_copy(content))
        for change in reversed(amendment.changes or []):  # the last first: entries.4 before entries.3
            target = resolve(rec.spec, change.field or "")
            if target is None:
                continue
            old = old_value(rec.spec, change)
            # exact when the field was added (it is here now; undo: remove it), or when its old value
            # is one readable value; a removed step without its old content cannot be rebuilt
            added = change.old is None and _get(content, change.field) is not None
            rebuilt = rebuilt and (added or (isinstance(target[1], Type) and old is not MISSING))
            try:
                _set(content, change.field, None if old is MISSING else old)
            except (IndexError, ValueError, TypeError, AttributeError):  # a path into what is not there
                rebuilt = False
        exact.append(rebuilt)
    out = []
    before = content
    for amendment, version, known in zip(amendments, reversed(after), reversed(exact)):
        shown = tuple(
            Change(label, show(_get(before, c.field), kind), show(_get(version, c.field), kind))
            for c in (amendment.changes or [])
            if c.field and (target := resolve(rec.spec, c.field))
            for label, kind in [target]
        )
        code = fingerprint_of(where, rec, before) if known else ""
        out.append(Version(amendment.date, amendment.reason or "", shown, code))
        before = version
    return out


def _copy(data):
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data
