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
    assert len(cells) == 20
    (villages, records, entries, _, pages, check, check_warm, build, build_cpu, warm, hugo, hugo_ratio, peak, site, files,
     photos, photo_mb, index, index_gz, rebuild) = cells
    assert int(records.replace(",", "")) > 2 * 5 * 5  # five years of four record kinds for two villages
    assert int(pages.replace(",", "")) > int(records.replace(",", ""))  # a page per record, and more
    for figure in (check, check_warm, build, build_cpu, warm, rebuild):
        assert re.fullmatch(r"\d+\.\d", figure) and float(figure) > 0, cells
    # the build's CPU time counts its processes' children: a small build is mostly CPU, never a tiny part of it
    assert float(build_cpu) >= 0.5 * float(build), cells
    assert int(peak.replace(",", "")) > 20 and float(index_gz) < float(index)
    # the site as published, in bytes and in files and folders, beside what the hosts take
    assert int(files.replace(",", "")) > int(pages.replace(",", ""))
    assert re.search(r"2 村：网站 \d+ MB（GitHub Pages 上限 1,000 MB 的 \d+%；其中照片 [\d,]+ 张 [\d.]+ MB），"
                     r"[\d,]+ 个文件和文件夹（GitLab Pages 上限 200,000 个的 \d+%）", done.stdout)
    # one pilot village of the two photographs its last year's notices and vouchers: published, and counted
    assert int(photos) > 0 and 0 < float(photo_mb) < float(site), cells
    # Hugo, Debian's package, on the same data in the same run (make test installs it)
    assert re.fullmatch(r"\d+\.\d", hugo) and float(hugo) > 0 and float(hugo_ratio) > 0, cells
