"""Pages of a multi-page source: what to request, what came back, and which page leads to which.

A paged source (json_api, html, python) is read as an ordered sequence of pages. Deciding the
next requests from a page is a pure function of its bytes (a Pager), so the crawler, the fixture
replay and the contract tests all follow pagination the same way.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl

PageRole = Literal["listing", "detail"]
_PLACEHOLDER = re.compile(r"\{(today|now)(?:([+-])(\d+)d)?\}")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """One request of a paged source."""

    url: str
    method: str = "GET"
    json_body: Any = None
    role: PageRole = "listing"
    # A next page asked only because the last one was full (no total says there is more): past the end,
    # WordPress answers 400 rest_post_invalid_page_number, others 404; that ends the pages, it is no failure.
    probe: bool = False

    def identity(self) -> str:
        """The same identity means the same page: a crawler never asks twice."""
        body = json.dumps(self.json_body, sort_keys=True) if self.json_body is not None else ""
        return f"{self.method} {self.url} {body}"

    def relative(self) -> tuple[str, str, str]:
        """Method, path with query and body: a request independent of the host it was recorded on."""
        parts = urlsplit(self.url)
        query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        body = json.dumps(self.json_body, sort_keys=True) if self.json_body is not None else ""
        return self.method, f"{parts.path}?{query}", body


@dataclass(frozen=True, slots=True)
class Page:
    """One page as fetched (or replayed from a fixture)."""

    request: PageRequest
    body: bytes
    final_url: str | None = None
    status: int | None = 200
    content_type: str | None = None

    @property
    def url(self) -> str:
        return self.final_url or self.request.url

    @property
    def body_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def pages_hash(pages: list[Page] | tuple[Page, ...]) -> str:
    """The body hash of a paged source: the hash of its page hashes, in order."""
    return hashlib.sha256(manifest(pages)).hexdigest()


def manifest(pages: list[Page] | tuple[Page, ...]) -> bytes:
    """The archived index of a paged payload: one page hash per line, in order."""
    return "".join(f"{page.body_hash}\n" for page in pages).encode("ascii")


class RepeatedPages:
    """Listing pages whose records are those of an earlier page, word for word.

    An API that ignores its page parameter, or a listing whose "next" link always leads on (page=2,
    3, 4 … all showing the last page), returns the same records again and again: they were read up
    to max_pages and rejected as duplicates by the dozen under a warning that "the API announced
    more". A page that repeats an earlier one ends the pagination, and its records are not read twice.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def earlier(self, fingerprint: str | None, number: int) -> int | None:
        """The number of the earlier page with the same records, or None (also for a page without records)."""
        if fingerprint is None:
            return None
        first = self._seen.setdefault(fingerprint, number)
        return first if first != number else None


def records_fingerprint(parts: list[str]) -> str | None:
    """The fingerprint of a page's records (their texts, in order); None for a page without records."""
    if not parts:
        return None
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def repeated_page_warning(number: int, url: str, first: int) -> str:
    return (f"listing page {number} ({url}) holds the very records of page {first}: the pagination is not followed "
            "by the site (a page parameter it ignores, or a next link that never ends); its records were read once "
            "and no further page was asked for")


class Pager(Protocol):
    """Which pages a source asks for: the first ones, then those each page leads to."""

    def first(self) -> list[PageRequest]: ...

    def follow(self, page: Page, listing_index: int) -> list[PageRequest]:
        """The requests `page` leads to (detail pages first, then the next listing page)."""
        ...


def fill_placeholders(value: Any, now: datetime) -> Any:
    """{today}, {today+30d}, {today-7d} (ISO dates) and {now} (ISO instant, UTC) in parameter values."""
    if not isinstance(value, str) or "{" not in value:
        return value

    def repl(match: re.Match[str]) -> str:
        base, sign, days = match.group(1), match.group(2), match.group(3)
        delta = timedelta(days=int(days or 0)) * (-1 if sign == "-" else 1)
        moment = now + delta
        return moment.date().isoformat() if base == "today" else moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    return _PLACEHOLDER.sub(repl, value)


def with_query(url: str, params: dict[str, Any]) -> str:
    """`url` with `params` set in its query string (existing values of the same names replaced)."""
    if not params:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    # A list is the parameter repeated: OpenAgenda's cursor `after` is [sort value, uid], sent as after[]=…&after[]=…
    query += [(k, _plain(v)) for k, values in params.items() for v in (values if isinstance(values, list) else [values])]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def pager_for(source: Any, *, now: datetime, cursor: datetime | None = None) -> Pager:
    """The pager of a paged source, by kind."""
    if source.kind == "json_api":
        from connectors.parsers.json_api import JsonApiPager

        return JsonApiPager(source, now=now, cursor=cursor)
    if source.kind == "html":
        from connectors.parsers.html import HtmlPager

        return HtmlPager(source)
    if source.kind == "python":
        from connectors.custom import load_connector_class

        return load_connector_class(source.connector)(source, now=now)
    raise ValueError(f"source kind {source.kind!r} is not read page by page")
