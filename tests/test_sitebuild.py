"""`gongkai build` publishes a whole, checked site or leaves the last one exactly as it was."""

from __future__ import annotations

from pathlib import Path

from conftest import gongkai


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_failed_build_leaves_the_last_site_alone(project):
    done = gongkai("build", "--strict", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "网站已生成" in done.stdout
    site = project / "site"
    before = snapshot(site)
    assert "index.html" in before and any(k.endswith("/notice/index.html") for k in before)

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
