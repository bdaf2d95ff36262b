"""`make serve`: the preview rebuilds when a clerk saves a YAML file under villages/."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

from conftest import BIN, env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def test_serve_rebuilds_when_a_village_file_changes(project):
    village_yml = sorted(project.glob("villages/*/*/*/village.yml"))[0]
    rel = village_yml.parent.relative_to(project / "villages").as_posix()
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
        cwd=project, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/{rel}/"
        deadline = time.monotonic() + 120
        html = None
        while time.monotonic() < deadline and not html:
            time.sleep(0.5)
            html = _get(url)
        assert html, "mkdocs serve did not come up"
        assert "为测试改名的村" not in html
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
    finally:
        proc.terminate()
        proc.wait(timeout=30)
