"""Everything made from one village alone, made once per village: in parallel, or from the cache.

A village's board, record pages and printable notices, its own open-data folder, its kiosk page
and its search entries depend on nothing but the village's own folder, its township.yml and
county.yml and the build (date, address, kiosk settings, gongkai's code): `cache.PageCache` names
them by all of these. So a village is rendered in one of several forked processes (`workers`),
and a village that did not change since a build that cached it is not rendered at all: its pages
are copied from the cache, or its folder is moved back from the last build.
"""
from __future__ import annotations

import functools
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from gongkai.check import attach
from gongkai.load import cache
from gongkai.render import feeds, kiosk, opendata, pages as render, search, workers
from gongkai.load.cache import PageCache
from gongkai.model.tree import Township, Village
from gongkai.render.pages import Context
from gongkai.adapters.sitebuild import OldSite


@dataclass
class Produced:
    """What start_villages made, for the steps that combine villages."""

    pages: int  # lean pages written (villages, records, notices, 督办单)
    datafiles: int  # files of the villages' own open-data folders
    rendered: int  # villages rendered afresh; the others came from the cache
    search: dict[str, list[list[str]]]  # each township's search lines (by its url), in site order
    kiosk: dict[str, tuple[str, ...] | None]  # kiosk.village_page by village URL
    pieces: dict[str, tuple]  # opendata.township_pieces by township URL: what the county's package is made of
    feeds: dict[str, tuple]  # (latest events, sitemap lines) by village URL: feeds.village_feed


def page_cache(ctx: Context, settings: kiosk.Settings) -> PageCache:
    """The cache of produced villages for this build: its key holds all the build-wide inputs."""
    return PageCache(cache.folder(ctx.tree.root), ctx.today.isoformat(), ctx.public_url, repr(ctx.own),
                     str(ctx.tree.is_sample), ctx.repo_root, repr(sorted(asdict(settings).items())))


def village_outputs(village: Village, ctx: Context, settings: kiosk.Settings) -> tuple[list, tuple]:
    """(files as (path in the site, bytes): its pages, then its open-data folder and its feed;
    (how many of them are pages, how many other files, search entries, kiosk page, what it gives
    the feeds and the sitemap: feeds.village_feed)) of one village."""
    # photos and scans first, encoded (or from the cache): the pages show them by their published names
    village.media, media = attach.outputs(village, village.attachments_found, cache.folder(ctx.tree.root))
    pages = [(rel, html.encode("utf-8")) for rel, html in render.village_pages(village, ctx)]
    feed, events, urls = feeds.village_feed(village, ctx)
    data = opendata.village_files(village, sample=ctx.tree.is_sample) + feed + media
    return pages + data, (len(pages), len(data), search.village_documents(village, ctx.today),
                          kiosk.village_page(village, ctx, settings), (events, urls))


class Started:
    """Villages being made in other processes (start_villages). finish() waits for them and does
    what combines them; cancel() stops them when the build fails meanwhile."""

    def __init__(self, pending: workers.Pending, finish: Callable[[list], Produced]):
        self.pending, self._finish = pending, finish

    def finish(self) -> Produced:
        return self._finish(self.pending.result())

    def cancel(self) -> None:
        self.pending.cancel()


def start_villages(site_dir: str | Path, ctx: Context, settings: kiosk.Settings, pages_cache: PageCache | None = None,
                   jobs: int | None = None, old_site: OldSite | None = None, memory: dict | None = None) -> Started:
    """Write every lean page and every village's own open-data folder, and make the villages'
    search entries and kiosk pages: begun now in forked processes, while the caller goes on (MkDocs
    renders its theme's pages meanwhile); Started.finish() completes it. With one job (`mkdocs
    serve`'s rebuilds) all of it happens in finish(), in this process.

    `old_site`: the last build's files, set aside; a village whose pages are the ones it holds
    (the same pack as then) is moved back whole rather than written again, and only the small
    part of its pack is read (search entries, kiosk page). `memory`: a dict kept from one call to
    the next (`mkdocs serve`): such a village's part is taken from it, its pack is not read at all."""
    site_dir = Path(site_dir)
    before = pages_cache.written(site_dir) if pages_cache and old_site else {}

    def moved_back(village: Village, name: str) -> bool:
        """The village's folder from the last build, put back when it holds these very pages."""
        if old_site is None or before.get(village.url) != name or not old_site.take(village.url):
            return False
        shutil.rmtree(site_dir / village.url / "duban", ignore_errors=True)  # written afresh, after the villages
        return True

    def one(village: Village) -> tuple[str, bool, tuple]:
        """(its pack's name, whether rendered afresh, (pages, data files, search entries, kiosk page))"""
        name = pages_cache.name(village, ctx.tree.digests) if pages_cache else ""
        if memory is not None and name in memory and moved_back(village, name):
            return name, False, memory[name]
        if before.get(village.url) == name and (small := pages_cache.get_small(name)) and moved_back(village, name):
            return name, False, small
        made = pages_cache.get(name) if pages_cache else None
        fresh = made is None
        if fresh:
            made = village_outputs(village, ctx, settings)
            if pages_cache:
                pages_cache.put(name, made)
        files, small = made
        if fresh or not moved_back(village, name):
            render.write_pages(site_dir, files)
        return name, fresh, small

    def township(t: Township) -> tuple[list[tuple[str, bool, tuple]], str, tuple]:
        """Its villages, each as one() makes it, and the township's pieces of its county's package:
        the rows of all its villages deflated together (a village's alone deflate a third worse), kept
        by its villages' packs, so that a township none of whose villages changed is not made again.
        (villages, the pieces' name, pieces)"""
        done = [one(v) for v in t.villages]
        name = f"{_place(t)}.{hashlib.sha256(chr(0).join(n for n, *_ in done).encode()).hexdigest()[:32]}"
        return done, name, pieces_cache.get(name, lambda: opendata.township_pieces(t))

    pieces_cache = Kept(pages_cache.pieces if pages_cache else None, memory)
    return Started(workers.start_map(township, ctx.tree.townships, jobs), functools.partial(
        _finish, site_dir, ctx, pages_cache, old_site, memory, before))


class Kept:
    """Townships' pieces of their county's package, by name: from `memory` (`mkdocs serve`), else the
    cache folder, else made (and kept in both)."""

    def __init__(self, folder: Path | None, memory: dict | None):
        self.folder, self.memory = folder, memory

    def get(self, name: str, make: Callable[[], tuple]) -> tuple:
        if self.memory is not None and name in self.memory.get("pieces", {}):
            return self.memory["pieces"][name]
        found = cache.load(self.folder, name) if self.folder else None
        if found is None:
            found = make()
            if self.folder:
                cache.store(self.folder, name, found)
        return found


def _place(township: Township) -> str:
    return township.url.strip("/").replace("/", "+") or "_"


def _finish(site_dir: Path, ctx: Context, pages_cache: PageCache | None, old_site: OldSite | None, memory: dict | None,
            before: dict[str, str], by_township: list[tuple[list[tuple[str, bool, tuple]], str, tuple]]) -> Produced:
    """What follows the villages: 督办单 into their folders, the cache's bookkeeping."""
    done = [d for villages, _, _ in by_township for d in villages]
    pieces = {t.url: p for t, (_, _, p) in zip(ctx.tree.townships, by_township)}
    if memory is not None:
        memory.clear()
        memory.update((name, kept) for name, _, kept in done if name)
        memory["pieces"] = {name: p for _, name, p in by_township}
    count = render.write_pages(site_dir, render.duban_pages(ctx))  # after the villages: into their folders
    if pages_cache:
        pages_cache.prune({name for name, *_ in done})
        cache.prune_folder(pages_cache.pieces, {name for _, name, _ in by_township})
    kept = [d[2] for d in done]
    packs = {v.url: d[0] for v, d in zip(ctx.tree.villages, done)}
    if pages_cache:
        pages_cache.remember(site_dir, packs)
    return Produced(
        pages=count + sum(k[0] for k in kept),
        datafiles=sum(k[1] for k in kept),
        rendered=sum(1 for d in done if d[1]),
        search=_by_township(ctx, [k[2] for k in kept]),
        kiosk={v.url: k[3] for v, k in zip(ctx.tree.villages, kept)},
        pieces=pieces,
        feeds={v.url: k[4] for v, k in zip(ctx.tree.villages, kept)},
    )


def _by_township(ctx: Context, lines: list[list]) -> dict[str, list]:
    """Each village's search lines put together by its township (search.py writes one file each)."""
    out: dict[str, list] = {}
    for village, own in zip(ctx.tree.villages, lines):
        out.setdefault(village.township.url, []).extend(own)
    return out
