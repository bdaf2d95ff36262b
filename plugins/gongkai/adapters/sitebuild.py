"""`gongkai build`: a whole, checked site or none at all.

MkDocs writes into the site folder as it goes, and strict mode only aborts after every page is
written, so a failed `mkdocs build` can leave half a new site over the old one. Here MkDocs
builds into a fresh folder beside the site; the site is replaced only when that build succeeded,
by two renames. MkDocs runs as a separate process: the core never imports it.

`build_shards` builds each county as a site of its own and the portal over them, as parallel
MkDocs processes, and puts them together (shard.py): a province is too big for one build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import yaml

from gongkai.render import folders, shard
from gongkai.render.address import SITE_URL_ENV
from gongkai.config import ONLY_ENV, PORTAL_ENV


def build(config_file: Path, site_dir: Path, strict: bool = False, only: str | None = None, portal: bool = False,
          quiet: bool = False, site_url: str | None = None) -> int:
    """Build the site into `site_dir`, leaving it untouched when the build fails; MkDocs' exit status.
    `only`: one county folder as a site of its own; `portal`: the portal over the counties (shard.py).
    `quiet`: MkDocs' log is printed only when the build fails (builds running side by side).
    `site_url`: where the site (a county's own site: the site of all counties) is published (address.py)."""
    site_dir = site_dir.resolve()
    fresh = folders.fresh_beside(site_dir, "building")
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config_file), "--site-dir", str(fresh)]
    if strict:
        command.append("--strict")
    env = {k: v for k, v in os.environ.items() if k not in (ONLY_ENV, PORTAL_ENV)}
    env.update({ONLY_ENV: only} if only else {PORTAL_ENV: "1"} if portal else {})
    if site_url:
        env[SITE_URL_ENV] = site_url
    done = subprocess.run(command, env=env, capture_output=quiet, text=quiet)
    if done.returncode != 0:
        if quiet:
            print(done.stdout + done.stderr, end="", file=sys.stderr)
        shutil.rmtree(fresh, ignore_errors=True)
        kept = f"{site_dir} 保持上一次的内容" if site_dir.exists() else f"没有生成 {site_dir}"
        print(f"gongkai build: 构建失败，网站没有更新：{kept}。", file=sys.stderr)
        return done.returncode
    folders.swap_in(fresh, site_dir)
    if not quiet:
        files = sum(1 for p in site_dir.rglob("*") if p.is_file())
        print(f"gongkai build: 网站已生成到 {site_dir}（{files} 个文件）")
    return 0


class _TagsIgnored(yaml.SafeLoader):
    """mkdocs.yml may hold MkDocs' own tags (!ENV, !!python/name:...): read past them."""


_TagsIgnored.add_multi_constructor("", lambda loader, suffix, node: None)


def plugin_options(config_file: Path) -> dict:
    """The options of the gongkai plugin in `config_file` ({} when it has none or cannot be read)."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TagsIgnored) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        config = {}
    plugins = config.get("plugins") if isinstance(config, dict) else None
    if isinstance(plugins, dict):  # MkDocs also takes the plugins as a mapping
        plugins = [{name: options} for name, options in plugins.items()]
    for plugin in plugins if isinstance(plugins, list) else []:
        if isinstance(plugin, dict) and isinstance(plugin.get("gongkai"), dict):
            return plugin["gongkai"]
    return {}


def data_dir(config_file: Path) -> Path:
    """The data folder the gongkai plugin of `config_file` reads (its `data_dir`, villages by default)."""
    return config_file.resolve().parent / str(plugin_options(config_file).get("data_dir") or "villages")


def build_shards(config_file: Path, site_dir: Path, strict: bool = False, jobs: int | None = None,
                 site_url: str | None = None) -> int:
    """Every county as a site of its own and the portal, `jobs` MkDocs processes at a time, put
    together into `site_dir` (the portal at the top, each county in `<county>/`). `site_dir` is
    replaced only when every build succeeded. Progress is printed as each build ends."""
    counties = shard.county_folders(data_dir(config_file))
    if not counties:
        print(f"gongkai build --shards: {data_dir(config_file)} 里没有县文件夹（有 county.yml 的文件夹）", file=sys.stderr)
        return 2
    site_dir = site_dir.resolve()
    work = site_dir.with_name(f".{site_dir.name}.shards-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    parts = [*counties, shard.PORTAL_FOLDER]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(parts)))
    print(f"gongkai build --shards: {len(counties)} 个县和总站，同时构建 {jobs} 个", flush=True)
    start = time.monotonic()

    def one(name: str) -> tuple[str, int, float]:
        began = time.monotonic()
        portal = name == shard.PORTAL_FOLDER
        status = build(config_file, work / name, strict, only=None if portal else name, portal=portal, quiet=True,
                       site_url=site_url)
        return name, status, time.monotonic() - began

    failed = []
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:  # each thread waits for its MkDocs process
            for n, future in enumerate(as_completed([pool.submit(one, name) for name in parts]), 1):
                name, status, seconds = future.result()
                what = "总站" if name == shard.PORTAL_FOLDER else name
                print(f"[{n}/{len(parts)}] {what}：{'完成' if status == 0 else '失败'}（{seconds:.1f} 秒）", flush=True)
                if status != 0:
                    failed.append(what)
        if failed:
            kept = f"{site_dir} 保持上一次的内容" if site_dir.exists() else f"没有生成 {site_dir}"
            print(f"gongkai build --shards: {'、'.join(failed)} 构建失败，网站没有更新：{kept}。", file=sys.stderr)
            return 1
        try:
            files = shard.assemble(work / shard.PORTAL_FOLDER, {c: work / c for c in counties}, site_dir)
        except shard.ShardError as e:
            print(f"gongkai build --shards: {e}", file=sys.stderr)
            return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"gongkai build --shards: 网站已生成到 {site_dir}（总站和 {len(counties)} 个县，{files} 个文件，"
          f"共 {time.monotonic() - start:.1f} 秒）")
    return 0


class OldSite:
    """The last build's files, set aside when a build starts (MkDocs would delete them): a village
    whose pages did not change is moved back whole, the rest is deleted while the build goes on.

    For a county, emptying the site folder and writing it again are 50,000 files each way and
    seconds on the disk. Moving the old entries aside is a rename each; moving an unchanged
    village's folder back is one more. Nothing is set aside when the folder cannot be renamed into
    (another disk): MkDocs then empties it as usual.
    """

    def __init__(self, site_dir: str | Path):
        self.site_dir = Path(site_dir)
        self.trash = self.site_dir.with_name(f".{self.site_dir.name}.trash-{os.getpid()}")
        self.deleting: threading.Thread | None = None
        try:
            shutil.rmtree(self.trash, ignore_errors=True)
            self.trash.mkdir(parents=True)
            for entry in self.site_dir.iterdir() if self.site_dir.is_dir() else ():
                entry.rename(self.trash / entry.name)
        except OSError:
            pass  # whatever was not moved is still in site_dir, where MkDocs deletes it

    def take(self, folder: str) -> bool:
        """Move the old site's `folder` (a path inside the site) back into place; False when it has none."""
        old, new = self.trash / folder, self.site_dir / folder
        if not old.is_dir() or new.exists():
            return False
        try:
            new.parent.mkdir(parents=True, exist_ok=True)
            old.rename(new)
        except OSError:
            return False
        return True

    def discard(self) -> None:
        """Delete what was not taken back, in a thread: call finish() before the build ends."""
        if self.deleting is None:
            self.deleting = threading.Thread(target=shutil.rmtree, args=(self.trash,), kwargs={"ignore_errors": True},
                                             name="gongkai-old-site", daemon=True)
            self.deleting.start()

    def finish(self) -> None:
        self.discard()
        self.deleting.join()
