"""What gongkai makes of the shipped sample stays byte for byte what it was: every village board,
record page, 督办单, feed, open-data file and kiosk page of the sample site has the digest recorded
in tests/sample-site.sha256. A change of code that is not meant to change the site (a refactoring,
a speed-up) keeps it; one that is meant to writes the new digests:

    .venv/bin/python tests/test_sample_unchanged.py

and the diff of that file shows which pages changed. Pages MkDocs renders with the theme (the
hand-written pages, county and township pages) are left out: they change with every edit of the
navigation. The kiosk's build version, a hash that includes gongkai's own code, is blanked.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

DIGESTS = Path(__file__).with_name("sample-site.sha256")
VERSION = re.compile(rb'(data-version="|"version": ")[0-9a-f]{16}"')


def ours(rel: str) -> bool:
    """Whether a file of the site is gongkai's own, made from the data without the theme."""
    parts = rel.split("/")
    if parts[0] in ("assets", "schema") or rel in ("search/index.json", "sitemap.xml"):  # with the hand-written pages
        return False
    return parts[0] in ("kiosk", "search") or len(parts) >= 4 or rel.endswith(("feed.xml", ".zip", ".json"))


def digests(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and ours(rel):
            out[rel] = hashlib.sha256(VERSION.sub(rb"\1-\"", path.read_bytes())).hexdigest()
    return out


def read(text: str) -> dict[str, str]:
    return {rel: digest for digest, rel in (line.split("  ", 1) for line in text.splitlines() if line)}


def test_the_sample_site_is_what_it_was(sample_site):
    recorded = read(DIGESTS.read_text(encoding="utf-8"))
    now = digests(sample_site)
    assert len(recorded) > 1000  # every board, record page and kiosk page of the sample
    changed = sorted(rel for rel in recorded.keys() & now.keys() if recorded[rel] != now[rel])
    gone = sorted(recorded.keys() - now.keys())
    new = sorted(now.keys() - recorded.keys())
    assert not (changed or gone or new), (
        f"the sample site changed: {len(changed)} files differ ({changed[:10]}), {len(gone)} are gone ({gone[:5]}), "
        f"{len(new)} are new ({new[:5]}). If the change is meant, run .venv/bin/python tests/test_sample_unchanged.py")


if __name__ == "__main__":  # build the sample as the tests do and record its digests
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import REPO, mkdocs_build

    with tempfile.TemporaryDirectory() as tmp:
        done = mkdocs_build(REPO, Path(tmp) / "site", "--strict")
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)
        found = digests(Path(tmp) / "site")
    DIGESTS.write_text("".join(f"{d}  {rel}\n" for rel, d in found.items()), encoding="utf-8")
    print(f"{len(found)} digests written to {DIGESTS}")
