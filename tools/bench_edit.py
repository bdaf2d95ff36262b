#!/usr/bin/env python3
"""The commands that edit a clerk's file, at county scale: `make bench-edit`.

Generates a county (`gongkai sample`, 5 years, a fixed seed), commits it to a git work tree as
what was published, then for one village: corrects a published budget and times `gongkai amend`
(and that `check --since` passes after it), `gongkai new`, and `gongkai fmt --check` of the
village. Medians of --repeat runs; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
TODAY = "2026-11-22"
ENV = {**os.environ, "GONGKAI_BUILD_DATE": TODAY, "NO_MKDOCS_2_WARNING": "1"}


def run(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in ok:
        sys.exit(f"bench-edit: {' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args], cwd=cwd,
                   check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=500, help="县里的村数，默认 500")
    ap.add_argument("--repeat", type=int, default=5, help="每项重复几次，取中位数")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-edit-") as tmp:
        work = Path(tmp)
        run([str(BIN / "gongkai"), "sample", "--counties", "1", "--villages", str(args.villages), "--years", "5",
             "--seed", "1", "--today", TODAY, str(work / "villages")], work)
        git(work, "init", "-q", "-b", "main")
        git(work, "add", "-A")
        git(work, "commit", "-qm", "published")
        vdir = sorted((work / "villages").glob("*/*/*/village.yml"))[0].parent
        village = vdir.relative_to(work).as_posix()
        records = sum(len([ln for ln in f.read_text(encoding="utf-8").splitlines() if ln.startswith("- id:")])
                      for f in vdir.glob("*/*.yml"))
        years = sorted(vdir.glob("decisions/*.yml"))
        target = next(f for f in years if "  budget: " in f.read_text(encoding="utf-8"))
        published = target.read_text(encoding="utf-8")
        line = next(ln for ln in published.splitlines() if ln.startswith("  budget: "))
        amend, new, fmt = [], [], []
        for _ in range(args.repeat):
            target.write_text(published.replace(line, "  budget: 1.00", 1), encoding="utf-8")
            amend.append(run([str(BIN / "gongkai"), "amend", village, "--since", "main", "--reason", "录入错误"], work))
            run([str(BIN / "gongkai"), "check", "--since", "main", village], work)
            target.write_text(published, encoding="utf-8")
            fmt.append(run([str(BIN / "gongkai"), "fmt", "--check", village], work))
            new.append(run([str(BIN / "gongkai"), "new", "pledge", village], work))
            git(work, "checkout", "-q", "--", ".")
            git(work, "clean", "-qfd", "--", "villages")
        print(f"县：{args.villages} 个村 × 5 年；村：{village}（{records} 条记录，{len(list(vdir.glob('*/*.yml')))} 个文件）")
        print(f"gongkai amend（改一个已公开的预算，写更正记录）：中位数 {statistics.median(amend):.2f} 秒"
              f"（{', '.join(f'{t:.2f}' for t in amend)}）")
        print(f"gongkai new pledge：中位数 {statistics.median(new):.2f} 秒")
        print(f"gongkai fmt --check（这个村）：中位数 {statistics.median(fmt):.2f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
