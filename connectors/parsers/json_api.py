"""JSON APIs: records selected by a JSONPath-like path, fields mapped onto the model, pages followed.

Paths: `$.events[*]`, `events`, `data.items`, `metadata.title[0]`, `tags[*].name`, `$` (the document).
`parse` is a pure function of the pages' bytes and the source configuration; `JsonApiPager`
decides, from a page's bytes, which page comes next (next URL, page number, offset or cursor).
"""
from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urljoin

from connectors.pages import (
    Page, PageRequest, RepeatedPages, fill_placeholders, records_fingerprint, repeated_page_warning, with_query,
)
from connectors.parsers.common import Origin, ParseResult, charset_of, html_page_instead_of, lenient_utf8, resolve
from connectors.parsers.fields import LIST_TARGETS, build_item, is_empty, looks_like_markdown, transform
from transforms.times import local_date

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")
_UNMAPPED_SHOWN = 20


def path_steps(path: str) -> list[str | int | None]:
    """`$.a.b[0].c[*]` -> ['a', 'b', 0, 'c', None]; None is the wildcard."""
    text = path.strip()
    text = text[1:] if text.startswith("$") else text
    steps: list[str | int | None] = []
    for name, index in _STEP.findall(text):
        if name:
            steps.append(None if name == "*" else name)
        else:
            steps.append(None if index == "*" else int(index))
    return steps


def select(document: Any, path: str) -> list[Any]:
    """Every value `path` reaches in `document` (an empty list when it reaches none)."""
    current = [document]
    for step in path_steps(path):
        following: list[Any] = []
        for value in current:
            if step is None:
                following.extend(value if isinstance(value, list) else value.values() if isinstance(value, dict) else [])
            elif isinstance(step, int):
                if isinstance(value, list) and -len(value) <= step < len(value):
                    following.append(value[step])
            elif isinstance(value, dict) and step in value:
                following.append(value[step])
        current = following
    return current


def has_wildcard(path: str) -> bool:
    return None in path_steps(path)


def records_of(document: Any, path: str) -> list[Any] | None:
    """The records at `path`: a list reached directly, or every value a wildcard reached; None when absent."""
    found = select(document, path)
    if not found:
        return None
    if len(found) == 1 and isinstance(found[0], list) and not has_wildcard(path):
        return found[0]
    return found


def source_records(document: Any, source: Any) -> list[Any] | None:
    """The records of a page for a source: those at its records path, or the values of an object keyed by id.

    PHP and Firebase back-ends give `{"events": {"81": {...}, "82": {...}}}`: read as one record, the
    object was rejected for having no key, its ids listed as "unmapped fields". An object whose values
    are all objects, none of its keys being a field the mapping reads, is such a collection.
    """
    records = records_of(document, source.records)
    if records is None or len(records) != 1 or not isinstance(records[0], dict) or has_wildcard(source.records):
        return records
    only = records[0]
    first_steps = {step for spec in source.fields.values() for path in field_paths(spec) for step in path_steps(path)[:1]}
    if only and all(isinstance(value, dict) for value in only.values()) and not first_steps & set(only):
        return list(only.values())
    return records


def with_included(document: Any, records: list[Any]) -> list[Any]:
    """JSON:API records (Drupal, Strapi) with each `relationships.<name>.data` pointer ({type, id}) completed by
    the resource the document's `included` holds for it: the venue's name, the terms' names. Without this a
    path could not reach them (`relationships.field_lieu.data.attributes.name`). Contentful's links are
    completed the same way (with_includes)."""
    included = document.get("included") if isinstance(document, dict) else None
    if not isinstance(included, list) or not included:
        return with_includes(document, records)
    index = {(r.get("type"), r.get("id")): r for r in included if isinstance(r, dict)}
    return [_linked(record, index) for record in records]


def with_includes(document: Any, records: list[Any]) -> list[Any]:
    """Contentful delivery records with each link ({"sys": {"type": "Link", "linkType": "Asset", "id": …}}) in their
    `fields` completed by the entry or asset the document's `includes` holds for it, so that a path reaches an
    image's address (`fields.heroImage.fields.file.url`) or a linked entry's name; a link not included stays."""
    includes = document.get("includes") if isinstance(document, dict) else None
    if not isinstance(includes, dict):
        return records
    index = {(kind, _sys(found).get("id")): found for kind, entries in includes.items() if isinstance(entries, list)
             for found in entries if isinstance(found, dict)}
    if not index:
        return records

    def complete(value: Any, depth: int) -> Any:
        if isinstance(value, list):
            return [complete(element, depth) for element in value]
        if not isinstance(value, dict):
            return value
        link = _sys(value)
        if link.get("type") == "Link" and (found := index.get((link.get("linkType"), link.get("id")))):
            # an included entry's own links are completed too, a few levels down (entries may link in a cycle)
            return value | (complete(found, depth + 1) if depth < 3 else found)
        return {name: element if name == "sys" else complete(element, depth) for name, element in value.items()}

    return [complete(record, 0) for record in records]


def _sys(value: dict[str, Any]) -> dict[str, Any]:
    found = value.get("sys")
    return found if isinstance(found, dict) else {}


def _linked(record: Any, index: dict[tuple[Any, Any], dict[str, Any]]) -> Any:
    relationships = record.get("relationships") if isinstance(record, dict) else None
    if not isinstance(relationships, dict):
        return record
    return record | {"relationships": {name: _resources(link, index) for name, link in relationships.items()}}


def _resources(link: Any, index: dict[tuple[Any, Any], dict[str, Any]]) -> Any:
    """One relationship with its pointers replaced by pointer + resource (a pointer not included stays as is)."""
    if not isinstance(link, dict):
        return link

    def resource(pointer: Any) -> Any:
        found = index.get((pointer.get("type"), pointer.get("id"))) if isinstance(pointer, dict) else None
        return pointer | found if found else pointer

    data = link.get("data")
    return link | {"data": [resource(p) for p in data] if isinstance(data, list) else resource(data)}


def field_paths(spec: Any) -> list[str]:
    """The paths a field reads: its path(s), or the path of each language."""
    if spec.languages:
        return list(spec.languages.values())
    return spec.path if isinstance(spec.path, list) else [spec.path] if spec.path else []


def _read(record: Any, spec: Any) -> Any:
    if spec.languages:  # one path per language: read as the multilingual object an API may give itself
        return {language: found[0] for language, path in spec.languages.items() if (found := select(record, path))}
    if spec.path is None:
        return None
    paths = spec.path if isinstance(spec.path, list) else [spec.path]
    values: list[Any] = []
    for path in paths:
        found = select(record, path)
        if has_wildcard(path) or len(paths) > 1:
            values.extend(found)
        elif found:
            values.append(found[0])
    if len(paths) == 1 and not has_wildcard(paths[0]):
        return values[0] if values else None
    return values


def _used(spec: Any) -> set[str]:
    """The record fields a mapping reads: its first step, and its first two (`venue`, `venue.city`)."""
    paths = field_paths(spec)
    used: set[str] = set()
    for steps in map(path_steps, paths):
        names = [step for step in steps if isinstance(step, str)]
        if names and steps[0] == names[0]:
            used.add(names[0])
            if len(names) > 1 and steps[1] == names[1]:
                used.add(f"{names[0]}.{names[1]}")
    return used


def _fields_of(record: dict[str, Any], used: set[str]) -> set[str]:
    """A record's fields: its keys, and the keys of the objects a mapping reaches into (`metadata.status`)."""
    found = set(record)
    for name, value in record.items():
        if isinstance(value, dict) and any(u.startswith(name + ".") for u in used):
            found.update(f"{name}.{child}" for child in value)
    return found


def _text_of(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """The page's JSON text and a warning when its bytes were not UTF-8.

    JSON is UTF-8 (RFC 8259), but PHP back-ends and hand-made exports still emit Latin-1 or
    Windows-1252 (an "é" as the single byte E9): failing the whole source for one accented letter
    helps nobody, so a declared charset is honoured, else the bytes that break UTF-8 are read as
    Windows-1252, with a warning either way. A byte order mark and UTF-16/32 are detected as json does.
    """
    encoding = json.detect_encoding(body)  # utf-8-sig, utf-16, utf-32: a BOM or the NUL bytes of a wide encoding
    if encoding != "utf-8":
        with contextlib.suppress(UnicodeDecodeError):
            return body.decode(encoding), None
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        declared = charset_of(content_type)
        where = f"byte {exc.start}"
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return body.decode(declared), f"is not UTF-8 (at {where}); it was read as {declared}, as its Content-Type says"
    return lenient_utf8(body), f"is not UTF-8 (at {where}); the bytes that are not were read as Windows-1252"


def _not_json(page: Page, number: int, exc: ValueError) -> str:
    """Why a page is not JSON, in the words that tell the partner what to fix."""
    html_page = html_page_instead_of(page.body, "JSON")
    if html_page is not None:
        return f"page {number} ({page.url}): {html_page}"
    start = page.body[:80].decode("utf-8", errors="replace")
    return f"page {number} ({page.url}) is not JSON ({exc}); it starts with {start!r}"


def decode(page: Page, number: int, warnings: list[str] | None = None) -> tuple[Any, str | None]:
    """The JSON document of a page, or a message naming the page; a charset repair is added to `warnings`."""
    if not page.body.strip():
        return None, f"page {number} ({page.url}) is empty"
    try:
        text, warning = _text_of(page.body, page.content_type)
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, _not_json(page, number, exc)
    if warning and warnings is not None:
        warnings.append(f"page {number} ({page.url}) {warning}")
    return document, None


_ERROR_KEYS = ("error", "errors", "error_message", "message", "fault", "detail")


def api_error(document: Any) -> str | None:
    """The error an API answered instead of records (status 200 and {"error": ...}), quoted; None otherwise."""
    if not isinstance(document, dict):
        return None
    for name in _ERROR_KEYS:
        value = document.get(name)
        if not is_empty(value) and value is not False:
            quoted = json.dumps(value, ensure_ascii=False, default=str)
            return f"{name}: {quoted[:300]}" + ("…" if len(quoted) > 300 else "")
    return None


def _missing_records(document: Any, source: Any, number: int, page: Page) -> str:
    """Why a page holds no records at the records path: the API's own error when it sent one."""
    error = api_error(document)
    if error is not None:
        return f"page {number} ({page.url}) holds no records but an error from the API ({error})"
    keys = ", ".join(sorted(document)[:15]) if isinstance(document, dict) else type(document).__name__
    return f"the records path {source.records!r} is not in page {number} ({page.url}); the page holds: {keys}"


def record_text(record: Any) -> str:
    """A record as stable JSON text: its excerpt, its fallback key, and its part of the page's fingerprint."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def page_fingerprint(records: list[Any]) -> str | None:
    """The fingerprint of a page's records (connectors.pages.RepeatedPages)."""
    return records_fingerprint([record_text(record) for record in records])


def parse(pages: Sequence[Page], source: Any, origin: Origin, *, now: datetime) -> ParseResult:
    """The records of every page of a json_api source."""
    result = ParseResult([], [])
    seen_fields: set[str] = set()
    used = set().union(*(_used(spec) for spec in source.fields.values()))
    announced: int | None = None
    read = 0
    repeated = RepeatedPages()
    firsts = _first_paths(source)
    several: dict[str, int] = {}  # date paths taking the first element of a longer list: how many records
    today = local_date(now, source.timezone)  # the day "tomorrow" and year-less dates count from, where the source is
    for number, page in enumerate((p for p in pages if p.request.role == "listing"), start=1):
        document, problem = decode(page, number, result.warnings)
        if problem:
            result.error = problem
            return result
        records = source_records(document, source)
        if records is None:
            message = _missing_records(document, source, number, page)
            if number == 1:
                result.error = message
                return result
            result.warnings.append(message)
            continue
        records = with_included(document, records)
        texts = [record_text(record) for record in records]  # serialised once: the fingerprint, then each excerpt
        first = repeated.earlier(records_fingerprint(texts), number)
        if first is not None:
            result.warnings.append(repeated_page_warning(number, page.url, first))
            continue
        if number == 1 and source.pagination and source.pagination.total:
            total = select(document, source.pagination.total)
            announced = int(total[0]) if total and str(total[0]).isdigit() else None
        for record, raw in zip(records, texts):
            read += 1
            if isinstance(record, dict):
                seen_fields.update(_fields_of(record, used))
            for path in _first_of_several(record, firsts):
                several[path] = several.get(path, 0) + 1
            for one, occurrence in occurrences_of(record, source.occurrences):
                _add_record(result, one, raw, source, origin, today=today, position=(number, read), occurrence=occurrence,
                            page_url=page.url)
    if source.occurrences is not None:
        result.source_records = read  # each may give an item per date of its occurrences list
    for path, count in several.items():
        result.warnings.append(f"{path} reads the first of several dates in {count} record(s): the others are not "
                               f"published; to publish each, set occurrences: {path.split('[0]', 1)[0]}")
    _warn_markdown(result, source.fields)
    if announced is not None and read < announced:
        result.warnings.append(f"the API announced {announced} records and {read} were read: pages are missing")
    ignored = set(source.ignore)
    # Ignoring an object ignores what is inside it: `ignore: [attributes]` covers attributes.created too.
    _warn_unmapped(result, {name for name in seen_fields - used - ignored if name.split(".", 1)[0] not in ignored})
    return result


def _first_paths(source: Any) -> list[str]:
    """The start field's paths that take a list's first element (`timings[0].begin`), unless that list is
    the source's occurrences."""
    spec = source.fields.get("start")
    paths = [path for path in (field_paths(spec) if spec is not None else []) if "[0]" in path]
    return [path for path in paths if source.occurrences is None or path.split("[0]", 1)[0] != source.occurrences]


def _first_of_several(record: Any, paths: list[str]) -> list[str]:
    """The paths of `paths` whose list holds more than one element in `record`."""
    return [path for path in paths if len(select(record, path.replace("[0]", "[*]", 1))) > 1] if paths else []


def occurrences_of(record: Any, path: str | None) -> list[tuple[Any, int | None]]:
    """(record, occurrence number) for each element of the list at `path` (source.occurrences), the record
    holding that element alone there, so that `timings[0].begin` reads each date in turn; the record
    itself (number None) when it lists fewer than two."""
    listed = select(record, path) if path is not None and isinstance(record, dict) else []
    if len(listed) != 1 or not isinstance(listed[0], list) or len(listed[0]) < 2:
        return [(record, None)]
    steps = path.split(".")
    return [(_holding(record, steps, element), number) for number, element in enumerate(listed[0], start=1)]


def _holding(value: dict[str, Any], steps: list[str], element: Any) -> dict[str, Any]:
    """`value` with the list at `steps` replaced by [element] (a copy along the path only)."""
    head, *rest = steps
    return value | {head: _holding(value[head], rest, element) if rest else [element]}


def _add_record(result: ParseResult, record: Any, raw: str, source: Any, origin: Origin, *, today: date,
                position: tuple[int, int], page_url: str, occurrence: int | None = None) -> None:
    """One record (`raw`: its record_text) as an item or a rejection; an occurrence is known by the record's
    key and its own start (its number when it has none), which stays when other dates are added or removed.
    A relative image path is a file of the API's own server (Strapi's /uploads/…, Directus's /assets/…, Drupal's
    /sites/default/files/…): it is resolved against the API's address, not the partner's website."""
    mapped = {target: transform(_read(record, spec), spec, is_list=target in LIST_TARGETS) for target, spec in source.fields.items()}
    if not isinstance(record, dict) and all(is_empty(value) for value in mapped.values()):
        # A null, a number or a text among the records: saying it has "no key" would send the partner looking for one.
        result.rejections.append(origin.reject(
            "unreadable_record", None, f"record {position[1]} of page {position[0]} is not an object but "
            f"{type(record).__name__} {raw[:80]}; the records at {source.records!r} should be objects", excerpt=raw))
        return
    item, rejection, warnings = build_item(
        mapped, source.fields, origin, language=source.language, today=today, default_date_format="iso",
        raw_excerpt=raw, fallback_key=(raw,),
    )
    if occurrence is not None and item is not None:
        when = mapped.get("start")
        item.key = f"{item.key}#{when if isinstance(when, (str, int, float)) and not is_empty(when) else occurrence}"
    result.warnings.extend(warnings)
    if rejection is not None:
        result.rejections.append(rejection)
    elif item is not None:
        if is_empty(mapped.get("key")) and is_empty(mapped.get("url")):
            result.rejections.append(origin.reject(
                "missing_key", "key", f"record {position[1]} of page {position[0]} has no key and no url: its identity "
                "would change with its content", key=item.key, excerpt=raw))
            return
        if item.image_url:
            item.image_url = resolve(page_url, item.image_url) or item.image_url
        result.items.append(item)


def _warn_markdown(result: ParseResult, fields: dict[str, Any]) -> None:
    """A warning when the texts mapped on description_html or summary are Markdown the field does not say it is."""
    for target in ("description_html", "summary"):
        spec = fields.get(target)
        if spec is None or spec.format == "markdown":
            continue
        marked = [item.key for item in result.items if looks_like_markdown(getattr(item, target))]
        if marked:
            result.warnings.append(f"{target} of {len(marked)} record(s) ({', '.join(marked[:3])}{' …' if len(marked) > 3 else ''}) "
                                   "is Markdown (## headings, **bold**, [links](…)), which would show as written: set "
                                   f"`{target}: {{path: {field_paths(spec)[0] if field_paths(spec) else '…'}, format: markdown}}`")


def _warn_unmapped(result: ParseResult, unmapped_names: set[str]) -> None:
    unmapped = sorted(unmapped_names)
    if unmapped:
        shown = ", ".join(unmapped[:_UNMAPPED_SHOWN]) + (" …" if len(unmapped) > _UNMAPPED_SHOWN else "")
        result.warnings.append(f"unmapped source fields: {shown} (map them in `fields` or list them in `ignore`)")


def unmapped_fields(warnings: Sequence[str]) -> set[str]:
    """The field names a parse listed as unmapped (for contract tests and reports)."""
    for warning in warnings:
        if warning.startswith("unmapped source fields: "):
            names = warning.removeprefix("unmapped source fields: ").split(" (map them")[0]
            return {n.strip() for n in names.split(",") if n.strip() and n.strip() != "…"}
    return set()


class JsonApiPager:
    """The requests of a json_api source: the first page, then the next one each page announces."""

    def __init__(self, source: Any, *, now: datetime, cursor: datetime | None = None) -> None:
        self.source = source
        self.now = now
        self.cursor = cursor
        self.warnings: list[str] = []
        self.pagination = source.pagination
        self.repeated = RepeatedPages()
        self.failure: str | None = None  # a later page that answered an error: the crawl is incomplete
        self.read = 0  # records on the listing pages so far

    def _params(self) -> dict[str, Any]:
        params = {name: fill_placeholders(value, self.now) for name, value in self.source.params.items()}
        incremental = self.source.incremental
        if incremental and self.cursor is not None:
            since = (self.cursor - incremental.overlap).astimezone(timezone.utc)
            params[incremental.param] = since.strftime(incremental.format)
        return params

    def _request(self, page_params: dict[str, Any], url: str | None = None) -> PageRequest:
        source = self.source
        in_body = self.pagination is not None and self.pagination.where == "body"
        query = self._params() | ({} if in_body else page_params)
        body = None
        if source.method == "POST":
            body = {name: fill_placeholders(value, self.now) for name, value in (source.body or {}).items()}
            body |= page_params if in_body else {}
        return PageRequest(url or with_query(str(source.url), query), method=source.method, json_body=body)

    def _page_params(self, index: int) -> dict[str, Any]:
        p = self.pagination
        if p is None:
            return {}
        params: dict[str, Any] = {}
        if p.size_param and p.size:
            params[p.size_param] = p.size
        if p.type == "page_number":
            params[p.param] = (1 if p.start is None else p.start) + index
        elif p.type == "offset":
            params[p.param] = (0 if p.start is None else p.start) + index * (p.size or 0)
        return params

    def first(self) -> list[PageRequest]:
        return [self._request(self._page_params(0))]

    def follow(self, page: Page, listing_index: int) -> list[PageRequest]:
        p = self.pagination
        if p is None or page.request.role != "listing":
            return []
        document, problem = decode(page, listing_index + 1)
        if problem:
            return []
        found = source_records(document, self.source)
        if found is None and listing_index > 0 and api_error(document) is not None:
            # GraphQL and rate-limited APIs answer {"errors": [...]} with status 200: the pages after it were never read.
            self.failure = _missing_records(document, self.source, listing_index + 1, page)
            return []
        records = found or []
        if self.repeated.earlier(page_fingerprint(records), listing_index + 1) is not None:
            return []  # the parse says so: the same records again, the pagination leads nowhere new
        self.read += len(records)
        if not records or self._all_announced_read(document):
            # CKAN's _links.next and some cursors lead on past the last record: an empty page, or the
            # announced total reached, is the end (an empty page after an empty one read as a loop).
            return []
        following = self._following(document, page, listing_index)
        if following is not None and listing_index + 1 >= p.max_pages:
            self.warnings.append(f"stopped after {p.max_pages} pages (pagination.max_pages); the API announced more")
            return []
        return [following] if following is not None else []

    def _all_announced_read(self, document: Any) -> bool:
        """True when the pages so far hold at least the total the document announces (pagination.total)."""
        if not self.pagination.total:
            return False
        total = select(document, self.pagination.total)
        return bool(total) and str(total[0]).isdigit() and self.read >= int(total[0])

    def _following(self, document: Any, page: Page, index: int) -> PageRequest | None:
        p = self.pagination
        if p.type == "next_url":
            found = select(document, p.next)
            link = found[0] if found else None
            return self._request({}, url=urljoin(page.url, link)) if isinstance(link, str) and link.strip() else None
        if p.type == "cursor":
            found = select(document, p.next)
            cursor = found[0] if found else None
            if is_empty(cursor):
                return None
            return self._request(self._page_params(index + 1) | {p.param: cursor})
        records = source_records(document, self.source) or []
        if not records or (p.size and len(records) < p.size):
            return None
        total = select(document, p.total) if p.total else []
        announced = bool(total) and str(total[0]).isdigit()
        if announced and (index + 1) * (p.size or len(records)) >= int(total[0]):
            return None
        return replace(self._request(self._page_params(index + 1)), probe=not announced)
