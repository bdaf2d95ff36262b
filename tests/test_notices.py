"""Printed notices (公示) for the board outside the village office, checked against the YAML each
figure came from, and printed to PDF by real headless Chromium: one A4 page with its QR code.

The YAML is read with PyYAML's plain safe_load and amounts in capitals are read back with
tests/daxie.py, so a mistake in gongkai's reading or writing cannot hide itself.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
import zxingcpp

from browserkit import guard_foreign
from conftest import REPO, mkdocs_build
from daxie import parse as read_capitals
from htmltext import parse as parse_html, text
from gongkai import render

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


def notice(site: Path, vdir: Path, rec_id: str, slug: str = "notice") -> str:
    path = site / rel(vdir) / rec_id / slug / "index.html"
    assert path.exists(), f"no notice {path.relative_to(site)}"
    return path.read_text(encoding="utf-8")


def capitals_after(body: str, amount: str) -> Decimal:
    """The amount in capitals printed right after `amount` (in brackets or in the next cell), read back."""
    m = re.search(re.escape(amount) + r"[ （]+(人民币[负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+)", body)
    assert m, f"no capitals after {amount}"
    return read_capitals(m[1])


def township(vdir: Path) -> dict:
    return load(vdir.parent / "township.yml")


def common(body: str, vdir: Path, issued: date) -> None:
    """What every notice carries: the sample mark, the township's phones, issuer and date, the seal box."""
    t = township(vdir)
    village = load(vdir / "village.yml")
    assert "示例数据" in body
    assert f"{t['name']}监督电话 {t['supervision_phone']}" in body and f"举报电话 {t['report_phone']}" in body
    assert f"（盖章） {village['name']}村民委员会 {zh(issued)}" in body
    assert "扫码查看网上公示" in body


def test_decision_notices_say_what_was_decided(sample_site):
    seen = budgets = 0
    for vdir, rec in records("decisions"):
        d = rec.get("resolution_disclosure")
        if not d:
            assert not (sample_site / rel(vdir) / rec["id"] / "notice").exists()
            continue
        html = notice(sample_site, vdir, rec["id"])
        body = text(html)
        assert re.search(r'<h1 class="gk-notice-title">([^<]*)</h1>', html)[1] == f"关于{rec['title']}的公示"
        days = (d["end"] - d["start"]).days + 1
        assert f"公示期：{zh(d['start'])}至{zh(d['end'])}（共 {days} 天）" in body
        res = rec["resolution"]
        votes = f"应到 {res['expected']} 人，实到 {res['present']} 人，赞成 {res['agree']} 票"
        assert f"于{zh(res['date'])}经{res['body']}表决：{votes}" in body
        if "budget" in rec:
            assert capitals_after(body, money(rec["budget"])) == Decimal(str(rec["budget"]))
            budgets += 1
        common(body, vdir, d["start"])
        seen += 1
    assert seen > 100 and budgets > 50


def test_result_notices_say_what_was_done_and_what_it_cost(sample_site):
    seen = costs = 0
    for vdir, rec in records("decisions"):
        d = rec.get("result_disclosure")
        if not d:
            assert not (sample_site / rel(vdir) / rec["id"] / "result-notice").exists()
            continue
        body = text(notice(sample_site, vdir, rec["id"], "result-notice"))
        assert f"关于{rec['title']}实施结果的公示" in body
        assert f"公示期：{zh(d['start'])}至{zh(d['end'])}" in body
        assert f"实施结果 {d['summary']}" in body
        if "cost" in d:
            assert f"实际花费 {money(d['cost'])}" in body
            assert capitals_after(body, money(d["cost"])) == Decimal(str(d["cost"]))
            costs += 1
        common(body, vdir, d["start"])
        seen += 1
    assert seen > 100 and costs > 20


def test_fund_notices_give_totals_in_capitals_and_every_entry(sample_site):
    seen = 0
    for vdir, rec in records("funds"):
        html = notice(sample_site, vdir, rec["id"])
        body = text(html)
        entries = rec["entries"]
        income = sum((Decimal(str(e["income"])) for e in entries if "income" in e), Decimal(0))
        expense = sum((Decimal(str(e["expense"])) for e in entries if "expense" in e), Decimal(0))
        opening, closing = Decimal(str(rec["opening_balance"])), Decimal(str(rec["closing_balance"]))
        assert f"关于{label(rec['period'])}财务收支情况的公示" in body
        for name, value in (("期初余额", opening), ("本期收入合计", income), ("本期支出合计", expense), ("期末余额", closing)):
            assert capitals_after(body, f"{name} {yuan(value)}") == value, (rel(vdir), rec["id"], name)
        assert opening + income - expense == closing
        # 逐项逐笔: every entry, in order, one row each
        ledger = html.split('class="gk-ntable gk-entries"', 1)[1].split("</table>", 1)[0]
        assert ledger.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") == len(entries)
        assert f"收支明细（逐项逐笔，共 {len(entries)} 笔）" in body
        at = 0
        for i, e in enumerate(entries, 1):
            amount = yuan(e["income"] if "income" in e else e["expense"])
            row = f"{i} {e['date']} {e['voucher']} {e['category']} {e['summary']} {amount}"
            found = body.find(row, at)
            assert found > at, (rel(vdir), rec["id"], row)
            at = found
        assert f"合计 {yuan(income)} {yuan(expense)}" in body
        assert f"公开日期：{zh(rec['published'])}" in body
        common(body, vdir, rec["published"])
        seen += 1
    assert seen > 100


def test_known_capitals_on_a_fund_notice(sample_site):
    # 龙王庙村 2024 年第一季度, worked out by hand
    vdir = DATA / "nanzhao" / "nanhedian" / "longwangmiao"
    body = text(notice(sample_site, vdir, "f-2024-q1"))
    assert "期初余额 87,548.82 人民币捌万柒仟伍佰肆拾捌元捌角贰分" in body
    assert "本期收入合计 54,145.57 人民币伍万肆仟壹佰肆拾伍元伍角柒分" in body
    assert "本期支出合计 122,234.99 人民币壹拾贰万贰仟贰佰叁拾肆元玖角玖分" in body
    assert "期末余额 19,459.40 人民币壹万玖仟肆佰伍拾玖元肆角整" in body
    decision = text(notice(sample_site, vdir, "d-2023-01"))
    assert "预算金额 ¥78,000.00（人民币柒万捌仟元整）" in decision


def test_record_pages_link_their_notices(sample_site):
    for kind in ("decisions", "funds"):
        for vdir, rec in records(kind):
            page = (sample_site / rel(vdir) / rec["id"] / "index.html").read_text(encoding="utf-8")
            has_notice = kind == "funds" or "resolution_disclosure" in rec
            assert ('<a href="notice/">打印公示' in page) == has_notice, (rel(vdir), rec["id"])
            assert ('<a href="result-notice/">打印公示' in page) == ("result_disclosure" in rec)


# -- the QR code ----------------------------------------------------------------------------------

QR_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def qr_path(svg: str) -> str:
    m = re.search(r'<path [^>]*stroke="#000"[^>]*\bd="([^"]+)"', svg)
    assert m, svg[:200]
    return m[1]


def decode_qr(svg: str) -> tuple[str, str, int]:
    """Read the code back as a phone would: draw the path's modules, 4 pixels each, and scan it.

    Returns the text, the error-correction level and the light margin (in modules) around the symbol.
    """
    width = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    grid = [[255] * width for _ in range(width)]
    x = y = 0
    for cmd, a, b in re.findall(r"([Mmh])([\d.]+)(?: ([\d.]+))?", qr_path(svg)):
        if cmd == "M":
            x, y = int(a), int(float(b))  # a stroke along the middle of row y
        elif cmd == "m":
            x += int(a)
        else:
            grid[y][x:x + int(a)] = [0] * int(a)
            x += int(a)
    margin = min(min(i for i, v in enumerate(row) if v == 0) for row in grid if 0 in row)
    margin = min(margin, next(i for i, row in enumerate(grid) if 0 in row))
    scale = 4
    pixels = b"".join(bytes(v for v in row for _ in range(scale)) * scale for row in grid)
    found = zxingcpp.read_barcode(memoryview(pixels).cast("B", shape=[width * scale, width * scale]),
                                  formats=zxingcpp.BarcodeFormat.QRCode)
    assert found is not None, "the QR code does not scan"
    return found.text, found.ec_level, margin


def check_qr(html: str, url: str) -> None:
    svgs = QR_SVG.findall(html)
    assert len(svgs) == 1
    svg = svgs[0]
    text, level, margin = decode_qr(svg)
    assert text == url
    assert level == "M"
    assert margin == 4  # the quiet zone the standard asks for
    assert not re.search(r"<script|\bon\w+=|href|foreignObject|style=", svg, re.I)
    assert f'<span class="gk-qr-url">{url}</span>' in html


def test_qr_opens_the_record_page(sample_site):
    checked = 0
    for vdir, rec in records("decisions"):
        for slug in ("notice", "result-notice"):
            path = sample_site / rel(vdir) / rec["id"] / slug / "index.html"
            if path.exists() and checked < 40:
                html = path.read_text(encoding="utf-8")
                # no public_url in the shipped mkdocs.yml: the path from the site root, and a note saying so
                check_qr(html, f"/{rel(vdir)}/{rec['id']}/")
                assert "网站地址未设置" in html
                checked += 1
    vdir, rec = next(records("funds"))
    check_qr(notice(sample_site, vdir, rec["id"]), f"/{rel(vdir)}/{rec['id']}/")
    assert checked == 40


def test_public_url_makes_the_qr_absolute(project, tmp_path):
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    assert "      data_dir: villages\n" in content
    config.write_text(content.replace("      data_dir: villages\n",
                                      "      data_dir: villages\n      public_url: https://gongkai.example.org/cunwu\n"),
                      encoding="utf-8")
    site = tmp_path / "site"
    done = mkdocs_build(project, site, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    vdir, rec = next((v, r) for v, r in records("decisions") if r.get("result_disclosure"))
    for slug in ("notice", "result-notice"):
        html = notice(site, vdir, rec["id"], slug)
        check_qr(html, f"https://gongkai.example.org/cunwu/{rel(vdir)}/{rec['id']}/")
        assert "网站地址未设置" not in html
        # printed, not linked: the page still loads nothing from and links nowhere on another host
        assert all(not url.startswith(("http:", "https:", "//")) for _, url, _ in parse_html(html).links)


def test_bad_public_url_stops_the_build(project, tmp_path):
    config = project / "mkdocs.yml"
    content = config.read_text(encoding="utf-8")
    config.write_text(content.replace("      data_dir: villages\n",
                                      '      data_dir: villages\n      public_url: "javascript:alert(1)"\n'),
                      encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "public_url" in done.stdout + done.stderr and "网站地址" in done.stdout + done.stderr


@pytest.mark.parametrize("public_url, site_url, expected", [
    ("", None, ""),
    ("", "", ""),
    ("https://gongkai.example.org", None, "https://gongkai.example.org/"),
    ("https://gongkai.example.org/cunwu/", "https://other.example.org/", "https://gongkai.example.org/cunwu/"),
    ("", "https://owner.github.io/gongkai/", "https://owner.github.io/gongkai/"),
    ("", "http://127.0.0.1:8000/", ""),  # `mkdocs serve` sets site_url to the preview: never print that
    ("", "http://localhost:8000/gongkai/", ""),
])
def test_site_address(public_url, site_url, expected):
    assert render.site_address(public_url, site_url) == expected


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.org/", "https://example.org/a b",
                                 "https://example.org/?q=1", 'https://example.org/"><script>', "example.org",
                                 "https:///path"])
def test_site_address_refuses_what_is_not_a_plain_address(bad):
    with pytest.raises(ValueError, match="网站地址"):
        render.site_address(bad, None)


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


def _decision_notices() -> dict[str, str]:
    """The first village's first decision notice, and the one with the most text in the sample."""
    with_notice = [(v, r) for v, r in records("decisions") if r.get("resolution_disclosure")]
    first = with_notice[0]

    def words(item):
        r = item[1]
        return len(r["title"]) * 3 + len(r.get("summary", "")) + len(r["resolution"].get("summary", ""))

    longest = max(with_notice, key=words)
    return {"first": f"{rel(first[0])}/{first[1]['id']}/notice/", "longest": f"{rel(longest[0])}/{longest[1]['id']}/notice/"}


def _fund_notice() -> str:
    vdir, rec = max(records("funds"), key=lambda item: len(item[1]["entries"]))
    return f"{rel(vdir)}/{rec['id']}/notice/"


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
    qr = page.locator(".gk-qr-img svg")
    assert qr.count() == 1 and qr.is_visible()
    box = qr.bounding_box()
    # at least 30 mm wide on paper (quiet zone included in the SVG), and on the one page
    assert box["width"] >= 30 * MM and abs(box["width"] - box["height"]) < 1, box
    assert box["y"] + box["height"] <= A4_AREA[1], box
    assert page.evaluate("document.documentElement.scrollHeight") <= A4_AREA[1] + 1
    assert page.locator(".gk-qr-url").is_visible()
    assert page.locator(".gk-sign").is_visible()


def test_a3_is_the_same_notice_larger(printed, site_url):
    page = printed
    page.goto(site_url + DECISION_NOTICES["longest"] + "#a3")
    boxes = pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert len(boxes) == 1 and is_size(boxes[0], A3_PT), boxes


def test_screen_furniture_disappears_in_print(printed, site_url):
    page = printed
    page.goto(site_url + DECISION_NOTICES["first"])
    assert page.locator(".gk-notice-tools").is_visible()  # on screen: how to print, the way back
    page.emulate_media(media="print")
    assert not page.locator(".gk-notice-tools").is_visible()
    assert page.locator("h1").is_visible() and page.locator(".gk-sample").is_visible()
    # the record page: site header, navigation and the print links go; the record stays
    page.goto(site_url + DECISION_NOTICES["first"].removesuffix("notice/"))
    page.emulate_media(media="screen")
    furniture = [".gk-top", "nav", ".gk-print-links"]
    assert all(page.locator(sel).first.is_visible() for sel in furniture)
    page.emulate_media(media="print")
    assert not any(page.locator(sel).first.is_visible() for sel in furniture)
    assert page.locator("h1").is_visible()


def test_fund_notice_tables_repeat_headers_and_keep_rows_whole(printed, site_url):
    page = printed
    page.goto(site_url + FUND_NOTICE)
    page.emulate_media(media="print")
    styles = page.evaluate("""() => [...document.querySelectorAll('.gk-ntable')].map(t => ({
        thead: getComputedStyle(t.tHead).display,
        tfoot: t.tFoot ? getComputedStyle(t.tFoot).display : null,
        rows: [...t.tBodies[0].rows].map(r => getComputedStyle(r).breakInside),
    }))""")
    assert len(styles) == 3
    for s in styles:
        assert s["thead"] == "table-header-group"
        assert s["rows"] and set(s["rows"]) == {"avoid"}
    assert styles[2]["tfoot"] == "table-row-group"  # the 合计 row once, at the end, not on every page
    assert page.evaluate("getComputedStyle(document.querySelector('.gk-notice-end')).breakInside") == "avoid"
    pages = pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    assert len(pages) >= 2 and all(is_size(b, A4_PT) for b in pages)  # long enough for the header to repeat
    assert page.locator(".gk-qr-img svg").bounding_box()["width"] >= 30 * MM


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
    page.get_by_role("link", name="← 返回网页版").click()
    assert page.locator("h1").first.is_visible() and page.url.endswith(path.removesuffix("notice/"))
    context.close()
