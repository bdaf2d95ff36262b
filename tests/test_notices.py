"""Printed notices (公示) for the board outside the village office: a record's page printed is its
notice. Checked against the YAML each figure came from, and printed to PDF by real headless
Chromium: one A4 page (A3 on asking) whose QR code, scanned from the printed page, opens the
record's full address, and whose text reads as a notice.

The YAML is read with PyYAML's plain safe_load and amounts in capitals are read back with
tests/daxie.py, so a mistake in gongkai's reading or writing cannot hide itself.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
import zxingcpp

from browserkit import guard_foreign
from conftest import REPO, SITE_URL, env, mkdocs_build
from daxie import parse as read_capitals
from htmltext import parse as parse_html, text
from gongkai.render import address, pages as render

DATA = REPO / "villages"
CN_QUARTER = "一二三四"


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def records(kind: str):
    for vdir in sorted(p.parent for p in DATA.glob("*/*/*/village.yml")):
        for f in sorted((vdir / kind).glob("*.yml")):
            for rec in load(f) or []:
                yield vdir, rec


def rel(vdir: Path) -> str:
    return vdir.relative_to(DATA).as_posix()


def zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def money(value) -> str:
    return f"¥{Decimal(str(value)):,.2f}"


def yuan(value) -> str:
    return f"{Decimal(str(value)):,.2f}"


def label(period: str) -> str:
    year, part = period.split("-")
    return f"{year}年第{CN_QUARTER[int(part[1]) - 1]}季度" if part.startswith("Q") else f"{year}年{int(part)}月"


def record_page(site: Path, vdir: Path, rec_id: str) -> str:
    path = site / rel(vdir) / f"{rec_id}.html"
    assert path.exists(), f"no page {path.relative_to(site)}"
    return path.read_text(encoding="utf-8")


def part(html: str, slug: str) -> str:
    """The HTML of one of a decision's notices (决议公开 jueyi, 实施结果公开 jieguo)."""
    m = re.search(rf'<div class="gk-n gk-n-{slug}">(.*?)</div>\n', html, re.S)
    assert m, f"no {slug} notice"
    return m[1]


def capitals_after(body: str, amount: str) -> Decimal:
    """The amount in capitals printed right after `amount` (in brackets or in the next cell), read back."""
    m = re.search(re.escape(amount) + r"[ （]+(人民币[负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+)", body)
    assert m, f"no capitals after {amount}"
    return read_capitals(m[1])


def township(vdir: Path) -> dict:
    return load(vdir.parent / "township.yml")


def common(html: str, vdir: Path, issued: date) -> None:
    """What every notice carries: the sample mark, the township's phones, issuer and date, the seal box."""
    t = township(vdir)
    village = load(vdir / "village.yml")
    body = text(html)
    assert "示例数据" in body
    assert re.search(rf"{t['name']}监督电话 {t['supervision_phone']} ?、举报电话 {t['report_phone']}", body)
    assert re.search(rf'<div class="gk-sign"><p class="gk-seal"></p><p>{village["name"]}村民委员会</p><p>.*'
                     rf'{re.escape(zh(issued))}', html)
    assert 'class="gk-qr-code"' in html


def test_decision_notices_say_what_was_decided(sample_site):
    seen = budgets = 0
    for vdir, rec in records("decisions"):
        html = record_page(sample_site, vdir, rec["id"])
        d = rec.get("resolution_disclosure")
        if not d:
            assert 'gk-n-jueyi' not in html and 'class="gk-sheet"' not in html
            continue
        notice = part(html, "jueyi")
        body = text(notice)
        assert re.search(r'<h3 class="gk-notice-title">([^<]*)</h3>', notice)[1] == f"关于{rec['title']}的公示"
        days = (d["end"] - d["start"]).days + 1
        assert f"公示期：{zh(d['start'])}至{zh(d['end'])}（共 {days} 天）" in body
        res = rec["resolution"]
        votes = f"应到 {res['expected']} 人，实到 {res['present']} 人，赞成 {res['agree']} 票"
        assert f"于{zh(res['date'])}经{res['body']}表决：{votes}" in body
        if "budget" in rec:
            assert capitals_after(body, money(rec["budget"])) == Decimal(str(rec["budget"]))
            budgets += 1
        common(html, vdir, d["start"])
        seen += 1
    assert seen > 100 and budgets > 50


def test_result_notices_say_what_was_done_and_what_it_cost(sample_site):
    seen = costs = 0
    for vdir, rec in records("decisions"):
        d = rec.get("result_disclosure")
        html = record_page(sample_site, vdir, rec["id"])
        if not d:
            assert "gk-n-jieguo" not in html
            continue
        body = text(part(html, "jieguo"))
        assert f"关于{rec['title']}实施结果的公示" in body
        assert f"公示期：{zh(d['start'])}至{zh(d['end'])}" in body
        assert f"实施结果 {d['summary']}" in body
        if "cost" in d:
            assert f"实际花费 {money(d['cost'])}" in body
            assert capitals_after(body, money(d["cost"])) == Decimal(str(d["cost"]))
            costs += 1
        common(html, vdir, d["start"])
        # printed by default: the latest notice
        assert 'data-n="jieguo"' in html
        seen += 1
    assert seen > 100 and costs > 20


def test_fund_notices_give_totals_in_capitals_and_every_entry(sample_site):
    seen = 0
    for vdir, rec in records("funds"):
        html = record_page(sample_site, vdir, rec["id"])
        body = text(html)
        entries = rec["entries"]
        income = sum((Decimal(str(e["income"])) for e in entries if "income" in e), Decimal(0))
        expense = sum((Decimal(str(e["expense"])) for e in entries if "expense" in e), Decimal(0))
        opening, closing = Decimal(str(rec["opening_balance"])), Decimal(str(rec["closing_balance"]))
        village = load(vdir / "village.yml")["name"]
        assert f"关于{village}{label(rec['period'])}财务收支情况的公示" in body  # the notice names its village
        for name, value in (("期初余额", opening), ("本期收入合计", income), ("本期支出合计", expense), ("期末余额", closing)):
            assert capitals_after(body, f"{name} {yuan(value)}") == value, (rel(vdir), rec["id"], name)
        assert opening + income - expense == closing
        # ... and the page shows that they add up
        assert f"期初 {yuan(opening)} ＋ 收入 {yuan(income)} － 支出 {yuan(expense)} ＝ 期末 {yuan(closing)}（元）" in body
        # the review and the supervision sign it too, beside the 村民委员会 (the words are the stylesheet's)
        assert 'class="gk-para gk-reviewers"' in html
        # a summary by category only where it says more than the two totals
        sides = [{e["category"] for e in entries if side in e} for side in ("income", "expense")]
        assert ("按类别汇总" in body) == (len(sides[0]) > 1 or len(sides[1]) > 1), (rel(vdir), rec["id"])
        # 逐项逐笔: every entry, in order, one row each
        ledger = html.split('class="gk-ntable gk-ledger"', 1)[1].split("</table>", 1)[0]
        assert ledger.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") == len(entries)
        assert f"收支明细（逐项逐笔，共 {len(entries)} 笔）" in body
        at = 0
        for i, e in enumerate(entries, 1):
            amount = yuan(e["income"] if "income" in e else e["expense"])
            day = e["date"]  # written as the rest of the page writes dates; the period gives the year
            row = f"{i} {day.month}月{day.day}日 {e['voucher']} {e['category']} {e['summary']} {amount}"
            found = body.find(row, at)
            assert found > at, (rel(vdir), rec["id"], row)
            at = found
        assert f"合计 {yuan(income)} {yuan(expense)}" in body
        assert f"公开日期：{zh(rec['published'])}" in body
        assert f"已经村民主理财小组于{zh(rec['reviewed'])}审核" in body
        common(html, vdir, rec["published"])
        seen += 1
    assert seen > 100


def test_the_board_names_where_the_years_money_went(sample_site):
    """The three largest payments of the year the board shows, largest first (equal ones in the
    order they were paid), each with its period: worked out here from the YAML, not by gongkai."""
    seen = 0
    for vdir in sorted(p.parent for p in DATA.glob("*/*/*/village.yml")):
        board = text((sample_site / rel(vdir) / "index.html").read_text(encoding="utf-8"))
        m = re.search(r"(\d{4}) 年支出最多的 (\d) 笔", board)
        periods = [rec for v, rec in records("funds") if v == vdir]
        if not periods:
            assert m is None
            continue
        year = int(m[1])
        paid = [(Decimal(str(e["expense"])), i, e, rec) for i, (rec, e) in enumerate(
            (rec, e) for rec in sorted(periods, key=lambda r: r["period"])
            if rec["period"].startswith(str(year)) for e in rec["entries"]) if e.get("expense")]
        top = sorted(paid, key=lambda t: (-t[0], t[1]))[:3]
        assert int(m[2]) == len(top) > 0
        listed = board[m.end():]
        at = 0
        for amount, _, e, rec in top:
            line = f"{e['summary']} {money(amount)} （{label(rec['period'])}"
            found = listed.find(line, at)
            assert found >= at, (rel(vdir), line)
            at = found + len(line)
        seen += 1
    assert seen >= 5


def test_known_capitals_on_a_fund_notice(sample_site):
    # 龙王庙村 2024 年第一季度, worked out by hand
    vdir = DATA / "nanzhao" / "nanhedian" / "longwangmiao"
    body = text(record_page(sample_site, vdir, "f-2024-q1"))
    assert "期初余额 87,548.82 人民币捌万柒仟伍佰肆拾捌元捌角贰分" in body
    assert "本期收入合计 54,145.57 人民币伍万肆仟壹佰肆拾伍元伍角柒分" in body
    assert "本期支出合计 122,234.99 人民币壹拾贰万贰仟贰佰叁拾肆元玖角玖分" in body
    assert "期末余额 19,459.40 人民币壹万玖仟肆佰伍拾玖元肆角整" in body
    decision = text(part(record_page(sample_site, vdir, "d-2023-01"), "jueyi"))
    assert "预算金额 ¥78,000.00（人民币柒万捌仟元整）" in decision


def test_record_pages_say_how_to_print_their_notices(sample_site):
    for kind in ("decisions", "funds"):
        for vdir, rec in records(kind):
            page = record_page(sample_site, vdir, rec["id"])
            has_notice = kind == "funds" or "resolution_disclosure" in rec
            assert ('class="gk-print-links"' in page) == has_notice, (rel(vdir), rec["id"])
            assert ('<a href="#jueyi">' in page) == ("resolution_disclosure" in rec)
            assert ('<a href="#jieguo">' in page) == ("result_disclosure" in rec)
            if kind == "funds":
                assert '<a href="#caiwu-a3">' in page and '<i id="caiwu-a3"></i>' in page


def test_the_notices_fixed_words_are_the_stylesheets(sample_site):
    """The words every notice opens and closes with are written once, by the stylesheet the pages load."""
    css = next(sample_site.glob("assets/gongkai/gongkai.*.css")).read_text(encoding="utf-8")
    for words in render.law().values():
        assert f'content: "{words}"' in css
    page = record_page(sample_site, *next((v, r["id"]) for v, r in records("decisions") if r.get("result_disclosure")))
    assert re.search(r'href="(\.\./)+assets/gongkai/gongkai\.[0-9a-f]{8}\.css"', page)
    assert render.law()["decision"] not in page  # the page holds what is its own only


# -- the QR code ----------------------------------------------------------------------------------


def _png_modules(png: bytes) -> list[list[int]]:
    """A greyscale PNG (1 to 8 bits, any filter) decoded by hand: rows of 0 (dark) and 255."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, {}
    while at < len(png):
        n = int.from_bytes(png[at:at + 4], "big")
        kind = png[at + 4:at + 8]
        chunks.setdefault(kind, b"")
        chunks[kind] += png[at + 8:at + 8 + n]
        assert zlib.crc32(kind + png[at + 8:at + 8 + n]) == int.from_bytes(png[at + 8 + n:at + 12 + n], "big")
        at += 12 + n
    width, height, depth, colour = int.from_bytes(chunks[b"IHDR"][:4], "big"), int.from_bytes(chunks[b"IHDR"][4:8], "big"), \
        chunks[b"IHDR"][8], chunks[b"IHDR"][9]
    assert colour == 0 and depth in (1, 2, 4, 8)
    raw, stride = zlib.decompress(chunks[b"IDAT"]), (width * depth + 7) // 8
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 1] if i else 0
            b, c = prev[i], prev[i - 1] if i else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, _paeth(a, b, c))[f]) & 0xFF
        bits = "".join(f"{v:08b}" for v in line)
        rows.append([255 if int(bits[x * depth:(x + 1) * depth], 2) else 0 for x in range(width)])
        prev = line
    return rows


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def decode_qr(html: str) -> tuple[str, str, int]:
    """Read a page's QR code back as a phone would: its image, 4 pixels a module, scanned.
    Returns the text, the error-correction level and the light margin (in modules) around the symbol."""
    imgs = re.findall(r'<img class="gk-qr-code" src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="[^"]+"', html)
    assert len(imgs) == 1, len(imgs)
    grid = _png_modules(base64.b64decode(imgs[0]))
    width = len(grid)
    margin = min(min(i for i, v in enumerate(row) if v == 0) for row in grid if 0 in row)
    margin = min(margin, next(i for i, row in enumerate(grid) if 0 in row))
    scale = 4
    pixels = b"".join(bytes(v for v in row for _ in range(scale)) * scale for row in grid)
    found = zxingcpp.read_barcode(memoryview(pixels).cast("B", shape=[width * scale, width * scale]),
                                  formats=zxingcpp.BarcodeFormat.QRCode)
    assert found is not None, "the QR code does not scan"
    return found.text, found.ec_level, margin


def check_qr(html: str, url: str) -> None:
    got, level, margin = decode_qr(html)
    assert got == url
    assert level == "M"
    assert margin == 4  # the quiet zone the standard asks for
    assert f'<span class="gk-qr-url">{url}</span>' in html


def test_qr_opens_the_records_full_address(sample_site):
    checked = 0
    for vdir, rec in records("decisions"):
        if rec.get("resolution_disclosure") and checked < 40:
            html = record_page(sample_site, vdir, rec["id"])
            check_qr(html, f"{SITE_URL}{rel(vdir)}/{rec['id']}.html")  # the tests build at SITE_URL
            assert "网站地址未设置" not in html
            checked += 1
    vdir, rec = next(records("funds"))
    check_qr(record_page(sample_site, vdir, rec["id"]), f"{SITE_URL}{rel(vdir)}/{rec['id']}.html")
    assert checked == 40


def test_public_url_in_mkdocs_yml_gives_the_address(project, tmp_path):
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    assert "      data_dir: villages\n" in content
    config.write_text(content.replace("      data_dir: villages\n",
                                      "      data_dir: villages\n      public_url: https://gongkai.example.org/cunwu\n"),
                      encoding="utf-8")
    site = tmp_path / "site"
    done = subprocess.run([str(Path(shutil.which("mkdocs") or REPO / ".venv/bin/mkdocs")), "build", "--strict", "-f",
                           str(config), "-d", str(site)], cwd=project, env=env(GONGKAI_SITE_URL=None),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    vdir, rec = next((v, r) for v, r in records("decisions") if r.get("result_disclosure"))
    html = record_page(site, vdir, rec["id"])
    check_qr(html, f"https://gongkai.example.org/cunwu/{rel(vdir)}/{rec['id']}.html")
    # printed, not linked: the page still loads nothing from and links nowhere on another host
    assert all(not url.startswith(("http:", "https:", "//")) for _, url, _ in parse_html(html).links)


def test_bad_public_url_stops_the_build(project, tmp_path):
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    config.write_text(content.replace("      data_dir: villages\n",
                                      '      data_dir: villages\n      public_url: "javascript:alert(1)"\n'),
                      encoding="utf-8")
    done = subprocess.run([str(REPO / ".venv/bin/mkdocs"), "build", "-f", str(config), "-d", str(tmp_path / "site")],
                          cwd=project, env=env(GONGKAI_SITE_URL=None), capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "public_url" in done.stdout + done.stderr and "网站地址" in done.stdout + done.stderr


@pytest.mark.parametrize("given, expected", [
    ((None, "", None), ""),
    (("", "https://gongkai.example.org", None), "https://gongkai.example.org/"),
    (("https://pages.example.org/cunwu", "https://gongkai.example.org/cunwu/", "https://other.example.org/"),
     "https://pages.example.org/cunwu/"),  # --site-url first
    (("", "", "https://owner.github.io/gongkai/"), "https://owner.github.io/gongkai/"),
    (("", "", "http://127.0.0.1:8000/"), "http://127.0.0.1:8000/"),  # `mkdocs serve`: QR codes open the preview
])
def test_site_address(given, expected):
    assert address.site_address(*given) == expected


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.org/", "https://example.org/a b",
                                 "https://example.org/?q=1", 'https://example.org/"><script>', "example.org",
                                 "https:///path"])
def test_site_address_refuses_what_is_not_a_plain_address(bad):
    with pytest.raises(ValueError, match="网站地址"):
        address.site_address(bad)


# -- printed by Chromium ---------------------------------------------------------------------------

MM = 96 / 25.4  # CSS px per mm
A4_AREA = (180 * MM, 267 * MM)  # A4 less 15 mm margins: the printed page's layout viewport


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page object: the objects with /Type /Page (not /Pages)."""
    boxes = []
    for m in re.finditer(rb"/Type\s*/Page\b(?!s)", pdf):
        start = pdf.rfind(b" obj", 0, m.start())
        end = pdf.find(b"endobj", m.end())
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf[start:end])
        assert start > 0 and end > 0 and box, pdf[start:end][:300]
        x0, y0, x1, y1 = map(float, box.groups())
        boxes.append((x1 - x0, y1 - y0))
    return boxes


A4_PT, A3_PT = (595.3, 841.9), (841.9, 1190.6)


def is_size(box: tuple[float, float], size: tuple[float, float]) -> bool:
    return abs(box[0] - size[0]) < 2 and abs(box[1] - size[1]) < 2


def pdf_text(pdf: bytes, tmp: Path) -> str:
    """The printed text, as poppler's pdftotext reads it, without the line breaks of the layout."""
    (tmp / "notice.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(tmp / "notice.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def scan_printed(pdf: bytes, tmp: Path) -> list[str]:
    """Every QR code on the printed pages, scanned from the pages rasterised at 150 dpi (pdftoppm)."""
    (tmp / "scan.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(tmp / "scan.pdf"), str(tmp / "page")], check=True)
    found = []
    for pgm in sorted(tmp.glob("page*.pgm")):
        data = pgm.read_bytes()
        magic, width, height, maxval, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and maxval == b"255"
        w, h = int(width), int(height)
        codes = zxingcpp.read_barcodes(memoryview(pixels[-w * h:]).cast("B", shape=[h, w]),
                                       formats=zxingcpp.BarcodeFormat.QRCode)
        found += [c.text for c in codes]
    return found


def _decision_with(*disclosures: str) -> tuple[Path, dict]:
    return next((v, r) for v, r in records("decisions") if all(r.get(d) for d in disclosures))


def _decision_notices() -> dict[str, str]:
    """The first decision with a 决议公开, and the one whose notice has the most text in the sample."""
    with_notice = [(v, r) for v, r in records("decisions") if r.get("resolution_disclosure")]

    def words(item):
        r = item[1]
        return len(r["title"]) * 3 + len(r.get("summary", "")) + len(r["resolution"].get("summary", ""))

    first, longest = with_notice[0], max(with_notice, key=words)
    return {"first": f"{rel(first[0])}/{first[1]['id']}.html#jueyi", "longest": f"{rel(longest[0])}/{longest[1]['id']}.html#jueyi"}


def _fund_notice() -> str:
    vdir, rec = max(records("funds"), key=lambda item: len(item[1]["entries"]))
    return f"{rel(vdir)}/{rec['id']}.html"


DECISION_NOTICES = _decision_notices()
FUND_NOTICE = _fund_notice()


@pytest.fixture
def printed(browser):
    """A page laid out as on A4 paper: the viewport is the page area, the media is print."""
    context = browser.new_context(viewport={"width": round(A4_AREA[0]), "height": round(A4_AREA[1])})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("which", sorted(DECISION_NOTICES))
def test_decision_notice_prints_on_one_a4_page_with_its_qr_code(printed, site_url, which):
    page = printed
    page.goto(site_url + DECISION_NOTICES[which])
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    boxes = pdf_pages(pdf)
    assert len(boxes) == 1 and is_size(boxes[0], A4_PT), boxes
    qr = page.locator(".gk-qr-code")
    assert qr.count() == 1 and qr.is_visible()
    box = qr.bounding_box()
    # at least 30 mm wide on paper (quiet zone included in the image), and on the one page
    assert box["width"] >= 30 * MM and abs(box["width"] - box["height"]) < 1, box
    assert box["y"] + box["height"] <= A4_AREA[1], box
    assert page.evaluate("document.documentElement.scrollHeight") <= A4_AREA[1] + 1
    assert page.locator(".gk-qr-url").is_visible()
    assert page.locator(".gk-sign").is_visible()


def test_a_printed_notice_scans_to_the_records_full_address_and_reads_as_a_notice(printed, site_url, tmp_path):
    """The whole way: the page printed by Chromium, the PDF rasterised, the QR code scanned from the
    paper, and the printed words read back, the stylesheet's among them."""
    vdir, rec = _decision_with("resolution_disclosure", "result_disclosure")
    url = f"{SITE_URL}{rel(vdir)}/{rec['id']}.html"
    for slug, title, words in (("jieguo", f"关于{rec['title']}实施结果的公示", render.law()["jieguo"]),
                               ("jueyi", f"关于{rec['title']}的公示", render.law()["jueyi"])):
        printed.goto(f"{site_url}{rel(vdir)}/{rec['id']}.html" + ("" if slug == "jieguo" else "#jueyi"))
        printed.emulate_media(media="print")
        pdf = printed.pdf(format="A4", prefer_css_page_size=True)
        folder = tmp_path / slug
        folder.mkdir()
        assert scan_printed(pdf, folder) == [url]
        words_printed = pdf_text(pdf, folder)
        other = f"关于{rec['title']}{'的公示' if slug == 'jieguo' else '实施结果的公示'}"
        assert title in words_printed and other not in words_printed  # the one notice, not the other
        for fixed in (render.law()["decision"], words, render.law()["complain"], render.law()["caption"], render.law()["seal"]):
            assert fixed in words_printed, fixed
        assert "示例数据" in words_printed and "核对码" in words_printed
        assert "四议两公开" in words_printed and "跳到正文" not in words_printed  # the page's furniture stays off paper
    vdir, rec = next(records("funds"))
    printed.goto(f"{site_url}{rel(vdir)}/{rec['id']}.html")
    printed.emulate_media(media="print")
    pdf = printed.pdf(format="A4", prefer_css_page_size=True)
    (tmp_path / "funds").mkdir()
    assert scan_printed(pdf, tmp_path / "funds") == [f"{SITE_URL}{rel(vdir)}/{rec['id']}.html"]
    words_printed = pdf_text(pdf, tmp_path / "funds")
    assert render.law()["funds"] + label(rec["period"]) in words_printed
    # signed: the seal's box, the committee and the day it was made public
    assert render.law()["seal"] in words_printed
    assert f"{load(vdir / 'village.yml')['name']}村民委员会{zh(rec['published'])}" in words_printed


@pytest.mark.parametrize("address_of", ["decision", "funds"])
def test_a3_is_the_same_notice_larger(printed, site_url, address_of):
    page = printed
    target = DECISION_NOTICES["longest"].replace("#jueyi", "#jueyi-a3") if address_of == "decision" else FUND_NOTICE + "#caiwu-a3"
    page.goto(site_url + target)
    boxes = pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert boxes and all(is_size(b, A3_PT) for b in boxes), boxes
    if address_of == "decision":
        assert len(boxes) == 1


def test_screen_furniture_disappears_in_print(printed, site_url):
    page = printed
    vdir, rec = _decision_with("resolution_disclosure")
    page.goto(f"{site_url}{rel(vdir)}/{rec['id']}.html")
    furniture = [".gk-top", "nav", ".gk-print-links", ".gk-steps", ".gk-kind"]
    assert all(page.locator(sel).first.is_visible() for sel in furniture)  # on screen: the record, how to print it
    assert page.locator(".gk-sheet").is_visible()  # and its notices, below its steps
    page.emulate_media(media="print")
    assert not any(page.locator(sel).first.is_visible() for sel in furniture)
    assert page.locator(".gk-sheet h3.gk-notice-title:visible").count() == 1  # one notice on paper, the latest
    assert page.locator(".gk-sample").first.is_visible()
    assert page.locator(".gk-notice-end").is_visible()  # the QR code and the seal: paper only
    page.emulate_media(media="screen")
    assert not page.locator(".gk-notice-end").is_visible()


def test_fund_notice_tables_repeat_headers_and_keep_rows_whole(printed, site_url, tmp_path):
    page = printed
    page.goto(site_url + FUND_NOTICE)
    page.emulate_media(media="print")
    styles = page.evaluate("""() => [...document.querySelectorAll('.gk-ntable')].map(t => ({
        thead: getComputedStyle(t.tHead).display,
        tfoot: t.tFoot ? getComputedStyle(t.tFoot).display : null,
        rows: [...t.tBodies[0].rows].map(r => getComputedStyle(r).breakInside),
    }))""")
    assert len(styles) in (2, 3)  # the summary by category only where it says more than the totals
    for s in styles:
        assert s["thead"] == "table-header-group"
        assert s["rows"] and set(s["rows"]) == {"avoid"}
    assert styles[-1]["tfoot"] == "table-row-group"  # the 合计 row once, at the end, not on every page
    assert page.evaluate("getComputedStyle(document.querySelector('.gk-notice-end')).breakInside") == "avoid"
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    assert len(pages) >= 2 and all(is_size(b, A4_PT) for b in pages)  # long enough for the header to repeat
    # each sheet says which it is, so a sheet that falls off the board is missed
    printed_text = pdf_text(pdf, tmp_path)
    for n in range(1, len(pages) + 1):
        assert f"第{n}页共{len(pages)}页" in printed_text
    # the 民主理财小组 and the 村务监督委员会 sign it on paper, beside the 村民委员会
    assert "村民主理财小组（审核）签字：" in printed_text and "村务监督委员会（监督）签字：" in printed_text
    assert page.locator(".gk-qr-code").bounding_box()["width"] >= 30 * MM


@pytest.mark.parametrize("path", [DECISION_NOTICES["first"], FUND_NOTICE])
def test_notice_on_a_phone_stays_on_this_machine_and_fits(browser, site_url, path):
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    foreign = guard_foreign(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(site_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert foreign == [] and errors == []
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    if "#jueyi" in path:  # the notice alone, and the way back to the page
        assert not page.locator(".gk-steps").is_visible() and page.locator("div.gk-n-jueyi").is_visible()
        page.get_by_role("link", name="← 返回网页版").click()
        assert page.locator(".gk-steps").is_visible() and page.url.endswith(path.split("#")[0])
    context.close()
