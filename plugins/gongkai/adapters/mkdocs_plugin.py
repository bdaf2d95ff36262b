"""The MkDocs adapter: one short method per event, the work done by the core.

MkDocs 1.x is unmaintained; everything that matters lives in load/check/model/rollup/render
so that this file is all there is to replace.
"""

from __future__ import annotations

import functools
import gc
import html
import json
import logging
import re
import time
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from gongkai import kinds
from gongkai.render import address, feeds, guide, kiosk, opendata, produce, pages as render, search, shard
from gongkai.adapters import sitebuild
from gongkai.check.checker import Result, check_tree
from gongkai.config import build_date, site_url
from gongkai.check.diagnostics import display_path
from gongkai.adapters.serving import SERVED, Compiled, changes, start_watch, watch_natively

log = logging.getLogger("mkdocs.plugins.gongkai")
THEME = Path(__file__).parent / "theme"

MARKER = re.compile(r"<!--\s*gongkai:(\w+)(?:\s+(\w+))?\s*-->")
# Where a county's or township's page gets its body: after Markdown, which has nothing to do in
# escaped HTML but would still scan all of it (a county's tables are thousands of rows).
BODY = "<!-- gongkai-body -->"


class _Clock:
    """Logs each step of a build with the seconds it took."""

    def __init__(self):
        self.start = time.monotonic()

    def log(self, what: str) -> None:
        now = time.monotonic()
        what = what.removeprefix("gongkai: ")
        log.info(f"gongkai: {what}（{now - self.start:.1f} 秒）")
        self.start = now


class KioskConfig(base.Config):
    # The touch screens in service centres (kiosk.py); seconds, and days for "recent".
    slide_seconds = c.Type((int, float), default=kiosk.Settings.slide_seconds)
    idle_seconds = c.Type((int, float), default=kiosk.Settings.idle_seconds)
    warn_seconds = c.Type((int, float), default=kiosk.Settings.warn_seconds)
    poll_seconds = c.Type((int, float), default=kiosk.Settings.poll_seconds)
    recent_days = c.Type(int, default=kiosk.Settings.recent_days)
    max_slides = c.Type(int, default=kiosk.Settings.max_slides)


class GongkaiConfig(base.Config):
    data_dir = c.Type(str, default="villages")
    nav_title = c.Type(str, default="各地村务公开")
    # The site's published address, for the QR codes on printed notices, feeds and the sitemap;
    # `gongkai build --site-url` wins, MkDocs' site_url when empty (address.py).
    public_url = c.Type(str, default="")
    # Counties published as sites of their own at addresses of their own: {county folder: address}.
    counties = c.Type(dict, default={})
    kiosk = c.SubConfig(KioskConfig)
    # One county folder built as a site of its own, published at <public_url>/<county>/; or the portal
    # over the counties (county.yml and township.yml only). GONGKAI_ONLY / GONGKAI_PORTAL=1 win (shard.py).
    only = c.Type(str, default="")
    portal = c.Type(bool, default=False)


def kind_guides(nav: list, pages: set[str]) -> list:
    """The nav with each record kind's guide page (guide/<folder>.md, when there is one) that it does
    not list put in after the guide page of the kind before it: a kind added needs no edit of mkdocs.yml."""
    def find(items, page):  # (the list holding page, its index) anywhere in the nav
        for i, item in enumerate(items):
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if value == page:
                return items, i
            if isinstance(value, list) and (hit := find(value, page)):
                return hit
        return None

    before = None
    for kind in kinds.KINDS:
        page = f"guide/{kind.folder}.md"
        if page in pages and not find(nav, page) and before and (hit := find(nav, before)):
            items, i = hit
            items.insert(i + 1, {kind.label: page})
        before = page if page in pages else before
    return nav


class GongkaiPlugin(BasePlugin[GongkaiConfig]):
    result: Result | None = None
    serving = False
    dirty = False

    def on_startup(self, command, dirty):
        # While serving, a rebuild renders only the villages that changed, in this process: the
        # dev server's threads make forking unsafe, and one village does not need more. The first
        # build comes before the server starts its threads: it may use several processes.
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config):
        # Resolve paths once, against mkdocs.yml, so `mkdocs -f` from anywhere works.
        self.data_dir = Path(config.config_file_path).parent / self.config.data_dir
        try:
            self.only, self.portal = shard.mode(self.config.only, self.config.portal)
        except ValueError as e:
            raise PluginError(f"gongkai：{e}") from None
        # The address every QR code, feed and sitemap entry carries: a county built on its own is at
        # its own address, or the site's + <county>/. MkDocs' sitemap, 404 page and canonical links follow.
        try:
            # `mkdocs serve` has set site_url to its own address: a preview's QR codes open the preview
            first = (config.site_url,) if self.serving else ()
            base = address.site_address(*first, site_url(), self.config.public_url, config.site_url)
            self.own = address.own_addresses(self.config.counties, shard.county_folders(self.data_dir))
        except ValueError as e:
            raise PluginError(f"网站地址（gongkai build --site-url、mkdocs.yml 里 gongkai 的 public_url 或 counties、"
                              f"MkDocs 的 site_url）：{e}") from None
        self.public_url = address.county_address(base, self.only, self.own) if self.only else base
        # a county's own site links back to the portal: its parent folder, or the portal's address
        self.portal_home = (base if self.only in self.own else "../") if self.only else ""
        if self.public_url:
            config.site_url = self.public_url
        elif config.strict:  # a published site with dead QR codes: refused before any work
            raise PluginError(f"gongkai：{address.MISSING}。严格模式（--strict）下网站没有生成。")
        else:
            log.warning(f"gongkai：{address.MISSING}。")
        # what on_pre_build loads: every county, one county as the site's root, or the portal's areas only
        self._check = shard.check_areas if self.portal else functools.partial(
            check_tree, only=self.only, memory=SERVED.setdefault("check", {}) if self.serving else None)
        try:
            self.kiosk = kiosk.Settings(**self.config.kiosk)
        except ValueError as e:
            raise PluginError(f"mkdocs.yml 里 gongkai 的 {e}") from None
        config.extra_css.append(render.CSS_PATH)
        # the theme's header links to the site's search page (theme/partials/header.html); a
        # site's own overrides (custom_dir, first) still win
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        return config

    def on_pre_build(self, config):
        # Check before MkDocs cleans the site folder: bad data must leave the last good site alone.
        today = build_date()
        clock = _Clock()
        self.jobs = 1 if self.serving and SERVED.get("threads") else None
        # serving: the data folder is watched from before the first check, so that each rebuild's
        # check knows which files changed since the last one and looks at those only (seen.py)
        changed = changes() if self.serving and not self.portal and start_watch(self.data_dir) else None
        self.result = self._check(self.data_dir, today, reserved=self._site_names(config),
                                  **({} if self.portal else {"jobs": self.jobs, "changed": changed}))
        if not self.jobs:
            # A build, or the first of `mkdocs serve`: what the check read (every record of the
            # county, kept to the end, and in serve for the rebuilds) is left out of the garbage
            # collector's full passes, which would walk all of it again and again (most of a
            # second each at county scale), and forked workers share it instead of copying it.
            # Records hold no reference cycles: those dropped later are freed all the same.
            gc.freeze()
        clock.log(f"检查了 {len(self.result.tree.villages)} 个村的数据")
        own = () if self.only else tuple(sorted(self.own.items()))  # a county's own site is at its own address already
        self.context = render.Context(self.result.tree, today, str(self.data_dir.parent), self.public_url, own)
        for d in self.result.diagnostics:
            text = f"{display_path(d.path)}:{d.line}:{d.col}: {d.severity} {d.code} {d.message}（{d.hint}）"
            (log.error if d.is_error else log.info)(text)
        if not self.result.ok:
            raise PluginError(f"村务数据有 {len(self.result.errors)} 个错误，网站没有生成。运行 gongkai check 查看详情。")
        # MkDocs empties the site folder next: the old files are set aside, unchanged villages are moved back
        self.old_site = None if self.dirty else sitebuild.OldSite(config.site_dir)

    def on_files(self, files: Files, config):
        self._bodies: dict[str, str] = {}  # the area pages' bodies by their file, until on_page_content
        self.pages_found: list[list[str]] = []  # the hand-written pages' sections, for the search
        # The villages' pages are made in other processes from now on, while MkDocs renders the
        # theme's pages here (the site folder has just been emptied); on_post_build collects them.
        self.villages = None if self.portal else produce.start_villages(
            config.site_dir, self.context, self.kiosk, produce.page_cache(self.context, self.kiosk), jobs=self.jobs,
            old_site=self.old_site, memory=SERVED.setdefault("villages", {}) if self.serving else None)
        self.villages_clock = _Clock()
        # County and township pages join the theme (and the nav); the stylesheet ships with the site.
        files.append(File.generated(config, render.CSS_PATH, content=render.css()))
        files.append(File.generated(config, kiosk.JS_PATH, content=kiosk.static("kiosk.js")))
        files.append(File.generated(config, kiosk.CSS_PATH, content=kiosk.static("kiosk.css")))
        if self.portal:  # the portal: the hand-written pages and the list of the county sites
            files.append(self._area_file(config, render.PORTAL_URL, self.config.nav_title, shard.portal_fragment(self.context)))
            config.nav = self._nav(config.nav, files)
            return files
        if self.only:  # a county's own site: its page is the home page, in place of the hand-written one
            if home := files.get_file_from_path("index.md"):
                files.remove(home)
            county = self.result.tree.counties[0]
            config.site_name = f"{county.name}{config.site_name}"
            files.append(self._area_file(config, county.url, county.name,
                                         shard.home_fragment(county, self.context, self.portal_home)))
        # Each has its 督查 page (reached from it, not from the nav); several counties get a portal.
        if len(self.result.tree.counties) > 1:
            files.append(self._area_file(config, render.PORTAL_URL, self.config.nav_title, render.portal_fragment(self.context)))
        clock = _Clock()
        for area in (a for c in self.result.tree.counties for a in (c, *c.townships)):
            if area.url:  # not the home page of a county's own site (above)
                files.append(self._area_file(config, area.url, area.name, render.area_fragment(area, self.context)))
            files.append(self._area_file(config, f"{area.url}ducha/", f"{area.name}村务公开督查",
                                         render.dashboard_fragment(area, self.context)))
        clock.log("县和乡镇的汇总、督查页面")
        config.nav = self._nav(config.nav, files)
        return files

    def on_env(self, env, config, files):
        if self.serving:
            env.bytecode_cache = SERVED.setdefault("templates", Compiled())
        return env

    def on_page_markdown(self, markdown, page, config, files):
        # Hand-written pages ask for generated parts (directory, field tables) by marker.
        return MARKER.sub(lambda m: self._expand(m[1], m[2], page), markdown)

    def on_page_content(self, html, page, config, files):
        if (body := self._bodies.pop(page.file.src_uri, None)) is not None:
            html = html.replace(BODY, body, 1)
        elif not page.is_homepage:  # a hand-written page (the home page is places, which the index has)
            self.pages_found.extend(search.page_documents(page.url, str(page.title or ""), html))
        # Every page of a sample site says so before anything else.
        return (render.sample_banner() + html) if self.result.tree.is_sample else html

    def on_post_build(self, config):
        try:
            done = None
            if not self.portal:  # the portal loads no village: boards, feeds, open data and kiosk pages are the county sites'
                done = self._write_villages(config)
            clock = _Clock()
            # the portal's places are the county sites, wherever each is published
            where = [[shard.county_home(self.context, c, ""), c.name, "县的村务公开网站"]
                     for c in self.result.tree.counties] if self.portal else None
            written = search.write(config.site_dir, self.context, done.search if done else {}, self.pages_found, where)
            clock.log(f"搜索页和它的索引（{written} 个文件）")
        finally:
            self.on_build_error(None)

    def on_build_error(self, error):
        # also the end of every build (on_post_build)
        if getattr(self, "villages", None):  # the build failed while the villages were being made
            self.villages.cancel()
            self.villages = None
        if getattr(self, "old_site", None):  # what is left of the last build is deleted by now
            self.old_site.finish()
            self.old_site = None
        if self.serving:  # the dev server starts its threads after the first build
            SERVED["threads"] = True

    def _write_villages(self, config):
        # Village boards and record pages are lean HTML of our own, made since on_files alongside the
        # theme's pages. Each step says how long it took: at county scale a build is minutes, and this shows where.
        clock = self.villages_clock  # from on_files, when the villages' processes started
        done, self.villages = self.villages.finish(), None
        if self.old_site:
            self.old_site.discard()
        clock.log(f"写了 {done.pages} 个村务和记录页面（{done.rendered} 个村重新生成，其余没有变化，取自缓存；与主题的页面同时进行）")
        # Feeds, and the lean pages in MkDocs' sitemap.xml: it exists now, and so do the pages it lists.
        clock.log(feeds.write(config.site_dir, self.context, config.site_name, done.feeds))
        # Each county's package of open data (a ZIP of CSV, JSON and datapackage.json), put together
        # from the pieces its villages made with their pages; their own small files are written already.
        written = opendata.write_packages(config.site_dir, self.result.tree, done.pieces, self.context.today)
        clock.log(f"开放数据：{written}（各村自己的 {done.datafiles} 个文件与村务页面一起写）")
        # Kiosk pages for the service centres' touch screens, and last the version file they poll:
        # a screen must never see a new version before everything it would reload into is written.
        clock.log(f"生成了 {kiosk.write(config.site_dir, self.context, self.kiosk, done.kiosk)} 个触摸屏页面")
        return done

    def on_serve(self, server, config, builder):
        # Live reload when a clerk saves a YAML file.
        if not watch_natively(server, self.data_dir):
            server.watch(str(self.data_dir))
        return server

    def on_shutdown(self):
        if observer := SERVED.pop("observer", None):
            observer.stop()

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _site_names(config) -> set[str]:
        """The folders the hand-written pages take at the top of the site: no county may take them too."""
        return {p.stem if p.suffix == ".md" else p.name for p in Path(config.docs_dir).iterdir()}

    def _area_file(self, config, url: str, name: str, body: str) -> File:
        # The body (its <h1> included) is escaped HTML, which Markdown passes through untouched: a
        # name never meets Markdown syntax. Material prints titles as HTML, so the title is escaped
        # too; as meta title it is what <title> shows (page.title there is unescaped, `</title>` and all).
        title = json.dumps(html.escape(name), ensure_ascii=False)
        self._bodies[f"{url}index.md"] = body
        return File.generated(config, f"{url}index.md", content=f"---\ntitle: {title}\n---\n\n{BODY}\n")

    def _nav(self, nav, files: Files):
        # Nav titles are HTML to Material: names go in escaped.
        tree = [
            {html.escape(county.name): [f"{county.url}index.md"]
             + [{html.escape(t.name): f"{t.url}index.md"} for t in county.townships]}
            for county in self.result.tree.counties
        ]
        if len(self.result.tree.counties) > 1 or self.portal:
            tree.insert(0, {"全部县": f"{render.PORTAL_URL}index.md"})
        if self.portal:  # the counties' pages are in their own sites
            tree = tree[:1]
        section = {self.config.nav_title: tree}
        if self.only:  # the county's page is the home page: the section lists its townships
            name = html.escape(self.result.tree.counties[0].name)
            section = {f"{name}各乡镇": tree[0][name][1:]}
        if not nav:
            pages = [f.src_uri for f in files.documentation_pages() if not f.generated_by]
            nav = sorted(pages, key=lambda p: (p != "index.md", p))
        nav = kind_guides(list(nav), {f.src_uri for f in files.documentation_pages()})
        nav.insert(1 if nav else 0, section)
        return nav

    def _expand(self, what: str, arg: str | None, page) -> str:
        if what == "directory":
            prefix = "../" * page.url.count("/")
            return render.directory_fragment(self.context, prefix)
        if what == "fields" and arg:
            return guide.field_table(arg)
        if what == "codes":
            return guide.codes_page()
        if what == "columns":
            prefix = "../" * page.url.count("/")
            if self.portal:  # the packages are in the counties' own sites
                return shard.portal_downloads(self.context, prefix, opendata.columns_doc(prefix))
            return opendata.columns_doc(prefix, self.result.tree.counties)
        raise PluginError(f"{page.file.src_uri}: 不认识的标记 gongkai:{what}")
