"""What `mkdocs serve` needs beyond a build: a memory kept from one rebuild to the next, a watch on
the data folder through the system's file events, and the theme's templates kept compiled.

Part of the MkDocs adapter (mkdocs_plugin.py), kept apart from its events: MkDocs' dev server is the
only user, and a successor's preview would need its own.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import jinja2

from gongkai.config import watch_by_polling

log = logging.getLogger("mkdocs.plugins.gongkai")


# What `mkdocs serve` keeps from one rebuild to the next (each rebuild makes a new plugin object):
# the records of unchanged files, and of unchanged villages their search entries, open-data rows,
# kiosk page and memo (督查 problems, figures by year, the rules' findings).
SERVED: dict = {}


# Events that mean a file was saved, made, deleted or moved (not that a build opened it to read).
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})


class Watch:
    """The data folder watched through the system's file events (inotify on Linux), not by MkDocs'
    polling: every half second that lists and stats all of a county's files (7,000 at 300 villages),
    a tenth of a second each time, which holds the rebuild back and adds to the clerk's wait.

    Begun before the first check, it also keeps the paths that changed, which the next check takes
    (seen.py): what it learnt of every other file still holds."""

    def __init__(self, observer):
        self.observer = observer
        self.server = None  # MkDocs' dev server, once it runs (watch_natively): told to rebuild
        self.lock = threading.Lock()
        self.changed: set[str] | None = None  # None: not known, until the first check takes it

    def saw(self, *paths: str) -> None:
        with self.lock:
            if self.changed is not None:
                self.changed.update(p for p in paths if p)
        if (server := self.server) is not None:
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

    def taken(self) -> set[str] | None:
        """The paths changed since the last call (None at the first)."""
        with self.lock:
            out, self.changed = self.changed, set()
        return out

    def stop(self) -> None:
        self.observer.stop()


def start_watch(folder: Path) -> Watch | None:
    """The watch on the data folder, begun at the first call. None (MkDocs' polling then) when
    asked for (GONGKAI_WATCH=polling, for folders on a network or in a virtual machine that send no
    events) or when the system refuses (too many folders for inotify's limit)."""
    if (watch := SERVED.get("observer")) is not None:
        return watch
    if watch_by_polling() or SERVED.get("unwatchable") == str(folder):
        return None
    from watchdog import events
    from watchdog.observers import Observer

    class Saved(events.FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in CHANGES:  # what MkDocs' own watch does, for a change
                watch.saw(os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or ""))

    watch = Watch(Observer())
    try:
        # only the changes: by default the system also tells of every file and folder opened or read,
        # and the check reads thousands of them; handling those events in this process's other thread
        # made each rebuild's check twice as slow (2.1 s against 1.0 s at 500 villages)
        watch.observer.schedule(Saved(), str(folder), recursive=True, event_filter=[
            events.FileCreatedEvent, events.DirCreatedEvent, events.FileDeletedEvent, events.DirDeletedEvent,
            events.FileModifiedEvent, events.FileMovedEvent, events.DirMovedEvent, events.FileClosedEvent])
        watch.observer.start()
    except OSError as e:
        log.info(f"gongkai：无法用系统的文件通知监视 {folder}（{e}），改为定时查看")
        watch.observer.stop()
        SERVED["unwatchable"] = str(folder)
        return None
    SERVED["observer"] = watch
    return watch


def watch_natively(server, folder: Path) -> bool:
    """Let the watch on the data folder tell MkDocs' dev server to rebuild. False (MkDocs' polling
    then) without a watch (start_watch), or when the dev server is not the one of MkDocs 1.6 (it is pinned)."""
    if getattr(server, "_rebuild_cond", None) is None or not hasattr(server, "_want_rebuild"):
        return False
    if (watch := start_watch(folder)) is None:
        return False
    watch.server = server
    return True


def changes() -> set[str] | None:
    """The data folder's paths changed since the last check of this `mkdocs serve`; None when not known."""
    watch = SERVED.get("observer")
    return watch.taken() if watch is not None else None


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
