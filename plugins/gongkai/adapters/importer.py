"""`gongkai import funds FILE VILLAGE`: a ledger from a spreadsheet or accounting software becomes fund periods.

Reads .xlsx, or CSV in UTF-8 (with or without a BOM) or GBK (what Excel on Chinese Windows saves),
with the column names in Chinese or English: the site's own funds-entries.csv (opendata.ENTRIES)
imports back unchanged. Every cell goes through the same types as the YAML (kinds/funds.py, ENTRY), so a
date, a category, an amount or a piece of personal data is judged exactly as `gongkai check`
judges it; problems are reported by the row number the spreadsheet shows. Nothing is written
while any row is wrong.

The periods are appended to funds/<year>.yml in the hand-written style of the shipped data
(yamltext), each opening with the closing balance of the period before it. A period the village
has already published is never overwritten. Does not import MkDocs.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from gongkai import kinds
from gongkai.render import opendata
from gongkai.adapters import roundtrip
from gongkai.model import schema
from gongkai.check.checker import _Builder
from gongkai.config import build_date
from gongkai.check.diagnostics import Diagnostic, display_path
from gongkai.load.reader import Node, parse
from gongkai.kinds.funds import ENTRY, FUND_PERIOD, FundPeriod
from gongkai.model.period import Period
from gongkai.adapters.scaffold import _schema_line, _year_files
from gongkai.model.schema import MISSING, Ctx
from gongkai.load.yamltext import Plain, render_list

KINDS = ("funds",)  # what `gongkai import` can import
HEADER_SEARCH = 20  # a title line or two may sit above the column names
# Other names for a column that ledgers exported from accounting software use.
ALIASES = {"凭证字号": "voucher", "凭证编号": "voucher", "往来单位": "counterparty",
           "收入金额": "income", "支出金额": "expense", "记账日期": "date"}
# Lines of a ledger that are no entry: accounting software prints them between the entries.
TOTALS = {"合计", "小计", "总计", "本期合计", "本月合计", "本季合计", "本年累计", "累计", "期初余额", "上年结转",
          "上期结转", "承前页", "过次页", "期末余额"}
NEVER_BARE = {"id"}  # "编号" alone is often a row number, not the period's id: only 财务公开期·编号 counts


class UsageError(Exception):
    """The command line asked for something that cannot be done (exit 2)."""


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet shows it: the header is row 1 when it is the first line
    message: str
    hint: str

    @classmethod
    def of(cls, d: Diagnostic) -> "Problem":
        return cls(d.line, d.message, d.hint)

    def text(self, file: str) -> str:
        return f"{file}:{self.row}: {self.message}（{self.hint}）"


@dataclass
class Imported:
    periods: list[FundPeriod]
    files: list[Path]
    notes: list[str]


# -- reading a spreadsheet --------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, list]]:
    """(row number as the spreadsheet shows it, cells) for every row of the sheet Excel shows on opening."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook  # only an import needs it

        try:
            sheet = load_workbook(path, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
            raise UsageError(f"{path} 不是能读的 .xlsx 文件（{type(exc).__name__}）；在 Excel 里另存为 .xlsx 或 CSV 再试") from None
        return [(n, list(row)) for n, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)]
    text = _decode(path.read_bytes(), path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's “Unicode 文本”
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030 reads all of GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"{path} 的编码既不是 UTF-8 也不是 GBK；在 Excel 里选“另存为”，类型选“CSV UTF-8（逗号分隔）”")


def _norm(name) -> str:
    text = unicodedata.normalize("NFKC", str(name or "")).lower()
    return re.sub(r"[\s*＊]", "", text.removeprefix("\ufeff"))


def _known_columns() -> dict[str, opendata.Column]:
    """Header text -> column: the English name, the Chinese title, the title without its group or unit."""
    known: dict[str, opendata.Column] = {}
    for c in opendata.ENTRIES.columns:
        short = c.title.split("·")[-1]
        names = [c.name, c.title] + ([] if c.name in NEVER_BARE or short == c.title else [short])
        names.append(re.sub(r"（元）$", "", c.title))
        for n in names:
            known.setdefault(_norm(n), c)
    by_name = {c.name: c for c in opendata.ENTRIES.columns}
    for alias, key in ALIASES.items():
        known.setdefault(_norm(alias), by_name[key])
    return known


KNOWN = _known_columns()


def find_header(rows: list[tuple[int, list]]) -> tuple[int, dict[int, opendata.Column], list[str]]:
    """(index of the header row, cell position -> column, names not used) or UsageError."""
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH]):
        found = {pos: KNOWN[_norm(v)] for pos, v in enumerate(cells) if _norm(v) in KNOWN}
        names = [c.name for c in found.values()]
        if len(set(names)) < 3:
            continue
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            same = "、".join(f"“{str(cells[pos]).strip()}”" for pos, c in found.items() if c.name == twice[0])
            raise UsageError(f"第 {rows[i][0]} 行表头里 {same} 是同一列（{twice[0]}），只能留一个")
        unused = [str(v).strip() for pos, v in enumerate(cells) if pos not in found and _norm(v)]
        return i, found, unused
    wanted = "、".join(f"{c.title.split('·')[-1]}（{c.name}）" for c in opendata.ENTRIES.columns[6:])
    raise UsageError(f"前 {HEADER_SEARCH} 行里找不到表头；第一行应是列名，如：{wanted}")


# -- one cell, one row ---------------------------------------------------------------------------


_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_MIDNIGHT = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[ T]0{1,2}:00(:00)?")


def cell_text(value, kind: str) -> str:
    """A cell as the text the schema's type reads: exact amounts, ISO dates, Excel's own formats accepted."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        exact = Decimal(repr(value))
        # a figure computed in Excel (=B2-B3) carries binary noise far below a fen
        if kind == "number" and abs(exact - round(exact, 2)) < Decimal("1e-9"):
            exact = round(exact, 2)
        return format(exact.normalize() if exact == exact.to_integral() else exact, "f")
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in opendata.FORMULA_START:
        value = value[1:]  # text the export marked so that Excel would not run it as a formula
    text = str(value).strip()
    if kind == "number" and _THOUSANDS.fullmatch(text):
        return text.replace(",", "")  # Excel writes a formatted figure into CSV as 1,200.00
    if kind == "date":
        text = (_MIDNIGHT.fullmatch(text) or [None, text])[1]
        m = schema._ZH_DATE.match(unicodedata.normalize("NFKC", text))
        if m:  # 2024/3/5 (Excel on Chinese Windows), 2024年3月5日, 2024.3.5
            try:
                return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                pass  # the date type says what is wrong with it
    if kind == "string" and re.fullmatch(r"[0-9a-zA-Z]{4}-[qQ][1-4]", text):
        return text.upper()  # a period typed in lower case
    return text


@dataclass
class Row:
    number: int
    entry: object  # model.Entry, or None when the row is broken
    period: str | None
    id: str | None
    village_code: str | None
    total: bool = False  # a line of totals or carried balances, not an entry
    photos: bool = False  # the row listed attachments, which are not imported



def read_row(number: int, cells: list, header: dict[int, opendata.Column], path: str,
             problems: list[Problem]) -> Row | None:
    """One data row converted through ENTRY; None when it is empty."""
    values: dict[str, tuple[int, str]] = {}
    photos = False
    for pos, col in header.items():
        text = cell_text(cells[pos] if pos < len(cells) else None, col.type)
        if text and col.type == "array":  # photos (the site's own export): the files are not in the sheet
            photos = photos or text != "[]"
        elif text:
            values[col.name] = (pos + 1, text)
    if not values:
        return None
    if "voucher" not in values and values.get("summary", (0, ""))[1].replace(" ", "") in TOTALS:
        return Row(number, None, None, None, None, total=True)
    diags: list[Diagnostic] = []
    ctx = Ctx(path, diags)

    def node(key: str) -> Node:
        col, text = values[key]
        return Node("scalar", number, col, text)

    entry_keys = ENTRY.fields
    tree = {k: (node(k), node(k)) for k in values if k in entry_keys}
    entry = ENTRY.convert(Node("map", number, 1, tree), ctx)
    head: dict[str, object] = {}
    for key in ("id", "period"):
        if key in values:
            f = FUND_PERIOD.fields[key]
            value = f.type.convert(node(key), ctx, f.label)
            head[key] = None if value is MISSING else value
    problems.extend(Problem.of(d) for d in diags)
    if entry.broken:
        return Row(number, None, head.get("period"), head.get("id"), None)
    if (entry.income is None) == (entry.expense is None):
        both = "都填" if entry.income is not None else "都不填"
        problems.append(Problem(number, f"明细“{entry.summary}”要么填收入，要么填支出，不能{both}", "收入和支出两列只填一列"))
        entry = None
    code = values.get("village_code", (0, None))[1]
    return Row(number, entry, head.get("period"), head.get("id"), code, photos=photos)


# -- the village as it is ----------------------------------------------------------------------------


@dataclass
class Village:
    folder: Path
    name: str
    code: str | None
    monthly: bool
    ids: set[str]
    periods: list[FundPeriod]  # earliest first
    vouchers: dict[tuple[int, str], str] = field(default_factory=dict)  # (year, voucher) -> where it is


def load_village(vdir: Path) -> Village:
    """The village's funds, with gongkai's own reader; a funds file that does not read stops the import."""
    if not (vdir / "village.yml").is_file():
        raise UsageError(f"{vdir} 不是村文件夹（里面没有 village.yml）")
    builder = _Builder(vdir)
    info = builder.load(vdir / "village.yml", schema.VILLAGE)
    records = {kind: [r for f in _year_files(vdir / kind) for r in builder.load_list(f, spec)]
               for kind, spec in kinds.specs().items()}
    broken = [d for d in builder.diags if d.is_error and "/funds/" in Path(d.path).as_posix()]
    if broken or any(p.broken for p in records["funds"]):
        where = display_path(broken[0].path) if broken else "funds/"
        raise UsageError(f"{where} 现在有错误，不能接着导入；先运行 gongkai check {vdir} 改好它")
    periods = sorted((p for p in records["funds"] if p.period), key=lambda p: p.bounds)
    v = Village(vdir, info.name or vdir.name, info.code, bool(info.high_volume),
                {r.id for rs in records.values() for r in rs if r.id}, periods)
    for p in records["funds"]:
        for e in p.entries or []:
            if e.voucher and e.date:
                v.vouchers.setdefault((e.date.year, e.voucher), f"{display_path(p.path)} 第 {e.line_of('voucher')} 行")
    return v


# -- from rows to periods ----------------------------------------------------------------------------


@dataclass
class Options:
    period: str | None = None
    opening_balance: Decimal | None = None
    reviewed: date | None = None
    published: date | None = None


def build_periods(rows: list[Row], village: Village, opts: Options, today: date,
                  problems: list[Problem]) -> list[dict]:
    """The new periods as records to write (dicts in schema order), or [] with the problems said."""
    groups: dict[str, list[Row]] = {}
    seen_vouchers: dict[tuple[int, str], int] = {}
    for row in rows:
        e = row.entry
        if row.village_code and village.code and row.village_code != village.code:
            problems.append(Problem(row.number, f"这一行是区划代码 {row.village_code} 的村的明细，{village.name}的代码是 {village.code}",
                                    "核对文件和村文件夹有没有选错"))
        period = opts.period or row.period or (Period.containing(e.date, village.monthly) if e and e.date else None)
        if opts.period and row.period and row.period != opts.period:
            problems.append(Problem(row.number, f"“期间”一列写的是 {row.period}，命令里的 --period 是 {opts.period}",
                                    "去掉 --period，或改正这一列"))
        if e is None or period is None:
            continue
        first, last = Period(period).bounds
        if not first <= e.date <= last:
            problems.append(Problem(row.number, f"明细日期 {e.date} 不在 {period}（{first} 至 {last}）内",
                                    "把这笔明细放到它所在的期间，或改正日期"))
        key = (e.date.year, e.voucher)
        if key in village.vouchers or key in seen_vouchers:
            where = village.vouchers.get(key) or f"本文件第 {seen_vouchers[key]} 行"
            problems.append(Problem(row.number, f"凭证号 {e.voucher} 在 {e.date.year} 年已用过（{where}）",
                                    "核对凭证号，同一年内每张凭证号不同"))
        seen_vouchers.setdefault(key, row.number)
        groups.setdefault(period, []).append(row)
    last = village.periods[-1] if village.periods else None
    if last is not None and opts.opening_balance is not None and opts.opening_balance != last.closing_balance and groups:
        first = min(groups, key=lambda p: Period(p).bounds)
        problems.append(Problem(groups[first][0].number, f"--opening-balance 是 {opts.opening_balance}，"
                                f"上一期 {last.period} 的期末余额是 {last.closing_balance}",
                                "期初余额取自上一期期末余额：去掉 --opening-balance"))
    previous = last.period if last else None
    opening = last.closing_balance if last else opts.opening_balance
    out = []
    for period in sorted(groups, key=lambda p: Period(p).bounds):
        record = _period(period, groups[period], previous, opening, village, opts, today, problems)
        if record is None:
            return []
        out.append(record)
        village.ids.add(record["id"])
        previous, opening = period, Decimal(record["closing_balance"])
    return [] if problems else out


def _period(period: str, rows: list[Row], previous: str | None, opening: Decimal | None, village: Village,
            opts: Options, today: date, problems: list[Problem]) -> dict | None:
    """One new period from its rows, following `previous` (the period before it) with `opening`."""
    first_row = rows[0].number
    label = Period(period).label

    def refuse(message: str, hint: str) -> None:
        problems.append(Problem(first_row, message, hint))

    if Period(period).monthly != village.monthly:
        want = "按月（如 2024-03）" if village.monthly else "按季度（如 2024-Q1）"
        refuse(f"{village.name}{want}公开财务，这里是 {period}", "按本村的公开周期分期，或去掉 --period 让日期决定")
        return None
    done = next((p for p in village.periods if p.period == period), None)
    if done is not None:
        refuse(f"{label}（{period}）已经公开过（{display_path(done.path)} 第 {done.line} 行），导入不会覆盖它",
               "已公开的期间要更正，请直接改那个文件并写更正记录；要导入新的一期，只放新一期的明细")
        return None
    if previous is not None:
        expected = Period.containing(Period(previous).bounds[1] + timedelta(days=1), village.monthly)
        if expected != period:
            refuse(f"上一期是 {previous}，接下来应是 {expected}，这里是 {period}",
                   "按顺序一期一期导入，中间的期间没有收支也要公开")
            return None
    if opening is None:
        refuse(f"{village.name}还没有财务公开，不知道第一期 {period} 的期初余额", "用 --opening-balance 写明，如 --opening-balance 86000.00")
        return None
    ids = {r.id for r in rows if r.id}
    if len(ids) > 1:
        refuse(f"{period} 的明细写了不同的编号：{'、'.join(sorted(ids))}", "同一期的明细，“财务公开期·编号”一列要相同")
        return None
    record_id = ids.pop() if ids else _free_id(f"f-{period.lower()}", village.ids)
    if record_id in village.ids:
        refuse(f"编号 {record_id} 在{village.name}已经用过", "换一个编号，或去掉“财务公开期·编号”一列让导入自动编号")
        return None
    end = Period(period).bounds[1]
    reviewed, published = opts.reviewed or today, opts.published or today
    if reviewed <= end or published < reviewed:
        refuse(f"{period} 到 {end} 结束；审核日期 {reviewed}、公开日期 {published}",
               "民主理财小组审核要在本期结束以后、公开以前：这一期结束后再导入，或用 --reviewed、--published 写明日期")
        return None
    entries = [_entry(r.entry) for r in rows]
    income = sum((r.entry.income or 0 for r in rows), Decimal("0.00"))
    expense = sum((r.entry.expense or 0 for r in rows), Decimal("0.00"))
    values = {"id": record_id, "period": Plain(period), "opening_balance": _money(opening), "entries": entries,
              "closing_balance": _money(opening + income - expense), "reviewed": reviewed, "published": published}
    return {k: values.get(k) for k in FUND_PERIOD.fields}


def _free_id(wanted: str, ids: set[str]) -> str:
    out, n = wanted, 2
    while out in ids:
        out, n = f"{wanted}-{n}", n + 1
    return out


def _money(value: Decimal) -> Plain:
    # yamltext.Money is for amounts of the sample generators, never negative; a balance may be
    return Plain(f"{value:.2f}")


def _entry(e) -> dict:
    values = {k: getattr(e, k) for k in ENTRY.fields}
    return {k: (_money(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


# -- writing ------------------------------------------------------------------------------------------


def _addition(yfile: Path, records: list[dict], village: Village, source: Path) -> tuple[roundtrip.Document, str]:
    """(the year file as ruamel.yaml holds it, its text with the records added at its end): what is
    there already stays byte for byte."""
    try:
        doc = roundtrip.read(yfile)
        body = render_list(records)
        if not doc.original.strip():
            head = [f"# {village.name} {yfile.stem} 年的财务公开：收支明细由 gongkai import funds 从 {source.name} 导入"]
            line = _schema_line(yfile, village.folder, "funds")
            body = "\n".join(head + ([line] if line else [])) + "\n\n" + body
        return doc, roundtrip.append_text(doc, body)
    except roundtrip.EditError as exc:
        raise UsageError(str(exc)) from None


def _verify(yfile: Path, old_count: int, text: str, records: list[dict]) -> None:
    """The new file must read back as the old records plus these, each converting without a problem."""
    node, diags = parse(text, str(yfile))
    ok = node is not None and not diags and node.kind == "seq" and len(node.value) == old_count + len(records)
    if ok:
        scratch: list[Diagnostic] = []
        converted = [FUND_PERIOD.convert(n, Ctx(str(yfile), scratch)) for n in node.value[old_count:]]
        ok = not scratch and [p.id for p in converted] == [r["id"] for r in records]
    if not ok:
        raise UsageError(f"{yfile} 不是一个能接着往下写的记录列表；先运行 gongkai check 改好它")


def import_funds(source: Path, vdir: Path, opts: Options, today: date) -> tuple[Imported | None, list[Problem]]:
    """Read `source`, check every row, and append the periods to the village's funds files.

    Returns (what was written, []) or (None, the problems): nothing is written when there is one.
    """
    if not source.is_file():
        raise UsageError(f"找不到文件 {source}")
    village = load_village(vdir)
    rows = read_rows(source)
    at, header, unused = find_header(rows)
    header_row = rows[at][0]
    problems: list[Problem] = []
    names = {c.name for c in header.values()}
    for f in ENTRY.fields.values():
        if f.required and f.key not in names:
            problems.append(Problem(header_row, f"表头里没有“{f.label}”（{f.key}）这一列", "每一笔明细都要有这一项，加上这一列"))
    if not names & {"income", "expense"}:
        problems.append(Problem(header_row, "表头里没有“收入（元）”和“支出（元）”", "至少要有其中一列"))
    if problems:
        return None, problems
    read = [read_row(n, cells, header, str(source), problems) for n, cells in rows[at + 1:]]
    totals = [r.number for r in read if r is not None and r.total]
    read = [r for r in read if r is not None and not r.total]
    if not read:
        return None, [Problem(header_row, "表头下面没有明细", "检查是不是选错了文件或工作表")]
    # a county's package holds every village's ledger: this village's rows are taken, the others left
    others = [r for r in read if r.village_code and village.code and r.village_code != village.code]
    if others and len(others) < len(read):
        read = [r for r in read if r not in others]
    records = build_periods(read, village, opts, today, problems)
    if problems:
        return None, sorted(problems, key=lambda p: p.row)
    by_year: dict[Path, list[dict]] = {}
    for rec in records:
        by_year.setdefault(vdir / "funds" / f"{rec['period'][:4]}.yml", []).append(rec)
    additions = {}
    for yfile, recs in by_year.items():
        doc, text = _addition(yfile, recs, village, source)
        _verify(yfile, _count(doc.original, yfile), text, recs)
        additions[yfile] = doc.encoded(text)
    for yfile, data in additions.items():  # only now that every file is known to come out right
        roundtrip.write(yfile, data)
    notes = [f"没有用到的列：{'、'.join(unused)}"] if unused else []
    if totals:
        notes.append(f"跳过了合计、结转等没有凭证号的行：第 {'、'.join(map(str, totals))} 行")
    if others and records:
        notes.append(f"文件里其他村的 {len(others)} 行明细没有导入（只导入区划代码 {village.code} 的{village.name}的明细）")
    photos = [r.number for r in read if r.photos]
    if photos and records:
        notes.append(f"第 {'、'.join(map(str, photos))} 行列了附件（照片），照片没有导入：把照片放进本村的 fujian/ 文件夹，"
                     "再在那笔明细下写 attachments（见文书指南“照片和扫描件”）")
    if not (opts.reviewed and opts.published):
        notes.append(f"审核日期和公开日期先填了 {opts.reviewed or today} 和 {opts.published or today}，不对就改")
    return Imported(records, list(additions), notes), []


def _count(text: str, yfile: Path) -> int:
    node, _ = parse(text, str(yfile)) if text.strip() else (None, [])
    return len(node.value) if node is not None and node.kind == "seq" else 0


# -- the command ----------------------------------------------------------------------------------------


def options(period: str | None, opening_balance: str | None, reviewed: date | None,
            published: date | None) -> Options:
    """The command's options, checked; UsageError says what is wrong."""
    if period is not None:
        period = period.strip().upper()
        if not re.fullmatch(schema.Period.json["pattern"], period):
            raise UsageError(f"--period “{period}”不是期间，按季写 2024-Q3，按月写 2024-03")
    opening = None
    if opening_balance is not None:
        try:
            opening = Decimal(opening_balance.strip())
        except InvalidOperation:
            raise UsageError(f"--opening-balance “{opening_balance}”不是金额，写成 86000.00 这样") from None
        if not opening.is_finite() or opening != round(opening, 2):
            raise UsageError(f"--opening-balance “{opening_balance}”超过两位小数（精确到分）")
    return Options(period, opening, reviewed, published)


def command(kind: str, source: str, village: str, period: str | None = None, opening_balance: str | None = None,
            reviewed: date | None = None, published: date | None = None) -> int:
    """`gongkai import`: returns the exit code (0 written, 1 problems in the file, 2 a usage error)."""
    import sys

    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        print(f"gongkai import: 不能导入“{kind}”，现在只能导入 funds（财务公开的收支明细）"
              + (f"，是不是 {close[0]}？" if close else ""), file=sys.stderr)
        return 2
    try:
        opts = options(period, opening_balance, reviewed, published)
        done, problems = import_funds(Path(source), Path(village), opts, build_date())
    except UsageError as exc:
        print(f"gongkai import: {exc}", file=sys.stderr)
        return 2
    shown = display_path(source)
    if problems:
        for p in problems:
            print(p.text(shown))
        print(f"有 {len(problems)} 个问题，什么都没有写入。改好以后再导入一次。")
        return 1
    count = sum(len(r["entries"]) for r in done.periods)
    print(f"已从 {shown} 导入 {count} 笔明细，共 {len(done.periods)} 期：")
    for r in done.periods:
        print(f"  {r['id']}：{Period(r['period']).label}，{len(r['entries'])} 笔，"
              f"期初 {r['opening_balance']} 元，期末 {r['closing_balance']} 元")
    for f in done.files:
        print(f"  写入 {display_path(f)}")
    for note in done.notes:
        print(f"  {note}")
    print(f"请运行 gongkai check {village} 再检查一遍。")
    return 0
