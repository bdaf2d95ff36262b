"""`gongkai deploy SITE DEST`: a county's site on its own server, switched in one step.

Many counties host on a machine of their own (mainland hosting, no foreign host): nginx serves
`DEST/current`, a symbolic link to one of `DEST/releases/<build>/`. A deploy copies the built site
into a new release beside the others, under a name no reader can reach, renames it into place
when it is whole, and only then points `current` at it, by renaming a new link over the old one:
nginx follows the link anew on each request, so a reader gets the last release or the new one,
never half of either. The last releases are kept (3 by default) and `--rollback` points `current`
back at the one before, in the same one step.

What nginx needs is written too:
- beside every text file its gzip copy (`gzip_static on`): compressed once here, not per request;
  a file that is the same as in the current release shares its bytes and its copy with it (hard
  links), so a deploy that changed one village writes one village's files;
- the hashed files of the release before are carried over (a page that a browser still holds
  asks for the stylesheet it was built with);
- `DEST/headers.conf`: the site's Content-Security-Policy as a header (every inline script the
  theme's pages carry, by hash, gathered from the pages' own policies), which nginx.conf includes.

The nginx configuration is `gongkai nginx-conf DEST` (nginx/site.conf of this package, filled in).
Nothing here imports MkDocs.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from gongkai.render import csp

NGINX_TEMPLATE = Path(__file__).parent / "nginx" / "site.conf"
CURRENT = "current"
RELEASES = "releases"
HEADERS = "headers.conf"
KEEP = 3
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".map", ".webmanifest", ".ico"}
SMALLEST = 200  # bytes: smaller files are sent as they are
HASHED = re.compile(r"\.[0-9a-f]{8}\.(?:min\.)?(?:css|js)(?:\.map)?$")  # what nginx.conf caches for a year
_POLICY = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


class DeployError(Exception):
    """Why a deploy was refused, in words for the person running it; nothing was changed."""


@dataclass(frozen=True)
class Deployed:
    release: str
    files: int
    shared: int  # files hard-linked from the release before (unchanged)
    removed: list[str]  # releases deleted (more than `keep`)
    policy_changed: bool  # headers.conf changed: nginx must reload it


def releases(dest: Path) -> list[str]:
    """The releases under DEST, oldest first (their names start with the time they were made)."""
    folder = dest / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def current(dest: Path) -> str | None:
    """The release DEST/current points at, or None."""
    link = dest / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def release_name(site: Path, now: float | None = None) -> str:
    """<UTC time>-<build>: the build's own id (kiosk/version.json) after the time, so names sort by age."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
    try:
        build = json.loads((site / "kiosk" / "version.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        build = "site"
    build = re.sub(r"[^0-9A-Za-z]", "", str(build))[:16] or "site"
    return f"{stamp}-{build}"


def deploy(site: Path, dest: Path, keep: int = KEEP, now: float | None = None) -> Deployed:
    """Publish SITE as a new release of DEST and switch DEST/current to it. Raises DeployError
    (nothing changed) when SITE is not a built site or DEST cannot take it."""
    site, dest = site.resolve(), dest.resolve()
    if not (site / "index.html").is_file():
        raise DeployError(f"{site} 不是生成好的网站（里面没有 index.html）：先运行 gongkai build")
    if keep < 2:
        raise DeployError("--keep 至少是 2：要留着上一个版本，才能回退")
    if dest == site or dest in site.parents or site in dest.parents:
        raise DeployError(f"发布目录 {dest} 和网站 {site} 不能互相包含")
    (dest / RELEASES).mkdir(parents=True, exist_ok=True)
    name = release_name(site, now)
    while (dest / RELEASES / name).exists():  # two deploys within a second
        name = release_name(site, (now or time.time()) + 1)
        now = (now or time.time()) + 1
    before = current(dest)
    previous = dest / RELEASES / before if before else None
    staging = dest / RELEASES / f".incoming-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        files, shared = _copy(site, staging, previous)
        if previous is not None:
            _carry_hashed(previous, staging)
        policy = site_policy(staging)
        os.replace(staging, dest / RELEASES / name)  # whole, under its own name
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    changed = _write_headers(dest, policy)
    _point(dest, name)
    removed = _prune(dest, keep)
    return Deployed(name, files, shared, removed, changed)


def rollback(dest: Path, to: str | None = None) -> str:
    """Point DEST/current at the release before it (or at `to`); the release it points at now."""
    dest = dest.resolve()
    names = releases(dest)
    now = current(dest)
    if to is not None:
        if to not in names:
            raise DeployError(f"{dest} 里没有版本“{to}”（有：{'、'.join(names) or '一个也没有'}）")
        target = to
    else:
        if now not in names or names.index(now) == 0:
            raise DeployError(f"{dest} 里没有比现在的版本（{now or '无'}）更早的版本可以回退")
        target = names[names.index(now) - 1]
    _point(dest, target)
    return target


def _point(dest: Path, name: str) -> None:
    """DEST/current -> releases/<name>, by renaming a new link over the old: one step for a reader."""
    fresh = dest / f".{CURRENT}-{os.getpid()}"
    fresh.unlink(missing_ok=True)
    os.symlink(f"{RELEASES}/{name}", fresh)
    os.replace(fresh, dest / CURRENT)


def _prune(dest: Path, keep: int) -> list[str]:
    names = releases(dest)
    now = current(dest)
    old = [n for n in names[:-keep] if n != now]
    for n in old:
        shutil.rmtree(dest / RELEASES / n, ignore_errors=True)
    for stale in (dest / RELEASES).glob(".incoming-*"):  # a deploy that was killed
        if stale.is_dir() and time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    return old


def _same(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return False
    if sa.st_size != sb.st_size:
        return False
    if (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev):
        return True
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def _copy(site: Path, staging: Path, previous: Path | None) -> tuple[int, int]:
    """Copy the site into `staging` with a gzip copy beside each text file; a file the same as in
    `previous` is linked to it (its gzip copy too). (files copied or linked, of them linked)"""
    files = shared = 0
    for root, dirs, names in os.walk(site):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(root, site)
        out = staging / rel
        out.mkdir(parents=True, exist_ok=True)
        for n in names:
            if n.startswith(".") or n.endswith(".gz") and Path(root, n[:-3]).is_file():
                continue  # a copy a former deploy made; made again here
            src, dst = Path(root, n), out / n
            old = previous / rel / n if previous is not None else None
            files += 1
            if old is not None and _same(src, old):
                os.link(old, dst)
                if (old_gz := old.with_name(n + ".gz")).is_file():
                    os.link(old_gz, dst.with_name(n + ".gz"))
                shared += 1
                continue
            shutil.copyfile(src, dst)
            if dst.suffix in COMPRESSED and dst.stat().st_size >= SMALLEST:
                data = dst.read_bytes()
                # mtime 0: the same file gives the same copy; nginx checks nothing of it
                dst.with_name(n + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return files, shared


def _carry_hashed(previous: Path, staging: Path) -> None:
    """Hashed files of the release before that this one does not have: a page built before asks for them."""
    for path in previous.rglob("*"):
        rel = path.relative_to(previous)
        base = path.name[:-3] if path.name.endswith(".gz") else path.name
        if path.is_file() and HASHED.search(base) and not (staging / rel).exists():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, staging / rel)


def site_policy(site: Path) -> str:
    """The site's Content-Security-Policy for a header (csp.py): a header cannot vary by page, so it
    allows every inline script any of the theme's pages allows by hash, gathered from the pages'
    own policies; each page's <meta> policy applies as well, and still allows only its own."""
    hashes: set[str] = set()
    found = False
    for page in site.rglob("*.html"):
        with open(page, "rb") as f:
            head = f.read(4096)
        m = _POLICY.search(head)
        if m:
            found = True
            hashes.update(h.decode("ascii") for h in re.findall(rb"'sha256-[A-Za-z0-9+/=]+'", m[1]))
    if not found:
        raise DeployError(f"{site} 的页面里没有内容安全策略（Content-Security-Policy）：不是 gongkai 生成的网站？")
    return csp.header_policy(hashes)


def headers_conf(policy: str) -> str:
    return ("# gongkai deploy: the site's own headers, included by every location of nginx.conf\n"
            f'add_header Content-Security-Policy "{policy}" always;\n'
            'add_header X-Content-Type-Options "nosniff" always;\n'
            'add_header Referrer-Policy "same-origin" always;\n')


def _write_headers(dest: Path, policy: str) -> bool:
    """DEST/headers.conf for the new release; True when it changed. A policy that changed allows
    the scripts of the release before too until nginx reloads (it reads the file at reload only)."""
    target = dest / HEADERS
    text = headers_conf(policy)
    try:
        old = target.read_text(encoding="utf-8")
    except OSError:
        old = None
    if old == text:
        return False
    fresh = target.with_name(f".{HEADERS}.{os.getpid()}")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, target)
    return old is not None


def nginx_conf(dest: Path, server_name: str = "_", listen: str = "80") -> str:
    """The nginx server block that serves DEST/current (nginx/site.conf filled in)."""
    dest = dest.resolve()
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    return (text.replace("@LISTEN@", listen).replace("@SERVER_NAME@", server_name)
            .replace("@ROOT@", str(dest / CURRENT)).replace("@HEADERS@", str(dest / HEADERS)).replace("@DEST@", str(dest)))
