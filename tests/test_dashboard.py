"""督查: a village that skipped a quarter and a pledge past its deadline appear on their township's
dashboard with the right days late, in the county's counts, on a printable 督办单, and nowhere else."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from browserkit import serve
from conftest import SITE_URL, copy_project, env
from gongkai.check.checker import check_tree
from gongkai.rollup.compliance import village_report
from gongkai.kinds.funds import missing_funds
from gongkai.check.examples import BASE, VILLAGE_DIR, write_tree
from htmltext import parse, text as text_of

TODAY = date(2024, 11, 20)  # Q3 2024 was due on 2024-10-15 (15 days' grace): 36 days late
RESULT = """\
  result_disclosure:
    start: 2024-10-05
    end: 2024-10-11
    summary: 文化广场已建成投用
    cost: 118000.00
"""
Q3 = """\
- id: f-2024-q3
  period: 2024-Q3
  opening_balance: 1200.25
  entries: []
  closing_balance: 1200.25
  reviewed: 2024-10-03
  published: 2024-10-05
"""
KEPT = "  status: 已兑现\n  kept_on: 2024-10-20\n  evidence: 验收单在村委会\n"


def _village(data: Path, folder: str, name: str, code: str, *, funds_q3: bool, pledge_kept: bool) -> None:
    """A copy of the tiny village: up to date or one quarter behind, its pledge kept or still open."""
    src = data / VILLAGE_DIR
    dest = data / folder
    if dest != src:
        shutil.copytree(src, dest)
    (dest / "village.yml").write_text(BASE["village"].replace("龙王庙村", name).replace("411321104201", code), encoding="utf-8")
    (dest / "decisions" / "2024.yml").write_text(BASE["decisions"] + RESULT, encoding="utf-8")
    (dest / "funds" / "2024.yml").write_text(BASE["funds"] + (Q3 if funds_q3 else ""), encoding="utf-8")
    pledges = BASE["pledges"].replace("  status: 进行中\n", KEPT) if pledge_kept else BASE["pledges"]
    (dest / "pledges" / "2024.yml").write_text(pledges, encoding="utf-8")


@pytest.fixture(scope="module")
def tree_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ducha")
    data = write_tree(root)
    _village(data, VILLAGE_DIR, "龙王庙村", "411321104201", funds_q3=False, pledge_kept=True)  # skipped Q3
    _village(data, "nanzhao/nanhedian/beizhuang", "北庄村", "411321104202", funds_q3=True, pledge_kept=False)  # pledge late
    _village(data, "nanzhao/nanhedian/dongwan", "东湾村", "411321104203", funds_q3=True, pledge_kept=True)  # all in order
    township = data / "nanzhao" / "yunyang"  # another township: clean
    shutil.copytree(data / "nanzhao" / "nanhedian", township, ignore=shutil.ignore_patterns("longwangmiao", "beizhuang"))
    (township / "township.yml").write_text(BASE["township"].replace("南河店镇", "云阳镇").replace("411321104000", "411321105000"), encoding="utf-8")
    (township / "dongwan" / "village.yml").write_text(
        BASE["village"].replace("龙王庙村", "西湾村").replace("411321104201", "411321105201"), encoding="utf-8")
    result = check_tree(data, TODAY)
    assert result.ok, result.errors
    return root


@pytest.fixture(scope="module")
def site(tree_root, tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("project"))
    shutil.rmtree(project / "villages")
    shutil.copytree(tree_root / "villages", project / "villages")
    out = tmp_path_factory.mktemp("site")
    done = mkdocs_build_on(project, out)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def mkdocs_build_on(project: Path, out: Path):
    import subprocess
    import sys

    return subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-f", str(project / "mkdocs.yml"),
                           "-d", str(out)], cwd=project, env=env(GONGKAI_BUILD_DATE=TODAY.isoformat()),
                          capture_output=True, text=True, timeout=600)


def test_the_model_finds_the_skipped_quarter_and_the_late_pledge(tree_root):
    tree = check_tree(tree_root / "villages", TODAY).tree
    by_name = {v.name: village_report(v, TODAY) for v in tree.villages}
    assert [(p.kind, p.days_late) for p in by_name["龙王庙村"].problems] == [("财务公开逾期", 36)]
    assert [(p.kind, p.days_late, p.record) for p in by_name["北庄村"].problems] == [("承诺逾期", 20, "p-2024-01")]
    assert by_name["东湾村"].problems == [] and by_name["西湾村"].problems == []
    # a quarter is not late before its grace days are over, and counts every period missed after it
    lwm = next(v for v in tree.villages if v.name == "龙王庙村")
    assert missing_funds(lwm, date(2024, 10, 15)) is None
    later = missing_funds(lwm, date(2025, 4, 16))
    assert later.days_late == 183 and "之后还有 2 期" in later.what  # Q4 2024 and Q1 2025 as well


def test_township_dashboard_lists_both_with_days_late_and_nothing_else(site):
    page = text_of((site / "nanzhao" / "nanhedian" / "ducha" / "index.html").read_text(encoding="utf-8"))
    assert "龙王庙村" in page and "2024年第三季度财务收支没有公开" in page and "逾期 36 天" in page
    assert "北庄村" in page and "修通村东惠民路" in page and "逾期 20 天" in page
    assert len(re.findall(r"逾期 \d+ 天", page)) == 2  # the two problems, and no other
    assert "东湾村" in page and "没有发现问题" in page
    # the late pledge is a link to its record's page, and every link of the page opens a page of the site
    html = (site / "nanzhao" / "nanhedian" / "ducha" / "index.html").read_text(encoding="utf-8")
    where = site / "nanzhao" / "nanhedian" / "ducha"
    opened = {}
    for tag, url, _ in parse(html).links:
        if tag == "a" and "://" not in url and not url.startswith("#"):
            path = (where / url.split("#")[0]).resolve()
            opened[url] = path / "index.html" if path.is_dir() else path
    pledge = (site / "nanzhao" / "nanhedian" / "beizhuang" / "p-2024-01.html").resolve()
    assert pledge.is_file() and pledge in opened.values(), [u for u in opened if "beizhuang" in u]
    assert not [u for u, path in opened.items() if not path.is_file()], "broken links"
    other = text_of((site / "nanzhao" / "yunyang" / "ducha" / "index.html").read_text(encoding="utf-8"))
    assert not re.search(r"逾期 \d+ 天", other) and "西湾村" in other and "龙王庙村" not in other


def test_county_dashboard_rolls_the_counts_up(site):
    html = (site / "nanzhao" / "ducha" / "index.html").read_text(encoding="utf-8")
    page = text_of(html)
    # 合计: 2 of 4 villages have a problem: one late finance disclosure, one late pledge
    assert "合计 2 / 4 1 0 1 0" in " ".join(page.split())
    assert "南河店镇 2 / 3 1 0 1 0" in " ".join(page.split()) and "云阳镇 0 / 1 0 0 0 0" in " ".join(page.split())
    area = text_of((site / "nanzhao" / "nanhedian" / "index.html").read_text(encoding="utf-8"))
    assert "督查" in area


def test_only_villages_with_problems_get_a_duban(site):
    base = site / "nanzhao" / "nanhedian"
    assert (base / "longwangmiao" / "duban" / "index.html").is_file()
    assert (base / "beizhuang" / "duban" / "index.html").is_file()
    assert not (base / "dongwan" / "duban").exists()
    notice = text_of((base / "beizhuang" / "duban" / "index.html").read_text(encoding="utf-8"))
    assert "北庄村党支部、村民委员会" in notice and "已逾期 20 天" in notice and "南河店镇人民政府" in notice
    # not issued yet: a draft, its number and dates left for the township, never the build date's
    assert "督办单草稿" in notice and "今年下一个编号是第 1 号" in notice and "请于＿＿＿＿年＿＿月＿＿日前整改到位" in notice
    assert "2024年12月5日" not in notice
    # its QR code opens the village's board, at the site's address
    from test_shard import qr_codes

    html = (base / "beizhuang" / "duban" / "index.html").read_text(encoding="utf-8")
    assert qr_codes(html) == [SITE_URL + "nanzhao/nanhedian/beizhuang/"]


def test_duban_prints_on_one_a4_page(site, browser):
    from test_notices import A4_AREA, A4_PT, is_size, pdf_pages

    with serve(site) as url:
        context = browser.new_context(viewport={"width": round(A4_AREA[0]), "height": round(A4_AREA[1])})
        page = context.new_page()
        page.goto(url + "nanzhao/nanhedian/longwangmiao/duban/")
        page.emulate_media(media="print")
        boxes = pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
        assert len(boxes) == 1 and is_size(boxes[0], A4_PT), boxes
        qr = page.locator(".gk-qr img.gk-qr-code")
        assert qr.is_visible() and page.locator(".gk-sign").is_visible()
        assert qr.evaluate("img => img.complete && img.naturalWidth > 20")  # the code's image, not a broken one
        assert page.locator(".gk-qr-url").inner_text() == SITE_URL + "nanzhao/nanhedian/longwangmiao/"
        # the screen's note and its link back to the board are not on the paper
        assert page.locator(".gk-print-links").count() == 1 and not page.locator(".gk-print-links").is_visible()
        context.close()
