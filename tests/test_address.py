"""The site's address: what every QR code, feed and sitemap carries, and what a build refuses without.

A printed notice's QR code must open its record from a villager's phone: a full address, the same
in a build of the whole data and in a county's own build, the county's own address when mkdocs.yml
gives it one. The preview (`mkdocs serve`) uses its own address, so its QR codes and feeds work.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import BIN, REPO, SITE_URL, env, gongkai, mkdocs_serve
from test_notices import decode_qr

VILLAGE = sorted((REPO / "villages").glob("*/*/*/village.yml"))[0].parent
REL = VILLAGE.relative_to(REPO / "villages").as_posix()
COUNTY = REL.split("/")[0]


def _decision_id() -> str:
    import yaml

    for f in sorted((VILLAGE / "decisions").glob("*.yml")):
        for rec in yaml.safe_load(f.read_text(encoding="utf-8")) or []:
            if rec.get("resolution_disclosure"):
                return rec["id"]
    raise AssertionError("the sample's first village has no disclosed decision")


DECISION = _decision_id()


def build(project: Path, site: Path, *args: str, **extra: str | None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "gongkai"), "build", "--config-file", str(project / "mkdocs.yml"),
                           "--site-dir", str(site), *args], cwd=project, env=env(**extra),
                          capture_output=True, text=True, timeout=600)


def test_a_strict_build_without_an_address_is_refused_in_words(project, tmp_path):
    site = tmp_path / "site"
    done = build(project, site, "--strict", GONGKAI_SITE_URL=None)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "没有设置网站地址" in out and "--site-url" in out and "二维码" in out
    assert "Traceback" not in out and not site.exists()


def test_a_build_without_an_address_says_so_on_the_notices(project, tmp_path):
    site = tmp_path / "site"
    done = build(project, site, GONGKAI_SITE_URL=None)
    assert done.returncode == 0, done.stderr
    assert "没有设置网站地址" in done.stdout + done.stderr  # a warning in the log
    html = (site / REL / f"{DECISION}.html").read_text(encoding="utf-8")
    got, _, _ = decode_qr(html)
    assert got == f"/{REL}/{DECISION}.html" and "网站地址未设置" in html
    assert not (site / REL / "feed.xml").exists()


@pytest.mark.parametrize("bad", ["ftp://example.org/", "example.org", "https://example.org/?q=1"])
def test_a_wrong_address_is_refused_before_anything_is_written(project, tmp_path, bad):
    site = tmp_path / "site"
    done = build(project, site, "--site-url", bad)
    assert done.returncode == 2 and "网站地址" in done.stderr and "网站没有生成" in done.stderr
    assert not site.exists()


def test_the_preview_gives_working_qr_codes_and_feeds(project, tmp_path):
    """`make serve` (mkdocs serve on 127.0.0.1): a QR code opens the record in the preview itself."""
    with mkdocs_serve(project, GONGKAI_SITE_URL=None) as base:
        html = urllib.request.urlopen(f"{base}{REL}/{DECISION}.html", timeout=30).read().decode("utf-8")
        target, _, _ = decode_qr(html)
        assert target == f"{base}{REL}/{DECISION}.html"
        assert urllib.request.urlopen(target, timeout=30).status == 200  # scanned, it opens
        feed = ET.fromstring(urllib.request.urlopen(f"{base}{REL}/feed.xml", timeout=30).read())
        ns = {"a": "http://www.w3.org/2005/Atom"}
        links = [e.get("href") for e in feed.iterfind("a:entry/a:link", ns)]
        assert links and all(link.startswith(base) for link in links)
        assert urllib.request.urlopen(links[0], timeout=30).status == 200


def _with_own_address(project: Path, county_url: str) -> None:
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    config.write_text(content.replace("      data_dir: villages\n",
                                      f"      data_dir: villages\n      counties:\n        {COUNTY}: {county_url}\n"),
                      encoding="utf-8")


def test_a_county_with_an_address_of_its_own_is_there_in_every_build(project, tmp_path):
    own = "https://cunwu.county.example.gov.cn/"
    _with_own_address(project, own)
    whole, alone, portal = tmp_path / "whole", tmp_path / "alone", tmp_path / "portal"
    assert build(project, whole, "--strict").returncode == 0
    assert build(project, alone, "--strict", "--only", COUNTY).returncode == 0
    done = build(project, portal, "--strict", "--portal")
    assert done.returncode == 0, done.stderr
    inside = REL.split("/", 1)[1]  # the county is the root of its own site
    url = f"{own}{inside}/{DECISION}.html"
    a = (whole / REL / f"{DECISION}.html").read_text(encoding="utf-8")
    b = (alone / inside / f"{DECISION}.html").read_text(encoding="utf-8")
    assert decode_qr(a)[0] == decode_qr(b)[0] == url  # the same printed QR code, whichever build printed it
    # the other counties stay under the site's address
    other = next(p.parent for p in sorted((REPO / "villages").glob("*/*/*/village.yml")) if not p.is_relative_to(REPO / "villages" / COUNTY))
    orel = other.relative_to(REPO / "villages").as_posix()
    some = next((whole / orel).glob("f-*.html"))
    assert decode_qr(some.read_text(encoding="utf-8"))[0] == f"{SITE_URL}{orel}/{some.name}"
    # the portal sends villagers to the county's own site, and the county's site back to the portal
    gedi = (portal / "gedi" / "index.html").read_text(encoding="utf-8")
    assert f'href="{own}"' in gedi and f'href="../{COUNTY}/"' not in gedi
    # and so does its search: the counties are its places, each at its site's address
    places = json.loads((portal / "search" / "index.json").read_text(encoding="utf-8"))["places"]
    assert [p[0] for p in places if p[0].startswith("http")] == [own] and len(places) == len(list((REPO / "villages").glob("*/county.yml")))
    assert not (portal / "search" / "t").exists()  # no village is in the portal
    assert f'href="{SITE_URL}">其他县的村务公开' in (alone / "index.html").read_text(encoding="utf-8")
    # the site's feeds and sitemap carry its own address
    assert f"<loc>{url}</loc>" in "".join(p.read_text(encoding="utf-8") for p in alone.glob("sitemap*.xml"))
    # and `gongkai assemble` leaves it out of the portal's deployment: it is published elsewhere
    shards = tmp_path / "shards"
    for name, folder in ((COUNTY, alone), ("_portal", portal)):
        (shards / name).parent.mkdir(exist_ok=True)
        folder.rename(shards / name)
    done = gongkai("assemble", "--portal", str(shards / "_portal"), "--out", str(tmp_path / "site"),
                   "--config-file", str(project / "mkdocs.yml"), str(shards / COUNTY), cwd=project)
    assert "单独发布" in done.stdout and not (tmp_path / "site" / COUNTY).exists()


def test_the_publishing_plan_lists_each_county_with_its_address(project):
    _with_own_address(project, "https://cunwu.county.example.gov.cn/")
    done = gongkai("counties", "--json", "--plan", "--site-url", "https://owner.github.io/gongkai",
                   "--config-file", str(project / "mkdocs.yml"), cwd=project)
    assert done.returncode == 0, done.stderr
    plan = {p["county"]: p for p in json.loads(done.stdout)}
    assert plan[COUNTY] == {"county": COUNTY, "url": "https://cunwu.county.example.gov.cn/", "own": True, "deploy": ""}
    others = [p for name, p in plan.items() if name != COUNTY]
    assert others and all(p["url"] == f"https://owner.github.io/gongkai/{p['county']}/" and not p["own"] for p in others)
    own_only = json.loads(gongkai("counties", "--json", "--plan", "--own", "--config-file", str(project / "mkdocs.yml"),
                                  cwd=project).stdout)
    assert [p["county"] for p in own_only] == [COUNTY]


@pytest.mark.parametrize("setting, words", [
    ("nowhere: https://x.example.org/", "不是数据里的县文件夹"),
    (f"{COUNTY}: ftp://x.example.org/", "网站地址"),
    (f"{COUNTY}: {{url: 'https://x.example.org/', deploy: 'scp:somewhere'}}", "deploy"),
])
def test_a_wrong_county_address_is_refused_in_words(project, tmp_path, setting, words):
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    config.write_text(content.replace("      data_dir: villages\n", f"      data_dir: villages\n      counties:\n        {setting}\n"),
                      encoding="utf-8")
    done = build(project, tmp_path / "site", "--strict")
    assert done.returncode != 0 and words in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr and not (tmp_path / "site").exists()


def test_the_guides_configuration_for_three_counties_is_what_the_build_reads(project):
    """content/guide/sharding.md shows the configuration of a province of three counties: it is
    valid, and gives each county its own site and its own deployment."""
    guide = (REPO / "content" / "guide" / "sharding.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(plugins:\n.*?)```", guide, re.S)[1]
    import yaml

    shown = yaml.safe_load(block)
    gongkai_options = next(p["gongkai"] for p in shown["plugins"] if isinstance(p, dict) and "gongkai" in p)
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    counties = yaml.safe_dump({"counties": gongkai_options["counties"]}, allow_unicode=True)
    config.write_text(content.replace("      data_dir: villages\n", "      data_dir: villages\n"
                                      + "".join(f"      {line}\n" for line in counties.splitlines())), encoding="utf-8")
    done = gongkai("counties", "--json", "--plan", "--own", "--config-file", str(config), cwd=project)
    assert done.returncode == 0, done.stderr
    plan = {p["county"]: p for p in json.loads(done.stdout)}
    assert set(plan) == {p.parent.name for p in (REPO / "villages").glob("*/county.yml")}  # the sample's three
    kinds = sorted(p["deploy"].split(":")[0] for p in plan.values())
    assert kinds == ["", "github", "ssh"]  # one of each way the guide explains
    assert all(p["own"] and p["url"].startswith("https://") for p in plan.values())
