"""`gongkai import funds`: ledgers from Excel, accounting software or the site's own download become
fund periods that pass `gongkai check`; bad rows are named by the row number the spreadsheet shows,
and then nothing is written.

What was written is read back with PyYAML, not with gongkai's loader.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import BUILD_DATE

from gongkai.render import opendata
from gongkai.check.checker import check_tree
from gongkai.adapters.cli import main

QUARTERLY = "nanzhao/nanhedian/longwangmiao"
MONTHLY = "nanzhao/nanhedian/guoying"
LINE = re.compile(r"^(?P<file>.+):(?P<row>[0-9]+): (?P<message>.+)（(?P<hint>[^（]+)）$")
ID_NUMBER = "11010519491231002X"  # the standard's own example, a valid check digit


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    monkeypatch.setenv("GONGKAI_BUILD_DATE", BUILD_DATE)


def periods(vdir: Path) -> dict[str, dict]:
    out = {}
    for f in sorted((vdir / "funds").glob("*.yml")):
        for p in yaml.safe_load(f.read_text(encoding="utf-8")) or []:
            out[p["period"]] = p
    return out


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def county_ledger(site: Path, county: str, dest: Path) -> Path:
    """The ledger a clerk downloads: the county's package, unzipped as a clerk would (a village's own
    data folder has no ledger); its funds-entries.csv holds every village of the county."""
    package = site / county / "data" / f"cunwu-{county}.zip"
    with zipfile.ZipFile(package) as z:
        assert z.testzip() is None, package
        z.extract("funds-entries.csv", dest)
    return dest / "funds-entries.csv"


def village_code(vdir: Path) -> str:
    return str(yaml.safe_load((vdir / "village.yml").read_text(encoding="utf-8"))["code"])


# -- the site's own download comes back unchanged ------------------------------------------------


@pytest.mark.parametrize("rel", [QUARTERLY, MONTHLY])
def test_round_trip_exported_csv_imports_back_to_the_same_ledger(sample_site, project, tmp_path, capsys, rel):
    assert (sample_site / rel / "data" / "funds.csv").is_file()
    assert not (sample_site / rel / "data" / "funds-entries.csv").exists(), "the ledger is in the county's package"
    exported = county_ledger(sample_site, rel.split("/")[0], tmp_path / "download")
    vdir = project / "villages" / rel
    before = periods(vdir)
    first = before[min(before, key=lambda p: (p[:4], p))]
    shutil.rmtree(vdir / "funds")  # the same village, its finance not yet disclosed
    rows = list(csv.DictReader(exported.read_text(encoding="utf-8-sig").splitlines()))
    code = village_code(vdir)
    own = [r for r in rows if r["village_code"] == code]
    assert own and len(own) < len(rows)  # the county's ledger: this village's rows among the others'

    status, out, err = run(capsys, "import", "funds", str(exported), str(vdir),
                           "--opening-balance", f"{money(first['opening_balance'])}")
    assert status == 0, out + err
    assert f"导入 {len(own)} 笔明细，共 {len(before)} 期" in out
    # the other villages' rows are left, and the clerk is told so
    assert f"文件里其他村的 {len(rows) - len(own)} 行明细没有导入" in out and code in out, out
    assert "没有用到的列" not in out  # the package's own columns are all understood
    assert "列了附件（照片），照片没有导入" in out  # the last year's vouchers were photographed
    status, out, _ = run(capsys, "check", str(vdir))
    assert status == 0, out

    after = periods(vdir)
    assert after.keys() == before.keys()
    for key, p in before.items():
        q = after[key]
        assert (q["id"], money(q["opening_balance"]), money(q["closing_balance"])) == \
               (p["id"], money(p["opening_balance"]), money(p["closing_balance"]))
        # photos are not in a spreadsheet: an entry comes back without its attachments, the clerk is told
        assert q["entries"] == [{k: v for k, v in e.items() if k != "attachments"} for e in p["entries"]], key

    site = tmp_path / "again"
    opendata.write_all(site, check_tree(project / "villages", date.fromisoformat(BUILD_DATE)).tree,
                       date.fromisoformat(BUILD_DATE))
    again = county_ledger(site, rel.split("/")[0], tmp_path / "again-download")
    assert without_photos(again) == without_photos(exported)


def without_photos(ledger: Path) -> list[dict]:
    """A ledger's rows without the attachments column (the photos stay where they are)."""
    return [{k: v for k, v in row.items() if k != "attachments"}
            for row in csv.DictReader(ledger.read_text(encoding="utf-8-sig").splitlines())]


def test_existing_periods_are_never_overwritten(sample_site, project, tmp_path, capsys):
    vdir = project / "villages" / QUARTERLY
    was = snapshot(vdir)
    ledger = county_ledger(sample_site, QUARTERLY.split("/")[0], tmp_path)
    code, out, _ = run(capsys, "import", "funds", str(ledger), str(vdir))
    assert code == 1
    assert "已经公开过" in out and "不会覆盖" in out
    assert snapshot(vdir) == was


def test_another_countys_ledger_is_refused_row_by_row(sample_site, project, tmp_path, capsys):
    """A package of the wrong county holds no row of this village: every row is named, nothing written."""
    vdir = project / "villages" / QUARTERLY
    shutil.rmtree(vdir / "funds")
    other = next(p.parent.parent.name for p in sorted(sample_site.glob("*/data/cunwu-*.zip"))
                 if p.parent.parent.name != QUARTERLY.split("/")[0])
    ledger = county_ledger(sample_site, other, tmp_path)
    was = snapshot(vdir)
    code, out, _ = run(capsys, "import", "funds", str(ledger), str(vdir), "--opening-balance", "0.00")
    assert code == 1
    assert f"的村的明细，龙王庙村的代码是 {village_code(vdir)}" in out
    assert "什么都没有写入" in out.splitlines()[-1]
    assert snapshot(vdir) == was


# -- a clerk's spreadsheet ----------------------------------------------------------------------------

ROWS = [  # date, category, summary, income, expense, counterparty, voucher
    (date(2026, 1, 5), "各项收入", "村级组织运转经费（一季度）", "5000.00", None, "南河店镇财政所", "记-001"),
    (date(2026, 2, 10), "各项支出", "保洁员工资（1月）", None, "1200.00", "王某", "记-002"),
    (date(2026, 3, 20), "各项支出", "村部电费", None, "265.94", "国网南召县供电公司", "记-003"),
]
ZH = ["日期", "类别", "摘要", "收入（元）", "支出（元）", "对方单位", "凭证号", "余额"]
EN = ["date", "category", "summary", "income", "expense", "counterparty", "voucher"]


def excel_csv(path: Path) -> Path:
    """What Excel on Chinese Windows saves as “CSV UTF-8”: BOM, 2026/1/5, 5,000.00, a running balance."""
    lines = [",".join(ZH)]
    for d, cat, summary, inc, exp, who, voucher in ROWS:
        inc = f'"{Decimal(inc):,.2f}"' if inc else ""
        lines.append(f"{d.year}/{d.month}/{d.day},{cat},{summary},{inc},{exp or ''},{who},{voucher},1.00")
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def gbk_csv(path: Path) -> Path:
    """Plain “CSV (逗号分隔)” from Excel on Chinese Windows: GBK, here with the export's English names."""
    lines = [",".join(EN)] + [",".join([d.isoformat(), *[x or "" for x in rest]]) for d, *rest in ROWS]
    path.write_bytes("\n".join(lines).encode("gbk"))
    return path


def xlsx(path: Path, rows=ROWS) -> Path:
    """A cash journal as accounting software exports it: a title line above the header, the balance
    brought forward and the period's totals among the entries, dates and amounts as Excel keeps them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["龙王庙村 2026年第一季度 现金日记账"])
    ws.append(ZH)
    ws.append([None, None, "期初余额", None, None, None, None, 10000.0])
    for d, cat, summary, inc, exp, who, voucher in rows:
        number = (lambda x: float(x) if x not in (None, "") and re.fullmatch(r"[0-9.]+", x) else x)
        ws.append([datetime(d.year, d.month, d.day) if isinstance(d, date) else d, cat, summary,
                   number(inc), number(exp), who, voucher, None])
    ws.append([None, None, "本期合计", 5000.0, 1465.94, None, None, 13534.06])
    wb.save(path)
    return path


@pytest.fixture
def village(project) -> Path:
    """A quarterly village whose finance is disclosed up to 2025-Q4: 2026-Q1 is next."""
    vdir = project / "villages" / QUARTERLY
    (vdir / "funds" / "2026.yml").unlink()
    return vdir


@pytest.mark.parametrize("make", [excel_csv, gbk_csv, xlsx], ids=["utf8-bom-zh", "gbk-en", "xlsx"])
def test_spreadsheet_becomes_a_period_that_passes_check(village, tmp_path, capsys, make):
    source = make(tmp_path / ("ledger.xlsx" if make is xlsx else "ledger.csv"))
    last = periods(village)["2025-Q4"]
    code, out, err = run(capsys, "import", "funds", str(source), str(village))
    assert code == 0, out + err
    code, report, _ = run(capsys, "check", str(village))
    assert code == 0, report

    p = periods(village)["2026-Q1"]
    assert p["id"] == "f-2026-q1"
    assert money(p["opening_balance"]) == money(last["closing_balance"])
    assert money(p["closing_balance"]) == money(last["closing_balance"]) + Decimal("5000.00") - Decimal("1465.94")
    assert [(e["date"], e["category"], e["summary"], e.get("income"), e.get("expense"), e["counterparty"], e["voucher"])
            for e in p["entries"]] == [(d, c, s, i and float(i), x and float(x), w, v) for d, c, s, i, x, w, v in ROWS]
    text = (village / "funds" / "2026.yml").read_text(encoding="utf-8")
    assert "      income: 5000.00\n" in text and "      expense: 265.94\n" in text  # exact, as a clerk writes it
    assert text.splitlines()[1].startswith("# yaml-language-server: $schema=")
    if make is not gbk_csv:
        assert "没有用到的列：余额" in out
    if make is xlsx:
        assert "跳过了合计、结转等没有凭证号的行：第 3、7 行" in out


def test_appends_to_an_existing_year_file_keeping_its_text(project, tmp_path, capsys):
    vdir = project / "villages" / QUARTERLY
    f = vdir / "funds" / "2026.yml"
    text = f.read_text(encoding="utf-8")
    kept = text[: text.index("\n- id: f-2026-q3")] + "\n"
    f.write_text(kept, encoding="utf-8")  # 2026-Q3 not yet disclosed
    q3 = [(date(2026, 7, 3), "各项支出", "修补村道", None, "800.00", "某建材店", "记-101")]
    code, out, err = run(capsys, "import", "funds", str(xlsx(tmp_path / "q3.xlsx", q3)), str(vdir), "--period", "2026-Q3")
    assert code == 0, out + err
    new = f.read_text(encoding="utf-8")
    assert new.startswith(kept.rstrip("\n") + "\n\n- id: f-2026-q3\n")
    assert run(capsys, "check", str(vdir))[0] == 0


# -- bad rows ----------------------------------------------------------------------------------------


def test_bad_rows_are_named_by_spreadsheet_row_and_nothing_is_written(village, tmp_path, capsys):
    lines = [
        "日期,类别,摘要,收入（元）,支出（元）,对方单位,凭证号",
        "2026-01-05,各项收入,村级组织运转经费,5000.00,,镇财政所,记-001",  # row 2: good
        "2026-02-30,各项支出,电费,,100.00,供电公司,记-002",  # 3: no such day
        "2026-01-06,收入,租金,300.00,,某公司,记-003",  # 4: not a category
        "2026-01-07,各项支出,办公用品,,12.345,某书店,记-004",  # 5: below a fen
        "2026-01-08,各项支出,保洁,100.00,100.00,王某,记-005",  # 6: both
        "2026-01-09,各项支出,水费,,50.00,自来水公司,",  # 7: no voucher
        "2026-04-02,各项支出,下一季度的,,10.00,某某,记-007",  # 8: outside 2026-Q1
        "2026-01-10,各项支出,重复的凭证,,20.00,某某,记-001",  # 9: voucher used in row 2
        f"2026-01-11,各项支出,补助 {ID_NUMBER},,30.00,某某,记-009",  # 10: personal data
        "",  # an empty line is not a row of data
        "2026-01-12,各项支出,金额写了元,,30元,某某,记-010",  # 12: not an amount
    ]
    source = tmp_path / "bad.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    was = snapshot(village)
    code, out, _ = run(capsys, "import", "funds", str(source), str(village), "--period", "2026-Q1")
    assert code == 1
    problems = [LINE.match(line) for line in out.splitlines()[:-1]]
    assert all(problems), out
    rows = sorted({int(m["row"]) for m in problems})
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10, 12], out
    assert {m["file"] for m in problems} == {str(source)}
    said = {int(m["row"]): m["message"] for m in problems}
    assert "不存在" in said[3] and "各项收入" in out and "两位小数" in said[5] and "要么填收入" in said[6]
    assert "凭证号" in said[7] and "不在 2026-Q1" in said[8] and "第 2 行" in said[9] and "身份证号" in said[10]
    assert ID_NUMBER not in out  # the report must not publish what it found
    assert "什么都没有写入" in out.splitlines()[-1]
    assert snapshot(village) == was


def test_xlsx_rows_are_counted_as_excel_shows_them(village, tmp_path, capsys):
    rows = [*ROWS[:2], ("2026-13-01", "各项支出", "错的日期", None, "1.00", "某某", "记-009"), ROWS[2]]
    was = snapshot(village)
    code, out, _ = run(capsys, "import", "funds", str(xlsx(tmp_path / "bad.xlsx", rows)), str(village))
    assert code == 1
    assert re.search(r"bad\.xlsx:6: .*日期", out), out  # title row 1, header 2, balance brought forward 3, entries from 4
    assert snapshot(village) == was


@pytest.mark.parametrize("lines, args, said", [
    (["日期,类别,摘要,收入（元）,支出（元）", "2026-01-05,各项收入,经费,1.00,"], [], r":1: 表头里没有“凭证号”"),
    ([",".join(EN), "2026-04-05,各项收入,经费,1.00,,某某,记-1"], [], r":2: 上一期是 2025-Q4，接下来应是 2026-Q1"),
    ([",".join(EN), "2026-01-05,各项收入,经费,1.00,,某某,记-1"], ["--period", "2026-01"], r":2: .*按季度"),
    ([",".join(EN), "2026-01-05,各项收入,经费,1.00,,某某,记-1"], ["--opening-balance", "1.00"], r":2: --opening-balance"),
    ([",".join(EN), "2026-01-05,各项收入,经费,1.00,,某某,记-1"], ["--reviewed", "2026-03-01"], r":2: 2026-Q1 到 2026-03-31 结束"),
    ([",".join(EN + ["village_code"]), "2026-01-05,各项收入,经费,1.00,,某某,记-1,411321000001"], [], r":2: 这一行是区划代码"),
])
def test_period_problems_are_explained(village, tmp_path, capsys, lines, args, said):
    source = tmp_path / "ledger.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    was = snapshot(village)
    code, out, _ = run(capsys, "import", "funds", str(source), str(village), *args)
    assert code == 1 and re.search(said, out), out
    assert snapshot(village) == was


def test_usage_errors_exit_2(village, tmp_path, capsys):
    ledger = excel_csv(tmp_path / "ledger.csv")
    assert run(capsys, "import", "pledges", str(ledger), str(village))[0] == 2
    assert run(capsys, "import", "funds", str(tmp_path / "missing.csv"), str(village))[0] == 2
    assert run(capsys, "import", "funds", str(ledger), str(village.parent))[0] == 2
    assert run(capsys, "import", "funds", str(ledger), str(village), "--period", "2026Q1")[0] == 2
    code, _, err = run(capsys, "import", "funds", str(ledger), str(village), "--opening-balance", "1.005")
    assert code == 2 and "两位小数" in err
    (tmp_path / "junk.csv").write_bytes(b"\x81\xff\xfe\x00" * 10)
    code, _, err = run(capsys, "import", "funds", str(tmp_path / "junk.csv"), str(village))
    assert code == 2, err


def test_text_that_looks_like_a_formula_is_exported_as_text_and_imported_back():
    from gongkai.adapters import importer
    from gongkai.render import opendata

    for text in ("=HYPERLINK(\"http://x\",\"点我\")", "+1", "-其他", "@SUM(A1)"):
        exported = opendata.cell(text)
        assert exported == "'" + text  # Excel shows it, never runs it
        assert importer.cell_text(exported, "string") == text
    assert opendata.cell("修路") == "修路" and importer.cell_text("'引号开头", "string") == "'引号开头"
