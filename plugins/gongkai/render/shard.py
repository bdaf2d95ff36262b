"""Beyond one machine: a county as a site of its own, the portal over the counties, and the two put together.

A province has tens of thousands of villages: too many for one build. Each county can be built on
its own (`gongkai build --only <county>`), as a complete site with its own search index, sitemap,
feeds, open data and touch-screen pages, to be published at `<address>/<county>/`. Inside it the
county is the root (County.is_root): the county's page is the home page, a village is at
`<township>/<village>/`, and the site's address is `<address>/<county>/`, so every page has the
same public URL (and every printed QR code the same text) as in a build of the whole data.

The portal (`gongkai build --portal`) is the site at `<address>/`: the hand-written pages and the
list of counties (`gedi/`), made from county.yml and township.yml only, never the villages' records.
`assemble` puts the portal and the county sites into one folder, as they are published.

The MkDocs plugin learns which of the three it builds from its options `only` and `portal`, or from
the environment (GONGKAI_ONLY, GONGKAI_PORTAL), which is how `gongkai build` tells its MkDocs process.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from gongkai.render import folders, opendata, pages as render
from gongkai.check import rules
from gongkai.check.checker import Result, _Builder
from gongkai.config import shard_settings
from gongkai.model.tree import County, Township, Tree
from gongkai.model.schema import id_problem

PORTAL_FOLDER = "_portal"  # where `gongkai build --portal` writes by default, beside the county sites
SHARDS_DIR = Path("shards")  # `gongkai build --only X` writes to shards/X/ by default


class ShardError(ValueError):
    """A mistake of the person running the build, in Chinese words for them."""


def mode(only: str | None, portal: bool, environ: Mapping[str, str] = os.environ) -> tuple[str | None, bool]:
    """(county to build on its own or None, portal?) from the plugin's options and the environment;
    the environment wins. Raises ShardError when both are asked for."""
    env_only, flag = shard_settings(environ)
    only = (env_only or only or "").strip() or None
    portal = flag in ("1", "true", "yes") if flag else bool(portal)
    if only and portal:
        raise ShardError(f"不能同时生成县“{only}”的网站和总站（only 和 portal 只能选一个）")
    return only, portal


def county_folders(root: Path) -> list[str]:
    """The county folders of a data folder (those with a county.yml), in the order the site lists them."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if not p.name.startswith(".") and not p.is_symlink() and (p / "county.yml").is_file())


def unknown_county(root: Path, name: str) -> str | None:
    """What is wrong with `--only name` for the data folder `root`, in words for the user; None when fine."""
    known = county_folders(root)
    if name in known:
        return None
    listed = "、".join(known[:20]) + ("……" if len(known) > 20 else "") if known else "一个也没有"
    return f"数据文件夹 {root} 里没有县文件夹“{name}”（有 county.yml 的县文件夹：{listed}）"


# -- the portal: counties and townships, never the villages' records ---------------------------


class _AreasOnly(_Builder):
    """Reads county.yml and township.yml with the usual checks; a village folder is only counted."""

    def village(self, vdir: Path, township: Township) -> None:
        township.village_count = getattr(township, "village_count", 0) + 1
        # what a 督办单 in township.yml may name (rules.duban), with no village loaded
        township.village_folders = getattr(township, "village_folders", set()) | {vdir.name}


def check_areas(root: str | Path, today: date | None = None, reserved: Iterable[str] = ()) -> Result:
    """The data folder's counties and their townships, checked as `check_tree` checks them, with
    `village_count` on every township and no village loaded: what the portal is made from."""
    root = Path(root)
    builder = _AreasOnly(root, reserved)
    if not root.is_dir():
        builder.report(root, "GK111", "找不到数据文件夹")
        return Result(Tree(str(root)), builder.diags)
    tree = builder.build()
    diags = builder.diags + rules.run_all(tree, today or date.today())
    return Result(tree, sorted(set(diags)))


def villages_in(area: County | Township) -> int:
    townships = area.townships if isinstance(area, County) else [area]
    return sum(getattr(t, "village_count", 0) or len(t.villages) for t in townships)


def county_home(ctx: render.Context, county: County, prefix: str) -> str:
    """The link from a page of the portal (`prefix` leads to its root) to a county's own site: its
    own address when it has one (a site elsewhere), else its folder under the portal's."""
    return ctx.own_addresses.get(county.slug) or f"{prefix}{county.slug}/"


def portal_fragment(ctx: render.Context) -> str:
    """The page over all counties (gedi/) of the portal: each county's site with its townships."""
    counties = [(c, villages_in(c)) for c in ctx.tree.counties]
    homes = {c.slug: county_home(ctx, c, "../") for c in ctx.tree.counties}
    return render._fragment("shard_portal.html", ctx, counties=counties, homes=homes,
                            townships=sum(len(c.townships) for c in ctx.tree.counties),
                            villages=sum(n for _, n in counties), villages_in=villages_in)


def portal_downloads(ctx: render.Context, prefix: str, columns_doc: str) -> str:
    """The portal's 开放数据 section: each county's downloads (in its own site), then the columns."""
    links = []  # a block of HTML, which Markdown leaves alone: a county's name is text, never Markdown
    for c in ctx.tree.counties:
        home = html.escape(county_home(ctx, c, prefix))
        links.append(f'<li><a href="{home}#downloads">{html.escape(c.name or c.slug)}的数据</a>'
                     f'（<a href="{home}{opendata.FOLDER}/{html.escape(opendata.package_name(c))}">全县数据包 ZIP</a>）</li>')
    head = "每个县的数据在这个县的网站上（县页面最下面的“数据下载”）：\n\n" + f'<ul class="gk-packages">{"".join(links)}</ul>' + "\n"
    return head + "\n" + columns_doc


# -- a county's own site ------------------------------------------------------------------------


def home_fragment(county: County, ctx: render.Context, portal: str = "../") -> str:
    """The home page of a county's own site: the county's page, which says where the other counties
    are (`portal`: the portal's address, "" when not known)."""
    body = render.area_fragment(county, ctx)
    heading, end, rest = body.partition("</h1>")
    others = f'<a href="{html.escape(portal)}">其他县的村务公开</a>' if portal else ""
    note = f'\n<p class="gk-shard-note">本站公开本县各乡镇、各村的村务：先点您所在的乡镇，再点您的村。{others}</p>\n'
    return heading + end + note + rest if end else note + body


# -- putting the portal and the county sites together -----------------------------------------


def assembly_problems(portal: Path, shards: Mapping[str, Path]) -> list[str]:
    """Why the portal and county sites cannot be put together, in words for the user ([] when they can)."""
    out = []
    if not (portal / "index.html").is_file():
        out.append(f"{portal} 不是生成好的总站（里面没有 index.html）：先运行 gongkai build --portal")
    top = {p.name for p in portal.iterdir()} if portal.is_dir() else set()
    for name, folder in shards.items():
        problem = id_problem(name)
        if problem:
            out.append(f"县网站的文件夹名“{name}”{problem}")
        elif name in top:
            out.append(f"县网站“{name}”和总站里的“{name}”重名，两边的页面会互相覆盖：这个县的文件夹要改名")
        if not (folder / "index.html").is_file():
            out.append(f"{folder} 不是生成好的县网站（里面没有 index.html）：先运行 gongkai build --only {name}")
    return out


def assemble(portal: Path, shards: Mapping[str, Path], out: Path) -> int:
    """Copy the portal to `out` and each county site to `out/<county>/`, into a fresh folder that
    replaces `out` only when everything was copied. Raises ShardError (nothing written) on a collision.
    Returns the number of files."""
    problems = assembly_problems(portal, shards)
    if problems:
        raise ShardError("；\n".join(problems))
    out = out.resolve()
    fresh = folders.fresh_beside(out, "assembling")
    try:
        shutil.copytree(portal, fresh)
        for name, folder in shards.items():
            shutil.copytree(folder, fresh / name)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    folders.swap_in(fresh, out)
    return sum(1 for p in out.rglob("*") if p.is_file())


def shard_folders(paths: Iterable[Path]) -> dict[str, Path]:
    """County sites named by their folders (shards/nanzhao -> nanzhao); the portal's folder is left out."""
    return {p.name: p for p in paths if p.name != PORTAL_FOLDER}
