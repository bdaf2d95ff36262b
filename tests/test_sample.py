"""`gongkai sample`: generated data of any size passes the checker, is reproducible and scales.

Also: the pieces it shares with tools/make_sample.py still make the shipped sample byte for byte.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import BIN, BUILD_DATE, REPO, env, gongkai
from gongkai.check.checker import check_tree
from gongkai.adapters.cli import main
from gongkai.adapters.sample import generate

TODAY = date.fromisoformat(BUILD_DATE)
AMOUNT = re.compile(r"^\s*(?:- )?(?:budget|cost|income|expense|opening_balance|closing_balance): (.*)$", re.M)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def made(tmp: Path, counties=1, villages=3, years=2, seed=1, today=TODAY):
    out = tmp / f"s{counties}x{villages}x{years}-{seed}-{today}"
    stats = generate(out, counties, villages, years, seed, today)
    return out, stats, check_tree(out, today)


@pytest.mark.parametrize("counties, villages, years, seed, today", [
    (1, 3, 2, 1, TODAY),
    (2, 4, 3, 2, TODAY),
    (1, 23, 1, 3, date(2026, 2, 14)),  # two townships; the as-of day early in a year
    (1, 5, 5, 4, date(2025, 12, 31)),
])
def test_generated_data_passes_the_checker(tmp_path, counties, villages, years, seed, today):
    out, stats, result = made(tmp_path, counties, villages, years, seed, today)
    assert result.errors == [], [f"{d.path}:{d.line} {d.code} {d.message}" for d in result.errors[:5]]
    # the only warning is the one asked for: a late fund disclosure (GK411)
    assert {d.code for d in result.diagnostics} <= {"GK411"}
    tree = result.tree
    assert (len(tree.counties), len(tree.villages)) == (counties, counties * villages)
    assert (stats.counties, stats.villages) == (counties, counties * villages)
    for county in tree.counties:
        assert county.sample is True and county.code.endswith("000000")
        assert all(10 <= len(t.villages) <= 20 for t in county.townships) or len(county.townships) == 1
        monthly = [v for v in county.villages if v.high_volume]
        assert 1 <= len(monthly) <= max(1, villages // 4)
        for v in monthly:
            assert v.funds and all("Q" not in p.period for p in v.funds)
    for v in tree.villages:
        assert v.code[:9] == v.township.code[:9] and v.code[:6] == v.county.code[:6]
        for p in v.funds:
            assert 5 <= len(p.entries) <= 40, (v.slug, p.id, len(p.entries))
        for c in v.completed:
            assert c.decision is None or v.record(c.decision).passed
        happened = [p.made for p in v.pledges] + [p.published for p in v.funds] + [c.date for c in v.completed]
        happened += [m.date for d in v.decisions for _, m in d.meetings()]
        assert max(happened, default=TODAY) <= today
    text = "\n".join(b.decode("utf-8") for name, b in files(out).items() if name.endswith(".yml"))
    amounts = AMOUNT.findall(text)
    assert amounts and all(re.fullmatch(r"\d+\.\d\d", a) for a in amounts)  # exact yuan and fen, never a float


def test_what_a_county_has_on_purpose(tmp_path):
    """Monthly books, a late village (a warning, not an error), overdue, revised and kept pledges, passed decisions."""
    _, _, result = made(tmp_path, villages=12, years=3, seed=5)
    villages = result.tree.villages
    assert result.ok
    assert [d.code for d in result.diagnostics].count("GK411") >= 1
    pledges = [p for v in villages for p in v.pledges]
    assert any(p.days_overdue(TODAY) > 0 for p in pledges)
    assert any(p.revisions for p in pledges) and any(p.status == "已兑现" for p in pledges)
    decisions = [d for v in villages for d in v.decisions]
    statuses = {d.status(TODAY) for d in decisions}
    assert {"已完成", "未通过"} <= statuses
    assert any(c.decision for v in villages for c in v.completed)
    assert any(d.proposal.merged_consultation for d in decisions)
    # a late village: its last quarter is due but not yet published
    last = {v.slug: max(p.bounds[1] for p in v.funds) for v in villages if not v.high_volume}
    assert min(last.values()) < max(last.values())


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    a = files(made(tmp_path / "a", seed=7)[0])
    b = files(made(tmp_path / "b", seed=7)[0])
    c = files(made(tmp_path / "c", seed=8)[0])
    assert a == b
    assert a != c and a.keys() != c.keys()
    assert all(text.startswith("# 示例数据".encode()) for name, text in a.items() if name.endswith(".yml"))
    photos = [name for name in a if not name.endswith(".yml")]
    assert photos and all(re.fullmatch(r".*/fujian/[a-z0-9-]+\.jpg", name) for name in photos), photos[:3]


def test_record_counts_scale_with_villages_and_years(tmp_path):
    _, small, _ = made(tmp_path, villages=3, years=2)
    _, wide, _ = made(tmp_path, villages=9, years=2)
    _, long, _ = made(tmp_path, villages=3, years=6)
    for kind in ("decisions", "funds", "pledges", "completed", "entries"):
        n, w, ln = getattr(small, kind), getattr(wide, kind), getattr(long, kind)
        assert 2 * n <= w <= 4 * n, (kind, n, w)
        assert 2 * n <= ln <= 5 * n, (kind, n, ln)


def test_cli_writes_checkable_data(tmp_path):
    done = gongkai("sample", "--counties", "2", "--villages", "3", "--years", "2", "--seed", "9", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 个县" in done.stdout and "6 个村" in done.stdout
    assert done.stderr == ""  # progress only for big sizes
    checked = gongkai("check", "out", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "共 0 个错误" in checked.stdout or "检查通过" in checked.stdout
    # the as-of day defaults to the build date: the header says which
    county = next((tmp_path / "out").glob("*/county.yml")).read_text(encoding="utf-8")
    assert f"截至 {BUILD_DATE}" in county.splitlines()[0] and "sample: true" in county


def test_cli_names_a_bad_argument_in_chinese(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.yml").write_text("x: 1\n")
    (tmp_path / "a-file").write_text("x")
    cases = {
        ("--villages", "0", "out"): "--villages 应为 1 到",
        ("--years", "-1", "out"): "--years 应为 1 到",
        ("--counties", "many", "out"): "应为整数，这里是“many”",
        ("--today", "2026/11/22", "out"): "应为日期",
        ("full",): "已存在且不是空的",
        ("a-file",): "不是文件夹",
    }
    for args, words in cases.items():
        try:
            code = main(["sample", *args])
        except SystemExit as e:  # argparse refuses a value its type did not accept
            code = e.code
        assert code == 2, args
        assert words in capsys.readouterr().err, args
    assert (tmp_path / "full" / "keep.yml").read_text() == "x: 1\n"
    assert not (tmp_path / "out").exists()


def test_make_sample_still_makes_the_shipped_sample(tmp_path):
    """tools/make_sample.py builds villages/ from the pieces `gongkai sample` shares: byte for byte."""
    project = tmp_path / "project"
    (project / "tools").mkdir(parents=True)
    shutil.copy(REPO / "tools" / "make_sample.py", project / "tools")
    shutil.copytree(REPO / "content" / "schema", project / "content" / "schema")
    done = subprocess.run([str(BIN / "python"), "tools/make_sample.py"], cwd=project, env=env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert files(project / "villages") == files(REPO / "villages")
