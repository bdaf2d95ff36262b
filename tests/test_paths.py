"""Folder names and record ids become paths in the site folder: nothing a clerk writes may lead a
path out of it, onto the theme's own files, or out of the data folder. Each attempt is refused
with a Chinese diagnostic that names the file or folder, and nothing is built."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import build_over_last_site, last_site_kept, mkdocs_build
from gongkai.check.checker import AREA_FOLDERS, SITE_FOLDERS, check_tree
from gongkai.check.diagnostics import CODES
from tinytree import PLEDGES, VILLAGE_DIR, tiny_project, write_tree

TODAY = date(2026, 11, 22)
HAN = re.compile(r"[\u4e00-\u9fff]")
COUNTY, TOWNSHIP, VILLAGE = VILLAGE_DIR.split("/")
LEVELS = {  # which folder of the tiny tree to rename, by level
    "county": COUNTY,
    "township": f"{COUNTY}/{TOWNSHIP}",
    "village": VILLAGE_DIR,
}
# ".." and "." cannot be folder names on any system; "..." is the nearest a clerk can make
BAD_FOLDER_NAMES = ["...", ".hidden", "a b", "Nan-Zhao", "南召", "con", "nul", "a_b", "-a", "a" * 41]


def refused(result, code: str, path: Path, *words: str):
    """The diagnostics of `code` at `path`, which must exist, be errors and speak Chinese."""
    found = [d for d in result.diagnostics if d.code == code and Path(d.path) == path]
    assert found, [(d.code, d.path, d.message) for d in result.diagnostics]
    for d in found:
        assert d.is_error and HAN.search(d.message) and HAN.search(CODES[code].hint), d
        assert all(w in d.message for w in words), (d.message, words)
    assert not result.ok
    return found


def slugs(tree) -> set[str]:
    return {c.url for c in tree.counties} | {t.url for t in tree.townships} | {v.url for v in tree.villages}


def rename(data: Path, rel: str, name: str) -> Path:
    old = data / rel
    new = old.with_name(name)
    old.rename(new)
    return new


@pytest.mark.parametrize("name", BAD_FOLDER_NAMES)
@pytest.mark.parametrize("level", sorted(LEVELS))
def test_bad_folder_name_is_refused_and_not_read(tmp_path, level, name):
    data = write_tree(tmp_path)
    folder = rename(data, LEVELS[level], name)
    result = check_tree(data, TODAY)
    refused(result, "GK211", folder, f"“{name}”")
    assert not any(name in url for url in slugs(result.tree))
    assert not any(d.path.startswith(f"{folder}/") for d in result.diagnostics)  # nothing inside was read


@pytest.mark.parametrize("bad, words", [
    ("../x", ()), ("..", ()), (".", ()), ("a/b", ()), ("a\\\\b", ()), ("/etc/passwd", ()), ("c:x", ()),
    ("%2e%2e", ()), ("d-2024-01/../../x", ()), ("p 1", ()), ("P-2024-01", ()), ("p-２０２４", ()),
    ("CON", ("Windows",)), ("con", ("Windows",)), ("lpt1", ("Windows",)), ("aux", ("Windows",)),
    ("p" * 41, ("41", "40")), ("p-" + "1" * 60, ("62", "40")),
])
def test_bad_record_id_is_refused(tmp_path, bad, words):
    data = write_tree(tmp_path, pledges=PLEDGES.replace("- id: p-2024-01", f'- id: "{bad}"'))
    result = check_tree(data, TODAY)
    found = refused(result, "GK211", data / VILLAGE_DIR / "pledges" / "2024.yml", *words)
    assert [d.line for d in found] == [1]
    assert all(p.id != bad for v in result.tree.villages for p in v.pledges)


def test_longest_id_and_folder_name_are_fine(tmp_path):
    name = "a" * 40
    data = write_tree(tmp_path, pledges=PLEDGES.replace("p-2024-01", name))
    rename(data, VILLAGE_DIR, name)
    result = check_tree(data, TODAY)
    assert result.diagnostics == []
    assert result.tree.villages[0].pledges[0].id == name


def test_hidden_files_are_left_alone(tmp_path):
    # what editors and systems leave behind is no data, and no reason to refuse the tree
    data = write_tree(tmp_path)
    for rel in (".DS_Store", f"{COUNTY}/.gitkeep", f"{VILLAGE_DIR}/.village.yml.swp", f"{VILLAGE_DIR}/pledges/.~lock.2024.yml#"):
        (data / rel).write_text("x")
    assert check_tree(data, TODAY).diagnostics == []


LINKS = {  # what is replaced by (or added as) a link out of the data folder -> (counties, townships, villages, pledges) read
    "county": ("xinye", (1, 1, 1, 1)),
    "township": (f"{COUNTY}/chengguan", (1, 1, 1, 1)),
    "village": (f"{COUNTY}/{TOWNSHIP}/baizhuang", (1, 1, 1, 1)),
    "record folder": (f"{VILLAGE_DIR}/pledges", (1, 1, 1, 0)),
    "year file": (f"{VILLAGE_DIR}/pledges/2023.yml", (1, 1, 1, 1)),
    "village.yml": (f"{VILLAGE_DIR}/village.yml", (1, 1, 1, 1)),
}


@pytest.mark.parametrize("what", sorted(LINKS))
def test_link_out_of_the_data_folder_is_refused_and_not_read(tmp_path, what):
    data = write_tree(tmp_path)
    outside = write_tree(tmp_path / "elsewhere")  # a valid tree outside the data folder, to link to
    rel, counts = LINKS[what]
    link = data / rel
    target = outside / {"county": COUNTY, "township": f"{COUNTY}/{TOWNSHIP}", "village": VILLAGE_DIR,
                        "year file": f"{VILLAGE_DIR}/pledges/2024.yml"}.get(what, rel)
    if link.exists():
        link.rename(tmp_path / "moved-away")
    link.symlink_to(target)
    result = check_tree(data, TODAY)
    refused(result, "GK113", link, f"“{link.name}”", "链接")
    tree = result.tree
    assert (len(tree.counties), len(tree.townships), len(tree.villages), len(tree.villages[0].pledges)) == counts


def test_dangling_link_is_refused(tmp_path):
    data = write_tree(tmp_path)
    link = data / VILLAGE_DIR / "pledges" / "2023.yml"
    link.symlink_to("/nonexistent/2023.yml")
    refused(check_tree(data, TODAY), "GK113", link)


@pytest.mark.parametrize("name", sorted(SITE_FOLDERS))
def test_county_folder_cannot_take_a_folder_of_the_site(tmp_path, name):
    data = write_tree(tmp_path)
    folder = rename(data, COUNTY, name)
    result = check_tree(data, TODAY)
    refused(result, "GK216", folder / "county.yml", f"“{name}”")
    assert result.tree.counties == []


@pytest.mark.parametrize("name", sorted(AREA_FOLDERS))
@pytest.mark.parametrize("level", ["township", "village", "record"])
def test_township_village_or_record_cannot_take_a_folder_of_the_site(tmp_path, level, name):
    if level == "record":
        data = write_tree(tmp_path, pledges=PLEDGES.replace("- id: p-2024-01", f"- id: {name}"))
        where = data / VILLAGE_DIR / "pledges" / "2024.yml"
    else:
        data = write_tree(tmp_path)
        where = rename(data, LEVELS[level], name) / f"{level}.yml"
    refused(check_tree(data, TODAY), "GK216", where, f"“{name}”")


def test_the_reserved_names_are_the_folders_the_site_writes(tmp_path):
    """Whatever the build writes beside the counties, townships, villages and records is reserved."""
    project = tiny_project(tmp_path / "project")
    data = project / "villages"
    shutil.copytree(data / COUNTY, data / "xinye")  # two counties: the page over all counties appears too
    site = tmp_path / "site"
    done = mkdocs_build(project, site)
    assert done.returncode == 0, done.stdout + done.stderr
    result = check_tree(data, TODAY)
    pages = {p.stem if p.suffix == ".md" else p.name for p in (project / "content").iterdir()}
    top = {p.name for p in site.iterdir() if p.is_dir()} - {c.slug for c in result.tree.counties}
    assert top <= SITE_FOLDERS | pages, top - SITE_FOLDERS - pages
    for area in [*result.tree.counties, *result.tree.townships, *result.tree.villages]:
        own = {a.slug for a in getattr(area, "townships", None) or getattr(area, "villages", None) or []}
        own |= {r.id for r in (area.records() if hasattr(area, "records") else [])}
        made = {p.name for p in (site / area.url).iterdir() if p.is_dir()} - own
        assert made <= AREA_FOLDERS, (area.url, made - AREA_FOLDERS)


def test_county_folder_cannot_take_a_reserved_page_name(tmp_path):
    data = write_tree(tmp_path)
    folder = rename(data, COUNTY, "guide")
    assert check_tree(data, TODAY).ok  # the checker alone does not know the hand-written pages
    refused(check_tree(data, TODAY, reserved={"guide"}), "GK216", folder / "county.yml")


# -- through MkDocs: the build stops before it touches the site folder -------------------------


def _break_folder(data: Path, name: str) -> Path:
    return rename(data, LEVELS["township"], name)


def _break_county_as_page(data: Path, name: str) -> Path:
    # the county would take the place of a hand-written page (content/guide/, content/siyi-liangkai.md)
    return rename(data, COUNTY, name) / "county.yml"


def _break_link(data: Path, name: str) -> Path:
    link = data / COUNTY / TOWNSHIP / name
    link.symlink_to(data.parent / "elsewhere" / VILLAGE_DIR)
    write_tree(data.parent / "elsewhere")
    return link


def _break_id(data: Path, name: str) -> Path:
    path = data / VILLAGE_DIR / "pledges" / "2024.yml"
    path.write_text(PLEDGES.replace("- id: p-2024-01", f'- id: "{name}"'), encoding="utf-8")
    return path


@pytest.mark.parametrize("breaker, name, code", [
    (_break_folder, "Nan-He-Dian", "GK211"),
    (_break_folder, ".nanhedian", "GK211"),
    (_break_county_as_page, "guide", "GK216"),
    (_break_link, "baizhuang", "GK113"),
    (_break_id, "../../../../index", "GK211"),
])
def test_build_names_the_path_and_writes_nothing(tmp_path, breaker, name, code):
    project = tiny_project(tmp_path / "project")
    data = project / "villages"
    where = breaker(data, name)
    done, site = build_over_last_site(project, tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    line = next((l for l in out.splitlines() if code in l), "")
    assert where.relative_to(project).as_posix() in line and HAN.search(line), out[-3000:]
    assert last_site_kept(site)
