"""Rules across fields and records: what the law and DOMAIN.md say must hold. Those of one record
kind are in its module (kinds.Kind.rules); here are the ones across kinds and places.

Each rule reads the model and yields diagnostics; a rule never assumes a field converted
(a broken field is None and its own diagnostic is already out).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from gongkai import kinds
from gongkai.check.diagnostics import Diagnostic, at, display_path
from gongkai.model.tree import Tree, Village
from gongkai.model.schema import Record


def run_all(tree: Tree, today: date) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for county in tree.counties:
        for township in county.townships:
            out.extend(codes_nest(county, township))
            out.extend(duban(township))
            for village in township.villages:
                out.extend(codes_nest(township, village))
                out.extend(village.remember("rules", lambda: list(village_rules(village))))
    return out


def codes_nest(parent: Record, child: Record) -> Iterator[Diagnostic]:
    n = 6 if parent.spec.name == "county" else 9
    if parent.code and child.code and child.code[:n] != parent.code[:n]:
        yield at(child, "code", "GK214", f"代码 {child.code} 的前 {n} 位与上级 {parent.name} 的代码 {parent.code} 不一致")


def duban(township) -> Iterator[Diagnostic]:
    """The 督办单 a township recorded: each names one of its villages, a number once a year, and
    no signature or reply before it was issued."""
    # the portal reads no village: only their folders' names (shard._AreasOnly)
    slugs = getattr(township, "village_folders", None) or {v.slug for v in township.villages}
    numbers: dict[tuple[int, int], Record] = {}
    for d in township.duban or []:
        if d.village and d.village not in slugs:
            yield at(d, "village", "GK604", f"{township.name}没有文件夹名为“{d.village}”的村，可选：{'、'.join(sorted(slugs))}")
        if d.issued and d.number is not None:
            first = numbers.setdefault((d.issued.year, d.number), d)
            if first is not d:
                yield at(d, "number", "GK605", f"{d.issued.year} 年第 {d.number} 号督办单已在第 {first.line_of('number')} 行用过")
        for when, key, what in ((d.signed, "signed", "签收"), (d.reply and d.reply.date, "reply", "整改回复")):
            if when and d.issued and when < d.issued:
                yield at(d, key, "GK606", f"{what}日期 {when} 早于签发日期 {d.issued}")


def unique_ids(village: Village) -> Iterator[Diagnostic]:
    seen: dict[str, Record] = {}
    for rec in village.records():
        if not rec.id:
            continue
        first = seen.setdefault(rec.id, rec)
        if first is not rec:
            yield at(rec, "id", "GK212", f"编号 {rec.id} 已在 {display_path(first.path)} 第 {first.line_of('id')} 行用过")


def record_years(village: Village) -> Iterator[Diagnostic]:
    for rec in village.records():
        d = rec.date
        if d and d.year != rec.year_file:
            yield at(rec, None, "GK215", f"{rec.kind_label} {rec.id} 的日期是 {d.year} 年，却写在 {rec.year_file}.yml 里")


def village_rules(village: Village) -> Iterator[Diagnostic]:
    """Every rule of one village: its ids and years, then each record kind's (kinds.Kind.rules)."""
    yield from unique_ids(village)
    yield from record_years(village)
    for kind in kinds.KINDS:
        yield from kind.rules(village)

