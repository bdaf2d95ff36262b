"""A county's own server: `gongkai deploy` into releases/ with one-step switches, served by
Debian's real nginx with the configuration gongkai ships (gongkai nginx-conf).

Two real builds of the sample (two build dates: every page differs) are deployed one after the
other while other threads fetch pages, feeds, stylesheets and the kiosk's version file in a loop:
every answer must be a whole file of one release or the other, with the site's policy as a header.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import BIN, REPO, env, gongkai, mkdocs_build
from gongkai.adapters import deploy

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def second_site(tmp_path_factory) -> Path:
    """The sample built for the next day: the same site, every page different (its date)."""
    site = tmp_path_factory.mktemp("site-next-day")
    done = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
                          cwd=REPO, env=env(GONGKAI_BUILD_DATE="2026-11-23"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """Debian's nginx on 127.0.0.1 with gongkai's server block for DEST, in the foreground."""

    def __init__(self, dest: Path, work: Path):
        assert Path(NGINX).exists(), "Debian nginx is not installed: run `make test`, which installs it"
        self.port = _free_port()
        work.mkdir(parents=True, exist_ok=True)
        site_conf = work / "site.conf"
        done = gongkai("nginx-conf", str(dest), "--listen", f"127.0.0.1:{self.port}", "--server-name", "localhost")
        assert done.returncode == 0, done.stderr
        site_conf.write_text(done.stdout, encoding="utf-8")
        temps = "\n".join(f"  {name}_temp_path {work}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""  # the workers must read the test's private folders
        (work / "nginx.conf").write_text(
            f"{user}worker_processes 2;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n"
            f"{temps}\n  include {site_conf};\n}}\n", encoding="utf-8")
        check = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                assert self.proc.poll() is None, self.proc.stderr.read().decode()
                assert time.monotonic() < deadline, "nginx did not come up"
                time.sleep(0.1)

    def get(self, path: str, gzip_ok: bool = True) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", "/" + path, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
            r = conn.getresponse()
            body = r.read()
            headers = {k.lower(): v for k, v in r.getheaders()}
        finally:
            conn.close()
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return r.status, headers, body

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def _paths(site: Path) -> list[str]:
    """What a reader fetches: home, a county, a board, a record page of each kind, a feed, the
    stylesheet, the kiosk's version file, a village's CSV, the county's package."""
    first = sorted((REPO / "villages").glob("*/*/*/village.yml"))[0].parent
    vdir = site / first.relative_to(REPO / "villages")
    records = sorted(p.name for p in vdir.glob("*.html") if p.name != "index.html")
    kinds = {name[0]: name for name in records}
    css = next(site.glob("assets/gongkai/gongkai.*.css")).relative_to(site).as_posix()
    rel = vdir.relative_to(site).as_posix()
    return ["", vdir.parent.parent.relative_to(site).as_posix() + "/", f"{rel}/", *(f"{rel}/{n}" for n in kinds.values()),
            f"{rel}/feed.xml", css, "kiosk/version.json", f"{rel}/data/decisions.csv",
            next(site.glob("*/data/*.zip")).relative_to(site).as_posix()]


def _file(site: Path, path: str) -> bytes:
    target = site / path
    return (target / "index.html" if target.is_dir() else target).read_bytes()


def test_deploying_while_readers_read_serves_whole_releases_with_the_policy(sample_site, second_site, tmp_path):
    dest = tmp_path / "srv"
    first = deploy.deploy(sample_site, dest)
    server = Nginx(dest, tmp_path / "nginx")
    paths = _paths(sample_site)
    sites = (sample_site, second_site)
    expected = {p: {_file(s, p) for s in sites} for p in paths}
    policy = deploy.site_policy(sample_site)
    problems: list[str] = []
    seen: dict[str, set[bytes]] = {p: set() for p in paths}
    fetched = [0]
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for p in paths:
                status, headers, body = server.get(p, gzip_ok=fetched[0] % 2 == 0)
                fetched[0] += 1
                if status != 200:
                    problems.append(f"{p}: {status}")
                elif body not in expected[p]:
                    problems.append(f"{p}: {len(body)} bytes, a file of neither release")
                elif headers.get("content-security-policy") != policy:
                    problems.append(f"{p}: policy {headers.get('content-security-policy')!r}")
                else:
                    seen[p].add(body)

    readers = [threading.Thread(target=read) for _ in range(3)]
    try:
        for t in readers:
            t.start()
        time.sleep(0.5)
        deployed = [first.release]
        for site in (second_site, sample_site, second_site):  # three switches while they read
            deployed.append(deploy.deploy(site, dest).release)
            time.sleep(0.5)
        stop.set()
        for t in readers:
            t.join(timeout=60)
        assert problems == [], problems[:10]
        assert fetched[0] > 200
        # both releases were served, and each answer was one of them whole (the pages that differ)
        differ = [p for p in paths if len(expected[p]) == 2]
        assert len(differ) >= 6, differ
        assert all(len(seen[p]) == 2 for p in differ), {p: len(seen[p]) for p in differ}
        # the last 3 releases are kept, the oldest is gone, current is the newest
        assert deploy.releases(dest) == deployed[1:]
        assert deploy.current(dest) == deployed[-1]
        status, headers, body = server.get(paths[2])
        assert body == _file(second_site, paths[2])
        # rolling back is one command: the release before is served at once
        done = gongkai("rollback", str(dest))
        assert done.returncode == 0, done.stderr
        assert deploy.current(dest) == deployed[-2]
        assert server.get(paths[2])[2] == _file(sample_site, paths[2])
    finally:
        stop.set()
        server.stop()


def test_nginx_sends_gzip_copies_and_caches_by_kind(sample_site, tmp_path):
    dest = tmp_path / "srv"
    deploy.deploy(sample_site, dest)
    server = Nginx(dest, tmp_path / "nginx")
    try:
        paths = _paths(sample_site)
        page, css = paths[2], next(p for p in paths if p.endswith(".css"))
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/" + page, headers={"Accept-Encoding": "gzip"})
        r = conn.getresponse()
        raw = r.read()
        assert r.getheader("Content-Encoding") == "gzip"  # the copy deploy wrote, sent as it is
        release = dest / "current" / page / "index.html"
        assert raw == release.with_name("index.html.gz").read_bytes()
        conn.close()
        _, headers, _ = server.get(page)
        assert headers["cache-control"] == "public, max-age=300"
        assert server.get(css)[1]["cache-control"] == "public, max-age=31536000, immutable"
        assert server.get("kiosk/version.json")[1]["cache-control"] == "no-cache"
        assert "text/html" in headers["content-type"] and "utf-8" in headers["content-type"].lower()
        missing, headers, body = server.get("no/such/page.html")
        assert missing == 404 and "content-security-policy" in headers
        # a folder asked for without its slash gets it, on this host and port
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/" + page.rstrip("/"))
        r = conn.getresponse()
        assert r.status == 301 and r.getheader("Location") == "/" + page
        conn.close()
    finally:
        server.stop()


def test_unchanged_files_are_shared_and_the_old_stylesheet_is_kept(sample_site, second_site, tmp_path):
    dest = tmp_path / "srv"
    a = deploy.deploy(sample_site, dest)
    b = deploy.deploy(second_site, dest)
    one, two = dest / "releases" / a.release, dest / "releases" / b.release
    # the JSON schemas do not depend on the build date: the same file, linked, with its gzip copy
    schema = "schema/decisions.schema.json"
    assert (one / schema).stat().st_ino == (two / schema).stat().st_ino
    assert (two / (schema + ".gz")).is_file() and b.shared > 0
    # a record page changed with the date: its own bytes
    page = next(p.relative_to(one) for p in one.glob("*/*/*/d-*.html"))
    assert (one / page).stat().st_ino != (two / page).stat().st_ino
    # a stylesheet the first release had stays in the next one
    old_css = sorted(p.relative_to(one) for p in one.glob("assets/gongkai/*.css"))
    assert old_css and all((two / p).is_file() for p in old_css)


def test_a_deploy_that_fails_changes_nothing(sample_site, tmp_path, monkeypatch):
    dest = tmp_path / "srv"
    first = deploy.deploy(sample_site, dest)
    real_copy = shutil.copyfile
    calls = [0]

    def breaks(src, dst, *a, **k):
        calls[0] += 1
        if calls[0] > 20:
            raise OSError(28, "No space left on device")
        return real_copy(src, dst, *a, **k)

    bigger = tmp_path / "changed"
    shutil.copytree(sample_site, bigger)
    for p in list(bigger.rglob("*.html"))[:50]:
        p.write_text(p.read_text(encoding="utf-8") + "<!-- -->", encoding="utf-8")
    monkeypatch.setattr(shutil, "copyfile", breaks)  # the disk fills up halfway
    with pytest.raises(OSError):
        deploy.deploy(bigger, dest)
    assert deploy.current(dest) == first.release and deploy.releases(dest) == [first.release]
    assert not list((dest / "releases").glob(".incoming-*"))  # the half-copied release is gone


def test_the_commands_refuse_what_is_not_a_site_or_not_a_release(tmp_path):
    (tmp_path / "notasite").mkdir()
    done = gongkai("deploy", str(tmp_path / "notasite"), str(tmp_path / "srv"))
    assert done.returncode == 2 and "不是生成好的网站" in done.stderr and "什么都没有改动" in done.stderr
    assert not (tmp_path / "srv" / "current").exists()
    done = gongkai("rollback", str(tmp_path / "srv"))
    assert done.returncode == 2 and "没有" in done.stderr
