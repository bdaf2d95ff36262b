"""What a build can keep for the next one, named by the content it was made from.

Two kinds, both in one folder (GONGKAI_CACHE, else .cache/gongkai beside the data folder;
GONGKAI_CACHE=off turns caching off, as a cold benchmark needs):

- parsed/: a data file's records and diagnostics, named by the file's path and bytes. A file
  that did not change is not parsed, converted or checked field by field again.
- pages/: a village's pages, search entries and open-data rows, named by everything they are made from (see
  `PageCache.digest`). A village that did not change is not rendered again.

Both names include a digest of gongkai's own code and templates, so a new version of gongkai
never reads what an older one wrote. A corrupt or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import zlib
from pathlib import Path

from gongkai.config import cache_setting

PACKAGE = Path(__file__).parent.parent  # all of gongkai: its code, templates and static files
SITES_KEPT = 20  # site folders whose villages' packs are remembered


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of every source, template and static file of the gongkai package."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".html", ".css", ".js", ".txt", ".json"):
            h.update(p.relative_to(PACKAGE).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def folder(data_root: str | Path) -> Path | None:
    """The cache folder for a data folder, or None when caching is off."""
    setting = cache_setting()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    return Path(setting) if setting else Path(data_root).resolve().parent / ".cache" / "gongkai"


_made: set[str] = set()  # folders this process made or found: a cold check writes 10,000 entries


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: another build may be reading the same cache."""
    folder, name = os.path.split(path)
    if folder not in _made:
        os.makedirs(folder, exist_ok=True)
        _made.add(folder)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
    except FileNotFoundError:  # the folder was deleted since (a clerk cleaning the cache)
        _made.discard(folder)
        raise
    os.replace(tmp, path)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _prune(root: Path | None, used: set[str]) -> None:
    """Drop the older entries of the places (files, villages) whose entries `used` names: each
    keeps only its latest. Other places (another county built on its own) are left alone."""
    if root is None or not root.is_dir():
        return
    places = {n.split(".")[0] for n in used}
    for p in root.iterdir():
        if p.name.split(".")[0] in places and p.name not in used:
            p.unlink(missing_ok=True)


def _place(path: Path) -> str:
    # abspath, not resolve(): no stat per file, and a data folder never holds links (the check says so)
    return hashlib.sha256(os.path.abspath(path).encode()).hexdigest()[:16]


class ParseCache:
    """Records and diagnostics of one data file, by its path and content."""

    def __init__(self, root: Path | None, memory: dict | None = None):
        self.root = root / "parsed" if root else None
        self.used: set[str] = set()
        # `mkdocs serve` keeps what it read from one rebuild to the next: a file that did not change
        # is the same objects again, not unpickled again (records never change once checked)
        self.memory = memory

    def name(self, path: Path, content: str, kind: str) -> str:
        """`content`: the SHA-256 of the file's bytes."""
        h = hashlib.sha256(f"{code_version()}\0{kind}\0{path}\0{content}".encode())
        return f"{_place(path)}.{h.hexdigest()}"

    def has(self, name: str) -> bool:
        return self.root is not None and bool(name) and (self.root / name).is_file()

    def get(self, name: str):
        if self.root is None:
            return None
        self.used.add(name)
        if self.memory is not None and name in self.memory:
            return self.memory[name]
        data = _read(self.root / name)
        if data is None:
            return None
        try:
            value = pickle.loads(data)
        except Exception:  # a half-written or foreign file: parse again
            return None
        if self.memory is not None:
            self.memory[name] = value
        return value

    def put(self, name: str, value) -> None:
        if self.root is not None:
            try:
                _write(self.root / name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only or full disk makes the next build slower, not wrong
            if self.memory is not None:
                self.memory[name] = value

    def prune(self) -> None:
        _prune(self.root, self.used)
        if self.memory is not None:
            for name in set(self.memory) - self.used:
                del self.memory[name]


def load(folder: Path, name: str):
    """What store() kept under `name` in `folder`; None when it is not there (or damaged)."""
    data = _read(folder / name)
    if data is None:
        return None
    try:
        return pickle.loads(zlib.decompress(data))
    except Exception:  # a half-written or foreign file: made again
        return None


def store(folder: Path, name: str, value) -> None:
    try:
        _write(folder / name, zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))
    except OSError:
        pass


def prune_folder(folder: Path | None, used: set[str]) -> None:
    _prune(folder, used)


def village_digest(village, digests: dict[str, str], build_key: str) -> str:
    """The village's files (village.yml and those its records come from), its township.yml and
    county.yml, its place in the site, and `build_key` (what the build adds: code, date...).
    Nothing else goes into its pages. `digests`: each file's content hash, as the check read it
    (Tree.digests)."""
    h = hashlib.sha256(f"{build_key}\0{village.url}\0".encode())
    files = {village.path, village.township.path, village.county.path, *(r.path for r in village.records()),
             *getattr(village, "attachments_found", ())}  # its photos and scans (attach.py)
    for path in sorted(files):
        content = digests.get(path) or hashlib.sha256(Path(path).read_bytes()).hexdigest()
        h.update(f"{path}\0{content}\0".encode())
    return h.hexdigest()


class PageCache:
    """A village's rendered pages, by everything they are made from."""

    def __init__(self, root: Path | None, *parts: str):
        self.root = root / "pages" if root else None
        # each pack's small part (search entries, kiosk page...) beside it: a build that moves the
        # village's last pages back needs nothing else
        self.small = root / "small" if root else None
        self.pieces = root / "pieces" if root else None  # townships' pieces of their county's package (produce.py)
        self.build_key = "\0".join((code_version(), *parts))

    def name(self, village, digests: dict[str, str]) -> str:
        """The pack's file name: the village's folder, then the digest of its pages' sources."""
        return f"{_place(Path(village.path).parent)}.{self.digest(village, digests)}"

    def digest(self, village, digests: dict[str, str]) -> str:
        """The village's files, its place, and the build: code, date, address (village_digest)."""
        return village_digest(village, digests, self.build_key)

    def get(self, name: str) -> tuple[list[tuple[str, bytes]], tuple] | None:
        """(files as (path in the site, bytes), small part) of a pack; None when not cached."""
        files = self._load(self.root, name)
        small = self.get_small(name) if files is not None else None
        return None if small is None else (files, small)

    def get_small(self, name: str) -> tuple | None:
        return self._load(self.small, name)

    def put(self, name: str, made: tuple[list[tuple[str, bytes]], tuple]) -> None:
        files, small = made
        if self.root is not None:
            store(self.root, name, files)
            store(self.small, name, small)

    @staticmethod
    def _load(root: Path | None, name: str):
        return load(root, name) if root is not None else None

    def prune(self, used: set[str]) -> None:
        _prune(self.root, used)
        _prune(self.small, used)

    def _site_file(self, site_dir: str | Path) -> Path | None:
        if self.root is None:
            return None
        return self.root.parent / "sites" / f"{_place(Path(site_dir))}.json"

    def written(self, site_dir: str | Path) -> dict[str, str]:
        """The pack of each village (by URL) the last build wrote into `site_dir`."""
        path = self._site_file(site_dir)
        try:
            found = json.loads(path.read_text(encoding="utf-8")) if path else {}
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def remember(self, site_dir: str | Path, packs: dict[str, str]) -> None:
        path = self._site_file(site_dir)
        if path is None:
            return
        try:
            _write(path, json.dumps(packs, sort_keys=True).encode("utf-8"))
            # one list per site folder built into; `gongkai build` builds into a new folder each time
            for stale in sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-SITES_KEPT]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
