"""Find the data files, load them, convert them through the schema, and run the rules.

`check_tree(root)` is the one entrance used by the CLI and the MkDocs plugin: it returns the
model and every diagnostic from every file, never stopping at the first problem.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gongkai import kinds
from gongkai.check import amendments, attach, rules
from gongkai.load import cache
from gongkai.model import schema, synonyms
from gongkai.render import workers
from gongkai.load.cache import ParseCache
from gongkai.check.diagnostics import Diagnostic, display_path
from gongkai.load.reader import MAX_BYTES, UNREADABLE, read_source
from gongkai.model.tree import County, Township, Tree, Village
from gongkai.model.schema import MISSING, Ctx, id_problem
from gongkai.load.seen import Seen

YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")
# Folders the site writes by itself, which no folder of the data and no record id may take: at the
# top of the site, beside the county folders (the theme's files, the search index, open data, the
# page over all counties, the touch screens' pages; the MkDocs plugin adds the hand-written pages), and inside every county,
# township and village folder, beside its townships, villages or records (open data, the 督查
# page, the 督办单). tests/test_paths.py builds a site and holds these lists to what it finds.
SITE_FOLDERS = frozenset({"assets", "search", "data", "gedi", "kiosk"})
AREA_FOLDERS = frozenset({"data", "ducha", "duban"})
# a record's page is <village>/<id>.html beside the board's index.html: no record may be "index"
RECORD_NAMES = AREA_FOLDERS | {"index"}
PREFETCH_FROM = 200  # year files not in the cache: fewer are parsed faster in this one process
PREFETCH_CHUNK = 16  # year files handed to a process at a time: a file is about a millisecond of work


@dataclass
class Result:
    tree: Tree
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Builder:
    only: str | None = None  # the one county folder to read (check_tree's `only`); None: all of them

    def __init__(self, root: Path, reserved: Iterable[str] = (), cache_root: Path | None = None,
                 memory: dict | None = None, changed: set[str] | None = None):
        self.root = root
        self.reserved = SITE_FOLDERS | set(reserved)
        self.diags: list[Diagnostic] = []
        self.cache_root = cache_root
        self.cache = ParseCache(cache_root, memory.setdefault("parsed", {}) if memory is not None else None)
        self.digests: dict[str, str | None] = {}  # _content's answers, by path
        # `mkdocs serve`: each file's digest with the stat it had, to read again only what was saved since
        self.seen: dict[str, tuple] | None = memory.setdefault("stats", {}) if memory is not None else None
        # the folders' entries and the files' stats, kept while no change touches them (seen.py)
        self.fs = Seen(memory, changed)
        self.kinds: dict[str, tuple[bool, bool, bool]] = {}  # (link, folder, file) of each entry listed

    def entries(self, folder: Path) -> list[Path]:
        """What to read in a folder. Hidden files (.DS_Store, .gitkeep) are left alone; a link
        could bring in files from outside the data folder and a hidden folder would silently go
        unpublished: both are reported, never read."""
        out = []
        for p, link, is_dir, is_file in self.fs.listing(folder):
            self.kinds[str(p)] = (link, is_dir, is_file)
            if link:
                self.report(p, "GK113", f"“{p.name}”是一个链接（快捷方式），不是真正的文件或文件夹")
            elif not p.name.startswith("."):
                out.append(p)
            elif is_dir:
                self.slug_ok(p)
        return out

    def is_link(self, path: Path) -> bool:
        """Whether a path is a link: from its folder's listing when entries() read it."""
        kind = self.kinds.get(str(path))
        return kind[0] if kind is not None else path.is_symlink()

    def is_dir(self, path: Path) -> bool:
        """Whether a path that entries() listed is a folder (not a link to one)."""
        return self.kinds[str(path)][1]

    def is_file(self, path: Path) -> bool:
        return self.kinds[str(path)][2]

    def walk_links(self, folder: Path) -> None:
        """Report every link (shortcut) in a folder and its folders: it could lead out of the data."""
        for p in self.entries(folder):
            if p.is_dir():
                self.walk_links(p)

    def report(self, path: Path, code: str, message: str, line: int = 1, col: int = 1) -> None:
        self.diags.append(Diagnostic(str(path), line, col, code, message))

    def cached(self, path: Path, kind: str, make):
        """make()'s result for a file, and its diagnostics, from the cache when the file's bytes
        were seen before (by this version of gongkai): parsing and converting is most of a check."""
        content = self._content(path)
        name = self.cache.name(path, content, kind) if content else None
        hit = self.cache.get(name) if name else None
        if hit is not None:
            value, diags = hit
            self.diags.extend(diags)
            return value
        start = len(self.diags)
        value = make()
        if name:
            self.cache.put(name, (value, self.diags[start:]))
        return value

    def load(self, path: Path, spec: schema.Spec):
        """Always returns a record: a file that fails still lets the files below it be checked."""
        if self.is_link(path):  # reported by entries() with the rest of its folder
            return spec.placeholder(str(path))
        return self.cached(path, spec.name, lambda: self._load(path, spec))

    def _load(self, path: Path, spec: schema.Spec):
        source = read_source(path)
        self.diags.extend(source.diagnostics)
        if source.node is None:
            return spec.placeholder(str(path))
        ctx = Ctx(str(path), self.diags)
        obj = spec.convert(source.node, ctx)
        if source.node.col != 1:
            ctx.off_layout(source.node, "最外层的字段应从每行开头写起")
        _layout_warning(ctx)
        return spec.placeholder(str(path)) if obj is MISSING else obj

    def load_list(self, path: Path, spec: schema.Spec) -> list:
        return self.cached(path, f"list of {spec.name}", lambda: self._load_list(path, spec))

    def _load_list(self, path: Path, spec: schema.Spec) -> list:
        source = read_source(path)
        self.diags.extend(source.diagnostics)
        node = source.node
        if node is None:
            return []
        ctx = Ctx(str(path), self.diags)
        if node.kind != "seq":
            ctx.report(node, "GK201", f"这个文件应该是{spec.label}的列表，每条记录以“- id: ...”开头")
            return []
        out = [spec.convert(n, ctx) for n in node.value]
        if node.col != 1 or any(n.col != 3 for n in node.value):
            ctx.off_layout(node, "每条记录的“- ”应从每行开头写起，字段比它多缩进两个空格")
        _layout_warning(ctx)
        return [o for o in out if o is not MISSING]

    def slug_ok(self, folder: Path) -> bool:
        problem = id_problem(folder.name)
        if problem is None:
            return True
        self.report(folder, "GK211", f"文件夹名“{folder.name}”{problem}（用拼音）")
        return False

    def name_free(self, folder: Path, taken: frozenset[str], file: str) -> bool:
        if folder.name not in taken:
            return True
        self.report(folder / file, "GK216", f"文件夹名“{folder.name}”和网站自己生成的“{folder.name}/”重名，两边的页面会互相覆盖")
        return False

    def unknown(self, path: Path, expected: str) -> None:
        self.report(path, "GK110", f"不认识“{path.name}”：这里应该只有{expected}")

    def record_files(self) -> list[tuple[Path, schema.Spec]]:
        """The villages' year files, found the way build() finds them (what it would refuse is left
        out: build() reports it)."""
        out = []
        counties = [self.root / self.only] if self.only is not None else self.root.iterdir()
        for cdir in counties:
            for kind_dir in cdir.glob("*/*/*/"):
                kind = kinds.by_folder(kind_dir.name)
                if kind is None or any(p.is_symlink() or p.name.startswith(".") for p in (kind_dir, *kind_dir.parents[:3])):
                    continue
                out += [(f, kind.spec) for f in sorted(kind_dir.iterdir())
                        if YEAR_FILE.match(f.name) and f.is_file() and not f.is_symlink()]
        return out

    def prefetch(self, jobs: int | None = None) -> None:
        """Parse and convert the year files into the cache in parallel processes, so that build()
        finds them there. Parsing is most of a check's time, and a county has thousands of files."""
        if self.cache.root is None or (jobs or workers.job_count()) <= 1:
            return
        files = [(p, spec) for p, spec in self.record_files() if not self.cache.has(self._name(p, spec))]
        if len(files) < PREFETCH_FROM:
            return

        def parse(item: tuple[Path, schema.Spec]) -> None:
            self.load_list(*item)  # into the cache; this process's copy of the diagnostics is dropped

        workers.map_items(parse, files, jobs, chunk=PREFETCH_CHUNK)

    def _name(self, path: Path, spec: schema.Spec) -> str:
        content = self._content(path)
        return self.cache.name(path, content, f"list of {spec.name}") if content else ""

    def _content(self, path: Path) -> str | None:
        """The SHA-256 of a data file's bytes, read once a check (None when unreadable or too big):
        the cache, the rendered villages' cache and the kiosk's version are all named by it."""
        key = str(path)
        if key not in self.digests:
            self.digests[key] = self._digest(path, key)
        return self.digests[key]

    def _digest(self, path: Path, key: str) -> str | None:
        try:
            st = self.fs.stat(path)
            if st is None:
                return None
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
            if self.seen is not None and (known := self.seen.get(key)) and known[0] == stamp:
                return known[1]  # not saved since the last check of this `mkdocs serve`
            raw = path.read_bytes() if st.st_size <= MAX_BYTES else None
        except OSError:
            return None
        digest = hashlib.sha256(raw).hexdigest() if raw is not None else None
        if self.seen is not None:
            self.seen[key] = (stamp, digest)
        return digest

    def build(self) -> Tree:
        tree = Tree(str(self.root))
        for cdir in self.entries(self.root):
            if cdir.name == synonyms.FILE and self.is_file(cdir):  # the search's words, for every county
                tree.synonyms, problems = synonyms.of_folder(self.root)
                self.diags.extend(problems)
                continue
            if self.only is not None and cdir.name != self.only:
                continue
            if not self.is_dir(cdir):
                if cdir.suffix.lower() not in (".md", ".txt"):
                    self.unknown(cdir, "各县的文件夹")
                continue
            if not self.fs.exists(cdir / "county.yml"):
                self.report(cdir, "GK111", f"县文件夹“{cdir.name}”里缺少 county.yml")
                continue
            if not (self.slug_ok(cdir) and self.name_free(cdir, self.reserved, "county.yml")):
                continue
            county = self.load(cdir / "county.yml", schema.COUNTY)
            county.init_tree(cdir.name)
            tree.counties.append(county)
            for tdir in self.entries(cdir):
                if tdir.name == "county.yml":
                    continue
                if not self.is_dir(tdir) or not self.fs.exists(tdir / "township.yml"):
                    self.unknown(tdir, "county.yml 和各乡镇的文件夹（内有 township.yml）")
                    continue
                # in a county's own site (only) its townships sit at the top, beside the site's own folders
                taken = AREA_FOLDERS | self.reserved if self.only is not None else AREA_FOLDERS
                if self.slug_ok(tdir) and self.name_free(tdir, taken, "township.yml"):
                    self.township(tdir, county)
        return tree

    def township(self, tdir: Path, county: County) -> None:
        township = self.load(tdir / "township.yml", schema.TOWNSHIP)
        township.init_tree(tdir.name, county)
        county.townships.append(township)
        for vdir in self.entries(tdir):
            if vdir.name == "township.yml":
                continue
            if not self.is_dir(vdir) or not self.fs.exists(vdir / "village.yml"):
                self.unknown(vdir, "township.yml 和各村的文件夹（内有 village.yml）")
                continue
            if self.slug_ok(vdir) and self.name_free(vdir, AREA_FOLDERS, "village.yml"):
                self.village(vdir, township)

    def village(self, vdir: Path, township: Township) -> None:
        village = self.load(vdir / "village.yml", schema.VILLAGE)
        village.init_tree(vdir.name, township)
        township.villages.append(village)
        expected = "village.yml、" + " ".join(f"{k.folder}/" for k in kinds.KINDS) + f" 文件夹和放照片的 {attach.FOLDER}/"
        for entry in self.entries(vdir):
            if entry.name == "village.yml":
                continue
            if entry.name == attach.FOLDER and self.is_dir(entry):
                self.walk_links(entry)  # photos and scans: attach.check_village reads what records list
                continue
            kind = kinds.by_folder(entry.name)
            if kind is None or not self.is_dir(entry):
                self.unknown(entry, expected)
                continue
            for yfile in self.entries(entry):
                m = YEAR_FILE.match(yfile.name)
                if not m or not self.is_file(yfile):
                    self.unknown(yfile, "以年份命名的文件，如 2024.yml")
                    continue
                before = len(self.diags)
                records = self.load_list(yfile, kind.spec)
                if any(d.code in UNREADABLE and d.path == str(yfile) for d in self.diags[before:]):
                    village.unreadable.add(entry.name)
                for rec in records:
                    rec.year_file = int(m[1])
                    if rec.id in RECORD_NAMES:
                        taken = "村务公开栏的页面 index.html" if rec.id == "index" else f"“{rec.id}/”"
                        self.report(yfile, "GK216", f"编号“{rec.id}”和网站自己生成的{taken}重名，两边的页面会互相覆盖",
                                    rec.line_of("id"), rec.col_of("id"))
                getattr(village, entry.name).extend(records)


def _layout_warning(ctx: Ctx) -> None:
    """One warning for a file not in `gongkai fmt`'s layout, at the first place it departs from it."""
    if ctx.layout is not None:
        node, what = ctx.layout
        ctx.report(node, "GK114", f"这个文件的写法和规范格式不一样（{what}）：运行 gongkai fmt {display_path(ctx.path)} 整理，注释会保留")


def _carry_memos(tree: Tree, today: date, kept: dict) -> None:
    """Give each village the memo it had in the last call, when none of its files changed."""
    build = f"memo\0{cache.code_version()}\0{today.isoformat()}"
    now = {}
    for village in tree.villages:
        key = cache.village_digest(village, tree.digests, build)
        village.memo = now[key] = kept.get(key, village.memo)
    kept.clear()
    kept.update(now)


def check_tree(root: str | Path, today: date | None = None, since: str | Path | None = None,
               reserved: Iterable[str] = (), only: str | None = None, memory: dict | None = None,
               jobs: int | None = None, changed: set[str] | None = None) -> Result:
    """Load and check everything under the data folder `root`; with `since` (the data folder as
    published, e.g. exported from main), also every silent change to a published record.
    `reserved`: names at the top of the site, besides SITE_FOLDERS, that no county folder may take.
    `only`: read the one county folder of that name, the root of a site of its own (County.is_root).
    `memory`: a dict kept from one call to the next (`mkdocs serve`): the records of files not
    saved since are taken from it as they are, and so is the memo of villages none of whose files
    changed.
    `jobs`: processes for parsing (workers.job_count() by default; 1: this one only).
    `changed`: with `memory`, the paths changed since the last call (`mkdocs serve`'s file events):
    what was learnt of the others' files and folders is kept (seen.py). None: not known."""
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of records come in: a full collection each few thousand would walk them all
    try:
        return _check_tree(Path(root), today, since, reserved, only, memory, jobs, changed)
    finally:
        if collecting:
            gc.enable()


def _check_tree(root: Path, today: date | None, since: str | Path | None, reserved: Iterable[str], only: str | None,
                memory: dict | None, jobs: int | None, changed: set[str] | None = None) -> Result:
    builder = _Builder(root, reserved, cache.folder(root) if root.is_dir() else None, memory, changed)
    builder.only = only
    if not root.is_dir():
        builder.report(root, "GK111", "找不到数据文件夹")
        return Result(Tree(str(root)), builder.diags)
    if only is not None and (Path(only).name != only or only.startswith(".") or not (root / only / "county.yml").is_file()):
        builder.report(root / only, "GK111", f"数据文件夹里没有县文件夹“{only}”（里面要有 county.yml）")
        return Result(Tree(str(root)), builder.diags)
    builder.prefetch(jobs)
    tree = builder.build()
    tree.digests = {path: d for path, d in builder.digests.items() if d}
    builder.cache.prune()
    if builder.seen is not None:  # files gone since are forgotten
        for gone in builder.seen.keys() - builder.digests.keys():
            del builder.seen[gone]
    for county in tree.counties if only is not None else ():
        county.is_root = True
    for village in tree.villages:  # the files are looked at every time: they change without the YAML changing
        # (while serving, again only when something in the village's folder changed: seen.py)
        found_problems, village.attachments_found = builder.fs.get(
            "attachments", Path(village.path).parent, lambda: attach.check_village(village, builder.cache_root))
        builder.diags.extend(found_problems)
        tree.digests.update((path, f.digest) for path, f in village.attachments_found.items())
    if memory is not None:
        _carry_memos(tree, today or date.today(), memory.setdefault("memos", {}))
    diags = builder.diags
    diags.extend(rules.run_all(tree, today or date.today()))
    diags.extend(amendments.check(tree, today or date.today()))
    if since is not None:
        published = _Builder(Path(since))
        published.only = only
        published = published.build()  # its own problems were reported when it was published
        diags.extend(amendments.compare(published, tree))
    for v in tree.villages:
        v.sort_newest_first()
    return Result(tree, sorted(set(diags)))
