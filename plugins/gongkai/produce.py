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
                     jobs: int | None = None, old_site: OldSite | None = None) -> Produced:
    """Write every lean page, and make the villages' search entries and open-data rows.

    `old_site`: the last build's files, set aside; a village whose pages are the ones it holds
    (the same pack as then) is moved back whole rather than written again."""
    site_dir = Path(site_dir)
    before = pages_cache.written(site_dir) if pages_cache and old_site else {}

    def one(village: Village) -> tuple[int, str, bool, list, tuple]:
        name = pages_cache.name(village) if pages_cache else ""
        made = pages_cache.get(name) if pages_cache else None
        fresh = made is None
        if fresh:
            made = village_outputs(village, ctx)
            if pages_cache:
                pages_cache.put(name, made)
        pages, docs, parts = made
        if not fresh and before.get(village.url) == name and old_site.take(village.url):
            # its pages are in place again; what other steps write into its folder they write afresh
            shutil.rmtree(site_dir / village.url / "duban", ignore_errors=True)
        else:
            for rel, data in pages:
                target = site_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return len(pages), name, fresh, docs, parts

    done = workers.map_items(one, ctx.tree.villages, jobs)
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
