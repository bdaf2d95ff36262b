"""What a published record says, exactly: its canonical content and its fingerprint.

The canonical content is the record's fields as checked (not as typed: `120000` and
`120000.00` are the same amount), in a fixed order, with where the record lives. Amendments
are not part of it: they say how the content came to be, and the content they describe is
what the fingerprint vouches for.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from gongkai.model.schema import Record

AMENDMENTS = "amendments"  # the one field that is history, not content
# Photos and scans prove what a record says; they are not what it says. A photo of the notice as
# posted is added after the notice was printed, and must not change the 核对码 printed on it.
EVIDENCE = "attachments"
# Crockford's base32: digits and capitals without I, L, O and U, which are misread on paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def canonical_value(value):
    """A field's value as plain JSON data: amounts as "1234.50", dates as "2024-03-05"."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # most values: by their type first, no isinstance chain
        return value
    if kind is Decimal:
        return f"{value:.2f}"
    if kind is date:
        return value.isoformat()
    if isinstance(value, Record):
        return {
            key: canonical_value(v)
            for key in value.spec.fields
            if key != AMENDMENTS and (v := getattr(value, key, None)) is not None
        }
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(where: str, rec: Record, content: dict | None = None) -> bytes:
    """The bytes a fingerprint is made from: the record's place (village folder and kind) and content
    (the record's own, or an earlier version of it rebuilt from its amendments)."""
    if content is None:
        content = canonical_value(rec)
    data = {"where": where, "kind": getattr(rec, "kind", rec.spec.name), "content": _without(content, EVIDENCE)}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _without(data, key: str):
    """`data` (canonical JSON) without `key` at any depth."""
    if isinstance(data, dict):
        return {k: _without(v, key) for k, v in data.items() if k != key}
    if isinstance(data, list):
        return [_without(v, key) for v in data]
    return data


def fingerprint(where: str, rec: Record) -> str:
    """Eight characters, as 4-4 (e.g. 7K2Q-M9XD): 40 bits of SHA-256 of the canonical content."""
    # A record is never changed once checked, and its page, notices and search entry all show the
    # code: it is worked out once per place.
    known = rec.__dict__.get("_fingerprint")
    if known is None or known[0] != where:
        known = rec.__dict__["_fingerprint"] = (where, fingerprint_of(where, rec, None))
    return known[1]


def fingerprint_of(where: str, rec: Record, content: dict | None) -> str:
    n = int.from_bytes(hashlib.sha256(canonical(where, rec, content)).digest()[:5], "big")
    chars = "".join(ALPHABET[(n >> (35 - 5 * i)) & 31] for i in range(8))
    return f"{chars[:4]}-{chars[4:]}"
