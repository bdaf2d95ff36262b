#!/usr/bin/env python3
"""The same county as a Hugo site: the yardstick `make bench` measures gongkai's cold build against.

Issue "A whole county in seconds" measured Hugo (Debian's package) on the same volume of data,
turned into content files: a page per village and per record, each record's fields in its front
matter, rendered by a small layout of its own (the fields, a fund period's ledger as a table), and the
records' photos encoded by Hugo's image processing as gongkai encodes them (WebP at phone size and a
thumbnail), so that both do the same work.
This script writes that Hugo site from a gongkai data folder; `hugo` builds it.

    python tools/hugo_site.py villages/ /tmp/hugo-county && hugo -s /tmp/hugo-county
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import yaml

CONFIG = """baseURL = "https://example.org/"
languageCode = "zh-cn"
title = "村务公开"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""

BASEOF = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }} · 村务公开</title></head>
<body><header><a href="{{ "/" | relURL }}">村务公开</a> {{ with .Parent }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.kind }}</li>{{ end }}</ul>{{ end }}
"""

SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>
<dl>{{ range $k, $v := .Params.record }}{{ if ne $k "entries" }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}{{ end }}</dl>
{{ with .Params.record.entries }}<table><thead><tr><th>日期</th><th>凭证号</th><th>类别</th><th>摘要</th><th>收入</th><th>支出</th><th>对方单位</th></tr></thead><tbody>
{{ range . }}<tr><td>{{ .date }}</td><td>{{ .voucher }}</td><td>{{ .category }}</td><td>{{ .summary }}</td><td>{{ .income }}</td><td>{{ .expense }}</td><td>{{ .counterparty }}</td></tr>
{{ end }}</tbody></table>{{ end }}
{{ range .Params.photos }}{{ with $.Resources.GetMatch . }}{{ $full := .Fit "1600x1600 webp q60" }}{{ $thumb := .Fit "360x360 webp q40" }}<a href="{{ $full.RelPermalink }}"><img src="{{ $thumb.RelPermalink }}" loading="lazy"></a>{{ end }}{{ end }}{{ end }}
"""


def title_of(rec: dict) -> str:
    return str(rec.get("title") or rec.get("what") or rec.get("period") or rec.get("id"))


def photos(value) -> list[str]:
    """The files a record's attachments name, anywhere in it (entries, meetings, disclosures)."""
    if isinstance(value, dict):
        listed = [a["file"] for a in value.get("attachments") or [] if isinstance(a, dict) and a.get("file")]
        return listed + [f for k, v in value.items() if k != "attachments" for f in photos(v)]
    if isinstance(value, list):
        return [f for v in value for f in photos(v)]
    return []


def write(data: Path, out: Path) -> int:
    """Write the Hugo site; the number of content pages."""
    (out / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (out / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in (("baseof.html", BASEOF), ("list.html", LIST), ("single.html", SINGLE)):
        (out / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    pages = 0
    for vfile in sorted(data.glob("*/*/*/village.yml")):
        vdir = vfile.parent
        village = yaml.load(vfile.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
        target = out / "content" / vdir.relative_to(data)
        target.mkdir(parents=True, exist_ok=True)
        (target / "_index.md").write_text(f"---\n{json.dumps({'title': village.get('name', vdir.name)}, ensure_ascii=False)}\n---\n",
                                          encoding="utf-8")
        pages += 1
        for kind in ("decisions", "funds", "pledges", "completed"):
            for year in sorted((vdir / kind).glob("*.yml")):
                for rec in yaml.load(year.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []:
                    front = {"title": title_of(rec), "kind": kind, "record": rec}
                    page = target / f"{rec['id']}.md"
                    files = photos(rec)
                    if files:  # a page bundle: Hugo encodes its photos as gongkai does (WebP, phone size, thumbnail)
                        page = target / rec["id"] / "index.md"
                        page.parent.mkdir(exist_ok=True)
                        for f in files:
                            shutil.copyfile(vdir / f, page.parent / Path(f).name)
                        front["photos"] = [Path(f).name for f in files]
                    # front matter as JSON (valid YAML, what Hugo reads fastest); dates and amounts as text
                    page.write_text(json.dumps(front, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
                    pages += 1
    return pages


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(write(Path(sys.argv[1]), Path(sys.argv[2])))
