"""Atom feeds and the sitemap, held to RFC 4287, the sitemap protocol and the YAML.

The sample is built with a site address (gongkai's public_url in mkdocs.yml, an address with a
path) on two build dates, side by side. What each village
made public is read from the YAML with PyYAML's plain safe_load, so a mistake in gongkai's
events cannot hide itself; feeds are parsed by ElementTree (structure) and by feedparser (a
feed reader's view: `bozo` is 1 when it finds the feed broken).
"""

from __future__ import annotations

import gzip
import re
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml

from conftest import BIN, BUILD_DATE, REPO, copy_project, env
from gongkai.render import address, feeds
from htmltext import parse as parse_html
from tinytree import DECISION, tiny_project

DATA = REPO / "villages"
ADDRESS = "https://gongkai.example.org/cunwu/"
TODAY = date.fromisoformat(BUILD_DATE)
EARLIER = "2026-06-30"  # a second build date: what happened after it must not be in that build's feeds
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")  # RFC 3339 date-time
LATEST = 50  # entries in the feed of a township, a county or the site
VILLAGE_LATEST = 10  # in a village's own feed: its last two or three months


# -- building ----------------------------------------------------------------------------------


def with_address(project: Path, address: str = ADDRESS) -> Path:
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    assert "      data_dir: villages\n" in content
    config.write_text(content.replace("      data_dir: villages\n", f"      data_dir: villages\n      public_url: {address}\n"),
                      encoding="utf-8")
    return project


def run_build(project: Path, site: Path, today: str = BUILD_DATE, strict: bool = True) -> subprocess.CompletedProcess:
    """A build whose only address is what mkdocs.yml says (no --site-url)."""
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", *(["--strict"] if strict else []), "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project, env=env(GONGKAI_BUILD_DATE=today, GONGKAI_SITE_URL=None), capture_output=True, text=True, timeout=600,
    )


def build(project: Path, site: Path, today: str = BUILD_DATE, strict: bool = True) -> str:
    done = run_build(project, site, today, strict)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """{build date: site} of the sample with its address, built on the build date and on EARLIER."""
    tmp = tmp_path_factory.mktemp("feeds")
    project = with_address(copy_project(tmp / "project"))
    dates = (BUILD_DATE, EARLIER)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda d: build(project, tmp / d, d), dates))
    return {d: tmp / d for d in dates}


@pytest.fixture(scope="module")
def site(sites) -> Path:
    return sites[BUILD_DATE]


# -- the YAML, read plainly ------------------------------------------------------------------------


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def village_dirs() -> list[Path]:
    return sorted(p.parent for p in DATA.glob("*/*/*/village.yml"))


def rel(folder: Path) -> str:
    return folder.relative_to(DATA).as_posix() + "/"


def records(vdir: Path):
    for kind in ("decisions", "funds", "pledges", "completed", "suggestions"):
        for f in sorted((vdir / kind).glob("*.yml")):
            for rec in load(f) or []:
                yield kind, rec


def made_public(kind: str, rec: dict) -> list[date]:
    """The days a record made something public, as DOMAIN.md describes them."""
    revisions = rec.get("revisions") or []
    if kind == "decisions":
        days = [(rec.get("three_party") or rec["proposal"]).get("date")]
        days += [rec[k]["start"] for k in ("resolution_disclosure", "result_disclosure") if rec.get(k)]
    elif kind == "funds":
        days = [rec["published"]]
    elif kind == "pledges":
        days = [rec["made"], *(r["date"] for r in revisions)]
        if rec["status"] == "已兑现":
            days.append(rec["kept_on"])
        if rec["status"] == "未兑现":  # no day is recorded: the day its last deadline ran out
            days.append(([rec["deadline"]] + [r["deadline"] for r in revisions])[-1])
    elif kind == "suggestions":  # received, and answered
        days = [rec["received"], rec.get("reply_date")]
    else:
        days = [rec["date"]]
    return [d for d in days + [a["date"] for a in rec.get("amendments") or []] if d]


def page_of(vdir: Path, rec_id: str) -> str:
    """A record's page: a file beside its village's board."""
    return f"{ADDRESS}{rel(vdir)}{rec_id}.html"


def yaml_events(vdir: Path, today: date) -> list[tuple[str, date]]:
    """(record page, day) of everything the village made public up to today."""
    return [(page_of(vdir, rec["id"]), d) for kind, rec in records(vdir) for d in made_public(kind, rec) if d <= today]


# -- reading feeds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    day: date  # published, as a day in China
    updated: str
    summary: str
    author: str | None = field(default=None, compare=False)  # the entry's own; a village's feed speaks for its entries


def one(el: ET.Element, tag: str, where: str) -> ET.Element:
    found = el.findall(A + tag)
    assert len(found) == 1, f"{where}: {len(found)} × atom:{tag}, RFC 4287 wants exactly one"
    return found[0]


def absolute_iri(value: str) -> bool:
    return bool(urlsplit(value).scheme) and not re.search(r"\s", value)


def read_feed(path: Path) -> tuple[ET.Element, list[Entry]]:
    """The feed, checked against RFC 4287's rules (section 4.1), and its entries."""
    where = str(path)
    root = ET.parse(path).getroot()
    assert root.tag == A + "feed", where
    assert absolute_iri(one(root, "id", where).text), where
    assert one(root, "title", where).text, where
    assert STAMP.fullmatch(one(root, "updated", where).text), where
    links = root.findall(A + "link")
    selfs = [link.get("href") for link in links if link.get("rel") == "self"]
    assert len(selfs) == 1 and absolute_iri(selfs[0]), where
    alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel", "alternate") == "alternate"]
    assert len(alternates) == len(set(alternates)), where
    feed_author = bool(root.findall(A + "author"))
    entries = []
    for el in root.findall(A + "entry"):
        at = f"{where}: entry {len(entries) + 1}"
        entry_id = one(el, "id", at).text
        assert absolute_iri(entry_id), at
        title = one(el, "title", at).text
        updated = one(el, "updated", at).text
        published = one(el, "published", at).text
        assert STAMP.fullmatch(updated) and STAMP.fullmatch(published), at
        links = [link for link in el.findall(A + "link") if link.get("rel", "alternate") == "alternate"]
        assert len(links) == 1 and absolute_iri(links[0].get("href")), at  # no atom:content: an alternate link is required
        assert feed_author or all(a.findtext(A + "name") for a in el.findall(A + "author")) and el.findall(A + "author"), at
        assert len(el.findall(A + "summary")) <= 1, at
        authors = [a.findtext(A + "name") for a in el.findall(A + "author")]
        assert len(authors) <= 1, at
        entries.append(Entry(entry_id, title, links[0].get("href"), date.fromisoformat(published[:10]), updated,
                             el.findtext(A + "summary") or "", authors[0] if authors else None))
    assert len({e.id for e in entries}) == len(entries), f"{where}: atom:id repeated"
    return root, entries


def feed_files(site: Path) -> list[Path]:
    return sorted(site.rglob("feed.xml"))


def feed_of(site: Path, folder: Path | None = None) -> list[Entry]:
    return read_feed(site / (rel(folder) if folder else "") / "feed.xml")[1]


def area_dirs() -> list[Path]:
    return [*village_dirs(), *sorted(p.parent for p in DATA.glob("*/*/township.yml")), *sorted(p.parent for p in DATA.glob("*/county.yml"))]


# -- the feeds ------------------------------------------------------------------------------------------


def test_every_village_township_county_and_the_site_has_a_valid_feed(site):
    areas = area_dirs()
    assert sorted(feed_files(site)) == sorted([site / rel(a) / "feed.xml" for a in areas] + [site / "feed.xml"])
    for path in feed_files(site):
        root, entries = read_feed(path)
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10" and len(parsed.entries) == len(entries)
        village = (path.parent / "village.yml").relative_to(site)
        assert 0 < len(entries) <= (VILLAGE_LATEST if (DATA / village).is_file() else LATEST), path
        days = [e.day for e in entries]
        assert days == sorted(days, reverse=True), f"{path}: not newest first"
        assert root.findtext(A + "updated") == entries[0].updated, f"{path}: the feed's updated is its newest entry's"
        assert all(e.updated == f"{e.day.isoformat()}T00:00:00+08:00" for e in entries)
        for e in entries:  # a reader's click opens a page the site has
            assert e.link.startswith(ADDRESS) and (site / e.link.removeprefix(ADDRESS)).is_file(), (path, e.link)
        assert path.stat().st_size < 64 * 1024, f"{path}: {path.stat().st_size} bytes"


def _newest_of(entries: list[Entry], expected: list[tuple[str, date]], latest: int, where) -> None:
    """The entries are exactly the `latest` newest of the (record page, day) the YAML says were made public."""
    got = [(e.link, e.day) for e in entries]
    missing = [x for x in got if x not in expected]
    assert not missing, (where, missing)  # every entry is something the YAML says was made public then
    assert len(got) == min(latest, len(expected)), where
    left_out = [d for x, d in expected if (x, d) not in got]
    assert not left_out or max(left_out) <= min(e.day for e in entries), where  # the newest, not any


def test_a_village_feed_holds_exactly_its_newest_disclosures(site):
    cut = 0
    for vdir in village_dirs():
        expected = yaml_events(vdir, TODAY)
        entries = feed_of(site, vdir)
        _newest_of(entries, expected, VILLAGE_LATEST, vdir.name)
        cut += len(expected) > VILLAGE_LATEST
        name = load(vdir / "village.yml")["name"]
        assert all(e.title.startswith(f"{name} ") for e in entries)
    assert cut > 10  # the sample's villages made more public than a village's feed holds: the limit is tested


def test_a_fund_period_appears_on_the_day_it_was_published(site):
    seen = 0
    for vdir in village_dirs():
        published = [rec for kind, rec in records(vdir) if kind == "funds" and rec["published"] <= TODAY]
        latest = max(published, key=lambda rec: rec["published"])
        link = page_of(vdir, latest["id"])
        hits = [e for e in feed_of(site, vdir) if e.link == link]
        assert len(hits) == 1, (vdir.name, latest["id"])
        assert hits[0].day == latest["published"]
        assert "财务公开" in hits[0].title and "收入" in hits[0].summary
        page = site / rel(vdir) / f"{latest['id']}.html"
        assert page.is_file()  # the link opens the record's page
        seen += 1
    assert seen == len(village_dirs()) >= 15


def test_nothing_after_the_build_date(sites):
    early = date.fromisoformat(EARLIER)
    later_events = 0
    for vdir in village_dirs():
        entries = feed_of(sites[EARLIER], vdir)
        assert all(e.day <= early for e in entries), vdir.name
        since = {x for x in yaml_events(vdir, TODAY) if x[1] > early}
        late = {(e.link, e.day) for e in feed_of(sites[BUILD_DATE], vdir)}
        assert not since & {(e.link, e.day) for e in entries}
        later_events += len(since & late)  # the same events are in the later build: the test can fail
    assert later_events > 20
    for path in feed_files(sites[EARLIER]):
        assert all(e.day <= early for e in read_feed(path)[1]), path


def test_entry_ids_are_tag_uris_that_do_not_change_between_builds(sites):
    by_id = {}
    for build_date, site in sites.items():
        for path in feed_files(site):
            for e in read_feed(path)[1]:
                # tag:host,day:path/<id>.html#<kind>: the record's page and what it made public that day
                tag = re.fullmatch(r"tag:gongkai\.example\.org,(\d{4}-\d\d-\d\d):cunwu/([a-z0-9/-]+/[a-z0-9-]+\.html)#[a-z0-9-]+", e.id)
                assert tag and tag[1] == e.day.isoformat() and e.link == ADDRESS + tag[2], (e.id, e.link)
                assert by_id.setdefault((build_date, e.id), e) == e  # one id, one event, in every feed of a build
    common = {i for d, i in by_id if d == EARLIER} & {i for d, i in by_id if d == BUILD_DATE}
    assert len(common) > 100
    for i in common:
        early, late = by_id[EARLIER, i], by_id[BUILD_DATE, i]
        assert (early.title, early.link, early.updated, early.summary) == (late.title, late.link, late.updated, late.summary)
    # an entry of the earlier build that is recent enough to be in the later feed is there, by the same id
    for vdir in village_dirs():
        late = feed_of(sites[BUILD_DATE], vdir)
        oldest = min(e.day for e in late)
        assert {e.id for e in feed_of(sites[EARLIER], vdir) if e.day > oldest} <= {e.id for e in late}, vdir.name


def _parts_hold(site: Path, whole: Path | None, parts: list[Path]) -> None:
    """The feed of `whole` has exactly the newest events of its parts' feeds, and nothing else."""
    entries = feed_of(site, whole)
    pool = {e.id: e for p in parts for e in feed_of(site, p)}
    assert {e.id for e in entries} <= set(pool), whole
    assert all(pool[e.id] == e for e in entries)
    assert len(entries) == min(LATEST, len(pool)), whole
    left_out = [e.day for i, e in pool.items() if i not in {x.id for x in entries}]
    assert not left_out or max(left_out) <= min(e.day for e in entries), whole


def test_township_county_and_site_feeds_hold_exactly_their_villages_events(site):
    townships = sorted(p.parent for p in DATA.glob("*/*/township.yml"))
    counties = sorted(p.parent for p in DATA.glob("*/county.yml"))
    for tdir in townships:
        villages = sorted(p.parent for p in tdir.glob("*/village.yml"))
        # a village's feed holds fewer than its township's: the township's is held to the YAML
        entries = feed_of(site, tdir)
        _newest_of(entries, [x for v in villages for x in yaml_events(v, TODAY)], LATEST, tdir.name)
        assert all(e.link.startswith(ADDRESS + rel(tdir)) for e in entries)  # no other township's
        # an event in both feeds is the same entry, and a village's entry recent enough is in its township's
        ids = {e.id: e for e in entries}
        for v in villages:
            own = feed_of(site, v)
            assert all(ids[e.id] == e for e in own if e.id in ids), v.name
            assert {e.id for e in own if e.day > min(e.day for e in entries)} <= set(ids), v.name
    for cdir in counties:
        _parts_hold(site, cdir, [t for t in townships if t.parent == cdir])
    _parts_hold(site, None, counties)
    assert len({e.link.split("/")[4] for e in feed_of(site)}) > 1  # the site's feed is not one county's


def test_feeds_name_their_area_and_say_they_are_sample_data(site):
    for path in feed_files(site):
        root, entries = read_feed(path)
        assert "示例数据" in root.findtext(A + "title")
        assert all(e.summary.startswith("示例数据。") for e in entries)
        assert root.find(A + "link[@rel='self']").get("href") == ADDRESS + path.relative_to(site).as_posix()
    root, _ = read_feed(site / "nanzhao/nanhedian/longwangmiao/feed.xml")
    assert root.findtext(f"{A}author/{A}name") == "龙王庙村村民委员会"
    assert root.find(A + "link[@rel='alternate']").get("href") == ADDRESS + "nanzhao/nanhedian/longwangmiao/"


def test_who_speaks_in_each_feed(site):
    """A village's committee speaks for its own feed's entries; in a township's, county's or the
    site's feed each entry names the committee of the village it comes from."""
    names = {ADDRESS + rel(v): load(v / "village.yml")["name"] for v in village_dirs()}
    for path in feed_files(site):
        root, entries = read_feed(path)
        folder = path.parent.relative_to(site)
        if (DATA / folder / "village.yml").is_file():
            assert root.findtext(f"{A}author/{A}name") == f"{names[ADDRESS + folder.as_posix() + '/']}村民委员会", path
            assert all(e.author is None for e in entries), path
        else:
            for e in entries:
                board = e.link.rsplit("/", 1)[0] + "/"
                assert e.author == f"{names[board]}村民委员会", (path, e.id)


FEED_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">')


def test_every_village_board_points_at_its_feed(site):
    for vdir in village_dirs():
        board = site / rel(vdir) / "index.html"
        found = FEED_LINK.findall(board.read_text(encoding="utf-8"))
        assert len(found) == 1, board
        target = urljoin(board.relative_to(site).as_posix(), found[0])
        assert target == rel(vdir) + "feed.xml" and (site / target).is_file(), board
        # a record page leaves the feed to its board; any it names is its own village's
        for page in (site / rel(vdir)).glob("*.html"):
            for href in FEED_LINK.findall(page.read_text(encoding="utf-8")):
                assert urljoin(page.relative_to(site).as_posix(), href) == rel(vdir) + "feed.xml", page


# -- the sitemap ----------------------------------------------------------------------------------------------


def read_sitemap(path: Path) -> dict[str, str | None]:
    """{loc: lastmod} of a sitemap, checked against the protocol (sitemaps.org/protocol.html)."""
    assert path.stat().st_size <= 50 * 1024 * 1024
    root = ET.parse(path).getroot()
    assert root.tag == SM + "urlset"
    urls = {}
    for url in root:
        assert url.tag == SM + "url" and {c.tag for c in url} <= {SM + "loc", SM + "lastmod", SM + "changefreq", SM + "priority"}
        loc = url.findtext(SM + "loc")
        assert loc not in urls and len(loc) < 2048 and urlsplit(loc).scheme in ("http", "https") and urlsplit(loc).netloc, loc
        lastmod = url.findtext(SM + "lastmod")
        assert lastmod is None or re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod), lastmod
        urls[loc] = lastmod
    assert 0 < len(urls) <= 50_000
    return urls


@pytest.mark.parametrize("build_date", [BUILD_DATE, EARLIER])
def test_the_sitemap_lists_every_board_and_record_page(sites, build_date):
    site, today = sites[build_date], date.fromisoformat(build_date)
    urls = read_sitemap(site / "sitemap.xml")
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (site / "sitemap.xml").read_bytes()
    pages = 0
    for vdir in village_dirs():
        board = ADDRESS + rel(vdir)
        days = []
        for kind, rec in records(vdir):
            loc = page_of(vdir, rec["id"])
            assert loc in urls, loc
            assert (site / rel(vdir) / f"{rec['id']}.html").is_file()
            last = max((d for d in made_public(kind, rec) if d <= today), default=None)
            assert urls[loc] == (last and last.isoformat()), loc  # lastmod: the last day it made something public
            days.append(last)
            pages += 1
        assert urls[board] == max(d for d in days if d).isoformat()
    for area in area_dirs():
        assert ADDRESS + rel(area) in urls
    for loc in urls:  # every address a search engine is given is a page of the site
        target = site / loc.removeprefix(ADDRESS)
        assert (target / "index.html" if loc.endswith("/") else target).is_file(), loc
    assert all(loc.startswith(ADDRESS) for loc in urls)
    assert not any("/notice/" in loc or "/result-notice/" in loc or "/duban/" in loc for loc in urls)  # the record page is the one to find
    assert not any(loc.startswith(ADDRESS) and loc.endswith("/index.html") for loc in urls)
    assert pages > 500


def test_a_sitemap_past_the_protocol_limit_becomes_an_index_of_gzipped_parts():
    mkdocs = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              "<url><loc>https://x.example/a/</loc><lastmod>2026-01-02</lastmod></url></urlset>\n")  # as MkDocs writes it
    ours = [("https://x.example/a/", date(2026, 1, 1))] + [(f"https://x.example/v{i}/", date(2026, 2, i)) for i in range(1, 5)]
    out = feeds.sitemap(mkdocs, ours, "https://x.example/", limit=2)
    assert sorted(out) == ["sitemap-1.xml.gz", "sitemap-2.xml.gz", "sitemap-3.xml.gz", "sitemap.xml"]
    index = ET.fromstring(out["sitemap.xml"])
    assert index.tag == SM + "sitemapindex"
    assert [s.findtext(SM + "loc") for s in index] == [f"https://x.example/sitemap-{n}.xml.gz" for n in (1, 2, 3)]
    assert [s.findtext(SM + "lastmod") for s in index] == ["2026-02-01", "2026-02-03", "2026-02-04"]
    # the parts gzipped (the protocol allows it: a county's 66,000 URLs are 6.8 MB of XML, 0.4 MB gzipped)
    locs = [u.findtext(SM + "loc") for n in (1, 2, 3) for u in ET.fromstring(gzip.decompress(out[f"sitemap-{n}.xml.gz"]))]
    assert locs == ["https://x.example/a/"] + [f"https://x.example/v{i}/" for i in range(1, 5)]  # MkDocs' entry kept once
    assert feeds.sitemap(mkdocs, ours, "https://x.example/", limit=5).keys() == {"sitemap.xml"}


# -- text from the data, and a site with no address --------------------------------------------------------------

HOSTILE = '<script>alert(1)</script> & ]]> "引号" \'<![CDATA[x]]>'


def test_text_from_the_data_stays_text(tmp_path):
    title = yaml.safe_dump(HOSTILE + "\x01", allow_unicode=True).strip().removesuffix("...").strip()
    project = with_address(tiny_project(tmp_path / "p", decisions=DECISION.replace("title: 修建文化广场", f"title: {title}")))
    build(project, tmp_path / "site")
    path = tmp_path / "site/nanzhao/nanhedian/longwangmiao/feed.xml"
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "\x01" not in raw
    _, entries = read_feed(path)  # ElementTree would refuse a feed that the text broke
    titles = [e.title for e in entries if e.link.endswith("/d-2024-01.html")]
    assert titles and all(t.endswith("：" + HOSTILE + "\ufffd") for t in titles), titles
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert any(HOSTILE in e.title for e in parsed.entries)
    # the tiny village's correction (更正) of a completed matter is news too
    assert any(e.title == "龙王庙村 更正：文化广场建成" and e.day == date(2024, 10, 15) for e in entries)


def test_a_strict_build_without_an_address_is_refused(tmp_path):
    project = tiny_project(tmp_path / "p")
    site = tmp_path / "published"
    site.mkdir()
    (site / "index.html").write_text("last good site", encoding="utf-8")
    done = run_build(project, site)
    assert done.returncode != 0
    assert address.MISSING in done.stdout + done.stderr and "严格模式（--strict）下网站没有生成" in done.stdout + done.stderr
    assert [p.name for p in site.iterdir()] == ["index.html"]  # refused before it touched the last site
    assert (site / "index.html").read_text(encoding="utf-8") == "last good site"


def test_without_an_address_there_are_no_feeds_and_the_log_says_why(tmp_path):
    log = build(tiny_project(tmp_path / "p"), tmp_path / "site", strict=False)
    assert address.MISSING in log  # a warning: the QR codes would not open on a phone
    assert "不生成 Atom 订阅" in log
    site = tmp_path / "site"
    assert not feed_files(site)
    board = (site / "nanzhao/nanhedian/longwangmiao/index.html").read_text(encoding="utf-8")
    assert "application/atom+xml" not in board
    assert "longwangmiao" not in (site / "sitemap.xml").read_text(encoding="utf-8")  # MkDocs' own, untouched
    assert all(not href.startswith(("http:", "https:")) for _, href, _ in parse_html(board).links)
