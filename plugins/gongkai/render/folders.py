"""Replace a whole folder at once: a new one is filled beside it and swapped in by two renames.

Used for the site (`gongkai build`) and for the assembled county sites (`gongkai assemble`): a
failed build or copy leaves the last good folder exactly as it was, and a reader never sees half.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def fresh_beside(target: Path, label: str) -> Path:
    """The path of a new folder beside `target` (not created), left over ones of this process removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.{label}-{os.getpid()}")
    for leftover in (fresh, _old(target)):
        shutil.rmtree(leftover, ignore_errors=True)
    return fresh


def swap_in(fresh: Path, target: Path) -> None:
    """Put `fresh` where `target` is; the old `target` is deleted."""
    old = _old(target)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old-{os.getpid()}")
