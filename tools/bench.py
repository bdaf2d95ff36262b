#!/usr/bin/env python3
"""Benchmarks at county scale: `make bench` (or `.venv/bin/python tools/bench.py --sizes 50,300`).

For each size it generates a county with `gongkai sample` (5 years, a fixed seed) and measures,
as medians of --repeat runs: `gongkai check`, a full build of the county as it is published (its
own site, with its address: `GONGKAI_ONLY`, `GONGKAI_SITE_URL`; seconds and peak memory), the
site's bytes and files and folders against what GitHub Pages and GitLab Pages take, its search
index, a rebuild in `mkdocs serve` after one village file changes, and Hugo (Debian's package) on
the same volume of data in the same run (tools/hugo_site.py): the yardstick of the cold build.
Timings on a shared machine are noisy: compare medians, and ratios between sizes and to Hugo.

With --write the figures and the machine go into content/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = "2026-11-22"
COUNTY = "gaole"  # the folder `gongkai sample --counties 1` makes: built as the site of its own it is published as
ENV = {**os.environ, "GONGKAI_BUILD_DATE": TODAY, "NO_MKDOCS_2_WARNING": "1", "GONGKAI_ONLY": COUNTY,
       "GONGKAI_SITE_URL": "https://cunwu.example.gov.cn/"}
GITHUB_PAGES_BYTES = 1_000_000_000  # "Published GitHub Pages sites may be no larger than 1 GB"
GITLAB_PAGES_FILES = 200_000  # GitLab Pages' limit on a site's files
HUGO = shutil.which("hugo")


def run(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of a command that must succeed. Peak RSS is
    GNU time's (the biggest of its processes); CPU is user + system time of it and every process
    it started: with two cores, a build can take no less than half of it."""
    timed = ["/usr/bin/time", "-f", "%e %M", *cmd] if Path("/usr/bin/time").exists() else cmd
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(timed, cwd=cwd, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    last = done.stderr.strip().splitlines()[-1] if timed is not cmd else ""
    m = re.fullmatch(r"([\d.]+) (\d+)", last)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return wall, (int(m[2]) // 1024 if m else 0), cpu


def project(data: Path, dest: Path) -> Path:
    """A copy of the project whose villages/ is `data`."""
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "hooks", dest / "hooks")
    shutil.copytree(data, dest / "villages")
    return dest


def serve_rebuild(proj: Path, repeat: int) -> list[float]:
    """Seconds from saving one village file to `mkdocs serve` having rebuilt (its "Reloading browsers")."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=proj, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[tuple[float, str]] = []
    seen = threading.Condition()

    def read():
        for line in proc.stderr:
            with seen:
                lines.append((time.perf_counter(), line))
                seen.notify_all()

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str, after: int, timeout: float = 3600) -> tuple[float, int]:
        with seen:
            ok = seen.wait_for(lambda: any(text in l for _, l in lines[after:]) or proc.poll() is not None, timeout)
            hits = [(t, i) for i, (t, l) in enumerate(lines) if i >= after and text in l]
            if not ok or not hits:
                sys.exit(f"bench: mkdocs serve never said “{text}”:\n" + "".join(l for _, l in lines[-20:]))
            return hits[0]

    try:
        _, i = wait_for("Serving on", 0)
        target = sorted(proj.glob("villages/*/*/*/pledges/*.yml"))[0]
        out = []
        for n in range(repeat):
            time.sleep(1.0)
            with seen:
                mark = len(lines)
            start = time.perf_counter()
            with open(target, "a", encoding="utf-8") as f:
                f.write(f"# bench {n}\n")
            t, i = wait_for("Reloading browsers", mark)
            out.append(t - start)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def set_aside(path: Path, trash: Path) -> None:
    """Move a site or cache out of the way before a cold run; the bench deletes it when it ends.

    Deleting tens of thousands of files just before a build slows the build's own file creation
    on some disks: ext4 without a journal (this machine's) skips, one by one, every inode freed in
    the last one to six minutes when it allocates a new one. A cold build right after
    `rm -rf site .cache` spent about 40 s in the kernel instead of about 10 s. A build on a CI
    runner or a clerk's computer follows no such deletion; a rename is one system call."""
    if path.exists():
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")


def site_size(site: Path) -> tuple[int, int, int, int]:
    """(bytes of all files, files and folders, photos and scans, their bytes) of a built site, as a
    Pages host counts them. A photo is its full image and its thumbnail (a village's fujian/)."""
    size = entries = photos = photo_bytes = 0
    for root, dirs, files in os.walk(site):
        entries += len(dirs) + len(files)
        sizes = [os.path.getsize(os.path.join(root, f)) for f in files]
        size += sum(sizes)
        if os.path.basename(root) == "fujian":
            photos += sum(1 for f in files if not f.endswith("-s.webp"))
            photo_bytes += sum(sizes)
    return size, entries, photos, photo_bytes


def hugo_build(data: Path, work: Path, repeat: int) -> float | None:
    """Median seconds of a cold `hugo` build of the same data (tools/hugo_site.py); None without Hugo."""
    if HUGO is None:
        return None
    source = work / f"hugo-{data.name}"
    subprocess.run([sys.executable, str(ROOT / "tools" / "hugo_site.py"), str(data), str(source)], check=True,
                   capture_output=True)
    times = []
    for n in range(repeat):
        out = source / f"public-{n}"
        times.append(run([HUGO, "--quiet", "--source", str(source), "--destination", str(out)], source)[0])
        set_aside(out, work / "trash")
        set_aside(source / "resources", work / "trash")  # its encoded photos: every run cold, as ours
    return statistics.median(times)


def measure(villages: int, years: int, repeat: int, work: Path, rebuild: bool, photos: int | None = None) -> dict:
    data = work / f"data-{villages}"
    subprocess.run([str(BIN / "gongkai"), "sample", "--counties", "1", "--villages", str(villages), "--years",
                    str(years), "--seed", "1", "--today", TODAY, *(["--photos", str(photos)] if photos is not None else []),
                    str(data)], env=ENV, check=True, capture_output=True)
    hugo = hugo_build(data, work, repeat)
    files = list(data.rglob("*.yml"))
    size = sum(f.stat().st_size for f in files)
    proj = project(data, work / f"project-{villages}")
    cache = proj / ".cache" / "gongkai"  # parsed files and rendered villages, by content (gongkai/load/cache.py)
    check_cold, check_warm, builds, warm = [], [], [], []
    trash = work / "trash"
    for _ in range(repeat):
        set_aside(cache, trash)
        check_cold.append(run([str(BIN / "gongkai"), "check", "villages"], proj)[0])
        check_warm.append(run([str(BIN / "gongkai"), "check", "villages"], proj)[0])
    for _ in range(repeat):
        set_aside(proj / "site", trash)
        set_aside(cache, trash)
        builds.append(run([str(BIN / "mkdocs"), "build", "-q"], proj))  # cold: nothing cached
        warm.append(run([str(BIN / "mkdocs"), "build", "-q"], proj))  # warm: nothing changed
    site = proj / "site"
    pages = sum(1 for _ in site.rglob("*.html"))
    site_bytes, entries_on_disk, photos, photo_bytes = site_size(site)
    index = b"".join(p.read_bytes() for p in sorted((site / "search").rglob("*.json")))  # index.json and the townships' pieces
    sys.path.insert(0, str(ROOT / "plugins"))
    from gongkai.check.checker import check_tree
    from datetime import date

    tree = check_tree(proj / "villages", date.fromisoformat(TODAY)).tree
    records = sum(1 for v in tree.villages for _ in v.records())
    entries = sum(len(p.entries or []) for v in tree.villages for p in v.funds)
    return dict(
        villages=villages, records=records, entries=entries, yaml_mb=size / 1e6, pages=pages,
        check_s=statistics.median(check_cold), check_warm_s=statistics.median(check_warm),
        build_s=statistics.median(b[0] for b in builds), build_cpu_s=statistics.median(b[2] for b in builds),
        peak_mb=max(b[1] for b in builds + warm),
        warm_s=statistics.median(b[0] for b in warm), site_mb=site_bytes / 1e6, files=entries_on_disk,
        photos=photos, photo_mb=photo_bytes / 1e6,
        hugo_s=hugo, hugo_ratio=statistics.median(b[0] for b in builds) / hugo if hugo else None,
        index_kb=len(index) / 1e3,
        index_gz_kb=len(gzip.compress(index, 9)) / 1e3,
        rebuild_s=statistics.median(serve_rebuild(proj, repeat)) if rebuild else None,
    )


COLUMNS = [("villages", "村", "{}"), ("records", "记录", "{:,}"), ("entries", "收支明细", "{:,}"), ("yaml_mb", "YAML MB", "{:.1f}"),
           ("pages", "HTML 页", "{:,}"), ("check_s", "check 秒", "{:.1f}"), ("check_warm_s", "check 秒（有缓存）", "{:.1f}"),
           ("build_s", "构建秒（无缓存）", "{:.1f}"),
           ("build_cpu_s", "构建 CPU 秒（无缓存）", "{:.1f}"), ("warm_s", "重建秒（无改动）", "{:.1f}"),
           ("hugo_s", "Hugo 秒", "{:.1f}"), ("hugo_ratio", "构建/Hugo", "{:.2f}"),
           ("peak_mb", "峰值内存 MB", "{:,}"), ("site_mb", "网站 MB", "{:,.0f}"), ("files", "文件和文件夹", "{:,}"),
           ("photos", "照片", "{:,}"), ("photo_mb", "照片 MB", "{:,.1f}"),
           ("index_kb", "搜索索引 KB", "{:,.0f}"),
           ("index_gz_kb", "索引 gzip KB", "{:,.0f}"), ("rebuild_s", "serve 重建秒", "{:.1f}")]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(label for _, label, _ in COLUMNS) + " |"
    rule = "| " + " | ".join("---" for _ in COLUMNS) + " |"
    body = ["| " + " | ".join("—" if r[k] is None else fmt.format(r[k]) for k, _, fmt in COLUMNS) + " |" for r in rows]
    return "\n".join([head, rule, *body])


def pairs(rows: list[dict]) -> list[tuple[dict, dict]]:
    """Each size against the one before, and twice a size against it (600 against 300): linear growth shows."""
    out = list(zip(rows, rows[1:]))
    by_size = {r["villages"]: r for r in rows}
    out += [(by_size[n], by_size[2 * n]) for n in by_size if 2 * n in by_size and (by_size[n], by_size[2 * n]) not in out]
    return out


def hosts(rows: list[dict]) -> list[str]:
    """Each size's site against what the hosts take: GitHub Pages' bytes, GitLab Pages' files."""
    return [f"{r['villages']} 村：网站 {r['site_mb']:,.0f} MB（GitHub Pages 上限 1,000 MB 的 {r['site_mb'] * 1e6 / GITHUB_PAGES_BYTES:.0%}；"
            f"其中照片 {r['photos']:,} 张 {r['photo_mb']:,.1f} MB），"
            f"{r['files']:,} 个文件和文件夹（GitLab Pages 上限 200,000 个的 {r['files'] / GITLAB_PAGES_FILES:.0%}）" for r in rows]


def ratio(before: dict, after: dict) -> str:
    """How cost grows: build and check time against the number of records."""
    return (f"{after['villages']} 村与 {before['villages']} 村之比：记录 {after['records'] / before['records']:.2f} 倍，"
            f"构建 {after['build_s'] / before['build_s']:.2f} 倍，check {after['check_s'] / before['check_s']:.2f} 倍")


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    mem = next((int(l.split()[1]) // 1024 // 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                if l.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return (f"{os.cpu_count()} 个 CPU 核（{cpu}），{mem} GiB 内存，Python {platform.python_version()}，"
            f"{platform.system()} {platform.release()}；开始时负载 {load:.1f}")


EXPLAINED = """\
怎样读这张表：示例数据每个村五年约 80 条记录（决策、财务公开期、承诺、办结事项）、约 530 笔收支明细。\
每个县按它发布的样子生成：一个单独的网站（`gongkai build --only`，带网站地址），每条记录一个网页，\
打印这个网页就是张贴用的公示。一个县 300 个村、五年约 4.2 万条记录（常见的一个县的规模，约 23.7 万笔明细）\
相当于这里的 500 个村；大的县约 700 个村。“serve 重建秒”是 `mkdocs serve` 预览时，保存一个村的文件后到\
网页重新生成完的秒数。“无缓存”是第一次构建：先把 `.cache/gongkai` 和上次生成的网站移开（测完才删：本机的 ext4 没有日志，\
刚删掉几万个文件后的几分钟里新建文件要慢得多，CI 和办事员电脑上的构建前面没有这样的删除）；“有缓存”“无改动”是紧接着\
再来一次，解析过的文件和生成过的村页面按内容取自缓存（见 `plugins/gongkai/load/cache.py`）。构建用满机器的全部 CPU 核\
（`GONGKAI_JOBS` 可改）；“构建 CPU 秒”是第一次构建所有进程用掉的 CPU 时间（用户态加内核态），除以核数就是这台机器上\
构建最快能有多快。“Hugo 秒”是同一份数据变成 Hugo 的内容文件（每个村、每条记录一个页面，`tools/hugo_site.py`）以后，\
Debian 的 Hugo 第一次构建的秒数，在同一次测量里、同一台机器上，紧接在我们的构建之前；“构建/Hugo”是两者之比。\
“网站 MB”和“文件和文件夹”是发布出去的网站：GitHub Pages 不收超过 1 GB 的网站，GitLab Pages 最多 200,000 个文件。\
照片：生成的县里十分之一的村是试点村（`gongkai sample --photos 10`），最后一年张贴的决议公示和每期最大一笔支出的凭证\
各有一张手机照片（1080×1440，带 GPS 等拍照信息）；网站发布的是去掉拍照信息、重新编码的 WebP 和缩略图，\
“照片 MB”两者都算。Hugo 的网站也用它自己的图片处理把同样的照片编成 WebP 和缩略图（每次都不用它上次的结果）。

重新测量：`make bench`（默认 50、100、300、500、700 个村，各测 3 次取中位数），或
`.venv/bin/python tools/bench.py --sizes 50,100 --write` 把结果写回本页。
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,300,500,700", help="每个县的村数，逗号分隔")
    ap.add_argument("--photos", type=int, help="多少个村（百分比）拍了照片，传给 gongkai sample；默认按它的默认值，0 为不要照片")
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3, help="每项重复几次，取中位数")
    ap.add_argument("--no-rebuild", action="store_true", help="不测 mkdocs serve 的重建时间")
    ap.add_argument("--write", action="store_true", help="把结果写进 content/benchmarks.md")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    about = machine()
    print(f"机器：{about}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        for n in sizes:
            print(f"{n} 个村 × {args.years} 年：生成、检查、构建……", flush=True)
            rows.append(measure(n, args.years, args.repeat, Path(tmp), not args.no_rebuild, args.photos))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    print(table(rows))
    for before, after in pairs(rows):
        print(ratio(before, after))
    for line in hosts(rows):
        print(line)
    if HUGO is None:
        print("没有 Hugo：Hugo 秒一栏空着（Debian 的 hugo 软件包：apt-get install hugo）")
    if args.write:
        page = ROOT / "content" / "benchmarks.md"
        page.write_text(
            "# 性能测试\n\n"
            f"`make bench` 在 {TODAY} 的示例数据上测得（每项 {args.repeat} 次取中位数，{args.years} 年数据"
            f"{'' if args.photos is None else f'，{args.photos}% 的村拍了照片'}）。\n\n"
            f"机器：{about}。\n\n{table(rows)}\n\n"
            + "".join(f"- {ratio(b, a)}\n" for b, a in pairs(rows))
            + "\n网站的大小和发布的地方能收下的：\n\n" + "".join(f"- {line}\n" for line in hosts(rows))
            + f"\n{EXPLAINED}",
            encoding="utf-8",
        )
        print(f"已写入 {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
