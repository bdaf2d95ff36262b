"""`make serve`: the preview rebuilds when a clerk saves a YAML file under villages/, and each
rebuild shows what a fresh build of the same files would."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from conftest import BUILD_DATE, REPO, SITE_URL, copy_project, env, mkdocs_serve
from gongkai.render.words import zh_date


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def _builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count("Building documentation")


# gongkai watches the data folder through the system's file events; GONGKAI_WATCH=polling asks for
# MkDocs' own polling (a folder on a network share sends no events)
@pytest.mark.parametrize("watch", ["", "polling"])
def test_serve_rebuilds_when_a_village_file_changes(project, tmp_path, watch):
    village_yml = sorted(project.glob("villages/*/*/*/village.yml"))[0]
    rel = village_yml.parent.relative_to(project / "villages").as_posix()
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, log, GONGKAI_WATCH=watch) as base:
        url = f"{base}{rel}/"
        html = _get(url)
        assert html, "mkdocs serve did not serve the village"
        assert "为测试改名的村" not in html
        # a preview is at its own address: the QR code on a printed notice opens the preview, not
        # the published site (GONGKAI_SITE_URL is set, as in every test build)
        period = re.search(r'href="(f-[a-z0-9-]+\.html)"', html)[1]
        notice = _get(url + period) or ""
        assert f'<span class="gk-qr-url">{url}{period}</span>' in notice, notice[-2000:]
        assert SITE_URL not in notice
        # a build reads every data file: reading is not a change, so nothing is built again by itself
        time.sleep(3)
        assert _builds(log) == 1, log.read_text(encoding="utf-8")
        content = village_yml.read_text(encoding="utf-8")
        name_line = next(l for l in content.splitlines() if l.startswith("name:"))
        village_yml.write_text(content.replace(name_line, "name: 为测试改名的村", 1), encoding="utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.5)
            html = _get(url) or ""
            if "为测试改名的村" in html:
                break
        assert "为测试改名的村" in html, "the page was not rebuilt after the YAML file changed"
        time.sleep(3)  # one save, one rebuild
        assert _builds(log) == 2, log.read_text(encoding="utf-8")


# What `mkdocs serve` does (mkdocs/commands/serve.py), in one process: the plugin is started for
# "serve", the site built, then built again into the same folder after each edit. A copy of the
# site is kept after each build (site-0, site-1...) to compare with a fresh build of those files.
SERVE_LOOP = r"""
import json, logging, shutil, sys, time
from pathlib import Path
from mkdocs.commands.build import build
logging.basicConfig(level=logging.INFO, format="%(message)s")
from mkdocs.config import load_config

project, site, steps = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])

def config():
    c = load_config(config_file=str(project / "mkdocs.yml"), site_dir=site)
    c.site_url = "http://127.0.0.1:8000/"
    return c

first = config()
first.plugins.on_startup(command=sys.argv[4], dirty=False)
for n, step in enumerate([None, *steps]):
    if step:
        path, old, new = step
        f = project / path
        f.write_text(f.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        # as the dev server does, rebuild once the data folder's watch has seen the save
        from gongkai.adapters.serving import SERVED
        if watch := SERVED.get("observer"):
            for _ in range(200):
                with watch.lock:
                    if str(f) in (watch.changed or ()):
                        break
                time.sleep(0.05)
            else:
                sys.exit(f"the watch never saw {f} saved")
    build(first if n == 0 else config())
    shutil.copytree(site, f"{site}-{n}")
"""


def _serve_loop(project: Path, site: Path, steps: list, command: str = "serve", **extra: str) -> str:
    done = subprocess.run([sys.executable, "-c", SERVE_LOOP, str(project), str(site), json.dumps(steps), command],
                          cwd=project, env=env(**extra), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _edit(project: Path, step) -> None:
    path, old, new = step
    f = project / path
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serve_rebuilds_give_the_site_a_fresh_build_gives(tmp_path):
    """A clerk's edits while `mkdocs serve` runs: after each rebuild the preview is what a fresh
    build of the same files is, byte for byte, though unchanged villages, their 督查 findings,
    townships' open data and the theme's search entries were kept from the rebuild before."""
    project = copy_project(tmp_path / "project")
    villages = sorted(p.parent for p in (project / "villages").glob("*/*/*/village.yml"))
    decisions = sorted((villages[0] / "decisions").glob("*.yml"))[-1]
    title = re.search(r"^\s*title: (.+)$", decisions.read_text(encoding="utf-8"), re.M)[1]
    pledges = sorted((villages[-1] / "pledges").glob("*.yml"))[-1]
    # one still under way and not yet due, whose deadline is written once in the file
    text = pledges.read_text(encoding="utf-8")
    pledge = next(p for p in yaml.safe_load(text) if p["status"] == "进行中" and str(p["deadline"]) > BUILD_DATE
                  and text.count(f"deadline: {p['deadline']}") == 1)
    deadline, falls_due = pledge["deadline"], pledge["made"] + timedelta(days=1)
    township = villages[-1].parent / "township.yml"
    phone = re.search(r"^supervision_phone: (.+)$", township.read_text(encoding="utf-8"), re.M)[1]
    rel = lambda p: p.relative_to(project).as_posix()  # noqa: E731
    steps = [
        (rel(decisions), f"title: {title}", f"title: {title}（改）"),
        # a pledge falls due long ago: its village's, township's and county's 督查 pages change
        (rel(pledges), f"deadline: {deadline}", f"deadline: {falls_due}"),
        (rel(township), f"supervision_phone: {phone}", "supervision_phone: 0000-1234567"),
    ]
    log = _serve_loop(project, tmp_path / "served", steps)
    assert re.findall(r"（(\d+) 个村重新生成", log)[1:3] == ["1", "1"]  # one village, then the other
    fresh_project = copy_project(tmp_path / "fresh-project")
    for n, step in enumerate([None, *steps]):
        if step:
            _edit(fresh_project, step)
        # a fresh build published where the preview is (MkDocs' site_url, as `mkdocs serve` sets it)
        _serve_loop(fresh_project, tmp_path / f"fresh-{n}", [], command="build", GONGKAI_CACHE="off",
                    GONGKAI_SITE_URL=None)
        got, want = _files(tmp_path / f"served-{n}"), _files(tmp_path / f"fresh-{n}-0")
        assert got.keys() == want.keys(), n
        assert [k for k in want if got[k] != want[k]] == [], n
    last = _files(tmp_path / f"served-{len(steps)}")
    # the preview's QR codes and feeds carry the preview's address, never the published one
    board = villages[0].relative_to(project / "villages").as_posix()
    assert f"http://127.0.0.1:8000/{board}/" in last[f"{board}/feed.xml"].decode()
    assert not [k for k, v in last.items() if k.endswith((".html", ".xml")) and SITE_URL.encode() in v]
    where = villages[-1].relative_to(project / "villages")
    assert "0000-1234567" in last[f"kiosk/{where.as_posix()}/index.html"].decode()
    assert f"期限 {zh_date(falls_due)}" in last[f"{where.parent.as_posix()}/ducha/index.html"].decode()


class _DevServer:
    """What gongkai uses of MkDocs' dev server to ask for a rebuild."""

    def __init__(self):
        import threading
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False

    def wanted(self, seconds: float = 3) -> bool:
        with self._rebuild_cond:
            self._rebuild_cond.wait_for(lambda: self._want_rebuild, timeout=seconds)
            wanted, self._want_rebuild = self._want_rebuild, False
            return wanted


def test_the_data_folder_is_watched_for_saves_not_reads(tmp_path, monkeypatch):
    from gongkai.adapters import serving

    folder = tmp_path / "villages"
    (folder / "a" / "pledges").mkdir(parents=True)
    year = folder / "a" / "pledges" / "2024.yml"
    year.write_text("[]\n", encoding="utf-8")
    server = _DevServer()
    monkeypatch.delenv("GONGKAI_WATCH", raising=False)
    assert serving.watch_natively(server, folder)
    try:
        year.read_text(encoding="utf-8")
        assert not server.wanted(1), "reading a file asked for a rebuild"
        year.write_text("[]\n# saved\n", encoding="utf-8")
        assert server.wanted(), "saving a file asked for no rebuild"
        (folder / "a" / "completed").mkdir()  # a folder made after the start is watched too
        time.sleep(0.5)
        server.wanted(0.5)
        (folder / "a" / "completed" / "2025.yml").write_text("[]\n", encoding="utf-8")
        assert server.wanted(), "a file in a new folder asked for no rebuild"
        year.unlink()
        assert server.wanted(), "deleting a file asked for no rebuild"
    finally:
        serving.SERVED.pop("observer").stop()
    # what MkDocs' polling is left to: asked for, or a folder the system cannot watch
    monkeypatch.setenv("GONGKAI_WATCH", "polling")
    assert not serving.watch_natively(_DevServer(), folder)
    monkeypatch.delenv("GONGKAI_WATCH")
    assert not serving.watch_natively(_DevServer(), tmp_path / "missing")
    assert "observer" not in serving.SERVED
    assert not serving.watch_natively(object(), folder)  # not MkDocs 1.6's dev server


def test_a_rebuilds_check_looks_again_only_at_what_the_watch_says_changed(tmp_path, monkeypatch):
    """While serving, the check keeps what it learnt of each file and folder (seen.py) until the
    data folder's watch reports a change at or around it: a saved, new or deleted year file, and a
    photo replaced, each give what a fresh check gives; a file the watch did not report is not even
    looked at (the point: 40,000 stat calls a rebuild at 500 villages)."""
    from datetime import date

    from gongkai.check.checker import check_tree

    monkeypatch.delenv("GONGKAI_CACHE", raising=False)  # records are kept in memory with the cache, as in serve
    data = tmp_path / "villages"
    shutil.copytree(REPO / "villages", data)
    today = date.fromisoformat(BUILD_DATE)
    village = data / "nanzhao" / "yunyang" / "baihang"
    memory: dict = {}

    def served(*changed: Path):
        return check_tree(data, today, memory=memory, jobs=1, changed={str(p) for p in changed})

    def fresh():
        return check_tree(data, today, jobs=1)

    def same(a, b) -> None:
        assert a.diagnostics == b.diagnostics
        assert [(v.url, [(r.id, r.path, getattr(r, "title", None)) for r in v.records()]) for v in a.tree.villages] == \
               [(v.url, [(r.id, r.path, getattr(r, "title", None)) for r in v.records()]) for v in b.tree.villages]

    assert check_tree(data, today, memory=memory, jobs=1, changed=None).ok  # the first: nothing known yet
    # a year file saved
    year = village / "completed" / "2026.yml"
    text = year.read_text(encoding="utf-8")
    title = re.search(r"^\s*title: (.+)$", text, re.M)[1]
    year.write_text(text.replace(f"title: {title}", f"title: {title}（改）", 1), encoding="utf-8")
    got = served(year)
    assert any(getattr(r, "title", "") == f"{title}（改）" for v in got.tree.villages for r in v.records())
    same(got, fresh())
    # a year file made, then deleted
    new = village / "completed" / "2027.yml"
    new.write_text(text.replace("2026-", "2027-"), encoding="utf-8")
    got = served(new)
    assert any(r.path == str(new) for v in got.tree.villages for r in v.records())
    same(got, fresh())
    new.unlink()
    same(served(new), fresh())
    # a photo replaced by a file that is no photo: its record's attachment is refused at once
    photo = sorted((village / "fujian").glob("*.jpg"))[0]
    photo.write_bytes(b"<html>not a photo</html>")
    got = served(photo)
    assert [d for d in got.errors if d.code == "GK903"], got.errors
    same(got, fresh())
    # saved, but not reported: not looked at again (the watch reports every save; this shows it is trusted)
    year.write_text(text, encoding="utf-8")
    assert any(getattr(r, "title", "") == f"{title}（改）" for v in served().tree.villages for r in v.records())
    assert not any(getattr(r, "title", "") == f"{title}（改）" for v in fresh().tree.villages for r in v.records())
