"""Atom feeds of what was made public, and the lean pages in the sitemap.

Every village, township and county, and the whole site, gets a feed (`<url>feed.xml`) of its
latest disclosures: a decision put forward, its 决议公开 and 实施结果公开 opened, a fund period
published, a pledge made, its deadline moved, kept or not kept, a matter completed, a record
corrected. Each is an `Event` computed here from the model; nothing after the build date.

Feeds and sitemap entries need the site's address (address.py; `mkdocs serve` previews at its
own): an Atom id must be an absolute IRI that never changes, and a sitemap lists absolute URLs.
Without it neither is written, and the build log says so (a strict build refuses to run),
rather than publishing ids that would change the day the address is set.
"""

from __future__ import annotations

import gzip
import heapq
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from gongkai import kinds
from gongkai.render import pages as render
from gongkai.model.tree import Village
from gongkai.model.schema import Record

FEED = "feed.xml"
LATEST = 50  # entries per feed of a township, a county or the site: a reader polls it often, so it stays small
VILLAGE_LATEST = 10  # a village's own feed: its last two or three months (a county has 700 of them)
SUMMARY_CHARS = 160
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP = "sitemap.xml"
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file; more make a sitemap index
# gzip level of the sitemap's compressed files: 9 makes a county's 5.8 MB part 7% smaller than 6
# (280 KB against 300 KB) in three times as long (0.28 s against 0.09 s), at every rebuild
SITEMAP_GZIP = 6
# XML 1.0 cannot carry these even escaped; a YAML "\x01" escape could still produce one
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Event:
    """One thing a village made public, on one day."""

    day: date
    kind: str  # part of the entry's id: proposed, resolution-disclosure, revision-2, ...
    label: str  # 决议公开: what a villager calls it
    village: Village
    rec: Record
    subject: str  # the record in a few words: its title, 2024年第一季度, the pledge's text
    summary: str


def record_events(village: Village, rec: Record) -> list[Event]:
    """Everything the record made public, whatever the date (a step without a date made nothing public)."""
    return [Event(d.day, d.kind, d.label, village, rec, d.subject, _join(*d.parts)) for d in kinds.disclosures(rec)]


def _join(*parts) -> str:
    text = "；".join(p for p in parts if p)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def village_events(village: Village, today: date) -> list[Event]:
    """The village's events up to the build date, newest first."""
    out = [e for rec in village.records() if rec.id for e in record_events(village, rec) if e.day <= today]
    return sorted(out, key=_order, reverse=True)


def _order(e: Event) -> tuple:
    return e.day, e.village.url, e.rec.id, e.kind


# -- Atom ------------------------------------------------------------------------------------


def entry_id(ctx: render.Context, e: Event) -> str:
    """tag:host,day:path/record.html#kind (RFC 4151): the same for the same event in every build,
    of the whole site or of the record's county alone.

    The day is the event's own, the day the site said it; a corrected day is news, and a new entry."""
    where = urlsplit(render.public_link(ctx, render.record_url(e.village, e.rec))[0])
    return f"tag:{where.hostname},{e.day.isoformat()}:{where.path.lstrip('/')}#{e.kind}"


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"  # the day as it began in China


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: NOT_XML.sub("\ufffd", v) for k, v in attrs.items()})
    if text is not None:
        el.text = NOT_XML.sub("\ufffd", text)
    return el


def committee(village: Village) -> str:
    return f"{village.name}村民委员会"


@dataclass(frozen=True)
class Feed:
    """One feed: where it lives, what it is called, who speaks in it."""

    url: str  # the area's path in the site: nanzhao/nanhedian/ ("" for the whole site)
    title: str
    author: str | None  # None when every entry names its own (the site-wide feed)
    sample: bool


def atom(feed: Feed, events: list[Event], ctx: render.Context) -> str:
    """The feed as Atom (RFC 4287); every text from the data is escaped by ElementTree."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "zh-CN"})
    self_link, _ = render.public_link(ctx, feed.url + FEED)
    _add(root, "id", self_link)
    _add(root, "title", feed.title + ("（示例数据）" if feed.sample else ""))
    _add(root, "subtitle", "新的决策、公示、财务公开、承诺和办结事项" + ("；示例数据，人物为虚构" if feed.sample else ""))
    _add(root, "link", rel="self", type="application/atom+xml", href=self_link)
    _add(root, "link", rel="alternate", type="text/html", href=render.public_link(ctx, feed.url)[0])
    _add(root, "updated", _stamp(events[0].day if events else ctx.today))
    if feed.author:
        _add(_add(root, "author"), "name", feed.author)
    _add(root, "generator", "gongkai")
    for e in events:
        entry = _add(root, "entry")
        _add(entry, "id", entry_id(ctx, e))
        _add(entry, "title", f"{e.village.name} {e.label}：{e.subject}")
        _add(entry, "link", rel="alternate", type="text/html", href=render.public_link(ctx, render.record_url(e.village, e.rec))[0])
        _add(entry, "published", _stamp(e.day))
        _add(entry, "updated", _stamp(e.day))
        if feed.author != committee(e.village):  # a village's feed: its author speaks for its entries (RFC 4287 4.2.1)
            _add(_add(entry, "author"), "name", committee(e.village))
        _add(entry, "category", term=e.label)
        _add(entry, "summary", ("示例数据。" if e.village.county.sample else "") + e.summary, type="text")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def village_feed(village: Village, ctx: render.Context) -> tuple[list[tuple[str, bytes]], tuple, tuple]:
    """What a village gives the feeds and the sitemap, made with its pages (in parallel, or from the
    cache): (its own feed file, when the site's address is known; its latest events, what the feeds
    above it are made of; (the last day anything of it was made public, its board's and records'
    lines of the sitemap, how many))."""
    events = village_events(village, ctx.today)
    files = []
    if ctx.public_url:
        feed = Feed(village.url, f"{village.name}村务公开", committee(village), village.county.sample)
        files.append((f"{village.url}{FEED}", atom(feed, events[:VILLAGE_LATEST], ctx).encode("utf-8")))
    last: dict[str, date] = {}
    for e in events:  # newest first
        last.setdefault(e.rec.id, e.day)
    records = [(render.record_url(village, rec), last.get(rec.id)) for rec in village.records() if rec.id]
    board = events[0].day if events else None
    # its lines of the sitemap, written here, once for the village: a county has 60,000 of them
    lines = "".join(_sitemap_item("url", render.public_link(ctx, path)[0], day and day.isoformat())
                    for path, day in ((village.url, board), *records)) if ctx.public_url else ""
    top = tuple((e.day, e.kind, e.label, e.rec.id, e.subject, e.summary) for e in events[:LATEST])
    return files, top, (board, lines, 1 + len(records))


def _events(village: Village, top: tuple) -> list[Event]:
    return [Event(day, kind, label, village, village.record(rec_id), subject, summary)
            for day, kind, label, rec_id, subject, summary in top]


def area_feeds(ctx: render.Context, site_name: str, tops: dict[str, tuple]) -> Iterator[tuple[Feed, list[Event]]]:
    """The feeds above the villages with their latest events: each township, county, and the site,
    from the villages' latest events (village_feed, by village URL)."""
    tree = ctx.tree

    def latest(villages: Iterable[Village]) -> list[Event]:
        # the newest of the villages' latest, chosen on the plain tuples: only those are made Events
        # (a serve rebuild would make 25,000 of them for a county, to write 50 a feed)
        chosen = heapq.nlargest(LATEST, ((t[0], v.url, t[3], t[1], v, t) for v in villages for t in tops[v.url]),
                                key=lambda c: c[:4])
        return [e for *_, v, t in chosen for e in _events(v, (t,))]

    for county in tree.counties:
        for township in county.townships:
            yield Feed(township.url, f"{township.name}村务公开", f"{township.name}人民政府", county.sample), latest(township.villages)
        yield Feed(county.url, f"{county.name}村务公开", f"{county.name}人民政府", county.sample), latest(county.villages)
    if all(c.url for c in tree.counties):  # a county built as a site of its own: its feed is the site's
        yield Feed("", site_name, None, tree.is_sample), latest(tree.villages)


# -- sitemap ---------------------------------------------------------------------------------


def area_urls(ctx: render.Context, villages: dict[str, tuple]) -> Iterator[tuple[str, date | None]]:
    """(path, last day anything in it was made public) of every township and county page, from its
    villages' (village_feed's, by village URL)."""
    for area in (*ctx.tree.townships, *ctx.tree.counties):
        yield area.url, max((d for v in area.villages if (d := villages[v.url][0])), default=None)


def sitemap(mkdocs_xml: str, ours: Iterable[tuple[str, date | None]], address: str,
            limit: int = SITEMAP_URLS, written: Iterable[tuple[str, int]] = ()) -> dict[str, str | bytes]:
    """{file name: XML, as text or gzipped}: MkDocs' sitemap with our absolute URLs added (and the lines `written`
    already, with how many URLs each holds); past `limit` URLs, sitemap.xml becomes an index of
    sitemap-1.xml.gz, sitemap-2.xml.gz, ... at `address`: the parts are written gzipped, as the
    protocol allows (a 700-village county's 66,000 URLs are 6.8 MB of XML, 0.4 MB gzipped)."""
    theirs = [(u.findtext(f"{{{SITEMAP_NS}}}loc", "").strip(), u.findtext(f"{{{SITEMAP_NS}}}lastmod"))
              for u in ET.fromstring(mkdocs_xml.encode("utf-8")).iter(f"{{{SITEMAP_NS}}}url")]
    seen = {loc for loc, _ in theirs}
    chunks = [(_sitemap_item("url", loc, mod), 1) for loc, mod in theirs]
    chunks += [(_sitemap_item("url", loc, day and day.isoformat()), 1) for loc, day in ours if loc not in seen]
    chunks += list(written)
    parts: list[list[str]] = [[]]
    counted = 0
    for text, n in chunks:  # a village's lines stay together: a file never holds more than `limit`
        if counted + n > limit and parts[-1]:
            parts.append([])
            counted = 0
        parts[-1].append(text)
        counted += n
    if len(parts) == 1:
        return {SITEMAP: _sitemap_xml("urlset", parts[0])}
    files = {f"sitemap-{n}.xml.gz": _sitemap_xml("urlset", part) for n, part in enumerate(parts, 1)}
    index = [_sitemap_item("sitemap", address + name, _latest(xml)) for name, xml in files.items()]
    # mtime 0: the same sitemap, the same bytes
    return {SITEMAP: _sitemap_xml("sitemapindex", index)} | {
        name: gzip.compress(xml.encode("utf-8"), compresslevel=SITEMAP_GZIP, mtime=0) for name, xml in files.items()}


_LASTMOD = re.compile(r"<lastmod>([^<]+)</lastmod>")


def _latest(xml: str) -> str | None:
    return max(_LASTMOD.findall(xml), default=None)


def _sitemap_item(tag: str, loc: str, lastmod: str | None) -> str:
    when = f"<lastmod>{_xml(lastmod)}</lastmod>" if lastmod else ""
    return f"<{tag}><loc>{_xml(loc)}</loc>{when}</{tag}>"


def _sitemap_xml(root_tag: str, items: list[str]) -> str:
    """The sitemap's XML written as text (ElementTree, for a county's 60,000 URLs, takes a second
    of every `mkdocs serve` rebuild); every value escaped (_sitemap_item), as ElementTree escapes it."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root_tag} xmlns="{SITEMAP_NS}">' + "".join(items) + f"</{root_tag}>\n"


def _xml(text: str) -> str:
    return NOT_XML.sub("\ufffd", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- writing ---------------------------------------------------------------------------------


def write(site_dir: str | Path, ctx: render.Context, site_name: str, villages: dict[str, tuple]) -> str:
    """Write the feeds above the villages (theirs are written with their pages) and add the lean
    pages to sitemap.xml (and .gz); `villages`: each village's (latest events, sitemap lines) by
    URL (village_feed). What was done, for the build log."""
    if not ctx.public_url:
        return "gongkai: 没有设置网站地址（gongkai build --site-url），不生成 Atom 订阅，网站地图里也不列村务页面"
    site = Path(site_dir)
    written = render.write_pages(site, ((f"{feed.url}{FEED}", atom(feed, events, ctx))
                                        for feed, events in area_feeds(ctx, site_name, {u: v[0] for u, v in villages.items()})))
    old = site / SITEMAP
    mkdocs_xml = old.read_text(encoding="utf-8") if old.is_file() else _sitemap_xml("urlset", [])
    lines = {u: v[1] for u, v in villages.items()}
    theirs = [(lines[v.url][1], lines[v.url][2]) for v in ctx.tree.villages]
    areas = ((render.public_link(ctx, path)[0], day) for path, day in area_urls(ctx, lines))
    files = sitemap(mkdocs_xml, areas, ctx.public_url, written=theirs)
    render.write_pages(site, files.items())
    _regzip(site / f"{SITEMAP}.gz", files[SITEMAP])
    urls = sum((gzip.decompress(xml) if isinstance(xml, bytes) else xml.encode()).count(b"<url>") for xml in files.values())
    return (f"gongkai: 生成了 {written + len(villages)} 个 Atom 订阅（feed.xml；各村的与村务页面一起写），"
            f"网站地图共列出 {urls} 个页面")


def _regzip(path: Path, xml: str) -> None:
    """MkDocs gzips its sitemap beside it: keep the copy the same, with the time MkDocs gave it."""
    if not path.is_file():
        return
    mtime = int.from_bytes(path.read_bytes()[4:8], "little")  # the gzip header's MTIME field
    with path.open("wb") as f, gzip.GzipFile(fileobj=f, filename=str(path), mode="wb", mtime=mtime,
                                             compresslevel=SITEMAP_GZIP) as gz:
        gz.write(xml.encode("utf-8"))
