"""What `mkdocs serve` needs beyond a build: a memory kept from one rebuild to the next, a watch on
the data folder through the system's file events, and the theme's templates kept compiled.

Part of the MkDocs adapter (mkdocs_plugin.py), kept apart from its events: MkDocs' dev server is the
only user, and a successor's preview would need its own.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2

from .config import watch_by_polling

log = logging.getLogger("mkdocs.plugins.gongkai")


# What `mkdocs serve` keeps from one rebuild to the next (each rebuild makes a new plugin object):
# the records of unchanged files, and of unchanged villages their search entries, open-data rows,
# kiosk page and memo (督查 problems, figures by year, the rules' findings).
SERVED: dict[str, dict] = {}


# Events that mean a file was saved, made, deleted or moved (not that a build opened it to read).
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})


def watch_natively(server, folder: Path) -> bool:
    """Watch the data folder through the system's file events (inotify on Linux), not by MkDocs'
    polling: every half second that lists and stats all of a county's files (7,000 at 300 villages),
    a tenth of a second each time, which holds the rebuild back and adds to the clerk's wait.
    False (MkDocs' polling then) when asked for (GONGKAI_WATCH=polling, for folders on a network or
    in a virtual machine that send no events), when the system refuses (too many folders for
    inotify's limit), or when the dev server is not the one of MkDocs 1.6 (it is pinned)."""
    cond = getattr(server, "_rebuild_cond", None)
    if watch_by_polling() or cond is None or not hasattr(server, "_want_rebuild"):
        return False
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Saved(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in CHANGES:  # what MkDocs' own watch does, for a change
                with cond:
                    server._want_rebuild = True
                    cond.notify_all()

    observer = Observer()
    try:
        observer.schedule(Saved(), str(folder), recursive=True)
        observer.start()
    except OSError as e:
        log.info(f"gongkai：无法用系统的文件通知监视 {folder}（{e}），改为定时查看")
        observer.stop()
        return False
    SERVED["observer"] = observer
    return True


class Compiled(jinja2.BytecodeCache):
    """The theme's templates as compiled in the last rebuild of `mkdocs serve` (MkDocs makes a new
    Jinja environment for each build, which would compile Material's templates all over again).
    Jinja checks each entry against its template's source, so an edited template is compiled anew."""

    def __init__(self):
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if (code := self.kept.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.kept[bucket.key] = bucket.bytecode_to_string()
