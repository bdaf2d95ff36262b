"""Kiosk mode (触摸屏): what the touch screen in a 党群服务中心 shows, computed at build time.

A village's kiosk page (`kiosk/<county>/<township>/<village>/`) holds everything the screen will
ever show, so that it never has to fetch another page while it runs: the attract loop (a
playlist of what is current as of the build date, one <section> a slide) and, behind a touch,
the whole board at kiosk size. A township's page loops over its villages' current items and
leads to their pages; `kiosk/` and `kiosk/<county>/` choose a township by touch, with links only.
static/kiosk.js only shows, hides and counts; every word and figure comes from here.

`kiosk/version.json` is written last: the screens poll it and reload only when it changed (and
answered), so a screen never reloads into a half-written site.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from pathlib import Path

from gongkai import kinds
from gongkai.check import attach
from gongkai.load import cache
from gongkai.render import pages as render
from gongkai.model.tree import Township, Village
from gongkai.render.kioskkit import NOTE_CHARS, Panel, Row, Slide, cut
from gongkai.render.words import zh_date
from gongkai.model.schema import Record

FOLDER = "kiosk/"
VERSION_FILE = f"{FOLDER}version.json"
STATIC = ("kiosk.js", "kiosk.css")
MIN_ITEMS = 4  # fewer current items than this: the loop is topped up with the latest of each kind


@dataclass(frozen=True)
class Settings:
    """What a technician may change in mkdocs.yml (gongkai: kiosk: ...); seconds and days."""

    slide_seconds: float = 12  # how long each slide of the loop is shown
    idle_seconds: float = 90  # untouched this long, the screen warns ...
    warn_seconds: float = 10  # ... and this long after, goes back to the loop
    poll_seconds: float = 60  # how often the screen asks kiosk/version.json for a new build
    recent_days: int = 60  # pledges kept and matters completed this recently join the loop
    max_slides: int = 30

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"触摸屏设置 kiosk.{f.name} 应该是大于 0 的数，现在是 {value!r}")


@dataclass(frozen=True)
class Screen:
    """A kiosk page: the board header that never leaves the screen, the loop and the panels."""

    title: str
    sub: str
    phones: tuple[tuple[str, str], ...]
    duty: tuple[tuple[str, str, str], ...]  # (day, name, weekdays as JavaScript counts them)
    slides: tuple[Slide, ...]
    panels: tuple[Panel, ...]


# -- what is current -------------------------------------------------------------------------


def village_items(village: Village, today: date, settings: Settings) -> list[Slide]:
    """The village's current items, in the board's order; the latest of each kind when few are current.
    Worked out once a build (its village page and its township's loop both show them)."""
    return list(village.remember(("kiosk items", today, settings), lambda: tuple(_village_items(village, today, settings))))


def _village_items(village: Village, today: date, settings: Settings) -> list[Slide]:
    within = settings.recent_days
    found = [(kind.kiosk, list(kind.kiosk.current(village, today, within))) for kind in kinds.KINDS if kind.kiosk]
    if sum(len(records) for _, records in found) < MIN_ITEMS:
        for part, records in found:
            latest = part.latest(village, today)
            if latest is not None and latest not in records:
                records.append(latest)
    return [with_photos(village, rec, part.slide(village, rec, today)) for part, records in found for rec in records]


KIOSK_PHOTOS = 2  # a slide shows at most this many of its record's photos


def with_photos(village: Village, rec: Record, slide: Slide) -> Slide:
    """The slide with its record's photos (the full images: a kiosk's screen is large), the
    latest-added first: the notice as posted, the voucher of the last payment."""
    shown = [a for a in attach.shown(rec, village) if not a.is_pdf][::-1][:KIOSK_PHOTOS]
    if not shown:
        return slide
    return replace(slide, photos=tuple((village.url + a.full, a.caption, a.full_width, a.full_height) for a in shown))


def village_playlist(village: Village, today: date, settings: Settings) -> list[Slide]:
    return [intro_slide(village, today), *village_items(village, today, settings)][: settings.max_slides]


def township_playlist(township: Township, today: date, settings: Settings) -> list[Slide]:
    """The villages' items taken in turn, so that one busy village does not fill the loop."""
    # without photos: a township's loop is made where the villages' photos are not (they are encoded
    # with each village's pages, in other processes); a villager sees them on the village's screen
    queues = [[replace(s, place=v.name, photos=()) for s in village_items(v, today, settings)] for v in township.villages]
    mixed = [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]
    intro = Slide("概况", f"{township.name}村务公开", facts=(
        ("村数", f"{len(township.villages)} 个村"),
        ("监督电话", township.supervision_phone or "—"),
        ("举报电话", township.report_phone or "—"),
        *((("地址", township.address),) if township.address else ()),
    ), note="触摸屏幕，可以选择本乡镇的每一个村，查看全部公开内容。")
    return [intro, *mixed][: settings.max_slides]


# -- slides ----------------------------------------------------------------------------------


def intro_slide(village: Village, today: date) -> Slide:
    facts = [("坐班时间", cut(village.office_hours, 40))] if village.office_hours else []
    heads = [p for p in village.cadres or [] if p.name][:2]
    facts += [(cut(p.role, 16), p.name) for p in heads]
    if village.first_secretary:
        facts.append(("驻村第一书记", f"{village.first_secretary.name}（{cut(village.first_secretary.unit, 16)}）"))
    facts.append(("最近一次公开", zh_date(render.last_disclosure(village, today))))
    return Slide("概况", f"{village.name}村务公开栏", facts=tuple(facts),
                 note=cut(village.introduction, NOTE_CHARS) or "触摸屏幕，查看本村全部决策、财务、承诺和办结事项。")


# -- the board behind the touch --------------------------------------------------------------


def people_rows(village: Village) -> tuple[Row, ...]:
    rows = [Row(p.name, "", False, p.role) for p in village.cadres or []]
    if village.first_secretary:
        rows.append(Row(village.first_secretary.name, "", False, f"驻村第一书记（{village.first_secretary.unit}）"))
    rows += [Row(p.name, "", False, p.role) for p in village.supervision_committee or []]
    if village.office_hours:
        rows.append(Row("坐班时间", "", False, village.office_hours))
    return tuple(rows)


def village_panels(village: Village, today: date) -> tuple[Panel, ...]:
    """The board behind the touch: each kind's panel, then the village's people."""
    return (*(kind.kiosk.panel(village, today) for kind in kinds.KINDS if kind.kiosk),
            Panel("p-people", "村干部", people_rows(village), empty="暂无村干部名单。"))


_DAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天末])(?:\s*[至到~～—-]\s*(?:周|星期|礼拜)?([一二三四五六日天]))?")
_ISO_DAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


def weekdays(text: str | None) -> str:
    """The days a duty-roster entry names, as JavaScript's getDay() counts them (Sunday 0):
    周一 -> "1", 周一至周五 -> "1 2 3 4 5", 周末轮值 -> "6 0"; "" when it names none."""
    days: list[int] = []
    for m in _DAY.finditer(text or ""):
        if m[1] == "末":
            days += [6, 7]
            continue
        first = _ISO_DAY[m[1]]
        last = _ISO_DAY[m[2]] if m[2] else first
        days += range(first, max(first, last) + 1)
    return " ".join(str(d % 7) for d in dict.fromkeys(days))


def village_screen(village: Village, today: date, settings: Settings) -> Screen:
    township, county = village.township, village.county
    return Screen(
        title=f"{village.name}村务公开栏",
        sub=f"{county.name} {township.name}",
        phones=(("村委会电话", village.office_phone or "—"), ("乡镇监督电话", township.supervision_phone or "—"),
                ("乡镇举报电话", township.report_phone or "—"), ("县监督电话", county.supervision_phone or "—")),
        duty=tuple((d.day or "", d.name or "", weekdays(d.day)) for d in village.duty_roster or []),
        slides=tuple(village_playlist(village, today, settings)),
        panels=village_panels(village, today),
    )


def township_screen(township: Township, today: date, settings: Settings) -> Screen:
    county = township.county
    villages = tuple(Row(v.name, "", False, "", f"{v.slug}/") for v in township.villages)
    return Screen(
        title=f"{township.name}村务公开",
        sub=county.name,
        phones=(("乡镇监督电话", township.supervision_phone or "—"), ("乡镇举报电话", township.report_phone or "—"),
                ("县监督电话", county.supervision_phone or "—"), ("县举报电话", county.report_phone or "—")),
        duty=(),
        slides=tuple(township_playlist(township, today, settings)),
        panels=(Panel("p-villages", "本乡镇各村", villages, empty="本乡镇还没有村。"),),
    )


# -- pages -----------------------------------------------------------------------------------


def url_of(area) -> str:
    """A village's or township's kiosk page, beside its board's path: kiosk/<county>/<township>/."""
    return f"{FOLDER}{area.url}"


def _page(template: str, url: str, ctx: render.Context, settings: Settings, version: str, **values) -> str:
    # the script and the stylesheets are named by their content: new code is a new URL, never a stale copy
    return render.page(template, url, ctx, css=render.CSS_PATH, kiosk_css=CSS_PATH, kiosk_js=JS_PATH, version=version,
                       version_url=VERSION_FILE, settings=settings, **values)


# Where a village's page takes the build's version: a village's page is made once, with its other
# pages (in parallel, or from the cache), but the version changes with any data file of the site.
_SLOT = "gkversionslot000"
_EMPTY = Screen(title="", sub="", phones=(), duty=(), slides=(), panels=())


def village_page(village: Village, ctx: render.Context, settings: Settings) -> tuple[str, ...] | None:
    """A village's kiosk page cut where the build's version goes: "version".join(it) is the page.
    None when the village's own text holds the slot's mark: its page is then made whole by pages()."""
    url = url_of(village)
    cut_page = tuple(_page("kiosk_screen.html", url, ctx, settings, _SLOT,
                           screen=village_screen(village, ctx.today, settings)).split(_SLOT))
    slots = _page("kiosk_screen.html", url, ctx, settings, _SLOT, screen=_EMPTY).count(_SLOT)
    return cut_page if len(cut_page) == slots + 1 else None


def pages(ctx: render.Context, settings: Settings, version: str,
          made: dict[str, tuple[str, ...] | None] | None = None) -> Iterator[tuple[str, str]]:
    """(path inside the site folder, HTML) of the chooser, every township's and every village's kiosk page.
    `made`: village_page by village URL, made beforehand."""
    tree, today = ctx.tree, ctx.today
    made = made or {}
    choices = [Row(c.name, "", False, f"{len(c.townships)} 个乡镇", f"{c.slug}/") for c in tree.counties]
    if all(c.url for c in tree.counties):  # a county built as a site of its own: its chooser is kiosk/
        yield f"{FOLDER}index.html", _page("kiosk_chooser.html", FOLDER, ctx, settings, version, heading="村务公开触摸屏",
                                           ask="请选择县", choices=choices, up=None)
    for county in tree.counties:
        choices = [Row(t.name, "", False, f"{len(t.villages)} 个村", f"{t.slug}/") for t in county.townships]
        yield f"{url_of(county)}index.html", _page("kiosk_chooser.html", url_of(county), ctx, settings, version,
                                                   heading=f"{county.name}村务公开触摸屏", ask="请选择乡镇",
                                                   choices=choices, up="../" if county.url else None)
        for township in county.townships:
            yield f"{url_of(township)}index.html", _page("kiosk_screen.html", url_of(township), ctx, settings, version,
                                                         screen=township_screen(township, today, settings))
            for village in township.villages:
                cut_page = made.get(village.url)
                yield f"{url_of(village)}index.html", (
                    version.join(cut_page) if cut_page else
                    _page("kiosk_screen.html", url_of(village), ctx, settings, version,
                          screen=village_screen(village, today, settings)))


def build_version(ctx: render.Context, settings: Settings) -> str:
    """The build's id: a hash of what the kiosk pages are made from (the data files, gongkai's own
    code, templates and static files, the settings and the build date). The same inputs give the
    same id, so rebuilding an unchanged site reloads no screen."""
    digest = hashlib.sha256(f"{ctx.today.isoformat()}\n{sorted(asdict(settings).items())}\ncode {cache.code_version()}\n".encode())
    # the data files as the check read them (a county's own site: its own files only), wherever the folder is
    root = os.path.join(ctx.tree.root, "")
    files = sorted((p.removeprefix(root) if p.startswith(root) else os.path.relpath(p, ctx.tree.root), d)
                   for p, d in ctx.tree.digests.items())
    # one update of all of it: a county's 10,000 files, at every rebuild of `mkdocs serve`
    digest.update("".join(f"data/{rel.replace(os.sep, '/')}\n{content}\n" for rel, content in files).encode())
    return digest.hexdigest()[:16]


def static(name: str) -> str:
    return (render.STATIC / name).read_text(encoding="utf-8")


JS_PATH = render.hashed("assets/gongkai", "kiosk.js", static("kiosk.js"))
CSS_PATH = render.hashed("assets/gongkai", "kiosk.css", static("kiosk.css"))


def write(site_dir: str | Path, ctx: render.Context, settings: Settings,
          made: dict[str, tuple[str, ...] | None] | None = None) -> int:
    """Write every kiosk page, then kiosk/version.json (by rename: never half a file). The number of pages.
    `made`: village_page by village URL, made beforehand."""
    version = build_version(ctx, settings)
    count = render.write_pages(site_dir, pages(ctx, settings, version, made))
    target = Path(site_dir) / VERSION_FILE
    fresh = target.with_name(f".{target.name}.{os.getpid()}")
    fresh.write_text(json.dumps({"version": version, "built": ctx.today.isoformat()}), encoding="utf-8")
    os.replace(fresh, target)
    return count
