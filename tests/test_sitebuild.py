"""`gongkai build` publishes a whole, checked site or leaves the last one exactly as it was."""

from __future__ import annotations

import gc
import multiprocessing
import re
import time
from pathlib import Path

import pytest

from conftest import SITE_URL, gongkai


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_failed_build_leaves_the_last_site_alone(project):
    done = gongkai("build", "--strict", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "网站已生成" in done.stdout
    site = project / "site"
    before = snapshot(site)
    # the whole site: the home page, and the villages' record pages, each with its printable notice
    notices = [k for k, v in before.items()
               if re.fullmatch(r"(?:[a-z0-9-]+/){3}d-\d{4}-\d{2}\.html", k) and b'<section class="gk-sheet"' in v]
    assert "index.html" in before and len(notices) > 10, sorted(before)[:20]

    # strict mode aborts only after MkDocs has written every page: here the broken link is such a warning
    (project / "content" / "extra.md").write_text("# 新页面\n\n[坏链接](no-such-page.md)\n", encoding="utf-8")
    done = gongkai("build", "--strict", cwd=project)
    assert done.returncode != 0
    assert "网站没有更新" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(site) == before
    assert not list(project.glob(".site.*")), "a failed build must not leave its half-built folder behind"

    # a data error stops the build before anything is written
    (project / "content" / "extra.md").unlink()
    pledges = sorted((project / "villages").glob("*/*/*/pledges/*.yml"))[0]
    pledges.write_text(pledges.read_text(encoding="utf-8").replace("  made: ", "  made: 2024年", 1), encoding="utf-8")
    done = gongkai("build", cwd=project)
    assert done.returncode != 0 and "GK204" in done.stderr
    assert snapshot(site) == before


def test_a_build_failing_while_the_villages_are_made_stops_them(project, monkeypatch):
    # The villages' pages are made in other processes while MkDocs renders the theme's pages. When
    # one of those fails, the build stops them: nothing goes on writing into the abandoned folder,
    # and a long-lived process (mkdocs serve) keeps no idle processes. MkDocs runs here, in this
    # process, so that its children can be seen.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    (project / "hooks" / "broken.py").write_text(
        "def on_page_markdown(markdown, page, **kwargs):\n"
        "    raise RuntimeError('a broken hook')\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - hooks/broken.py\n", 1),
                      encoding="utf-8")
    monkeypatch.setenv("GONGKAI_BUILD_DATE", "2026-11-22")
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    monkeypatch.setenv("GONGKAI_SITE_URL", SITE_URL)  # as every build has one
    site = project / "site"
    try:
        with pytest.raises(RuntimeError, match="a broken hook"):
            build(load_config(str(config), site_dir=str(site)))
    finally:
        gc.unfreeze()  # the build froze what it had read (mkdocs_plugin.on_pre_build): this process goes on
    assert multiprocessing.active_children() == [], "the processes making villages were left running"
    written = sorted(site.rglob("*"))
    time.sleep(1)
    assert sorted(site.rglob("*")) == written, "village pages were written after the build failed"


def test_build_replaces_the_site_when_it_succeeds(project):
    site = project / "site"
    site.mkdir()
    (site / "stale.html").write_text("旧文件", encoding="utf-8")
    done = gongkai("build", cwd=project)
    assert done.returncode == 0, done.stderr
    assert not (site / "stale.html").exists() and (site / "index.html").is_file()
    assert not list(project.glob(".site.*"))


def test_build_without_a_config_says_so(tmp_path):
    done = gongkai("build", cwd=tmp_path)
    assert done.returncode == 2 and "mkdocs.yml" in done.stderr and "Traceback" not in done.stderr
