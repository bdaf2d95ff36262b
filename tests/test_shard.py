"""Beyond one machine: three generated counties built as three separate sites, in parallel processes,
plus the portal, put together as they are published, and held to what a villager would notice:
every link leads somewhere, each county's search finds its own villages only, and a village's page
and the QR code on its printed notices are the same as in a build of the whole data.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import BIN, REPO, env, gongkai
from htmltext import parse
from test_notices import QR_SVG, decode_qr
from gongkai import shard

ADDRESS = "https://example.org/cunwu/"
COUNTIES = 3


def make_project(root: Path) -> Path:
    """A project of three generated counties, published at ADDRESS (MkDocs' site_url: QR codes,
    feeds and the sitemap use it too, and the 404 page's links start with its path)."""
    root.mkdir(parents=True)
    for folder in ("content", "hooks"):
        shutil.copytree(REPO / folder, root / folder)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = f"site_url: {ADDRESS}\n" + config
    assert ADDRESS in config
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    done = gongkai("sample", "--counties", str(COUNTIES), "--villages", "6", "--years", "2", "--seed", "5",
                   str(root / "villages"), cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def start(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "gongkai"), "build", "--strict", *args], cwd=project, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{name}:\n{out}{err}"
        assert "Traceback" not in err
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


def test_every_link_in_the_assembled_site_resolves(built):
    site = built["site"].resolve()
    broken, checked = [], 0
    for page, html in pages(site):
        for tag, url, _ in parse(html).links:
            path = target(site, page, url)
            if path is None:
                continue
            checked += 1
            if not (path.is_file() and site in path.parents):
                broken.append(f"{page.relative_to(site)}: {tag} {url}")
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
        index = json.loads((site / county / "search" / "search_index.json").read_text(encoding="utf-8"))
        boards = {d["location"]: d["title"].replace("\u200b", "") for d in index["docs"]
                  if d["title"].replace("\u200b", "").endswith("村务公开栏")}
        assert boards == {url: f"{name}村务公开栏" for url, name in own.items()}, county
        for other in built["counties"]:
            if other != county:
                other_name = yaml.safe_load((project / "villages" / other / "county.yml").read_text(encoding="utf-8"))["name"]
                assert other_name not in json.dumps(index, ensure_ascii=False).replace("\u200b", ""), (county, other)
        for path in ("sitemap.xml", "feed.xml", "data/datapackage.json", "kiosk/index.html", "kiosk/version.json",
                     "ducha/index.html", "hedui/index.html", "guide/index.html"):
            assert (site / county / path).is_file(), f"{county}/{path}"
        sitemap = (site / county / "sitemap.xml").read_text(encoding="utf-8")
        locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
        assert locs and all(loc.startswith(f"{ADDRESS}{county}/") for loc in locs)
        home = (site / county / "index.html").read_text(encoding="utf-8")
        assert 'href="../">其他县的村务公开' in home  # the way back to the portal


def test_pages_qr_codes_and_fingerprints_are_those_of_the_whole_site(built):
    site, whole = built["site"], built["whole"]
    notices = sorted(p for p in site.glob("*/*/*/*/*notice/index.html"))
    assert len(notices) > 100
    for path in notices:
        rel = path.relative_to(site)
        same = whole / rel
        assert same.is_file(), f"{rel} is not in the whole site"
        ours, theirs = path.read_text(encoding="utf-8"), same.read_text(encoding="utf-8")
        text = decode_qr(QR_SVG.search(ours)[0])[0]
        assert text == decode_qr(QR_SVG.search(theirs)[0])[0] == ADDRESS + rel.parent.parent.as_posix() + "/", rel
        code = re.search(r"核对码 <strong>([0-9A-Z]{4}-[0-9A-Z]{4})</strong>", ours)[1]
        assert code in theirs, rel
    # every village board and record page of the whole site is at the same place in the county sites
    whole_pages = {p.relative_to(whole) for p in whole.glob("*/*/*/**/index.html") if p.relative_to(whole).parts[0] != "kiosk"}
    missing = [p for p in whole_pages if not (site / p).is_file()]
    assert not missing, missing[:10]


def test_feed_ids_are_those_of_the_whole_site(built):
    site, whole = built["site"], built["whole"]
    for feed in sorted([*site.glob("*/feed.xml"), *site.glob("*/*/*/feed.xml")]):
        rel = feed.relative_to(site)
        ours, theirs = feed.read_text(encoding="utf-8"), (whole / rel).read_text(encoding="utf-8")
        ids = re.findall(r"<id>([^<]+)</id>", ours)
        assert len(ids) > 1 and ids == re.findall(r"<id>([^<]+)</id>", theirs), rel
        assert re.findall(r"<(?:title|name)>([^<]+)<", ours) == re.findall(r"<(?:title|name)>([^<]+)<", theirs), rel


# -- the commands -------------------------------------------------------------------------------


def test_build_shards_puts_the_same_site_together(built):
    project, tmp = built["project"], built["tmp"]
    done = subprocess.run([str(BIN / "gongkai"), "build", "--shards", "--strict", "--jobs", "3", "--site-dir",
                           str(tmp / "together")], cwd=project, env=env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"[{COUNTIES + 1}/{COUNTIES + 1}]" in done.stdout and "网站已生成" in done.stdout
    files = {p.relative_to(tmp / "together") for p in (tmp / "together").rglob("*") if p.is_file()}
    assert files == {p.relative_to(built["site"]) for p in built["site"].rglob("*") if p.is_file()}
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
    from gongkai.check import check_tree

    county = built["counties"][0]
    data = tmp_path / "villages"
    shutil.copytree(built["project"] / "villages" / county, data / county)
    township = next(p for p in (data / county).iterdir() if p.is_dir())
    township.rename(township.with_name("search"))
    assert check_tree(data).ok  # in the whole site it is <county>/search/: no collision
    result = check_tree(data, only=county, reserved={"guide"})
    assert [d.code for d in result.errors] == ["GK216"] and "search" in result.errors[0].message
