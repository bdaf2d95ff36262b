"""`gongkai amend VILLAGE --since REF --reason "…"`: after a clerk corrects published records,
write the `amendments` entries that `gongkai check --since REF` asks for.

It compares the village's records with the ones published at REF as `check --since` does
(amendments.edits), and for each record with an unexplained change adds one entry: the date,
the reason, and for each changed field its path and the value that was published. The entries go
into the clerk's files through ruamel.yaml's round trip (roundtrip.py): nothing else in them moves.

It writes nothing, and says why in Chinese, when a published record was deleted, an earlier
amendment was edited, the village's files do not pass `gongkai check`, or git has no REF. The
edit is made first on a copy of the village and checked there against REF; only when that copy
passes are the clerk's files replaced.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gongkai.check import diagnostics as dg
from gongkai.load import published
from gongkai.adapters import roundtrip
from gongkai.check.amendments import edits, record_name, resolve, show, tampered
from gongkai.check.checker import _Builder, check_tree
from gongkai.model.tree import Record
from gongkai.load.yamltext import render_list

class AmendError(Exception):
    """Nothing was written; the message says why. `code`: the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Entry:
    """The amendment one record needs."""

    path: Path  # the clerk's year file
    line: int  # the record's first line
    name: str  # 决策“…”（d-2024-01）
    record_id: str
    changes: list[dict]  # {"field": path, "old": text} in the order the fields come
    said: list[str] = field(default_factory=list)  # each change as the clerk reads it

    def yaml(self, day: date, reason: str) -> str:
        return render_list([{"date": day, "reason": reason, "changes": self.changes}])


def _old_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _entry(path: Path, new: Record, found: list[tuple[str, object, object]]) -> Entry:
    changes, said = [], []
    for where, was, now in found:
        change = {"field": where}
        if was is not None and not isinstance(was, dict | list):
            change["old"] = _old_text(was)
        changes.append(change)
        target = resolve(new.spec, where)
        kind = target[1] if target else None
        label = target[0] if target else where
        what = "是公开以后新加的" if was is None else f"原来是 {show(was, kind)}，现在是 {show(now, kind)}"
        said.append(f"{label}（{where}）{what}")
    return Entry(path, new.line, record_name(new), new.id, changes, said)


def _village_parts(vdir: Path) -> tuple[Path, tuple[str, str, str]]:
    from gongkai.adapters.cli import find_root

    if not (vdir / "village.yml").is_file():
        raise AmendError(f"{vdir} 不是村文件夹（里面没有 village.yml）", 2)
    root = find_root(vdir)
    rel = vdir.resolve().relative_to(root.resolve()) if root is not None else None
    if rel is None or len(rel.parts) != 3:
        raise AmendError(f"{vdir} 不在数据文件夹的 县/乡镇/村 里", 2)
    return root.resolve(), rel.parts  # type: ignore[return-value]


def _copy(root: Path, county: str, township: str, village: str, dest: Path) -> None:
    """The village with its county's and township's files: all a check of its records reads."""
    for name in (f"{county}/county.yml", f"{county}/{township}/township.yml"):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest / name)
    shutil.copytree(root / county / township / village, dest / county / township / village, symlinks=True)


def _records(tree) -> dict[tuple[str, str], Record]:
    return {(r.kind, r.id): r for v in tree.villages for r in v.records() if r.id}


class _Paths:
    """Between the copy a check reads and the clerk's files."""

    def __init__(self, copy: Path, root: Path):
        self.copy, self.root = str(copy), root

    def real(self, path: str | Path) -> Path:
        return self.root / Path(path).relative_to(self.copy)

    def show(self, path: str | Path) -> str:
        return dg.display_path(str(self.real(path)))

    def diags(self, found: list[dg.Diagnostic]) -> str:
        return dg.format_text([dg.Diagnostic(str(self.real(d.path)), d.line, d.col, d.code, d.message) for d in found])


def plan(vdir: Path, ref: str, reason: str, day: date, today: date, write: bool) -> tuple[list[Entry], str]:
    """The entries the village's edits need, written into its files when `write`; and what to tell
    the clerk. Raises AmendError, having written nothing, when they cannot be written."""
    root, (county, township, village) = _village_parts(vdir)
    parts = [f"{county}/county.yml", f"{county}/{township}/township.yml", f"{county}/{township}/{village}"]
    with tempfile.TemporaryDirectory(prefix="gongkai-amend-") as tmp:
        try:
            before_root = published.export(root, ref, Path(tmp) / "published", parts)
        except published.PublishedError as exc:
            raise AmendError(str(exc), 2) from None
        copy = Path(tmp) / "now"
        _copy(root, county, township, village, copy)
        paths = _Paths(copy, root)
        result = check_tree(copy, today, only=county, jobs=1)
        errors = [d for d in result.diagnostics if d.is_error]
        if errors:
            raise AmendError(f"{paths.diags(errors)}\n这些问题要先改好，gongkai amend 没有写任何文件")
        if not (before_root / county / township / village / "village.yml").is_file():
            return [], f"{ref} 里还没有这个村：它的记录还没有公开过，不需要更正记录"
        builder = _Builder(before_root)
        builder.only = county
        before = _records(builder.build())
        after = _records(result.tree)
        refused: list[str] = []
        entries: list[Entry] = []
        for key, old in before.items():
            new = after.get(key)
            where = dg.display_path(str(root / Path(old.path).relative_to(before_root)))
            if new is None:
                refused.append(f"{where}:{old.line}: 已公开的{record_name(old)}被删除了。已公开的记录不能删除："
                               f"把它恢复原样；内容有错就改正它，再运行 gongkai amend")
                continue
            for i, at in tampered(old, new):
                refused.append(f"{paths.show(new.path)}:{new.line}: {record_name(new)}的第 {i} 条更正记录"
                               f"（{old.amendments[i - 1].date}）被改动或删除了（{at}）。以前的更正记录不能改：把它恢复原样")
            found = [(p, was, now) for p, was, now, covering in edits(old, new) if not covering]
            if found:
                entries.append(_entry(paths.real(new.path), new, found))
        if refused:
            raise AmendError("\n".join(refused) + "\ngongkai amend 没有写任何文件")
        if not entries:
            return [], f"和 {ref} 相比，已公开的记录没有需要写更正记录的改动"
        texts = _edit(entries, paths, day, reason)
        _recheck(copy, before_root, today, county, paths)
        if write:
            for real, (original, data) in texts.items():
                if real.read_bytes() != original:
                    raise AmendError(f"{dg.display_path(str(real))} 在 gongkai amend 运行时被改动了，没有写入；请再运行一次")
            for real, (_original, data) in texts.items():
                roundtrip.write(real, data)
    return entries, ""


def _edit(entries: list[Entry], paths: _Paths, day: date, reason: str) -> dict[Path, tuple[bytes, bytes]]:
    """Write the entries into the copy's files; returns, by the clerk's file, (its bytes, its new bytes)."""
    out: dict[Path, tuple[bytes, bytes]] = {}
    by_file: dict[Path, list[Entry]] = {}
    for e in entries:
        by_file.setdefault(e.path, []).append(e)
    for real, group in by_file.items():
        path = Path(paths.copy) / real.relative_to(paths.root)
        try:
            doc = roundtrip.read(path)
            doc.path = Path(dg.display_path(str(real)))
            if not isinstance(doc.data, roundtrip.CommentedSeq):
                raise roundtrip.EditError(f"{doc.path} 里不是记录的列表")
            spans = roundtrip.item_lines(doc.data, len(doc.original.splitlines()))
            ids = [item.get("id") if isinstance(item, roundtrip.CommentedMap) else None for item in doc.data]
            allowed = []
            for e in group:
                i = ids.index(e.record_id)
                # after the record's amendments, if it has any; else as the first, in a new `amendments`
                roundtrip.add_items(doc.data[i], "amendments", e.yaml(day, reason))
                allowed.append(spans[i])
            text = doc.dumps()
            roundtrip.check_spans(doc, text, allowed)
        except roundtrip.EditError as exc:
            raise AmendError(f"{exc}\ngongkai amend 没有写任何文件") from None
        data = doc.encoded(text)
        out[real] = (path.read_bytes(), data)
        path.write_bytes(data)
    return out


def _recheck(copy: Path, before_root: Path, today: date, county: str, paths: _Paths) -> None:
    """The copy, with the entries written, must pass `check --since`: else nothing is written."""
    result = check_tree(copy, today, since=before_root, only=county, jobs=1)
    left = [d for d in result.diagnostics if d.is_error]
    if left:
        raise AmendError(f"{paths.diags(left)}\n写上更正记录以后还有这些问题，gongkai amend 没有写任何文件")


def command(village: str, ref: str, reason: str, day: date | None, dry_run: bool, today: date) -> int:
    import sys

    reason = (reason or "").strip()
    if not reason:
        print("gongkai amend: --reason 要写明为什么改，如“录入错误，按会议记录更正”", file=sys.stderr)
        return 2
    day = day or today
    if day > today:
        print(f"gongkai amend: 更正日期 {day} 还没到", file=sys.stderr)
        return 2
    try:
        entries, note = plan(Path(village), ref, reason, day, today, write=not dry_run)
    except AmendError as exc:
        print(f"gongkai amend: {exc}", file=sys.stderr)
        return exc.code
    if not entries:
        print(note)
        return 0
    files = {e.path for e in entries}
    head = "将要写入" if dry_run else "已写入"
    print(f"{head} {len(entries)} 条更正记录（{len(files)} 个文件）：")
    for e in entries:
        print(f"  {dg.display_path(str(e.path))} 第 {e.line} 行 {e.name}：")
        for line in e.said:
            print(f"    {line}")
        if dry_run:
            print("    amendments 里加上：")
            for line in e.yaml(day, reason).splitlines():
                print(f"      {line}")
    if dry_run:
        print("（--dry-run：只是列出来，没有写任何文件）")
    else:
        print(f"请检查日期和原因，然后运行：gongkai check --since {ref} {village}")
    return 0
