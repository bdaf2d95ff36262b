"""The page budget: "the village page of a village with five years of records stays under 150 KB
gzipped before images, including CSS and JS".

Measured on the busiest village `gongkai sample` makes (monthly accounts, six calendar years up
to the build date: more than five full years of records), built by MkDocs like the real site.
Each file counts once, gzipped at level 9 as a server would send it.
"""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import BUILD_DATE, copy_project, gongkai, mkdocs_build
from gongkai.check.checker import check_tree

BUDGET = 150 * 1024  # bytes, gzipped


class Assets(HTMLParser):
    """The stylesheets and scripts a page loads, and the links on it."""

    def __init__(self):
        super().__init__()
        self.files: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.files.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.files.append(a["src"])
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """(site, page of the village with the most records, that village) of a generated county."""
    project = copy_project(tmp_path_factory.mktemp("budget") / "project")
    shutil.rmtree(project / "villages")
    done = gongkai("sample", "--counties", "1", "--villages", "3", "--years", "6", "--seed", "1", "--photos", "100",
                   "--today", BUILD_DATE, str(project / "villages"))
    assert done.returncode == 0, done.stderr
    site = project / "site"
    built = mkdocs_build(project, site, "--strict")
    assert built.returncode == 0, built.stdout + built.stderr
    tree = check_tree(project / "villages", date.fromisoformat(BUILD_DATE)).tree
    village = max(tree.villages, key=lambda v: len(list(v.records())))
    site = site.resolve()
    return site, site / village.url / "index.html", village


def resolve(site: Path, page: Path, url: str) -> Path:
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, f"{url} is on another host"
    base = site if parts.path.startswith("/") else page.parent
    return (base / parts.path.lstrip("/")).resolve()


def test_village_page_with_five_years_of_records_is_under_150_kb(busy, capsys):
    site, page, village = busy
    assert village.high_volume and page.is_file()
    html = page.read_text(encoding="utf-8")
    found = Assets()
    found.feed(html)
    assets = sorted({resolve(site, page, url) for url in found.files})
    assert any(p.suffix == ".css" for p in assets), f"no stylesheet found on {page}"
    for p in assets:
        assert p.is_file(), f"{page} loads {p}, which is not in the site"
    sizes = {p: len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in [page, *assets]}
    total = sum(sizes.values())
    detail = ", ".join(f"{p.relative_to(site)} {n / 1024:.1f} KB" for p, n in sizes.items())
    with capsys.disabled():  # the figure is worth seeing in every run
        print(f"\n{village.name}村务公开栏（{len(list(village.records()))} 条记录）："
              f"gzip -9 后共 {total / 1024:.1f} KB，预算 {BUDGET // 1024} KB（{detail}）")
    assert total < BUDGET, detail


def test_that_village_has_five_years_of_records(busy):
    """The budget means something only if the page is as busy as five real years make it."""
    site, page, village = busy
    found = Assets()
    found.feed(page.read_text(encoding="utf-8"))
    periods = {href for href in found.links if href.startswith("f-")}
    assert len(periods) >= 60, len(periods)  # five years of monthly accounts
    assert len(periods) == len(village.funds)
    assert len({href for href in found.links if href.startswith("d-")}) >= 5 * 3
    assert len({href for href in found.links if href.startswith("p-")}) >= 5 * 2
    years = {int(p.period[:4]) for p in village.funds}
    assert len(years) >= 5


def test_a_record_pages_thumbnails_stay_under_100_kb(busy):
    """Photos cost a phone's data only when opened: the thumbnails a record page loads, all of
    them, stay under 100 KB; the board loads no image at all."""
    import re

    site, page, village = busy
    assert "<img" not in page.read_text(encoding="utf-8")
    with_photos = 0
    for record in sorted(page.parent.glob("*.html")):
        thumbs = re.findall(r'<img src="(fujian/[^"]+)"', record.read_text(encoding="utf-8"))
        if thumbs:
            with_photos += 1
            assert sum((record.parent / t).stat().st_size for t in thumbs) < 100 * 1024, record
    assert with_photos >= 5  # the last year's notices and vouchers
