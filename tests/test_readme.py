"""The README shows what a villager sees: the two pictures in it are made here, by the same headless
Chromium as every browser test, from the shipped sample. A run with GONGKAI_UPDATE_SCREENSHOTS=1
writes them into docs/screenshots/ (then commit them); every run makes them afresh and checks that
the committed ones are the same pictures of the same pages."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageChops, ImageStat

from conftest import REPO

SHOTS = REPO / "docs" / "screenshots"
MM = 96 / 25.4
VILLAGE = sorted((REPO / "villages").glob("*/*/*/village.yml"))[0].parent
REL = VILLAGE.relative_to(REPO / "villages").as_posix()


def _decision_with_notice() -> str:
    for f in sorted((VILLAGE / "decisions").glob("*.yml"), reverse=True):
        for d in yaml.safe_load(f.read_text(encoding="utf-8")):
            if d.get("resolution_disclosure"):
                return d["id"]
    raise AssertionError("the sample village has a decision with a 决议公开")


# name: (address in the site, viewport, print?)
PICTURES = {
    "board-phone.png": (f"{REL}/", (360, 740), False),  # the board on a cheap phone, first screen
    "notice-a4.png": (f"{REL}/{_decision_with_notice()}.html#jueyi", (round(180 * MM), round(267 * MM)), True),
}


def take(browser, site_url: str) -> dict[str, bytes]:
    out = {}
    for name, (path, (w, h), printed) in PICTURES.items():
        context = browser.new_context(viewport={"width": w, "height": h}, has_touch=not printed)
        page = context.new_page()
        page.goto(site_url + path, wait_until="networkidle")
        if printed:
            page.emulate_media(media="print")
        out[name] = page.screenshot(full_page=False)
        context.close()
    return out


@pytest.fixture(scope="module")
def pictures(browser, site_url) -> dict[str, bytes]:
    shots = take(browser, site_url)
    if os.environ.get("GONGKAI_UPDATE_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for name, png in shots.items():
            (SHOTS / name).write_bytes(png)
    return shots


def test_the_readme_opens_with_the_people_the_pictures_and_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    opening = "\n## ".join(readme.split("\n## ")[:3])  # the title part and the two sections after it
    for who in ("村民", "文书", "触摸屏", "督查"):
        assert who in opening, who
    for name in PICTURES:
        assert f"docs/screenshots/{name}" in opening, name
    assert "make serve" in opening and "make test" in opening
    # the internals are on the developer page, not in the README
    assert len(readme.splitlines()) < 120 and "DEVELOPING.md" in readme
    assert "reader.py" in (REPO / "DEVELOPING.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_the_committed_pictures_are_what_the_browser_shows_now(pictures, name):
    made = Image.open(io.BytesIO(pictures[name])).convert("L")
    assert ImageStat.Stat(made).stddev[0] > 20, "a blank picture"
    committed = SHOTS / name
    assert committed.is_file(), f"run GONGKAI_UPDATE_SCREENSHOTS=1 pytest {Path(__file__).name} and commit {committed}"
    kept = Image.open(committed).convert("L")
    assert kept.size == made.size
    # the same page drawn again: at most a sliver differs (text antialiasing)
    differ = ImageChops.difference(kept, made).point(lambda v: 255 if v > 64 else 0)
    share = sum(differ.histogram()[255:]) / (made.size[0] * made.size[1])
    assert share < 0.02, f"{name} shows another page now ({share:.1%} of it differs): refresh it"


def test_the_pictures_show_the_board_and_a_notice(pictures, browser, site_url):
    # what each picture is of, read from the page it was taken of
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site_url + PICTURES["board-phone.png"][0], wait_until="networkidle")
    assert re.search(r"村务公开栏$", page.locator("h1").inner_text())
    assert page.locator(".gk-jump").is_visible()  # the first screen has the way to the four parts
    context.close()
