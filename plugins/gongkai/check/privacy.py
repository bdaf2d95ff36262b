"""Personal data that must never be published (个人信息保护法 Art. 25, 28): find it in any text.

A match is reported by kind and a masked form, never the full number, so the diagnostic itself
does not leak what it found.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# digit runs, allowing the spaces, hyphens and dashes people type inside phone and card numbers
# (a full-width hyphen or digit is made ASCII by NFKC first)
_SEP = "[ \\-\u2013\u2014]"
_RUN = re.compile(rf"(?<![0-9])[0-9](?:{_SEP}?[0-9]){{10,18}}(?:{_SEP}?[0-9Xx])?(?![0-9A-Za-z])", re.ASCII)
# a mobile number, with China's country code as people write it: +86, 86, 0086
_MOBILE = re.compile(r"(?:0{0,2}86)?(1[3-9][0-9]{9})")
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id18_valid(s: str) -> bool:
    """GB 11643: the 18th character is a checksum of the first 17 digits."""
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s, re.ASCII):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == s[17] and _birth_ok(s[6:14])


def _birth_ok(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def id15_valid(s: str) -> bool:
    """The old 15-digit card: area code, then a 6-digit birth date YYMMDD, then 3 digits."""
    return len(s) == 15 and s.isdigit() and _birth_ok("19" + s[6:12])


def luhn_valid(s: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(s)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask(s: str) -> str:
    return f"{s[:3]}{'*' * (len(s) - 5)}{s[-2:]}"


# Characters that can never be, or become under NFKC, a digit: ASCII other than digits, the CJK
# ideographs and the commonest Chinese punctuation. Every number we look for has at least 11
# characters outside this set, so a text with fewer needs no closer look (most texts: the
# check reads hundreds of thousands of them).
_CANDIDATE = re.compile("[^\x00-\x2f\x3a-\x7f\u4e00-\u9fff\u3001\u3002\uff0c\uff1a\uff1b\uff08\uff09]")


def find(text: str) -> list[tuple[str, str]]:
    """(code, message) for each piece of personal data in text."""
    found = []
    if len(_CANDIDATE.findall(text)) < 11:
        return found
    for m in _RUN.finditer(unicodedata.normalize("NFKC", text)):
        s = re.sub(_SEP, "", m.group()).upper()
        mobile = _MOBILE.fullmatch(s)
        if len(s) == 18 and id18_valid(s):
            found.append(("GK701", f"身份证号（{mask(s)}，18 位）"))
        elif len(s) == 15 and id15_valid(s):
            found.append(("GK701", f"身份证号（{mask(s)}，15 位旧号码）"))
        elif mobile:
            found.append(("GK702", f"手机号码（{mask(mobile[1])}）"))
        elif 16 <= len(s) <= 19 and s.isdigit() and luhn_valid(s):
            found.append(("GK703", f"银行卡号（{mask(s)}，{len(s)} 位）"))
    return found
