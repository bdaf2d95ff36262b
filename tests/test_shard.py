"""Beyond one machine: three generated counties built as three separate sites, in parallel processes,
plus the portal, put together as they are published, and held to what a villager would notice:
every link leads somewhere, each county's search finds its own villages only, and a village's page
and the QR code on its printed notices are the same as in a build of the whole data.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
import struct
import subprocess
import time
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
import zxingcpp

from conftest import BIN, REPO, env, gongkai
from htmltext import parse
from test_search import read_index
from gongkai.render import shard

ADDRESS = "https://example.org/cunwu/"
COUNTIES = 3


def make_project(root: Path) -> Path:
    """A project of three generated counties. Every build is told it is published at ADDRESS
    (`--site-url`, as the publish workflow does): QR codes, feeds and the sitemap carry it, and
    the 404 page's links start with its path."""
    root.mkdir(parents=True)
    for folder in ("content", "hooks"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    done = gongkai("sample", "--counties", str(COUNTIES), "--villages", "6", "--years", "2", "--seed", "5",
                   str(root / "villages"), cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def start(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "gongkai"), "build", "--strict", "--site-url", ADDRESS, *args], cwd=project,
                            env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs: dict[str, subprocess.Popen]) -> None:
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{name}:\n{out}{err}"
        assert "Traceback" not in err


# -- the QR code on a printed notice, read back as a phone would --------------------------------

QR_IMG = re.compile(r'<img class="gk-qr-code" src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def png_grey(png: bytes) -> tuple[int, int, bytes]:
    """(width, height, one byte a pixel, 0 black) of a greyscale PNG, decoded here (not by gongkai)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, head = 8, b"", None
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos:pos + 4]), png[pos + 4:pos + 8]
        data = png[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + data) == struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])[0], kind
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = head
    assert colour == 0 and depth in (1, 2, 4, 8) and interlace == 0, head
    raw, stride = zlib.decompress(idat), (width * depth + 7) // 8
    rows, prev = [], bytes(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - 1] if i else 0, prev[i]
            c = prev[i - 1] if i else 0
            pred = {0: 0, 1: a, 2: b, 3: (a + b) // 2,
                    4: min((a, b, c), key=lambda v: (abs(a + b - c - v), (a, b, c).index(v)))}[kind]
            line[i] = (line[i] + pred) & 0xFF
        prev = bytes(line)
        top = (1 << depth) - 1
        bits = int.from_bytes(line, "big") >> (stride * 8 - width * depth)
        rows.append(bytes(((bits >> ((width - 1 - x) * depth)) & top) * 255 // top for x in range(width)))
    return width, height, b"".join(rows)


def qr_codes(html: str) -> list[str]:
    """The text of every QR code on a page (its <img> data: PNGs), scanned with zxing-cpp."""
    out = []
    for data in QR_IMG.findall(html):
        width, height, pixels = png_grey(base64.b64decode(data))
        scale = 4
        big = b"".join(bytes(v for v in pixels[y * width:(y + 1) * width] for _ in range(scale)) * scale
                       for y in range(height))
        found = zxingcpp.read_barcode(memoryview(big).cast("B", shape=[height * scale, width * scale]),
                                      formats=zxingcpp.BarcodeFormat.QRCode)
        assert found is not None, "the QR code does not scan"
        out.append(found.text)
    return out


def package_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """The three county sites and the portal built side by side (and, for comparison, the whole site)."""
    tmp = tmp_path_factory.mktemp("shards")
    project = make_project(tmp / "project")
    counties = shard.county_folders(project / "villages")
    assert len(counties) == COUNTIES
    began = time.monotonic()
    procs = {c: start(project, "--only", c, "--site-dir", str(tmp / "parts" / c)) for c in counties}
    procs["portal"] = start(project, "--portal", "--site-dir", str(tmp / "parts" / "portal"))
    procs["whole"] = start(project, "--site-dir", str(tmp / "whole"))
    finish(procs)
    seconds = time.monotonic() - began
    print(f"\n3 county sites + portal + whole site, in parallel: {seconds:.1f} s")
    done = gongkai("assemble", "--portal", str(tmp / "parts" / "portal"), "--out", str(tmp / "site"),
                   *(str(tmp / "parts" / c) for c in counties), cwd=project)
    assert done.returncode == 0, done.stderr
    return {"project": project, "site": tmp / "site", "whole": tmp / "whole", "counties": counties, "tmp": tmp}


def villages_of(project: Path, county: str) -> dict[str, str]:
    """'<township>/<village>/' -> village name, read with PyYAML from the data."""
    root = project / "villages" / county
    return {f"{p.parent.parent.name}/{p.parent.name}/": yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
            for p in sorted(root.glob("*/*/village.yml"))}


def pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        yield path, path.read_text(encoding="utf-8")


def target(site: Path, page: Path, url: str) -> Path | None:
    """The file a link on `page` opens in the published site, or None for a link to another host."""
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel", "data", "javascript"):
        return None
    if url.startswith(ADDRESS):
        where = site / unquote(parts.path)[len(urlsplit(ADDRESS).path):]
    elif parts.scheme or parts.netloc:
        return None
    elif parts.path.startswith("/"):  # from the host's root: the site is at ADDRESS's path
        base = urlsplit(ADDRESS).path
        if not parts.path.startswith(base):
            return site / "outside-the-site"
        where = site / unquote(parts.path)[len(base):]
    elif not parts.path:
        return page  # "#part" or "?query" of the page itself
    else:
        where = page.parent / unquote(parts.path)
    where = Path(*where.resolve().parts) if where.is_absolute() else where
    return where / "index.html" if where.is_dir() or parts.path.endswith("/") else where


# -- the portal ---------------------------------------------------------------------------------


def test_the_portal_links_every_county_site(built):
    site, counties = built["site"], built["counties"]
    portal = (site / "gedi" / "index.html").read_text(encoding="utf-8")
    links = {url for tag, url, _ in parse(portal).links if tag == "a"}
    for county in counties:
        assert f"../{county}/" in links, county
        assert (site / county / "index.html").is_file()
        name = yaml.safe_load((built["project"] / "villages" / county / "county.yml").read_text(encoding="utf-8"))["name"]
        assert name in portal
    home = (site / "index.html").read_text(encoding="utf-8")  # the home page's directory: counties and townships
    assert all(f'href="{county}/"' in home for county in counties)
    # 开放数据: each county's package, a ZIP in that county's site, with every village of the county
    data = (site / "data" / "index.html").read_text(encoding="utf-8")
    for county in counties:
        assert f'href="../{county}/data/cunwu-{county}.zip"' in data, county
        members = package_members(site / county / "data" / f"cunwu-{county}.zip")
        assert {"decisions.csv", "funds.csv", "funds-entries.csv", "pledges.csv", "completed.csv",
                "datapackage.json"} <= members.keys()
        villages = {row["village"] for row in csv.DictReader(members["decisions.csv"].decode("utf-8-sig").splitlines())}
        assert villages == set(villages_of(built["project"], county).values()), county


def test_every_link_in_the_assembled_site_resolves(built):
    site = built["site"].resolve()
    broken, checked, ids = [], 0, {}
    for page, html in pages(site):
        for tag, url, _ in parse(html).links:
            path = target(site, page, url)
            if path is None:
                continue
            checked += 1
            if not (path.is_file() and site in path.parents):
                broken.append(f"{page.relative_to(site)}: {tag} {url}")
                continue
            # a link to a part of a page (#jueyi, #downloads) finds that part there
            fragment = urlsplit(url).fragment
            if fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
                if fragment not in ids[path]:
                    broken.append(f"{page.relative_to(site)}: {tag} {url} (no id “{fragment}”)")
    assert checked > 10_000
    assert not broken, f"{len(broken)} broken links, e.g.\n" + "\n".join(broken[:20])


def test_the_portal_holds_no_county_and_a_county_site_no_portal(built):
    parts = built["tmp"] / "parts"
    portal = {p.name for p in (parts / "portal").iterdir()}
    assert not portal & set(built["counties"]), "the portal must leave the county folders to the county sites"
    assert not (parts / "portal" / "kiosk").exists() and not (parts / "portal" / "feed.xml").exists()
    for county in built["counties"]:
        assert not (parts / county / "gedi").exists()
        assert not (parts / county / county).exists(), "inside a county's site the county is the root"


def test_a_county_site_is_complete_and_its_search_finds_only_its_villages(built):
    project, site = built["project"], built["site"]
    for county in built["counties"]:
        own = villages_of(project, county)
        index, records = read_index(site / county)
        boards = {url: name for url, name, where in index["places"] if "· 村务公开栏" in where}
        assert boards == own, county
        assert records and all(any(url.startswith(u) for u in own) for url in records)
        for other in built["counties"]:
            if other != county:
                other_name = yaml.safe_load((project / "villages" / other / "county.yml").read_text(encoding="utf-8"))["name"]
                assert other_name not in json.dumps([index, records], ensure_ascii=False), (county, other)
        for path in ("sitemap.xml", "feed.xml", f"data/cunwu-{county}.zip", "kiosk/index.html", "kiosk/version.json",
                     "ducha/index.html", "hedui/index.html", "guide/index.html"):
            assert (site / county / path).is_file(), f"{county}/{path}"
        # its open data is its own: the package of its villages, the same as the whole site's
        assert package_members(site / county / "data" / f"cunwu-{county}.zip") == \
            package_members(built["whole"] / county / "data" / f"cunwu-{county}.zip"), county
        assert not (site / county / "data" / "packages.json").exists()  # one county: no list of packages
        sitemap = (site / county / "sitemap.xml").read_text(encoding="utf-8")
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locs and all(loc.startswith(f"{ADDRESS}{county}/") for loc in locs)
        home = (site / county / "index.html").read_text(encoding="utf-8")
        assert 'href="../">其他县的村务公开' in home  # the way back to the portal


def test_pages_qr_codes_and_fingerprints_are_those_of_the_whole_site(built):
    site, whole = built["site"], built["whole"]
    # a record's page is its printed notice: <county>/<township>/<village>/<id>.html with a QR code
    notices = [p for p in sorted(site.glob("*/*/*/*.html")) if p.name != "index.html"
               and 'class="gk-qr-code"' in p.read_text(encoding="utf-8")]
    assert len(notices) > 100
    for path in notices:
        rel = path.relative_to(site)
        same = whole / rel
        assert same.is_file(), f"{rel} is not in the whole site"
        ours, theirs = path.read_text(encoding="utf-8"), same.read_text(encoding="utf-8")
        assert qr_codes(ours) == qr_codes(theirs) == [ADDRESS + rel.as_posix()], rel
        assert f'<span class="gk-qr-url">{ADDRESS}{rel.as_posix()}</span>' in ours, rel
        code = re.search(r"核对码 <strong>([0-9A-Z]{4}-[0-9A-Z]{4})</strong>", ours)[1]
        assert code in theirs, rel
    # every village board, record page and 督办单 of the whole site is at the same place in the county sites
    whole_pages = {p.relative_to(whole) for p in whole.glob("*/*/*/**/*.html") if p.relative_to(whole).parts[0] != "kiosk"}
    assert any(p.name != "index.html" for p in whole_pages) and any(p.parent.name == "duban" for p in whole_pages)
    missing = [p for p in whole_pages if not (site / p).is_file()]
    assert not missing, missing[:10]


def test_feed_ids_are_those_of_the_whole_site(built):
    site, whole = built["site"], built["whole"]
    host, base = urlsplit(ADDRESS).hostname, urlsplit(ADDRESS).path.lstrip("/")
    feeds = sorted([*site.glob("*/feed.xml"), *site.glob("*/*/feed.xml"), *site.glob("*/*/*/feed.xml")])
    assert len(feeds) > COUNTIES * 6
    for feed in feeds:
        rel = feed.relative_to(site)
        ours, theirs = feed.read_text(encoding="utf-8"), (whole / rel).read_text(encoding="utf-8")
        ids = re.findall(r"<id>([^<]+)</id>", ours)
        assert len(ids) > 1 and ids == re.findall(r"<id>([^<]+)</id>", theirs), rel
        assert re.findall(r"<(?:title|name)>([^<]+)<", ours) == re.findall(r"<(?:title|name)>([^<]+)<", theirs), rel
        # each entry opens its record's page in the published site, and its id names that page
        for entry in re.findall(r"<entry>.*?</entry>", ours, re.S):
            link = re.search(r'<link rel="alternate" type="text/html" href="([^"]+)"', entry)[1]
            assert link.startswith(ADDRESS) and (site / link[len(ADDRESS):]).is_file(), (rel, link)
            tag = re.search(r"<id>([^<]+)</id>", entry)[1]
            assert re.fullmatch(rf"tag:{re.escape(host)},\d{{4}}-\d\d-\d\d:{re.escape(base + link[len(ADDRESS):])}#[a-z-]+",
                                tag), (rel, tag)


# -- the commands -------------------------------------------------------------------------------


def test_build_shards_puts_the_same_site_together(built):
    project, tmp = built["project"], built["tmp"]
    done = subprocess.run([str(BIN / "gongkai"), "build", "--shards", "--strict", "--jobs", "3", "--site-url", ADDRESS,
                           "--site-dir", str(tmp / "together")], cwd=project, env=env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"[{COUNTIES + 1}/{COUNTIES + 1}]" in done.stdout and "网站已生成" in done.stdout
    files = {p.relative_to(tmp / "together") for p in (tmp / "together").rglob("*") if p.is_file()}
    assert files == {p.relative_to(built["site"]) for p in built["site"].rglob("*") if p.is_file()}
    record = next(p for p in sorted(files) if p.suffix == ".html" and p.name != "index.html" and len(p.parts) == 4)
    assert (tmp / "together" / record).read_bytes() == (built["site"] / record).read_bytes()
    assert not list(tmp.glob(".together.*")), "no half-built folder is left behind"


def test_an_unknown_county_is_refused_and_nothing_is_written(built, tmp_path):
    project = built["project"]
    done = gongkai("build", "--only", "no-such-county", "--site-dir", str(tmp_path / "out"), cwd=project)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "没有县文件夹“no-such-county”" in done.stderr and built["counties"][0] in done.stderr
    assert not (tmp_path / "out").exists() and not (project / "shards").exists()
    done = gongkai("build", "--only", "../villages", cwd=project)
    assert done.returncode == 2 and not (project / "shards").exists()


def test_assembling_refuses_a_county_that_collides_with_the_portal(built, tmp_path):
    parts = built["tmp"] / "parts"
    out = tmp_path / "out"
    county = built["counties"][0]
    for name in ("gedi", "search", "Bad_Name"):
        done = gongkai("assemble", "--portal", str(parts / "portal"), "--out", str(out),
                       f"{name}={parts / county}", cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert f"“{name}”" in done.stderr and not out.exists()
    (tmp_path / "empty").mkdir()
    done = gongkai("assemble", "--portal", str(parts / "portal"), "--out", str(out), str(tmp_path / "empty"), cwd=tmp_path)
    assert done.returncode == 2 and "不是生成好的县网站" in done.stderr and not out.exists()


def test_counties_lists_the_matrix(built):
    done = gongkai("counties", "--json", cwd=built["project"])
    assert done.returncode == 0 and json.loads(done.stdout) == built["counties"]
    done = gongkai("counties", "--json", "--plan", "--site-url", ADDRESS, cwd=built["project"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"county": c, "url": f"{ADDRESS}{c}/", "own": False, "deploy": ""}
                                       for c in built["counties"]]


def with_own_address(project: Path, dest: Path, county: str, url: str) -> Path:
    """A copy of the project whose mkdocs.yml gives `county` an address of its own."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("shards", "site"))
    config = dest / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - gongkai:\n" in text
    config.write_text(text.replace("  - gongkai:\n", f"  - gongkai:\n      counties:\n        {county}: {url}\n", 1),
                      encoding="utf-8")
    return dest


def test_a_county_with_an_address_of_its_own(built, tmp_path):
    """mkdocs.yml's `counties:` publishes one county elsewhere: the portal links it there, its site
    links back to the portal's address, its QR codes carry its own address, and it is left out of
    the portal's folder."""
    own, rest = built["counties"][0], built["counties"][1:]
    url = "https://own.example.net/cunwu/"
    project = with_own_address(built["project"], tmp_path / "project", own, url)
    done = gongkai("counties", "--json", "--plan", "--site-url", ADDRESS, cwd=project)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"county": c, "url": url if c == own else f"{ADDRESS}{c}/", "own": c == own,
                                        "deploy": ""} for c in built["counties"]]
    done = gongkai("counties", "--json", cwd=project)
    assert json.loads(done.stdout) == built["counties"]  # the matrix: still the folders
    finish({"portal": start(project, "--portal", "--site-dir", str(tmp_path / "portal")),
            own: start(project, "--only", own, "--site-dir", str(tmp_path / own))})

    portal = (tmp_path / "portal" / "gedi" / "index.html").read_text(encoding="utf-8")
    links = {u for tag, u, _ in parse(portal).links if tag == "a"}
    assert url in links and f"../{own}/" not in links
    assert all(f"../{c}/" in links for c in rest)
    data = (tmp_path / "portal" / "data" / "index.html").read_text(encoding="utf-8")
    assert f'href="{url}data/cunwu-{own}.zip"' in data and f"../{own}/data/" not in data

    home = (tmp_path / own / "index.html").read_text(encoding="utf-8")
    assert f'href="{ADDRESS}">其他县的村务公开' in home  # back to the portal, at its address
    record = next(p for p in sorted((tmp_path / own).glob("*/*/*.html"))
                  if p.name != "index.html" and 'class="gk-qr-code"' in p.read_text(encoding="utf-8"))
    rel = record.relative_to(tmp_path / own).as_posix()
    assert qr_codes(record.read_text(encoding="utf-8")) == [url + rel]
    locs = re.findall(r"<loc>([^<]+)</loc>", (tmp_path / own / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith(url) for loc in locs)

    parts = built["tmp"] / "parts"
    done = gongkai("assemble", "--portal", str(tmp_path / "portal"), "--out", str(tmp_path / "site"),
                   f"{own}={tmp_path / own}", *(str(parts / c) for c in rest), cwd=project)
    assert done.returncode == 0, done.stderr
    assert "单独发布" in done.stdout and not (tmp_path / "site" / own).exists()
    assert all((tmp_path / "site" / c / "index.html").is_file() for c in rest)


def test_the_portal_reads_counties_and_townships_only(built, tmp_path):
    data = built["project"] / "villages"
    result = shard.check_areas(data)
    assert result.ok and not result.tree.villages
    assert [c.slug for c in result.tree.counties] == built["counties"]
    for county in result.tree.counties:
        assert shard.villages_in(county) == len(villages_of(built["project"], county.slug))
    # and refuses a broken township file with the usual diagnostics, before writing anything
    project = tmp_path / "project"
    shutil.copytree(built["project"], project, ignore=shutil.ignore_patterns("shards", "site"))
    township = sorted((project / "villages").glob("*/*/township.yml"))[0]
    township.write_text(township.read_text(encoding="utf-8").replace("name:", "name:\n\tbad:", 1), encoding="utf-8")
    done = gongkai("build", "--portal", "--site-dir", str(tmp_path / "portal"), cwd=project)
    assert done.returncode != 0 and re.search(r"township\.yml:\d+:\d+: error GK\d+", done.stderr), done.stderr
    assert not (tmp_path / "portal").exists()


def test_a_township_may_not_take_a_folder_of_its_county_site(built, tmp_path):
    # in a county's own site the townships sit at the top, beside search/, kiosk/, guide/...
    from gongkai.check.checker import check_tree

    county = built["counties"][0]
    data = tmp_path / "villages"
    shutil.copytree(built["project"] / "villages" / county, data / county)
    township = next(p for p in (data / county).iterdir() if p.is_dir())
    township.rename(township.with_name("search"))
    assert check_tree(data).ok  # in the whole site it is <county>/search/: no collision
    result = check_tree(data, only=county, reserved={"guide"})
    assert [d.code for d in result.errors] == ["GK216"] and "search" in result.errors[0].message
