"""The data as it was published: a data folder exported from a git ref (main, or a PR's base).

`gongkai check --since REF` compares against it; the checker itself never runs git.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path


class PublishedError(Exception):
    """Git could not give the published data; the message is Chinese and says why."""


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=300)
    except FileNotFoundError:
        raise PublishedError("找不到 git 命令：--since 需要 git") from None


def export(data_root: Path, ref: str, dest: Path, parts: list[str] | None = None) -> Path:
    """Write `data_root` as it is at `ref` under `dest`; returns the exported data folder
    (empty when the ref has no such folder yet: nothing of it was published). `parts`: only these
    files and folders of it (paths inside `data_root`; those the ref does not have are left out)."""
    data_root = data_root.resolve()
    top = _git(data_root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise PublishedError(f"{data_root} 不在 git 仓库里，无法和 {ref} 比较")
    toplevel = Path(top.stdout.decode().strip()).resolve()
    rel = data_root.relative_to(toplevel).as_posix()
    if _git(toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise PublishedError(f"git 里没有“{ref}”这个分支或提交（在拉取请求里，先 git fetch 目标分支）")
    out = dest / rel
    out.mkdir(parents=True, exist_ok=True)
    listed = _git(toplevel, "ls-tree", "-d", "--name-only", ref, "--", rel)
    if not listed.stdout.strip():
        return out
    paths = [rel]
    if parts is not None:
        wanted = [part if rel == "." else f"{rel}/{part}" for part in parts]
        found = _git(toplevel, "ls-tree", "--name-only", ref, "--", *wanted).stdout.decode().splitlines()
        paths = [w for w in wanted if w in found]
        if not paths:
            return out
    archive = _git(toplevel, "archive", "--format=tar", ref, "--", *paths)
    if archive.returncode != 0:
        raise PublishedError(f"无法从 git 取出 {ref} 的 {rel}：{archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")  # "data": no links or paths out of dest
    return out
