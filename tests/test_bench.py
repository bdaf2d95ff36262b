"""`make bench` measures what it says: a generated county is checked, built and rebuilt in `mkdocs serve`."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, env


def test_bench_prints_a_row_of_figures_per_size():
    done = subprocess.run([sys.executable, str(REPO / "tools" / "bench.py"), "--sizes", "2", "--repeat", "1"],
                          cwd=REPO, env=env(), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "机器：" in done.stdout and "个 CPU 核" in done.stdout
    row = next(line for line in done.stdout.splitlines()[::-1] if line.startswith("| 2 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 15
    villages, records, entries, _, pages, check, check_warm, build, build_cpu, warm, peak, site, index, index_gz, rebuild = cells
    assert int(records.replace(",", "")) > 2 * 5 * 5  # five years of four record kinds for two villages
    assert int(pages.replace(",", "")) > int(records.replace(",", ""))  # a page per record, and more
    for figure in (check, check_warm, build, build_cpu, warm, rebuild):
        assert re.fullmatch(r"\d+\.\d", figure) and float(figure) > 0, cells
    # the build's CPU time counts its processes' children: a small build is mostly CPU, never a tiny part of it
    assert float(build_cpu) >= 0.5 * float(build), cells
    assert int(peak.replace(",", "")) > 20 and float(index_gz) < float(index)
