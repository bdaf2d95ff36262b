"""Shared fixtures: the repository, a copy of it to break, and the sample site built once."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Deadlines ("overdue") are measured against the build date: fix it so tests are reproducible.
BUILD_DATE = "2026-11-22"
# Where the sample is published in the tests (gongkai build --site-url): QR codes, feeds and the
# sitemap carry full addresses; a strict build without one is refused (test_address.py).
SITE_URL = "https://cunwu.example.org/"


def env(**extra: str) -> dict[str, str]:
    """The environment of a build in the tests; an extra value of None leaves that variable out."""
    out = {**os.environ, "GONGKAI_BUILD_DATE": BUILD_DATE, "NO_MKDOCS_2_WARNING": "1", "GONGKAI_SITE_URL": SITE_URL, **extra}
    return {k: v for k, v in out.items() if v is not None}


def copy_project(dest: Path) -> Path:
    """A throwaway copy of what a build reads: mkdocs.yml, content/, villages/ and hooks/."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copytree(REPO / "villages", dest / "villages")
    shutil.copytree(REPO / "hooks", dest / "hooks")
    return dest


def mkdocs_build(project: Path, site: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "-f", str(project / "mkdocs.yml"), "-d", str(site), *flags],
        cwd=project, env=env(), capture_output=True, text=True, timeout=600,
    )


LAST_GOOD_SITE = "last good site"


def build_over_last_site(project: Path, tmp: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """Build into a folder that holds the last good site: a refused build must leave it alone."""
    site = tmp / "published"
    site.mkdir()
    (site / "index.html").write_text(LAST_GOOD_SITE)
    return mkdocs_build(project, site), site


def last_site_kept(site: Path) -> bool:
    return sorted(p.name for p in site.iterdir()) == ["index.html"] and (site / "index.html").read_text() == LAST_GOOD_SITE


@contextmanager
def mkdocs_serve(project: Path, log: Path | None = None, **extra: str):
    """`mkdocs serve` of a project on a free port; yields its address (ending in /) once it answers.
    `log`: where its messages go; `extra`: environment variables."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = open(log, "w", encoding="utf-8") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
        cwd=project, env=env(**extra), stdout=subprocess.DEVNULL, stderr=out,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base, timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "mkdocs serve did not come up"
                time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log:
            out.close()


def gongkai(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "gongkai"), *args], cwd=cwd, env=env(), capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The shipped sample data built once, strictly, into a temporary folder."""
    site = tmp_path_factory.mktemp("site")
    done = mkdocs_build(REPO, site, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    return site


@pytest.fixture(scope="session")
def site_url(sample_site):
    """The built sample site served on 127.0.0.1, stopped at the end of the run."""
    from browserkit import serve

    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium under Playwright, launched once for all browser tests."""
    from browserkit import chromium

    with chromium() as b:
        yield b
