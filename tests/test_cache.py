"""A build reuses what did not change (parsed files, rendered villages) and never shows a stale page.

What a clerk or a county notices: a second build is the same site as the first, only faster; a
changed file changes its village's pages at once; the check reports the same problems from the
cache as without it; a damaged cache costs time, never a wrong page; parallel or not, one site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, copy_project, env
from gongkai import kinds
from gongkai.check.checker import _Builder


def build(project: Path, site: Path, **extra: str) -> tuple[str, dict[str, bytes]]:
    done = subprocess.run([str(BIN / "mkdocs"), "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
                          cwd=project, env=env(**extra), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr, {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def rendered(log: str) -> int:
    """How many villages the build rendered afresh, as its log says."""
    return int(re.search(r"（(\d+) 个村重新生成", log)[1])


@pytest.fixture
def first(tmp_path):
    """The sample project built once with nothing cached (the cache is in the project's .cache/)."""
    project = copy_project(tmp_path / "project")
    log, files = build(project, tmp_path / "cold")
    return project, tmp_path, log, files


def villages(project: Path) -> list[Path]:
    return sorted(p.parent for p in (project / "villages").glob("*/*/*/village.yml"))


def edit(village: Path, kind: str, field: str, added: str) -> None:
    """A clerk's edit: `added` at the end of the first `field` in the village's latest file of `kind`."""
    path = sorted((village / kind).glob("*.yml"))[-1]
    text = path.read_text(encoding="utf-8")
    value = re.search(rf"^\s*{field}: (.+)$", text, re.M)[1]
    path.write_text(text.replace(value, value + added, 1), encoding="utf-8")


def test_a_second_build_is_the_same_site_from_the_cache(first):
    project, tmp, cold_log, cold = first
    assert rendered(cold_log) == len(villages(project)) > 3
    warm_log, warm = build(project, tmp / "warm")
    assert rendered(warm_log) == 0
    assert warm.keys() == cold.keys()
    assert [k for k in cold if warm[k] != cold[k]] == []


def test_a_changed_file_renders_its_village_again_and_only_it(first, tmp_path):
    project, _, _, cold = first
    village = villages(project)[0]
    edit(village, "pledges", "what", "（已更新）")
    log, files = build(project, tmp_path / "site")
    assert rendered(log) == 1
    prefix = village.relative_to(project / "villages").as_posix() + "/"
    assert "（已更新）" in files[prefix + "index.html"].decode()
    changed = {k for k in files if files[k] != cold.get(k)}
    outside = {k for k in changed if not k.startswith(prefix)}
    # beyond the village: the rollups and lists that show it (search, open data, kiosk, sitemap)
    unexpected = [k for k in outside if not (k.startswith(("search/", "data/", "kiosk/")) or "/data/" in k or "/ducha/" in k
                                             or k.count("/") <= 2 or k.endswith(("sitemap.xml", "sitemap.xml.gz")))]
    assert unexpected == []


def test_a_damaged_cache_is_ignored(first, tmp_path):
    project, _, _, cold = first
    entries = [p for p in (project / ".cache" / "gongkai").rglob("*") if p.is_file()]
    assert len(entries) > 10
    for p in entries:
        p.write_bytes(b"not a cache entry")
    log, files = build(project, tmp_path / "site")
    assert rendered(log) == len(villages(project))
    assert files == cold


def test_rebuilding_in_place_reads_the_small_parts_and_ignores_damaged_ones(first):
    """A rebuild into the same folder moves unchanged villages back and reads only their packs'
    small parts (search entries, kiosk page): damaged, a village is rendered again, never left out."""
    project, tmp, _, cold = first
    log, again = build(project, tmp / "cold")
    assert rendered(log) == 0 and again == cold
    small = sorted((project / ".cache" / "gongkai" / "small").iterdir())
    assert len(small) == len(villages(project))
    small[0].write_bytes(b"not a cache entry")
    log, again = build(project, tmp / "cold")
    assert rendered(log) == 1 and again == cold


def test_serial_and_uncached_builds_make_the_same_site(first, tmp_path):
    project, _, _, cold = first
    shutil.rmtree(project / ".cache")
    log, files = build(project, tmp_path / "site", GONGKAI_JOBS="1", GONGKAI_CACHE="off")
    assert rendered(log) == len(villages(project))
    assert files == cold
    assert not (project / ".cache").exists()  # off means off: nothing written either


def test_the_check_reports_the_same_problems_from_the_cache(tmp_path):
    project = copy_project(tmp_path / "project")
    funds = sorted((project / "villages").glob("*/*/*/funds/*.yml"))[0]
    text = funds.read_text(encoding="utf-8")
    funds.write_text(text.replace("published: ", "published: 2024年", 1), encoding="utf-8")

    def check() -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "gongkai"), "check", "villages"], cwd=project, env=env(),
                              capture_output=True, text=True, timeout=300)

    first, second = check(), check()
    assert first.returncode == second.returncode == 1
    assert "GK204" in first.stdout and first.stdout == second.stdout
    assert any((project / ".cache" / "gongkai" / "parsed").iterdir())


def test_a_record_keeps_its_content_and_positions_through_the_cache():
    import pickle

    from gongkai.model import integrity

    path = sorted(Path(__file__).parent.parent.glob("villages/*/*/*/decisions/*.yml"))[0]
    records = _Builder(path.parents[4])._load_list(path, kinds.by_folder("decisions").spec)
    again = pickle.loads(pickle.dumps(records))
    assert records
    for a, b in zip(records, again, strict=True):
        assert type(a) is type(b) and a.spec is b.spec and (a.path, a.line) == (b.path, b.line)
        assert integrity.canonical_value(a) == integrity.canonical_value(b)
        for key in a.spec.fields:
            assert (a.line_of(key), a.col_of(key)) == (b.line_of(key), b.col_of(key))
        if a.resolution is not None:
            assert type(b.resolution) is type(a.resolution) and b.resolution.passed == a.resolution.passed


def test_rebuilding_in_place_gives_the_site_a_fresh_build_gives(first, tmp_path):
    """`mkdocs build` again into the same folder (and every rebuild of `mkdocs serve`): an unchanged
    village's folder is moved back from the last build, a changed one is written afresh."""
    project, tmp, _, cold = first
    log, again = build(project, tmp / "cold")
    assert rendered(log) == 0 and again == cold
    village = villages(project)[-1]
    edit(village, "decisions", "title", "（改）")
    log, edited = build(project, tmp / "cold")
    assert rendered(log) == 1
    _, fresh = build(project, tmp_path / "fresh", GONGKAI_CACHE="off")
    assert edited.keys() == fresh.keys()
    assert [k for k in fresh if edited[k] != fresh[k]] == []
    assert not [p.name for p in tmp.iterdir() if p.name.startswith(".")]  # nothing of the old site is left


def test_parsing_in_parallel_reports_what_one_process_reports(tmp_path):
    """A county's year files are parsed by several processes at once (from PREFETCH_FROM files on):
    the check must say exactly what one process says, errors in several villages included."""
    from gongkai.check.checker import PREFETCH_FROM

    data = tmp_path / "villages"
    done = subprocess.run([str(BIN / "gongkai"), "sample", "--villages", "14", "--years", "5", "--seed", "3",
                           "--today", "2026-11-22", str(data)], env=env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    year_files = sorted(data.glob("*/*/*/*/*.yml"))
    assert len(year_files) > PREFETCH_FROM
    broken = [f for f in year_files if f.parent.name == "funds"][::25][:3]
    for f in broken:
        f.write_text(f.read_text(encoding="utf-8").replace("published: ", "published: 2024年", 1), encoding="utf-8")

    def check(**extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "gongkai"), "check", str(data)], cwd=tmp_path, env=env(**extra),
                              capture_output=True, text=True, timeout=300)

    parallel, cached = check(GONGKAI_JOBS="2"), check(GONGKAI_JOBS="2")
    alone = check(GONGKAI_JOBS="1", GONGKAI_CACHE="off")
    assert parallel.returncode == cached.returncode == alone.returncode == 1
    assert parallel.stdout == cached.stdout == alone.stdout
    assert sorted({line.split(":")[0] for line in alone.stdout.splitlines() if "GK204" in line}) == \
        sorted(f.relative_to(tmp_path).as_posix() for f in broken)
    assert len(list((tmp_path / ".cache" / "gongkai" / "parsed").iterdir())) >= len(year_files)
