"""A Content-Security-Policy <meta> tag on every theme page (home, guides, county and township).

Why: the lean pages carry the site's policy from their own template (templates/_head.html); the
theme's pages are written by MkDocs and Material, which know nothing of it. Without a policy, a
script that slipped into a page (through a hole in escaping, a browser extension, a tampered
copy) would run, and could send a villager's browser anywhere. The policy text is gongkai's
(gongkai/csp.py), with one addition: Material has a few inline scripts of its own, and they are
allowed by their SHA-256 hashes, computed for each page as it is written. Only scripts that
Material's templates contain are hashed; any other inline script is refused by the policy and
named in a warning, so that `mkdocs build --strict` fails on it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from gongkai.render import csp

log = logging.getLogger("mkdocs.hooks.csp")

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]*)""", re.I)
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)  # a Jinja value inside a template's script
_EXISTING = re.compile(r"<meta\s+http-equiv=[\"']?Content-Security-Policy", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)  # the policy goes right after this,
_HEAD = re.compile(r"<head\b[^>]*>", re.I)  # or, with no charset, right after <head>

_theme_scripts: re.Pattern | None = None


def on_config(config):
    # The theme's folders are known once the config is read; its inline scripts become patterns
    # (a Jinja value such as the base URL may take any value without quotes or tags).
    global _theme_scripts
    patterns = set()
    for folder in config.theme.dirs:
        for template in Path(folder).rglob("*.html"):
            for attrs, body in _SCRIPT.findall(template.read_text(encoding="utf-8")):
                if _runs(attrs) and "{%" not in body:
                    parts = _EXPRESSION.split(body)
                    patterns.add("[^\"'<>]*".join(re.escape(p) for p in parts))
    _theme_scripts = re.compile("|".join(sorted(patterns)) or "(?!)", re.S)
    return config


def _runs(attrs: str) -> bool:
    """An inline script the browser executes (not src=, not a JSON data block)."""
    if re.search(r"\bsrc\s*=", attrs, re.I):
        return False
    m = _TYPE.search(attrs)
    return (m[1].lower() if m else "") in _JS_TYPES


def with_policy(html: str, where: str) -> str:
    """The page with the policy as the first thing after <meta charset> (a policy covers only what follows it)."""
    if _EXISTING.search(html):
        return html
    allowed = []
    for attrs, body in _SCRIPT.findall(html):
        if not _runs(attrs):
            continue
        if _theme_scripts is not None and _theme_scripts.fullmatch(body):
            allowed.append(body)
        else:
            log.warning(f"{where}: 页面里有一段不是主题自带的内联脚本，内容安全策略不让它运行：{body[:60]!r}")
    at = _CHARSET.search(html) or _HEAD.search(html)
    if at is None:
        log.warning(f"{where}: 找不到 <head>，没有加内容安全策略")
        return html
    return html[: at.end()] + csp.meta(allowed) + html[at.end():]


def on_post_page(output: str, page, config) -> str:
    return with_policy(output, page.file.src_uri)


def on_post_template(output_content: str, template_name: str, config) -> str:
    # 404.html is not a page, but readers land on it too; sitemap.xml is no HTML.
    return with_policy(output_content, template_name) if template_name.endswith(".html") else output_content


def on_serve(server, config, builder):
    # `mkdocs serve` adds an inline live-reload script to every page it sends, after the build:
    # in the preview, and only there, that one script is allowed by its hash too.
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is None:  # a future MkDocs: live reload may be refused by the policy, the site is not affected
        log.warning("mkdocs serve: 无法让自动刷新脚本通过内容安全策略，保存后请手动刷新页面")
        return server

    def inject_allowed(content: bytes, epoch):
        out = inject(content, epoch)
        at = content.rfind(b"</body>")
        at = len(content) if at < 0 else at
        added = re.fullmatch(rb"<script>(.*)</script>", out[at: at + len(out) - len(content)], re.S)
        if added is None:
            return out
        source = csp.script_hash(added[1].decode("utf-8")).encode("ascii")
        if b"script-src 'self'" in out:
            return out.replace(b"script-src 'self'", b"script-src 'self' " + source, 1)
        # a lean page's policy names no script-src (it runs none): the preview's one script, by hash
        return out.replace(b"default-src 'self'", b"default-src 'self'; script-src 'self' " + source, 1)

    server._inject_js_into_html = inject_allowed
    return server
