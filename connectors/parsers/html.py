"""Web listings read with CSS selectors (selectolax/lexbor): items, their detail pages, the next pages.

`parse` is a pure function of the pages' bytes and the source configuration; `HtmlPager`
decides which pages a listing page leads to (each item's detail page, then the next listing page).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from datetime import datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from connectors.pages import Page, PageRequest, RepeatedPages, records_fingerprint, repeated_page_warning
from connectors.parsers.common import (
    FALLBACK_KEY_CHARS, Origin, ParseResult, charset_of, lenient_utf8, resolve, utf8_mislabelled,
)
from connectors.field_mapping import HtmlField
from connectors.parsers.fields import LIST_TARGETS, RECORD_TARGETS, build_item, is_empty, raw_values, transform
from transforms.times import local_date

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_LINK_ATTRS = frozenset({"href", "src", "data-href", "data-src", "action"})
_EXCERPT_CHARS = 1000


def decode(page: Page) -> str:
    """The page's text: the HTTP charset, else <meta charset>, else UTF-8 (bytes that are not UTF-8 read as Windows-1252)."""
    declared = charset_of(page.content_type)
    if not declared:
        match = _META_CHARSET.search(page.body[:2048])
        declared = match.group(1).decode("ascii") if match else None
    if utf8_mislabelled(page.body, declared):
        return page.body.decode("utf-8")  # a UTF-8 page its server or template calls Windows-1252 or Latin-1
    for encoding in filter(None, (declared, "utf-8")):
        try:
            return page.body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return lenient_utf8(page.body)


def _text(node: LexborNode) -> str:
    return " ".join(node.text(separator=" ").split())


@lru_cache(maxsize=4096)
def _absolute(base_url: str, href: str) -> str | None:
    # Cached: a listing repeats its base for every item, and urljoin is the slowest step of reading one.
    return resolve(base_url, href)


# Fields whose value is a link: without `attr`, the link of the element is read, not its words.
LINK_TARGETS = frozenset({"url", "registration_url", "image_url", "online_url"})


# Where lazy-loading scripts (WordPress, Elementor, WP Rocket, lazysizes) keep an image's address while
# its src holds a placeholder (a data: URI, a blank gif) or nothing.
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original", "data-srcset", "data-lazy-srcset", "srcset")


def _image_source(attributes: dict[str, str | None]) -> str | None:
    """An <img>'s real address: its src, unless that is a data: placeholder or missing, then its lazy one."""
    src = (attributes.get("src") or "").strip()
    if src and not src.startswith("data:"):
        return src
    for name in _LAZY_SOURCES:
        value = (attributes.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value.split(",")[0].split()[0]  # a srcset's first candidate, without its width
    return None


def _link(node: LexborNode, base_url: str) -> str | None:
    """The link an element stands for: its href or src, else the first link inside it; None when it has none.

    `url: "h3 a"` read the link's words ("Atelier IA & éthique") as the item's URL, which the
    normaliser then resolved into https://site/Atelier%20IA…: an item with a wrong link and an
    identity that changes with its title, without a word.
    """
    attributes = node.attributes
    value = attributes.get("href") or (_image_source(attributes) if node.tag == "img" else attributes.get("src"))
    if not value and node.tag != "img":
        inner = node.css_first("a[href]")
        value = inner.attributes.get("href") if inner is not None else None
    return _absolute(base_url, value) if value else None


def _value(node: LexborNode, spec: Any, base_url: str, link: bool = False) -> str | None:
    if spec.attr:
        value = node.attributes.get(spec.attr)
        if value is not None and spec.attr in _LINK_ATTRS:
            return _absolute(base_url, value)
        return value
    if spec.html:
        return node.inner_html
    if link:
        return _link(node, base_url) or _text(node)  # an element without a link may hold the URL as its text
    return _text(node)


_PLANS: dict[int, tuple[Any, tuple[str, ...], bool]] = {}


def _plan(spec: Any) -> tuple[tuple[str, ...], bool]:
    """(selectors, single value?) of a field, computed once per configuration object."""
    cached = _PLANS.get(id(spec))
    if cached is None or cached[0] is not spec:
        selectors = tuple(spec.css) if isinstance(spec.css, list) else (spec.css,) if spec.css else ()
        cached = _PLANS[id(spec)] = (spec, selectors, len(selectors) == 1 and not spec.all)
    return cached[1], cached[2]


def read(node: LexborNode, spec: Any, base_url: str, link: bool = False) -> Any:
    """The raw value of one field inside `node`: a string, or a list for several selectors or `all`."""
    selectors, single = _plan(spec)
    if single:
        found = node.css_first(selectors[0])
        return _value(found, spec, base_url, link) if found is not None else None
    values: list[Any] = []
    for selector in selectors:
        matches = node.css(selector) if spec.all else [found] if (found := node.css_first(selector)) else []
        values.extend(_value(match, spec, base_url, link) for match in matches)
    return values


def _tree(page: Page) -> LexborHTMLParser:
    return LexborHTMLParser(decode(page))


def page_base(tree: LexborHTMLParser, url: str) -> str:
    """What the page's relative links are relative to: its `<base href>` (TYPO3 writes one on every page, with
    relative image paths such as `fileadmin/_processed_/…`), else its own address."""
    base = tree.css_first("base[href]")
    return (resolve(url, base.attributes.get("href")) or url) if base is not None else url


def mapped_values(node: LexborNode, fields: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {target: transform(read(node, spec, base_url, target in LINK_TARGETS), spec, is_list=target in LIST_TARGETS)
            for target, spec in fields.items()}


# How values read from a detail page's JSON-LD are typed: as a field without transforms (dates as text: ISO 8601).
_DESCRIBED = HtmlField.model_construct()


def _described(page: Page, origin: Origin, now: datetime) -> dict[str, Any] | None:
    """The values of the record a detail page describes in its JSON-LD (the one whose url is the page, else
    the first); None when the page describes none."""
    from connectors.parsers import jsonld

    found = jsonld.parse(page.body, origin, content_type=page.content_type, now=now).items
    if not found:
        return None
    record = next((raw for raw in found if raw.url in (page.url, page.request.url)), found[0])
    return raw_values(record)


def _detailed(mapped: dict[str, Any], detail: Page, source: Any, origin: Origin,
              now: datetime) -> tuple[dict[str, Any], bool]:
    """The card's values completed from its detail page: its selectors' values, then what its JSON-LD says
    for the fields still empty; and whether JSON-LD was asked for and missing."""
    if source.detail.fields:
        tree = _tree(detail)
        extra = mapped_values(tree.root, source.detail.fields, page_base(tree, detail.url))
        mapped = mapped | {target: value for target, value in extra.items() if not is_empty(value) or target not in mapped}
    if not source.detail.jsonld:
        return mapped, False
    described = _described(detail, origin, now)
    if described is None:
        return mapped, True
    return mapped | {target: value for target, value in described.items() if is_empty(mapped.get(target))}, False


def parse(pages: Sequence[Page], source: Any, origin: Origin, *, now: datetime) -> ParseResult:
    """The items of every listing page, completed from their detail pages when configured."""
    result = ParseResult([], [])
    # "Demain" and year-less dates count from the day it is where the source is, not in UTC.
    today = local_date(now, source.timezone)
    details = {key: page for page in pages if page.request.role == "detail" for key in (page.request.url, page.url)}
    missing_details = without_jsonld = 0
    specs = {**({target: _DESCRIBED for target in RECORD_TARGETS} if source.detail and source.detail.jsonld else {}),
             **source.fields, **(source.detail.fields if source.detail else {})}
    listings = [page for page in pages if page.request.role == "listing"]
    repeated = RepeatedPages()
    for number, page in enumerate(listings, start=1):
        if not page.body.strip():
            result.error = f"page {number} ({page.url}) is empty"
            return result
        tree = _tree(page)
        nodes = tree.css(source.items)
        base = page_base(tree, page.url)
        if not nodes:
            message = f"the items selector {source.items!r} matched nothing in page {number} ({page.url})"
            if number == 1:
                result.error = message
                return result
            result.warnings.append(message)
            continue
        cards = [node.html or "" for node in nodes]  # each card's HTML: the page's fingerprint, then its excerpt
        first = repeated.earlier(records_fingerprint(cards), number)
        if first is not None:
            result.warnings.append(repeated_page_warning(number, page.url, first))
            continue
        for node, excerpt_html in zip(nodes, cards):
            mapped = mapped_values(node, source.fields, base)
            if source.detail is not None:
                link = mapped.get(source.detail.link)
                detail = details.get(link) if isinstance(link, str) else None
                if detail is None:
                    missing_details += 1
                else:
                    mapped, no_jsonld = _detailed(mapped, detail, source, origin, now)
                    without_jsonld += no_jsonld
            item, rejection, warnings = build_item(
                mapped, specs, origin, language=source.language, today=today, default_date_format="text",
                # A card without a link is known by its words: by its place on the page, every card below a
                # new one (or on the next page) would come back as a new item.
                raw_excerpt=excerpt_html[:_EXCERPT_CHARS], fallback_key=(_text(node)[:FALLBACK_KEY_CHARS],),
            )
            result.warnings.extend(warnings)
            if rejection is not None:
                result.rejections.append(rejection)
            elif item is not None:
                result.items.append(item)
    if missing_details:
        result.warnings.append(f"{missing_details} item(s) without their detail page (link missing, or not read)")
    if without_jsonld:
        result.warnings.append(f"{without_jsonld} detail page(s) hold no schema.org Event, Grant or article in JSON-LD "
                               "(detail.jsonld): their items have only what the selectors read")
    return result


class HtmlPager:
    """The pages of an html source: the listing, each item's detail page, then the next listing page."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.warnings: list[str] = []
        self.repeated = RepeatedPages()

    def first(self) -> list[PageRequest]:
        return [PageRequest(str(self.source.url))]

    def follow(self, page: Page, listing_index: int) -> list[PageRequest]:
        if page.request.role != "listing":
            return []
        tree = _tree(page)
        nodes = tree.css(self.source.items)
        if self.repeated.earlier(records_fingerprint([node.html or "" for node in nodes]), listing_index + 1) is not None:
            return []  # the parse says so: the same items again, the next link leads nowhere new
        requests: list[PageRequest] = []
        base = page_base(tree, page.url)
        detail = self.source.detail
        if detail is not None:
            spec = self.source.fields.get(detail.link)
            seen: set[str] = set()
            for node in nodes if spec is not None else []:
                link = transform(read(node, spec, base, detail.link in LINK_TARGETS), spec)
                if isinstance(link, str) and link.startswith(("http://", "https://")) and link not in seen:
                    seen.add(link)
                    requests.append(PageRequest(link, role="detail"))
        pagination = self.source.pagination
        if pagination is not None:
            link = transform(read(tree.root, pagination.next, base), pagination.next)
            if isinstance(link, str) and link.strip():
                if listing_index + 1 >= pagination.max_pages:
                    self.warnings.append(f"stopped after {pagination.max_pages} listing pages (pagination.max_pages); "
                                         f"the listing links to more ({link})")
                else:
                    requests.append(PageRequest(link))
        return requests
