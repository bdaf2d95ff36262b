"""Markdown tables on a phone: every cell carries its column's heading (data-label), so that
gongkai.css can show each row as a card at 360 px instead of a table to scroll sideways."""

from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TD = re.compile(r"<td\b")
_TAG = re.compile(r"<[^>]+>")


def _label(match: re.Match) -> str:
    table = match.group(0)
    head = _HEAD.search(table)
    if head is None:
        return table
    labels = [html.escape(html.unescape(_TAG.sub("", th)).strip(), quote=True) for th in _TH.findall(head.group(1))]

    def row(m: re.Match) -> str:
        cells = iter(labels)
        return "<tr>" + _TD.sub(lambda td: f'<td data-label="{next(cells, "")}"', m.group(1)) + "</tr>"

    body_at = head.end()
    return table[:body_at] + _ROW.sub(row, table[body_at:])


def on_page_content(html_text: str, page, config, files) -> str:
    return _TABLE.sub(_label, html_text)
