"""`make serve`: the preview rebuilds when a clerk saves a YAML file under villages/."""

from __future__ import annotations

import time
import urllib.request

from conftest import mkdocs_serve


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def test_serve_rebuilds_when_a_village_file_changes(project):
    village_yml = sorted(project.glob("villages/*/*/*/village.yml"))[0]
    rel = village_yml.parent.relative_to(project / "villages").as_posix()
    with mkdocs_serve(project) as base:
        url = f"{base}{rel}/"
        html = _get(url)
        assert html, "mkdocs serve did not serve the village"
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
