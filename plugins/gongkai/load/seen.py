"""What the check learnt of the data folder's files, kept from one check of `mkdocs serve` to the next.

A check lists every folder and looks at every file of a county: 2,600 folders and 40,000 stat calls
at 500 villages, a second of each rebuild, although a clerk's save changes one file. While serving,
the system's file events (serving.Watch) say which paths changed since the last check; everything
learnt of other paths (a folder's entries, whether a file exists, its size and time, a village's
attachments as attach.check_village found them) is still true and is taken from here.

Without that list of changes (a build, the first check of `mkdocs serve`, a folder watched by
polling) nothing is kept: every answer comes from the disk, as it always did.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
MOST_CHANGES = 500  # more paths changed at once (a git checkout, a folder copied in): start afresh


class Seen:
    """Answers about paths, each kept until a change touches its path: the path itself, a path
    inside it (a folder's listing, a village's attachments) or a folder it is in."""

    def __init__(self, memory: dict | None, changed: set[str] | None):
        self.kept: dict[tuple[str, str], object] = memory.setdefault("seen", {}) if memory is not None else {}
        if changed is None or len(changed) > MOST_CHANGES:
            self.kept.clear()
        elif changed:
            for key in [k for k in self.kept if _touched(k[1], changed)]:
                del self.kept[key]

    def get(self, what: str, path: Path | str, make: Callable[[], T]) -> T:
        key = (what, str(path))
        if key in self.kept:
            return self.kept[key]  # type: ignore[return-value]
        value = self.kept[key] = make()
        return value

    def listing(self, folder: Path) -> list[tuple[Path, bool, bool, bool]]:
        """(path, is a link, is a folder, is a file) of each entry of a folder, sorted by name."""
        def scan():
            out = []
            with os.scandir(folder) as found:
                for e in found:
                    link = e.is_symlink()
                    out.append((Path(e.path), link, not link and e.is_dir(), not link and e.is_file()))
            return sorted(out)
        return self.get("listing", folder, scan)

    def exists(self, path: Path) -> bool:
        return self.get("exists", path, path.exists)

    def stat(self, path: Path) -> os.stat_result | None:
        def stat():
            try:
                return path.stat()
            except OSError:
                return None
        return self.get("stat", path, stat)


def _touched(path: str, changed: set[str]) -> bool:
    """Whether a change at any of `changed` may change what was learnt about `path`."""
    return any(path == c or path.startswith(c + os.sep) or c.startswith(path + os.sep) for c in changed)
