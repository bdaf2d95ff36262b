"""`gongkai build`: a whole, checked site or none at all.

MkDocs writes into the site folder as it goes, and strict mode only aborts after every page is
written, so a failed `mkdocs build` can leave half a new site over the old one. Here MkDocs
builds into a fresh folder beside the site; the site is replaced only when that build succeeded,
by two renames. MkDocs runs as a separate process: the core never imports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def build(config_file: Path, site_dir: Path, strict: bool = False) -> int:
    """Build the site into `site_dir`, leaving it untouched when the build fails; MkDocs' exit status."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config_file), "--site-dir", str(fresh)]
    if strict:
        command.append("--strict")
    done = subprocess.run(command)
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        kept = f"{site_dir} 保持上一次的内容" if site_dir.exists() else f"没有生成 {site_dir}"
        print(f"gongkai build: 构建失败，网站没有更新：{kept}。", file=sys.stderr)
        return done.returncode
    if site_dir.exists():
        site_dir.rename(old)
    fresh.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    files = sum(1 for p in site_dir.rglob("*") if p.is_file())
    print(f"gongkai build: 网站已生成到 {site_dir}（{files} 个文件）")
    return 0
