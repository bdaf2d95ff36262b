"""督办单: a document of record the township issues and the village keeps. Once issued (recorded in
township.yml) its number, date, deadline and list of problems never change, however late the site is
built and whatever the village put right since; a village found late later takes the next number;
the village's 签收 and 整改 reply show on the 督办单 and on the 督查 dashboard."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

from conftest import BIN, BUILD_DATE, copy_project, env
from htmltext import text
from tinytree import DECISION, PLEDGES, TOWNSHIP, tiny_project

LATER = (date.fromisoformat(BUILD_DATE) + timedelta(days=14)).isoformat()  # two weeks on


def build(project: Path, site: Path, day: str) -> Path:
    done = subprocess.run([str(BIN / "mkdocs"), "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
                          cwd=project, env=env(GONGKAI_BUILD_DATE=day), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return site


HUANGHOU = Path("villages/nanzhao/huanghou/township.yml")
ISSUED = """
duban:
  - number: 1
    village: niangniangmiao
    issued: 2026-11-10
    signed: 2026-11-11
    reply:
      date: 2026-11-20
      summary: 已召开村“两委”会议研究，两项承诺年底前兑现，兑现后公示
"""


def test_an_issued_duban_is_the_same_two_weeks_later_and_the_next_late_village_takes_the_next_number(tmp_path):
    project = copy_project(tmp_path / "project")
    # the shipped sample records it (tools/make_sample.py), as a township would
    assert (project / HUANGHOU).read_text(encoding="utf-8").endswith(ISSUED)
    first = build(project, tmp_path / "site-1", BUILD_DATE)
    second = build(project, tmp_path / "site-2", LATER)
    doc = "nanzhao/huanghou/niangniangmiao/duban/2026-1.html"
    assert (first / doc).read_bytes() == (second / doc).read_bytes()
    body = text((first / doc).read_text(encoding="utf-8"))
    assert "皇后乡督〔2026〕1号" in body and "截至2026年11月10日" in body
    assert "请于2026年11月25日前整改到位" in body  # 15 days from the date it was issued
    assert body.count("承诺逾期") == 2
    # how late each pledge was on the day it was issued (deadlines 2024-03-31 and 2026-09-30)
    for deadline in (date(2024, 3, 31), date(2026, 9, 30)):
        assert f"已逾期 {(date(2026, 11, 10) - deadline).days} 天" in body
    assert "2026年11月11日签收" in body and "2026年11月20日回复：已召开村“两委”会议研究" in body
    assert "按 " not in body.split("每一次修改")[0][-30:]  # no build date in its footer
    # the other late village of the township: a draft, with the next number left for the township
    draft = text((first / "nanzhao/huanghou/jiagou/duban/index.html").read_text(encoding="utf-8"))
    assert "草稿" in draft and "今年下一个编号是第 2 号" in draft and re.search(r"皇后乡督〔2026〕\s+号", draft)
    # the supervisor sees where the issued one stands
    board = re.sub(r"\s+", "", text((second / "nanzhao/huanghou/ducha/index.html").read_text(encoding="utf-8")))
    assert "督〔2026〕1号，2026年11月10日签发，限2026年11月25日前整改：已回复整改（2026年11月11日签收）" in board
    assert "整改回复（2026年11月20日）：已召开村“两委”会议研究" in board
    # the sample's other issued one was signed and never answered: past its 15 days, the dashboard says so
    board = re.sub(r"\s+", "", text((first / "nanzhao/nanhedian/ducha/index.html").read_text(encoding="utf-8")))
    assert "督〔2026〕1号，2026年11月2日签发，限2026年11月17日前整改：逾期未回复" in board, board[:3000]


def test_a_duban_lists_what_was_late_the_day_it_was_issued_not_what_was_put_right_since(tmp_path):
    # the pledge was kept on 2024-12-01, after its deadline (2024-10-31) and after the 督办单
    kept = PLEDGES.replace("  status: 进行中", "  status: 已兑现\n  kept_on: 2024-12-01\n  evidence: 路已修通，验收单在村委会")
    township = TOWNSHIP + "duban:\n  - number: 1\n    village: longwangmiao\n    issued: 2024-11-15\n"
    project = tiny_project(tmp_path / "project", pledges=kept, township=township)
    site = build(project, tmp_path / "site", BUILD_DATE)
    body = text((site / "nanzhao/nanhedian/longwangmiao/duban/2024-1.html").read_text(encoding="utf-8"))
    assert "承诺逾期" in body and "修通村东惠民路" in body and "已逾期 15 天" in body
    # today nothing of it is late any more: the board has no draft, only the issued one
    assert not (site / "nanzhao/nanhedian/longwangmiao/duban/index.html").read_text(encoding="utf-8").count("草稿")


def test_a_duban_lists_a_decision_stalled_the_day_it_was_issued_though_it_moved_on_since(tmp_path):
    # 商议 on 2024-03-05, then nothing until the 审议 of 2024-06-20: on 2024-05-15, when the 督办单 was
    # issued, the decision had waited 71 days, longer than the county's 30
    moved_on = DECISION
    for old, new in (("2024-03-10", "2024-06-20"), ("2024-03-15", "2024-06-25"), ("2024-03-16", "2024-06-26"),
                     ("2024-03-22", "2024-07-02")):
        moved_on = moved_on.replace(old, new)
    township = TOWNSHIP + "duban:\n  - number: 1\n    village: longwangmiao\n    issued: 2024-05-15\n"
    project = tiny_project(tmp_path / "project", decisions=moved_on, township=township)
    site = build(project, tmp_path / "site", BUILD_DATE)
    body = text((site / "nanzhao/nanhedian/longwangmiao/duban/2024-1.html").read_text(encoding="utf-8"))
    assert "决策停滞" in body and "“修建文化广场”审议：商议后已过 71 天仍未召开" in body, body[:2000]

