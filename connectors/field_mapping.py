"""Declarative configuration of the json_api and html kinds: field mappings, pagination, incremental cursors.

A mapping sends one value read from a record (a JSON path or a CSS selector) onto one field of
the raw model, through a few small transforms (join, default, constant, regex, map, template, date
format and time zone). Every model forbids unknown keys so that a typo is an error naming the key.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Language = Literal["fr", "nl", "en"]

# The raw-model fields a mapping may fill (transforms.model.RawItem, with the place flattened).
Target = Literal[
    "key", "title", "summary", "description_html", "url", "language", "kind", "start", "end", "all_day",
    "timezone", "deadline", "place", "street", "postcode", "locality", "country", "address", "online_url",
    "attendance_mode", "status", "is_free", "price", "currency", "registration_url", "image_url",
    "categories", "published", "updated",
]
DATE_TARGETS = frozenset({"start", "end", "deadline", "published", "updated"})
# Texts a record may give in several languages, each kept as that language's version (RawItem.translations).
LANGUAGE_TARGETS = ("title", "summary", "description_html")
DATE_FORMATS = ("iso", "epoch", "epoch_ms", "text")
# A text field's format: Markdown (Strapi's rich text, Directus's and Contentful's markdown fields), made HTML.
TEXT_FORMATS = ("markdown",)
MARKDOWN_TARGETS = ("summary", "description_html")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError on odd strings
        raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Europe/Brussels)") from exc
    return value


# The paths connectors.parsers.json_api reads: names, [n] and [*], joined by dots, after an optional $.
_PATH = re.compile(r"^\$?(?:\.?(?:[^.\[\]]+|\[(?:\d+|\*)\]))*$")


def check_path(value: str) -> str:
    """A JSON path the json_api reader understands; anything else would silently read nothing, or the wrong value."""
    text = value.strip()
    if not text or not _PATH.match(text):
        unsupported = " (recursive descent '..' and filters '[?(…)]' are not supported)" if ".." in text or "?" in text else ""
        raise ValueError(f"got {value!r}, expected a path such as venue.city, tags[*].name, metadata.title[0] or "
                         f"$.events[*]{unsupported}")
    return value


class _Transforms(_Strict):
    """What happens to a value once read: the same for every kind."""

    join: str | None = None  # several values (a list, or several paths/selectors) joined with this separator
    const: Any = None  # a constant instead of reading the record
    default: Any = None  # used when the value comes out empty
    regex: str | None = None  # keep the first group (or the whole match) of this pattern
    map: dict[str, Any] | None = None  # translate values, e.g. {"31094501": "open"}; unknown values pass through
    template: str | None = None  # e.g. "https://example.org/calls/{value}"
    format: str | None = None  # dates: iso | epoch | epoch_ms | text (French/Dutch/English) | a strptime pattern
    timezone: str | None = None  # dates: the zone naive times are in (e.g. "17:00 Brussels time")
    language: Language | None = None  # dates as text: the language they are written in (default: the source's)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return check_timezone(value)

    @field_validator("map", mode="before")
    @classmethod
    def _map_keys(cls, value: Any) -> Any:
        # YAML reads `map: {true: online, 1: open}` with a boolean and a number as keys: keys are texts, and a
        # yes/no is written as JSON writes it ("true"), which is how a record's true is looked up.
        if isinstance(value, dict):
            return {(str(key).lower() if isinstance(key, bool) else str(key)): item for key, item in value.items()}
        return value

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"got {value!r}, expected a regular expression ({exc})") from exc
        return value

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is not None and value not in DATE_FORMATS + TEXT_FORMATS and "%" not in value:
            raise ValueError(f"got {value!r}, expected one of {', '.join(DATE_FORMATS)} or a strptime pattern such as "
                             f"%d/%m/%Y %H:%M (dates), or markdown ({', '.join(MARKDOWN_TARGETS)})")
        return value

    @field_validator("template")
    @classmethod
    def _has_placeholder(cls, value: str | None) -> str | None:
        if value is not None and "{value}" not in value:
            raise ValueError(f"got {value!r}, expected a text containing {{value}}")
        return value


class JsonField(_Transforms):
    """A json_api field: a dotted path in the record (`venue.city`, `tags[*].name`, `metadata.title[0]`)."""

    path: str | list[str] | None = None
    # A text given in one field per language (title_fr, title_nl): the path of each, read as a multilingual object.
    languages: dict[Language, str] | None = None

    @field_validator("path")
    @classmethod
    def _valid_path(cls, value: str | list[str] | None) -> str | list[str] | None:
        for path in [value] if isinstance(value, str) else value or []:
            check_path(path)
        return value

    @field_validator("languages")
    @classmethod
    def _valid_language_paths(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for path in (value or {}).values():
            check_path(path)
        return value

    @model_validator(mode="after")
    def _reads_something(self) -> "JsonField":
        if self.path is None and self.const is None and not self.languages:
            raise ValueError("set `path` (a dotted path in the record, such as venue.city), `languages` or `const`")
        if self.languages and self.path is not None:
            raise ValueError("set `path` or `languages` ({fr: title_fr, nl: title_nl}), not both")
        return self


class HtmlField(_Transforms):
    """An html field: a CSS selector inside the item (or the detail page)."""

    css: str | list[str] | None = None  # several selectors: their texts are joined (a date and a time)
    attr: str | None = None  # read this attribute (href, datetime, content) instead of the text
    html: bool = False  # keep the inner HTML (descriptions) instead of the text
    all: bool = False  # every match (tags), not only the first

    @field_validator("css")
    @classmethod
    def _valid_selector(cls, value: str | list[str] | None) -> str | list[str] | None:
        for selector in [value] if isinstance(value, str) else value or []:
            check_selector(selector)
        return value

    @model_validator(mode="after")
    def _reads_something(self) -> "HtmlField":
        if self.css is None and self.const is None:
            raise ValueError("set `css` (a CSS selector inside the item, such as h2 a) or `const`")
        return self


def check_text_formats(fields: dict[str, Any]) -> dict[str, Any]:
    """`format: markdown` on the texts that may hold it, a date format on dates only: a field's format of the
    other kind would be read as a strptime pattern, or ignored, without a word."""
    for target, spec in fields.items():
        if spec.format in TEXT_FORMATS and target not in MARKDOWN_TARGETS:
            raise ValueError(f"{target}: format {spec.format} is for {', '.join(MARKDOWN_TARGETS)} only")
    return fields


def check_selector(selector: str) -> str:
    """A CSS selector lexbor accepts; anything else is a configuration error, not an empty field."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        LexborHTMLParser("<p></p>").css(selector)
    except Exception as exc:  # selectolax raises its own error types for bad selectors
        raise ValueError(f"got {selector!r}, expected a CSS selector ({exc})") from exc
    return selector


def shorthand(value: Any, key: str) -> Any:
    """`title: h2 a` is `title: {css: h2 a}` (html); `title: name` is `title: {path: name}` (json_api)."""
    if isinstance(value, dict):
        return {name: ({key: spec} if isinstance(spec, (str, list)) else spec) for name, spec in value.items()}
    return value


class JsonPagination(_Strict):
    """How a json_api source pages: a next URL in the body, a page number, an offset or a cursor."""

    type: Literal["next_url", "page_number", "offset", "cursor"]
    next: str | None = None  # next_url: path of the next URL in the body; cursor: path of the next cursor
    param: str | None = None  # page_number, offset, cursor: the parameter that carries it
    start: int | None = None  # first page number (default 1) or offset (default 0)
    size_param: str | None = None  # the page-size parameter, if the API takes one
    size: int | None = Field(None, ge=1)  # records per page (sent as size_param; offset steps by it)
    total: str | None = None  # path of the total number of records, to detect pages that were not read
    where: Literal["query", "body"] = "query"  # where page parameters go (body: POST searches)
    max_pages: int = Field(50, ge=1)

    @field_validator("next", "total")
    @classmethod
    def _valid_path(cls, value: str | None) -> str | None:
        return None if value is None else check_path(value)

    @model_validator(mode="after")
    def _complete(self) -> "JsonPagination":
        needs = {"next_url": ("next",), "page_number": ("param",), "offset": ("param", "size"), "cursor": ("param", "next")}
        missing = [name for name in needs[self.type] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"pagination of type {self.type} needs {' and '.join(missing)}")
        return self


class Incremental(_Strict):
    """An updated-since parameter: only records changed since the last run (minus an overlap) are asked for."""

    param: str  # e.g. modified_after
    field: Literal["updated", "published"] = "updated"  # the item field whose latest value is the cursor
    format: str = "%Y-%m-%dT%H:%M:%SZ"  # how the cursor (UTC) is written
    overlap: timedelta = timedelta(hours=1)  # asked again, for clocks and late writes


class HtmlPagination(_Strict):
    """The "next page" link of a listing."""

    next: HtmlField
    max_pages: int = Field(20, ge=1)

    @field_validator("next", mode="before")
    @classmethod
    def _link(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"css": value, "attr": "href"}
        if isinstance(value, dict) and "attr" not in value:
            return {**value, "attr": "href"}
        return value


class HtmlDetail(_Strict):
    """Follow each item to its page and read more fields there."""

    link: Target = "url"  # the listing field holding the detail page's URL
    fields: dict[Target, HtmlField] = Field(default_factory=dict)
    # Read the schema.org JSON-LD the detail page carries (an Event, a Grant, an article): it fills the
    # fields the selectors left empty. A listing whose JSON-LD only links to its events' pages needs it.
    jsonld: bool = False

    @model_validator(mode="after")
    def _reads_something(self) -> "HtmlDetail":
        if not self.fields and not self.jsonld:
            raise ValueError("detail needs `fields` (CSS selectors in the detail page) or `jsonld: true`")
        return self

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return shorthand(value, "css")
