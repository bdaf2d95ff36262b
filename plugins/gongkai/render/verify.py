"""核对: from the code printed on a paper notice back to the record it was printed from.

A villager copies the code off the board and types it, often on a phone: in lower case, without
the dash, with a space, with O for 0 and I or L for 1. Crockford's alphabet (integrity.ALPHABET)
leaves those letters out so that such misreadings can be undone here rather than fail.
"""

from __future__ import annotations

import re
import unicodedata

from dataclasses import dataclass

from gongkai.check.amendments import Version, history
from gongkai.model.integrity import ALPHABET, fingerprint
from gongkai.model.tree import Tree, Village
from gongkai.model.schema import Record

LENGTH = 8  # printed as 4-4: 7K2Q-M9XD
MISREAD = str.maketrans("OIL", "011")
# What people type between the halves, after NFKC has made full-width forms plain (－ -> -).
SPACING = re.compile(r"[\s\-\u2010-\u2015\u30fc_.·]+")
LABEL = re.compile(r"^\s*核对码\s*:?")  # copied from the page with its label


def read_code(text: str) -> str:
    """The code as printed (7K2Q-M9XD) from what was typed; ValueError with a Chinese message when
    it cannot be a code (wrong length, or a character no code contains)."""
    plain = SPACING.sub("", LABEL.sub("", unicodedata.normalize("NFKC", text))).upper().translate(MISREAD)
    wrong = sorted({c for c in plain if c not in ALPHABET})
    if wrong:
        shown = "”“".join(wrong)
        raise ValueError(f"核对码里不会有“{shown}”：核对码只用数字和英文字母（没有字母 U），如 7K2Q-M9XD")
    if len(plain) != LENGTH:
        raise ValueError(f"核对码是 {LENGTH} 个数字或字母（如 7K2Q-M9XD），这里是 {len(plain)} 个")
    return f"{plain[:4]}-{plain[4:]}"


@dataclass(frozen=True)
class Match:
    village: Village
    record: Record
    corrected: Version | None = None  # the code is of the version before this amendment


def find(tree: Tree, code: str) -> list[Match]:
    """Every published record whose fingerprint is `code` (as read_code gives it), now or before
    one of its amendments (a notice printed before a correction): one, or none."""
    found = []
    for v in tree.villages:
        for r in v.records():
            if not r.id:
                continue
            if fingerprint(v.slug_path, r) == code:
                found.append(Match(v, r))
            found += [Match(v, r, a) for a in history(v.slug_path, r) if a.fingerprint_before == code]
    return found
