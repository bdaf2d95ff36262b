"""Everything made from one village alone, made once per village: in parallel, or from the cache.

A village's board, record pages and printable notices, its search entries and its open-data
rows depend on nothing but the village's own folder, its township.yml and county.yml and the
build (date, address, gongkai's code): `cache.PageCache` names them by all of these. So a
village is rendered in one of several forked processes (`workers`), and a village that did not
change since a build that cached it is not rendered at all: its pages are copied from the cache.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import cache, opendata, render, search, workers
from .cache import PageCache
from .model import Village
from .render import Context
from .sitebuild import OldSite


@dataclass
class Produced:
    """What produce_villages made, for the steps that combine villages."""

    pages: int  # lean pages written (villages, records, notices, 督办单)
    rendered: int  # villages rendered afresh; the others came from the cache
    search: list[dict[str, str]]  # search entries of the village boards and records, in site order
    opendata: dict[str, tuple]  # opendata.village_parts by village URL


def page_cache(ctx: Context) -> PageCache:
    """The cache of produced villages for this build: its key holds all the build-wide inputs."""
    return PageCache(cache.folder(ctx.tree.root), ctx.today.isoformat(), ctx.public_url,
                     str(ctx.tree.is_sample), ctx.repo_root)


def village_outputs(village: Village, ctx: Context) -> tuple[list[tuple[str, bytes]], list[dict], tuple]:
    """(pages as (path in the site, bytes), search entries, open-data parts) of one village."""
    pages = [(rel, html.encode("utf-8")) for rel, html in render.village_pages(village, ctx)]
    return pages, list(search.village_documents(village, ctx.today)), opendata.village_parts(village)


def produce_villages(site_dir: str | Path, ctx: Context, pages_cache: PageCache | None = None,
                     jobs: int | None = None, old_site: OldSite | None = None, memory: dict | None = None) -> Produced:
    """Write every lean page, and make the villages' search entries and open-data rows.

    `old_site`: the last build's files, set aside; a village whose pages are the ones it holds
    (the same pack as then) is moved back whole rather than written again. `memory`: a dict kept
    from one call to the next (`mkdocs serve`): such a village's search entries and open-data
    rows are taken from it, its pack is not even read."""
    site_dir = Path(site_dir)
    before = pages_cache.written(site_dir) if pages_cache and old_site else {}

    def moved_back(village: Village, name: str) -> bool:
        """The village's folder from the last build, put back when it holds these very pages."""
        if old_site is None or before.get(village.url) != name or not old_site.take(village.url):
            return False
        shutil.rmtree(site_dir / village.url / "duban", ignore_errors=True)  # written afresh, after the villages
        return True

    def one(village: Village) -> tuple[int, str, bool, list, tuple]:
        name = pages_cache.name(village, ctx.tree.digests) if pages_cache else ""
        if memory is not None and name in memory and moved_back(village, name):
            count, docs, parts = memory[name]
            return count, name, False, docs, parts
        made = pages_cache.get(name) if pages_cache else None
        fresh = made is None
        if fresh:
            made = village_outputs(village, ctx)
            if pages_cache:
                pages_cache.put(name, made)
        pages, docs, parts = made
        if fresh or not moved_back(village, name):
            for rel, data in pages:
                target = site_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return len(pages), name, fresh, docs, parts

    done = workers.map_items(one, ctx.tree.villages, jobs)
    if memory is not None:
        memory.clear()
        memory.update((d[1], (d[0], d[3], d[4])) for d in done if d[1])
    count = render.write_pages(site_dir, render.duban_pages(ctx))  # after the villages: into their folders
    if pages_cache:
        pages_cache.prune({name for _, name, *_ in done})
        pages_cache.remember(site_dir, {v.url: d[1] for v, d in zip(ctx.tree.villages, done)})
    return Produced(
        pages=count + sum(d[0] for d in done),
        rendered=sum(1 for d in done if d[2]),
        search=[doc for d in done for doc in d[3]],
        opendata={v.url: d[4] for v, d in zip(ctx.tree.villages, done)},
    )
