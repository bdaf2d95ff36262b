"""Turn the model into HTML. Python computes, templates only lay out.

Village boards and record pages are whole, lean HTML pages written straight to the site
folder (tens of thousands of them must not go through Markdown and the theme); county and
township pages are HTML fragments that the MkDocs adapter places inside the theme.
"""

from __future__ import annotations

import base64
import hashlib
import functools
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import zxingcpp
from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import Markup, escape

try:  # what markupsafe.escape calls: its C escape, else its Python one (markupsafe is pinned)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover
    from markupsafe._native import _escape_inner

from gongkai import kinds
from gongkai.render import address, csp
from gongkai.check import amendments, attach
from gongkai.rollup import compliance
from gongkai.model import integrity
from gongkai.model.tree import County, Tree, Village
from gongkai.render.words import cn_number, daxie, money, wan, yuan, zh_date
from gongkai.rollup.figures import area_totals, area_years, finance_year, village_totals, zero_totals
from gongkai.model.schema import Record

STATIC = Path(__file__).parent / "static"


def _escape(value) -> Markup:
    """markupsafe.escape, the same result, without its per-call Markup copy: a county's pages
    escape about five million values. Text is escaped; markup (Markup) is taken as it is."""
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str:
        return str.__new__(Markup, _escape_inner(value))
    if kind is int:
        return str.__new__(Markup, str(value))
    return escape(value)


class _Environment(Environment):
    """Our templates' environment: each template, once compiled, escapes with _escape. Its code
    names `escape` once, in the module Jinja makes of it; the theme's templates are not touched."""

    def _load_template(self, name, globals):
        template = super()._load_template(name, globals)
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is escape:
            namespace["escape"] = _escape
        return template


class _KindTemplates(BaseLoader):
    """The templates of a kind registered with a folder of its own (kinds.Kind.templates)."""

    def get_source(self, environment, template):
        for kind in kinds.KINDS:
            if kind.templates and (path := kind.templates / template).is_file():
                return path.read_text(encoding="utf-8"), str(path), lambda: True
        raise TemplateNotFound(template)


_env = _Environment(
    loader=ChoiceLoader([PackageLoader("gongkai.render", "templates"), _KindTemplates()]),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates are part of the package: no stat() of each one for each of 40,000 pages
)
_env.filters.update(money=money, wan=wan, zh_date=zh_date, yuan=yuan, daxie=daxie, cn_number=cn_number,
                    fingerprint=lambda rec, village: integrity.fingerprint(village.slug_path, rec))  # {{ rec|fingerprint(village) }}
def ledger_rows(entries: list | None) -> Markup:
    """The rows of a fund period's ledger, on its page and its printed notice alike: numbered,
    amounts in 元 without the ¥ (the header says 元). A county has hundreds of thousands, so they
    are written here rather than by a template loop (4x faster), with the end tags HTML lets a
    table row leave out (a third of the bytes of a row); a phone labels the cells by CSS.
    Every value is escaped as the template would escape it."""
    out = []
    for n, e in enumerate(entries or (), 1):
        day = f"{e.date.month}月{e.date.day}日" if isinstance(e.date, date) else _text(e.date)  # the period names the year
        out.append(f'<tr><td>{n}<td>{day}<td>{_text(e.voucher)}<td>{_text(e.category)}'
                   f'<td>{_text(e.summary)}<td>{yuan(e.income)}<td>{yuan(e.expense)}'
                   f'<td>{_text(e.counterparty or "")}\n')
    return Markup("".join(out))


def _text(value) -> str:
    """A value as escaped HTML text."""
    return _escape_inner(value if type(value) is str else str(value))


_env.filters.update(ledger_rows=ledger_rows)
_env.filters["amendment_history"] = lambda rec, village: amendments.history(village.slug_path, rec)
_env.filters["attachments"] = attach.shown  # {{ rec|attachments(village) }}: its photos and scans as published


def _package_url(county) -> str:
    from gongkai.render.opendata import package_url  # opendata writes with this module's helpers

    return package_url(county)


def _data_tables(village: bool = False) -> tuple:
    from gongkai.render.opendata import tables, village_tables

    return village_tables() if village else tables()


_env.globals["package_url"] = _package_url
_env.globals["data_tables"] = _data_tables  # the open data's CSV files (village=True: a village's own), one a record kind
_env.globals["csp"] = Markup(csp.lean_policy())  # the lean pages' Content-Security-Policy: no script at all


@dataclass(frozen=True)
class Context:
    """What every page needs to know about the build."""

    tree: Tree
    today: date
    repo_root: str  # the project the data is in (part of the page cache's key)
    public_url: str = ""  # where the site is published (https://.../), for QR codes on printed notices
    own: tuple[tuple[str, str], ...] = ()  # counties published at addresses of their own: (folder, address)

    @property
    def own_addresses(self) -> dict[str, str]:
        return dict(self.own)

    def source(self, rec: Record) -> str:
        """Where a record is in the data, in a villager's words that a clerk reads as a file: 本村2026年
        财务公开记录第 355 行 is funds/2026.yml, line 355, in the village's folder (the page says
        which village). Short: a county has 60,000 pages."""
        if isinstance(rec, Village):
            return "本村的基本信息和各项记录，每条记录的页面写明它在哪一份记录的第几行"
        year = Path(rec.path).stem
        return f"本村{year}年{rec.kind_label}记录第 {rec.line} 行"


def base_of(url: str) -> str:
    """The way from a page at `url` (a folder path ending in "/", or a file) back to the site's root."""
    return "../" * url.count("/")


def page(template: str, url: str, ctx: Context, css: str | None = None, **values) -> str:
    """A lean page at `url` (a folder path inside the site, or a file in one); links and `css` are relative to it."""
    base = base_of(url)
    css = CSS_PATH if css is None else css
    values.setdefault("notices", ())
    return _env.get_template(template).render(
        base=base, css=base + css, ctx=ctx, today=ctx.today, sample=ctx.tree.is_sample, **values
    )


def village_page(village: Village, ctx: Context) -> str:
    year = finance_year([village], ctx.today)
    return page(
        "village.html",
        village.url,
        ctx,
        village=village,
        # each kind's section of the board (board_<folder>.html), in the registry's order
        sections=[(kind, kind.board(village, ctx)) for kind in kinds.KINDS],
        totals=village_totals(village, ctx.today, year),
        year=year,
        last_update=last_disclosure(village, ctx.today),
        feed=True,
    )


def last_disclosure(village: Village, today: date) -> date | None:
    """The latest day a notice of this village was put up (kinds.Disclosure.posted), up to today."""
    days = (d.day for rec in village.records() for d in kinds.disclosures(rec) if d.posted and d.day <= today)
    return max(days, default=None)


def record_url(village: Village, rec: Record) -> str:
    """A record's one permanent address: a file beside its village's board (`d-2024-01.html`), so
    that a county of 60,000 records publishes 60,000 files, not a folder and a file for each."""
    return f"{village.url}{rec.id}.html"


def record_page(village: Village, rec: Record, ctx: Context) -> str:
    """A record's page. Printed, it is the record's official notice (公示): its print stylesheet
    lays out the notice, with its QR code, amounts in capitals and 核对码; a decision with two
    notices prints the latest, or the one its address names (#jueyi, #jieguo; #…-a3 for A3)."""
    return page(
        f"record_{rec.kind}.html",
        record_url(village, rec),
        ctx,
        village=village,
        township=village.township,
        rec=rec,
        notices=[(link, notice(village, rec, link, ctx)) for link in notice_links(rec)],
        **kinds.of(rec).page(village, rec, ctx),
    )


def duban_pages(ctx: Context) -> Iterator[tuple[str, str]]:
    """The supervision notices (督办单) of every township: each one it issued (township.yml
    `duban`) on a page of its own that never changes, and for a village with problems no issued
    one covers, a draft at <village>/duban/ (with its issued ones listed there too)."""
    for township in ctx.tree.townships:
        recorded = compliance.issued(township)
        issued = [i for i in recorded if i.issued <= ctx.today]
        by_village: dict[str, list] = {}
        for doc in issued:
            by_village.setdefault(doc.village.slug, []).append(doc)
            yield f"{doc.village.url}duban/{doc.slug}.html", duban_page(doc.village, ctx, doc=doc)
        suggested = compliance.next_number(recorded, ctx.today.year)
        for report in compliance.area_reports(township.villages, ctx.today):
            village, docs = report.village, by_village.get(report.village.slug, [])
            if report.problems and not _covered(report, docs):
                yield f"{village.url}duban/index.html", duban_page(village, ctx, problems=report.problems,
                                                                    suggested=suggested, others=docs)
                suggested += 1
            elif docs:  # nothing new to chase: the village's latest 督办单, and the others
                yield f"{village.url}duban/index.html", duban_page(village, ctx, doc=docs[-1], others=docs[:-1])


def _covered(report: compliance.VillageReport, docs: list) -> bool:
    """Whether a 督办单 issued since the oldest of the village's problems began covers them."""
    began = min(p.since for p in report.problems)
    return any(d.issued >= began for d in docs)


def village_pages(village: Village, ctx: Context) -> Iterator[tuple[str, str]]:
    """(path inside the site folder, HTML) of a village's board and record pages."""
    yield f"{village.url}index.html", village_page(village, ctx)
    for rec in village.records():
        if rec.id:
            yield record_url(village, rec), record_page(village, rec, ctx)


def lean_pages(ctx: Context) -> Iterator[tuple[str, str]]:
    """Every page gongkai writes without the theme: 督办单, village boards and record pages."""
    yield from duban_pages(ctx)
    for village in ctx.tree.villages:
        yield from village_pages(village, ctx)


def write_pages(site_dir: str | Path, pages: Iterable[tuple[str, str | bytes]]) -> int:
    """Write (path inside the site, text or bytes) files; the number written."""
    site_dir = Path(site_dir)
    count = 0
    for rel, content in pages:
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        count += 1
    return count


def css() -> str:
    """The site's stylesheet: static/gongkai.css, then the words of the notices (LAW)."""
    return (STATIC / "gongkai.css").read_text(encoding="utf-8") + notice_words_css()


def notice_words_css() -> str:
    """The rules that write the notices' fixed words into them (each kind's `notice_words`, then LAW's):
    on the page as on paper."""
    def text(words: str) -> str:
        return '"' + words.replace("\\", "\\\\").replace('"', '\\"') + '"'
    rules = [(selector, words, "") for kind in kinds.KINDS for selector, words in kind.notice_words.values()]
    rules += [(selector, LAW[key], extra) for key, selector, extra in LAW_RULES]
    return ("\n/* the words every notice opens and closes with: each kind's notice_words, then gongkai/render/pages.py LAW */\n"
            + "".join(f"{selector} {{ content: {text(words)}; {extra}}}\n" for selector, words, extra in rules))


# -- printed notices (公示) for the board outside the village office --------------------------


NOTICE_SLUGS = ("jueyi", "jieguo", "caiwu")  # static/gongkai.css names each one


# The words every notice has (a kind's own opening and closing words are its `notice_words`): the
# print stylesheet writes them (static/gongkai.css, .gk-law and the rest), once for the site rather
# than in each of a county's 30,000 notices; the page holds what is its own. tests/test_notices.py
# reads the printed notice back from Chromium's PDF and checks these words are printed, as here.
LAW = {
    "complain": "对以上内容如有疑问或异议，可以向本村村务监督委员会反映，也可以拨打",
    "caption": "扫码查看网上公示，核对码应与此相同",
    "seal": "（盖章）",
}
LAW_RULES = (  # (LAW's key, the element that prints it, more of the rule)
    ("complain", ".gk-complain::before", ""),
    ("caption", ".gk-qr figcaption:not(.gk-duban-qr)::before", "display: block; "),
    ("seal", ".gk-seal::before", ""),
)


def law() -> dict[str, str]:
    """Every fixed word of the notices by its key: each kind's, then those every notice has."""
    return {**{key: words for k in kinds.KINDS for key, (_, words) in k.notice_words.items()}, **LAW}


@dataclass(frozen=True)
class Notice:
    """What a printed notice says: computed here, laid out by the notice_*.html templates."""

    title: str  # 关于…的公示
    lead: str  # the opening paragraph, less the words every notice of its kind opens and closes with (LAW)
    items: tuple[tuple[str, str], ...]  # 一、… 二、…: (label, text)
    issuer: str  # 龙王庙村村民委员会
    issued: date | None  # the date under the issuer: first day of the disclosure
    start: date | None  # 公示期; a fund period has only its 公开日期
    end: date | None
    days: int | None
    where: str | None
    link: str  # what the QR code opens, printed under it
    absolute: bool  # False when the site's address is not configured: the link is a path only
    qr: Markup  # an <img> of the QR code


def public_link(ctx: Context, path: str) -> tuple[str, bool]:
    """(address, absolute?) of a site path such as a/b/c.html; a path from the site root when the site's address is unknown."""
    return address.public_link(ctx.public_url, ctx.own_addresses, path)


QR_BORDER = 4  # the quiet zone the standard asks for, in modules


@functools.lru_cache(maxsize=4096)  # a decision's two notices share one link
def qr_png(data: str) -> bytes:
    """A QR code (error correction M, 4-module quiet zone) as a PNG of one pixel a module, black
    and white (1 bit a pixel): about 300 bytes where an SVG path of the same code is 2,000, on
    each of a county's 30,000 printable pages. CSS draws the pixels as crisp squares at 40 mm.

    zxing-cpp encodes (zint's C encoder, mask chosen by the standard's penalty rules) in about
    0.2 ms; segno's pure-Python mask evaluation took 3-4 ms, most of a county build's time.
    """
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # one byte a module: 0 dark
    size, pixels = image.shape[0], image.tobytes()
    width = size + 2 * QR_BORDER
    stride = (width + 7) // 8
    light = b"\0" + b"\xff" * stride  # a row of the quiet zone, after its filter byte (0: none)
    rows = [light] * QR_BORDER
    # a row as bits, 1 light: the quiet zone on both sides, padded with light to whole bytes
    pad = "1" * QR_BORDER
    for y in range(size):
        row = pixels[y * size:(y + 1) * size]
        bits = pad + row.translate(_TO_BITS).decode("ascii") + pad
        bits = bits.ljust(stride * 8, "1")
        rows.append(b"\0" + int(bits, 2).to_bytes(stride, "big"))
    rows += [light] * QR_BORDER
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) \
        + _chunk(b"IEND", b"")


_TO_BITS = bytes.maketrans(bytes([0, 255]), b"01")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.lru_cache(maxsize=4096)
def qr_img(data: str, alt: str) -> Markup:
    """The QR code as an <img>: a data: URI (the policy allows only the site's own images and
    data:), so that a printed page needs no other file. Nothing from the data is in it but the
    link, encoded; `alt` is the template's own words."""
    png = qr_png(data)
    width = int.from_bytes(png[16:20], "big")
    return Markup(f'<img class="gk-qr-code" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
                  f'alt="{escape(alt)}" width="{width}" height="{width}">')


def notice_links(rec: Record) -> list[kinds.NoticeLink]:
    """The notices a record has (its kind's `notices`); the last one is what its page prints by default."""
    return kinds.of(rec).notices(rec)


def notice(village: Village, rec: Record, link: kinds.NoticeLink, ctx: Context) -> Notice:
    address, absolute = public_link(ctx, record_url(village, rec))
    text = kinds.of(rec).notice(village, rec, link.slug)
    d = text.disclosure
    days = (d.end - d.start).days + 1 if d and d.start and d.end and d.end >= d.start else None
    return Notice(
        title=text.title, lead=text.lead, items=tuple(text.items), issuer=f"{village.name}村民委员会", issued=text.issued,
        start=d and d.start, end=d and d.end, days=days, where=d and d.where, link=address, absolute=absolute,
        qr=qr_img(address, "二维码：扫码打开这条记录的网页"),
    )


def duban_page(village: Village, ctx: Context, doc: compliance.Issued | None = None, problems=(),
               suggested: int | None = None, others=()) -> str:
    """A village's 督办单 as a printable notice from the township (A4): one it issued (`doc`),
    or a draft of `problems` with its number and date left for the township to fill in."""
    base = base_of(f"{village.url}duban/")
    link, _ = public_link(ctx, village.url)
    return _env.get_template("duban.html").render(
        base=base, css=base + CSS_PATH, ctx=ctx, today=ctx.today, notices=(),
        sample=ctx.tree.is_sample, village=village, township=village.township, doc=doc,
        problems=doc.problems if doc else problems, suggested=suggested, others=others,
        qr=qr_img(link, "二维码：扫码打开本村村务公开栏"), link=link,
    )


# -- fragments for the theme's pages ---------------------------------------------------------


def _fragment(template: str, ctx: Context, **values) -> str:
    return _env.get_template(template).render(ctx=ctx, today=ctx.today, **values)


def area_fragment(area, ctx: Context) -> str:
    """A county's or township's page body: its parts with simple totals."""
    year = finance_year(area.villages, ctx.today)
    is_county = isinstance(area, County)
    parts = area.townships if is_county else area.villages
    rows = [
        (p, area_totals(p, ctx.today, year) if is_county else village_totals(p, ctx.today, year))
        for p in parts
    ]
    return _fragment(
        "area.html", ctx, area=area, is_county=is_county, rows=rows, up=base_of(area.url),
        totals=area_totals(area, ctx.today, year), year=year, areas=_areas(), checks=kinds.problem_kinds(),
        years=_years(area.name, area_years(area.villages, ctx.today)),
    )


def _areas() -> list:
    """(kind, its area_<folder>.html as a module of macros) of each kind shown on the township,
    county and portal pages; a kind without that template is not."""
    out = []
    for kind in kinds.KINDS:
        try:
            out.append((kind, _env.get_template(f"area_{kind.folder}.html").module))
        except TemplateNotFound:
            pass
    return out


def _years(name: str, years: list) -> list:
    """(figures of a year, {kind folder: what its 历年汇总 shows besides them}) of each year."""
    return [(t, {kind.folder: kind.area_year(name, t) for kind in kinds.KINDS}) for t in years]


PORTAL_URL = "gedi/"  # 各地: the page over all counties, when there is more than one


def portal_fragment(ctx: Context) -> str:
    """The page above the counties: each county's totals, and the years summed over all of them."""
    villages = ctx.tree.villages
    year = finance_year(villages, ctx.today)
    rows = [(c, area_totals(c, ctx.today, year)) for c in ctx.tree.counties]
    total = zero_totals()
    for _, t in rows:
        total += t
    return _fragment("portal.html", ctx, rows=rows, totals=total, year=year, areas=_areas(),
                     years=_years("全部县", area_years(villages, ctx.today)))



def dashboard_fragment(area, ctx: Context) -> str:
    """督查: a county's or township's villages with what is late, counted and listed."""
    is_county = isinstance(area, County)
    reports = compliance.area_reports(area.villages, ctx.today)
    def line(name, link, rs):
        return (name, link, len(rs), sum(1 for r in rs if r.problems), compliance.rollup(rs))
    if is_county:
        summary = [line(t.name, f"../{t.slug}/ducha/", [r for r in reports if r.village.township is t]) for t in area.townships]
    else:
        summary = []
    summary.append(line("合计", None, reports))
    county = area if is_county else area.county
    rules = kinds.rules_said(county)
    prefix = "../" * (area.url.count("/") + 1)
    townships = area.townships if is_county else [area]
    docs: dict[str, list] = {}  # the 督办单 each village was issued, with where each stands
    for t in townships:
        for doc in compliance.issued(t):
            if doc.issued <= ctx.today:
                docs.setdefault(doc.village.url, []).append(doc)
    return _fragment("dashboard.html", ctx, area=area, is_county=is_county, reports=reports, summary=summary,
                     kinds=kinds.problem_kinds(), rules=rules, prefix=prefix, docs=docs)


def directory_fragment(ctx: Context, prefix: str = "") -> str:
    return _fragment("directory.html", ctx, tree=ctx.tree, prefix=prefix)


def sample_banner() -> str:
    return _env.get_template("sample_banner.html").render()


def hashed(folder: str, name: str, content: str) -> str:
    """A static file's path with a hash of its content in its name (gongkai.1a2b3c4d.css): a server
    may keep it a year (nginx/site.conf), and a new version is a new name."""
    stem, dot, ext = name.rpartition(".")
    return f"{folder}/{stem}.{hashlib.sha256(content.encode('utf-8')).hexdigest()[:8]}{dot}{ext}"


CSS_PATH = hashed("assets/gongkai", "gongkai.css", css())
