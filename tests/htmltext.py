"""What a reader sees: the text of an HTML page, and its links."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[tuple[str, str, dict]] = []  # (tag, url, attrs)
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for key in ("href", "src", "action", "poster", "data"):
            if a.get(key):
                self.links.append((tag, a[key], a))
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


def text(html: str) -> str:
    return re.sub(r"\s+", " ", "".join(parse(html).parts)).strip()
