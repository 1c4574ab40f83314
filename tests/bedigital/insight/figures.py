"""Reading the figures back out of a rendered report."""
from __future__ import annotations

import re
from html import unescape


def figure(html: str, name: str) -> int:
    """A key figure (`data-figure="name"`)."""
    return int(re.search(rf'data-figure="{re.escape(name)}">(\d+)<', html).group(1))


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The cells of each body row of a table, as text."""
    table = re.search(rf'<table id="{re.escape(table_id)}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def main_part(html: str) -> str:
    """The report's body: what both the file and the page show (the header differs by its links and time)."""
    return re.search(r'<main id="content">.*</main>', html, re.S).group(0)


def charts(html: str) -> list[str]:
    return re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', html)
