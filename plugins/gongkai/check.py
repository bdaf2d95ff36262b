"""Find the data files, load them, convert them through the schema, and run the rules.

`check_tree(root)` is the one entrance used by the CLI and the MkDocs plugin: it returns the
model and every diagnostic from every file, never stopping at the first problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import amendments, rules, schema
from .diagnostics import Diagnostic
from .load import read_source
from .model import County, Township, Tree, Village
from .schema import MISSING, Ctx, id_problem

YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")
# Folders the site writes by itself, which no folder of the data and no record id may take: at the
# top of the site, beside the county folders (the theme's files, the search index, open data, the
# page over all counties, the touch screens' pages; the MkDocs plugin adds the hand-written pages), and inside every county,
# township and village folder, beside its townships, villages or records (open data, the 督查
# page, the 督办单). tests/test_paths.py builds a site and holds these lists to what it finds.
SITE_FOLDERS = frozenset({"assets", "search", "data", "gedi", "kiosk"})
AREA_FOLDERS = frozenset({"data", "ducha", "duban"})


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
    def __init__(self, root: Path, reserved: Iterable[str] = ()):
        self.root = root
        self.reserved = SITE_FOLDERS | set(reserved)
        self.diags: list[Diagnostic] = []

    def entries(self, folder: Path) -> list[Path]:
        """What to read in a folder. Hidden files (.DS_Store, .gitkeep) are left alone; a link
        could bring in files from outside the data folder and a hidden folder would silently go
        unpublished: both are reported, never read."""
        out = []
        for p in sorted(folder.iterdir()):
            if p.is_symlink():
                self.report(p, "GK113", f"“{p.name}”是一个链接（快捷方式），不是真正的文件或文件夹")
            elif not p.name.startswith("."):
                out.append(p)
            elif p.is_dir():
                self.slug_ok(p)
        return out

    def report(self, path: Path, code: str, message: str, line: int = 1, col: int = 1) -> None:
        self.diags.append(Diagnostic(str(path), line, col, code, message))

    def load(self, path: Path, spec: schema.Spec):
        """Always returns a record: a file that fails still lets the files below it be checked."""
        if path.is_symlink():  # reported by entries() with the rest of its folder
            return spec.placeholder(str(path))
        source = read_source(path)
        self.diags.extend(source.diagnostics)
        if source.node is None:
            return spec.placeholder(str(path))
        obj = spec.convert(source.node, Ctx(str(path), self.diags))
        return spec.placeholder(str(path)) if obj is MISSING else obj

    def load_list(self, path: Path, spec: schema.Spec) -> list:
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

    def build(self) -> Tree:
        tree = Tree(str(self.root))
        for cdir in self.entries(self.root):
            if not cdir.is_dir():
                if cdir.suffix.lower() not in (".md", ".txt"):
                    self.unknown(cdir, "各县的文件夹")
                continue
            if not (cdir / "county.yml").exists():
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
                if not tdir.is_dir() or not (tdir / "township.yml").exists():
                    self.unknown(tdir, "county.yml 和各乡镇的文件夹（内有 township.yml）")
                    continue
                if self.slug_ok(tdir) and self.name_free(tdir, AREA_FOLDERS, "township.yml"):
                    self.township(tdir, county)
        return tree

    def township(self, tdir: Path, county: County) -> None:
        township = self.load(tdir / "township.yml", schema.TOWNSHIP)
        township.init_tree(tdir.name, county)
        county.townships.append(township)
        for vdir in self.entries(tdir):
            if vdir.name == "township.yml":
                continue
            if not vdir.is_dir() or not (vdir / "village.yml").exists():
                self.unknown(vdir, "township.yml 和各村的文件夹（内有 village.yml）")
                continue
            if self.slug_ok(vdir) and self.name_free(vdir, AREA_FOLDERS, "village.yml"):
                self.village(vdir, township)

    def village(self, vdir: Path, township: Township) -> None:
        village = self.load(vdir / "village.yml", schema.VILLAGE)
        village.init_tree(vdir.name, township)
        township.villages.append(village)
        kinds = "village.yml 和 " + " ".join(f"{k}/" for k in schema.RECORD_KINDS) + " 文件夹"
        for entry in self.entries(vdir):
            if entry.name == "village.yml":
                continue
            spec = schema.RECORD_KINDS.get(entry.name)
            if spec is None or not entry.is_dir():
                self.unknown(entry, kinds)
                continue
            for yfile in self.entries(entry):
                m = YEAR_FILE.match(yfile.name)
                if not m or not yfile.is_file():
                    self.unknown(yfile, "以年份命名的文件，如 2024.yml")
                    continue
                records = self.load_list(yfile, spec)
                for rec in records:
                    rec.year_file = int(m[1])
                    if rec.id in AREA_FOLDERS:
                        self.report(yfile, "GK216", f"编号“{rec.id}”和网站自己生成的“{rec.id}/”重名，两边的页面会互相覆盖",
                                    rec.line_of("id"), rec.col_of("id"))
                getattr(village, entry.name).extend(records)


def check_tree(root: str | Path, today: date | None = None, since: str | Path | None = None,
               reserved: Iterable[str] = ()) -> Result:
    """Load and check everything under the data folder `root`; with `since` (the data folder as
    published, e.g. exported from main), also every silent change to a published record.
    `reserved`: names at the top of the site, besides SITE_FOLDERS, that no county folder may take."""
    root = Path(root)
    builder = _Builder(root, reserved)
    if not root.is_dir():
        builder.report(root, "GK111", "找不到数据文件夹")
        return Result(Tree(str(root)), builder.diags)
    tree = builder.build()
    diags = builder.diags
    diags.extend(rules.run_all(tree, today or date.today()))
    diags.extend(amendments.check(tree, today or date.today()))
    if since is not None:
        published = _Builder(Path(since)).build()  # its own problems were reported when it was published
        diags.extend(amendments.compare(published, tree))
    for v in tree.villages:
        v.sort_newest_first()
    return Result(tree, sorted(set(diags)))
