"""Where the site is published: the full addresses that QR codes, feeds and the sitemap carry.

A printed notice's QR code must open its record from a phone in the village: it needs the site's
full address (https://…/), not a path. The address comes from, first to last:

1. `gongkai build --site-url URL` (the environment variable GONGKAI_SITE_URL): what the publish
   workflow passes to every county and portal build, from its Pages configuration;
2. gongkai's `public_url` in mkdocs.yml;
3. MkDocs' `site_url`, which `mkdocs serve` sets to its own address (http://127.0.0.1:8000/), so
   that a preview's QR codes and feeds open the preview.

A province publishes each county as a site of its own. A county is at `<address>/<county>/` unless
mkdocs.yml gives it an address of its own (gongkai's `counties:`, content/guide/sharding.md); every
build, of the whole data or of one county, gives a record the same full address.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

SITE_URL_ENV = "GONGKAI_SITE_URL"

_PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/\-]*)?")

MISSING = ("没有设置网站地址：打印的公示上的二维码只有站内路径，手机扫码打不开，也不会生成 Atom 订阅和完整的网站地图。"
           "请用 gongkai build --site-url https://你的网站地址/ 生成，或在 mkdocs.yml 的 gongkai 插件下写 public_url")


def normalise(value: str | None) -> str:
    """The address with one trailing slash; "" when not set.

    Raises ValueError with a Chinese message when it is not a plain http(s) address.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if not _PUBLIC_URL.fullmatch(value) or urlsplit(value).hostname in (None, ""):
        raise ValueError(f"网站地址“{value}”不对，应写成 https://example.org/ 这样的完整地址")
    return value.rstrip("/") + "/"


def site_address(*candidates: str | None) -> str:
    """The first address given, normalised (--site-url, public_url, site_url in that order); "" when none is."""
    for value in candidates:
        if (value or "").strip():
            return normalise(value)
    return ""


def county_address(base: str, county: str, own: Mapping[str, str]) -> str:
    """Where a county's own site is published: its own address, else the site's address + '<county>/'."""
    if own.get(county):
        return own[county]
    return base.rstrip("/") + "/" + county + "/" if base else ""


_TARGET = re.compile(r"github:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+|ssh://[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+/[A-Za-z0-9_./-]+")


def county_sites(configured: Mapping | None, counties: list[str]) -> dict[str, tuple[str, str]]:
    """The counties published as sites of their own, from mkdocs.yml's `counties:` (county folder:
    address, or address and where the publish workflow puts it): {folder: (address, target)}.
    A target is `github:owner/repo` (that repository's GitHub Pages, from its gh-pages branch) or
    `ssh://user@host/folder` (a county's server: gongkai deploy there); "" when the workflow only
    builds it. Raises ValueError naming the county when one is wrong or unknown."""
    out = {}
    for name, value in (configured or {}).items():
        if str(name) not in counties:
            known = "、".join(counties) or "一个也没有"
            raise ValueError(f"counties 里的“{name}”不是数据里的县文件夹（有：{known}）")
        url, target = (value.get("url"), value.get("deploy")) if isinstance(value, Mapping) else (value, "")
        try:
            url = normalise(str(url or ""))
        except ValueError as e:
            raise ValueError(f"counties 里{name}的{e}") from None
        target = str(target or "").strip()
        if target and not _TARGET.fullmatch(target):
            raise ValueError(f"counties 里{name}的 deploy “{target}”不对，应写成 github:用户/仓库 或 "
                             "ssh://用户@服务器/发布目录")
        if not url:
            raise ValueError(f"counties 里{name}没有写网站地址（url）")
        out[str(name)] = (url, target)
    return out


def own_addresses(configured: Mapping | None, counties: list[str]) -> dict[str, str]:
    """The counties' own addresses from mkdocs.yml (county_sites): {folder: address}."""
    return {name: url for name, (url, _) in county_sites(configured, counties).items()}


def public_link(base: str, own: Mapping[str, str], path: str) -> tuple[str, bool]:
    """(full address, absolute?) of a path inside the site (a/b/c.html); a path from the site's
    root when the address is unknown. A path in a county with an address of its own is there."""
    head, _, rest = path.partition("/")
    if head in own:
        return own[head] + quote(rest, safe="/"), True
    path = quote(path, safe="/")
    if base:
        return base + path, True
    return "/" + path, False
