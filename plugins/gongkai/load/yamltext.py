"""Write data files as a clerk would: YAML text by hand, never through a dumper.

2-space indentation, block style, keys in the order given (schema order), one blank line
between records, free text quoted only when YAML would otherwise misread it. Amounts are
exact: a `Money` is an integer of fen, written as yuan with two decimals.

Used by both sample generators: `gongkai sample` (sample.py) and tools/make_sample.py, the
hand-crafted sample shipped in villages/.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path


class Money(int):
    """An amount in fen, written as yuan with two decimals."""


class Quoted(str):
    """Text that is always double-quoted (phones, codes)."""


class Plain(str):
    """Text known to read back as itself unquoted (fund periods such as 2024-Q1)."""


_SAFE_START = re.compile(r"^[\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9“《（【]")
_UNSAFE = re.compile(r"[\"'\\\t\n{}\[\]&*!|>@`]|: | #|:$")
_LOOKS_TYPED = re.compile(r"^(?:[-+]?[\d.]+|true|false|yes|no|on|off|null|~|y|n)$", re.I)


def yaml_text(s: str) -> str:
    """Plain when YAML reads it back as the same text, else double-quoted."""
    if isinstance(s, Plain):
        return str(s)
    if (
        isinstance(s, Quoted)
        or not s
        or s != s.strip()
        or not _SAFE_START.match(s)
        or _UNSAFE.search(s)
        or _LOOKS_TYPED.match(s)
    ):
        return json.dumps(str(s), ensure_ascii=False)
    return s


def yaml_scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Money):
        assert v >= 0, v
        return f"{v // 100}.{v % 100:02d}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return yaml_text(v)
    raise TypeError(f"cannot write {v!r}")


def render_map(d: dict) -> str:
    return "\n".join(_block(d, 0)) + "\n"


def render_list(records: list[dict]) -> str:
    parts = []
    for rec in records:
        lines = _block(rec, 2)
        parts.append("- " + lines[0][2:] + "".join("\n" + ln for ln in lines[1:]))
    return "\n\n".join(parts) + "\n"


def _block(d: dict, indent: int) -> list[str]:
    """Fully indented lines of mapping `d` whose keys sit at column `indent`; None values are left out."""
    pad = " " * indent
    out: list[str] = []
    for key, value in d.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.extend(_block(value, indent + 2))
        elif isinstance(value, list) and not value:
            out.append(f"{pad}{key}: []")
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    sub = _block(item, indent + 4)
                    out.append(f"{pad}  - " + sub[0][indent + 4:])
                    out.extend(sub[1:])
                else:
                    out.append(f"{pad}  - {yaml_scalar(item)}")
        else:
            out.append(f"{pad}{key}: {yaml_scalar(value)}")
    return out


def schema_comment(path: Path, schemas: Path) -> str:
    """The line that tells VS Code's YAML extension which JSON Schema (in `schemas`) a data file follows."""
    name = path.stem if path.name in ("county.yml", "township.yml", "village.yml") else path.parent.name
    target = Path(os.path.relpath(schemas / f"{name}.schema.json", path.parent)).as_posix()
    return f"# yaml-language-server: $schema={target}"
