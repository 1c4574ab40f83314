"""Mapped values to a RawItem: the transforms of connectors.field_mapping, shared by json_api and html.

A parser reads one raw value per mapped field (a JSON value, or the texts a selector matched);
`build_item` applies the field's transforms, converts dates, numbers and booleans, and returns
the RawItem, or a Rejection naming the field and the value it could not read.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from connectors.dates import DateTextError, parse_date_text
from connectors.field_mapping import DATE_TARGETS, LANGUAGE_TARGETS, MARKDOWN_TARGETS
from connectors.parsers.common import Origin, excerpt as cut, hash_key
from connectors.parsers.rich_text import is_rich_text, rich_text_html
from transforms.model import RawItem, RawLocation, Rejection
from transforms.prices import amount, amount_in
from transforms.text import fold
from transforms.times import to_utc

PLACE_TARGETS = {"place": "name", "street": "street", "postcode": "postcode", "locality": "locality",
                 "country": "country", "address": "text", "online_url": "online_url"}
BOOL_TARGETS = frozenset({"all_day", "is_free"})
# Targets that keep every value a path or selector reaches: a list of categories; a call's cut-off dates (the EU
# funding portal's two-stage calls list them in deadlineDate), of which the next one is its deadline.
LIST_TARGETS = frozenset({"categories", "deadline"})
_RAW_TARGETS = ("title", "summary", "description_html", "url", "language", "kind", "start", "end", "deadline",
                "attendance_mode", "status", "is_free", "price", "currency", "registration_url", "image_url",
                "categories", "published", "updated")
# Every target a parsed record can fill (its place's parts included).
RECORD_TARGETS = (*_RAW_TARGETS, *PLACE_TARGETS)
_TRUE = frozenset({"true", "1", "yes", "oui", "ja", "y"})
_FALSE = frozenset({"false", "0", "no", "non", "nee", "n"})


def raw_values(raw: RawItem) -> dict[str, Any]:
    """A parsed record's values by target name, as a mapping would give them (dates as ISO 8601): for filling
    the fields a mapping left empty from a record another parser read (a detail page's JSON-LD)."""
    values: dict[str, Any] = {target: getattr(raw, target) for target in _RAW_TARGETS}
    values |= {target: value.isoformat() for target in DATE_TARGETS if isinstance(value := getattr(raw, target), (date, datetime))}
    if raw.location is not None:
        values |= {target: getattr(raw.location, name) for target, name in PLACE_TARGETS.items()}
    own = raw.language if raw.language and _LANGUAGE_KEY.match(raw.language) else None
    for target in LANGUAGE_TARGETS:  # a text in several languages as a multilingual object: {"fr": …, "nl": …}
        versions = {lang: texts[target] for lang, texts in raw.translations.items() if texts.get(target)}
        if versions and (own or is_empty(values[target])):
            values[target] = ({own: values[target]} if own and not is_empty(values[target]) else {}) | versions
    return {target: value for target, value in values.items() if not is_empty(value)}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class Mapped:
    """The values of one record after transforms, before typing: what `partners check` counts as empty."""

    values: dict[str, Any] = field(default_factory=dict)


class FieldError(ValueError):
    def __init__(self, target: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.target, self.reason, self.message = target, reason, message


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for item in value for v in _flatten(item)]
    return [value]


_PLAIN: dict[int, tuple[Any, bool]] = {}


def _untransformed(spec: Any) -> bool:
    """True when a field has no transform at all (the common case, checked once per configuration object)."""
    cached = _PLAIN.get(id(spec))
    if cached is None or cached[0] is not spec:
        plain = spec.const is None and spec.regex is None and not spec.map and spec.template is None
        cached = _PLAIN[id(spec)] = (spec, plain and spec.default is None)
    return cached[1]


def transform(value: Any, spec: Any, *, is_list: bool = False) -> Any:
    """Apply a field's transforms: const, join, regex, map, template, default (to each language's text of a
    field read per language)."""
    if isinstance(value, str) and _untransformed(spec):
        return value.strip() or None
    if isinstance(value, dict) and getattr(spec, "languages", None):
        versions = {language: transform(text, spec, is_list=is_list) for language, text in value.items()}
        return {language: text for language, text in versions.items() if not is_empty(text)} or None
    if spec.const is not None:
        value = spec.const
    if isinstance(value, list):
        parts = [v.strip() if isinstance(v, str) else v for v in _flatten(value)]
        parts = [v for v in parts if not is_empty(v)]
        if spec.join is not None:
            value = spec.join.join(str(v) for v in parts) if parts else None
        elif not is_list:
            value = parts[0] if parts else None
        else:  # each value is transformed as one alone would be (a regex keeping a date's day, a map of codes)
            values = [v for v in (_transformed(part, spec) for part in parts) if not is_empty(v)]
            return values if values or spec.default is None else spec.default
    return _transformed(value, spec)


def _transformed(value: Any, spec: Any) -> Any:
    """One value through a field's regex, map, template and default."""
    if isinstance(value, str):
        value = value.strip()
    if spec.regex and isinstance(value, str):
        match = re.search(spec.regex, value)
        value = (match.group(1) if match.groups() else match.group(0)) if match else None
    if spec.map and isinstance(value, (str, int, float, bool)):
        key = str(value).lower() if isinstance(value, bool) else str(value)
        value = spec.map.get(key, spec.map.get(str(value), value))  # a record's true is "true" (or "True")
    if spec.template and not is_empty(value):
        value = spec.template.format(value=value)
    if is_empty(value) and spec.default is not None:
        value = spec.default
    return value


def to_date(value: Any, spec: Any, target: str, *, language: str, today: date, default_format: str) -> tuple[Any, Any, str | None]:
    """(value, end of a range or None, warning) for a date field; FieldError when it is no date."""
    fmt = spec.format or default_format
    zone = ZoneInfo(spec.timezone) if spec.timezone else None
    try:
        if fmt in ("epoch", "epoch_ms") or _looks_like_epoch(value, spec.format):
            return _from_epoch(value, spec.format, target), None, None
        text = str(value)
        if fmt == "iso":
            if zone is None:
                return text, None, None  # the normaliser reads ISO 8601 and RFC 822 and applies the source's zone
            if _ISO_DAY.match(text.strip()):
                return date.fromisoformat(text.strip()), None, None  # a day, all day: not midnight in that zone
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)), None, None
        if fmt == "text":
            found = parse_date_text(text, language=spec.language or language, today=today)
            return _zoned(found.start, zone), _zoned(found.end, zone), found.warning
        has_time = any(code in fmt for code in _TIME_CODES)
        if has_time and (day := _day_without_time(text, fmt)) is not None:
            return day, None, None
        parsed = datetime.strptime(text, fmt)
        if not has_time:
            return parsed.date(), None, None
        return (parsed if parsed.tzinfo else _zoned(parsed, zone)), None, None
    except FieldError:
        raise
    except (DateTextError, ValueError, TypeError, OverflowError, OSError) as exc:
        raise FieldError(target, "invalid_date", f"{target}: {value!r} is not a date in format {fmt} ({exc})") from None


def _next_cutoff(values: list[Any], spec: Any, *, language: str, today: date, default_format: str) -> Any:
    """Of a call's cut-off dates, the first that is not past (today's counts), else the last: the deadline to show.
    A date that cannot be read is left for to_date to reject, naming it."""
    days = []
    for value in values:
        read, _, _ = to_date(value, spec, "deadline", language=language, today=today, default_format=default_format)
        days.append((_day_of(read), value))
    days.sort(key=lambda pair: pair[0])
    return next((value for day, value in days if day >= today), days[-1][1]) if days else None


def _day_of(value: Any) -> date:
    """The day of a date read by to_date: a date, an aware or naive datetime, or ISO 8601 text left to the normaliser."""
    if isinstance(value, str):
        value = to_utc(value, "Europe/Brussels")
    return value.date() if isinstance(value, datetime) else value


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_CODES = ("%H", "%I", "%M")
_FIRST_TIME_CODE = re.compile(r"%[HIMSp]")


def _day_without_time(text: str, fmt: str) -> date | None:
    """The day alone when a date-and-time pattern meets a record whose time is missing; None otherwise.

    A date and a time kept apart ("2026-03-05" and "14:00", joined) lose the time on records where it
    is null: with `format: "%Y-%m-%d %H:%M"` the record was rejected as not a date. Such a record is
    the all-day event (or the deadline's day) the default ISO reading already makes of it.
    """
    cut = _FIRST_TIME_CODE.search(fmt)
    day_format = fmt[: cut.start()].rstrip(" T,-:à") if cut else ""
    if "%d" not in day_format:
        return None
    try:
        return datetime.strptime(text.strip(), day_format).date()
    except ValueError:
        return None


# From 10^11 on, a count is milliseconds: as seconds it would be past the year 5000, as milliseconds it is after 1973.
_EPOCH_MS_FROM = 1e11
_EPOCH_DIGITS = re.compile(r"^\d{10}(?:\d{3})?$")  # seconds or milliseconds of this era, written as text


def _looks_like_epoch(value: Any, fmt: str | None) -> bool:
    """A number, or ten or thirteen digits, where no format was given: APIs write epoch times both ways."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return fmt is None and isinstance(value, str) and bool(_EPOCH_DIGITS.match(value.strip()))


def _from_epoch(value: Any, fmt: str | None, target: str) -> datetime:
    """An epoch time in seconds or milliseconds: the magnitude decides unless a format says, and then must agree.

    A count of milliseconds read as seconds is past the year 5000, and seconds read as milliseconds
    fall in January 1970: both are a unit mistake, which the message names instead of a bare range error.
    """
    number = float(value)
    in_ms = number >= _EPOCH_MS_FROM
    if fmt == "epoch" and in_ms:
        raise FieldError(target, "invalid_date", f"{target}: {value!r} counts milliseconds, not seconds: write format: epoch_ms")
    if fmt == "epoch_ms" and not in_ms:
        raise FieldError(target, "invalid_date", f"{target}: {value!r} counts seconds, not milliseconds (it would be "
                                                 "in 1970): write format: epoch")
    return datetime.fromtimestamp(number / 1000 if in_ms else number, tz=timezone.utc)


def _zoned(value: Any, zone: ZoneInfo | None) -> Any:
    if zone is not None and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone)
    return value


_LANGUAGE_KEY = re.compile(r"^(fr|nl|en)(?:[-_][A-Za-z]{2})?$", re.IGNORECASE)


def _where(spec: Any) -> str:
    """The path or selector a field reads, as the partner file writes it."""
    where = getattr(spec, "path", None) or getattr(spec, "css", None)
    return where if isinstance(where, str) else "the field"


def plain_value(value: Any, spec: Any, target: str, *, language: str) -> Any:
    """A scalar for a field that reached an object: its text in the source's language, or a FieldError.

    APIs give multilingual texts as {"fr": …, "nl": …} and wrap values in objects ({"text": …,
    "html": …}, {"href": …}); written as is, such an object became "{'text': 'Atelier'}" in a
    title, or a link to "https://site/{'href': …}", without a word. The language of the source is
    taken from a multilingual object; any other object names the paths inside it that could be mapped.
    """
    if not isinstance(value, dict):
        return value
    if target in MARKDOWN_TARGETS and is_rich_text(value):  # Contentful's Rich Text field
        return rich_text_html(value)
    by_language = language_versions(value)
    if by_language:
        chosen = by_language.get(language) or next(iter(by_language.values()))
        if not isinstance(chosen, (dict, list)):
            return chosen
    where = _where(spec)
    inside = ", ".join(f"{where}.{key}" for key in list(value)[:6]) or "(an empty object)"
    raise FieldError(target, "unreadable_record", f"{target}: {where} is an object, not a value: map one of the paths "
                                                  f"inside it ({inside})")


def language_versions(value: Any) -> dict[str, Any]:
    """{fr|nl|en: value} of a multilingual object ({"fr": …, "nl-BE": …}), its empty values left out; {} for
    any other value."""
    if not isinstance(value, dict):
        return {}
    return {m.group(1).lower(): v for k, v in value.items() if (m := _LANGUAGE_KEY.match(str(k))) and not is_empty(v)}


def _text_versions(item: RawItem, mapped: dict[str, Any], specs: dict[str, Any], language: str) -> dict[str, Any]:
    """`mapped` with each multilingual text (LANGUAGE_TARGETS) reduced to the record's own language, its other
    languages kept as the record's translations: where the source's language alone was kept and the others lost.

    The record's language is its title's: the one a `language` field names, else the source's, when the title has
    it, else the first given (and `item.language` says so unless a field maps it). A text without a version in
    that language is kept in its other languages only."""
    titles = language_versions(mapped.get("title"))
    declared = mapped.get("language")
    named = (match.group(1).lower() if isinstance(declared, str) and (match := _LANGUAGE_KEY.match(declared.strip()))
             else None)
    own = next((lang for lang in (named, language, *titles) if lang in titles), None)
    if own and is_empty(declared):
        item.language = own
    reduced = dict(mapped)
    for target in LANGUAGE_TARGETS:
        versions = {lang: text for lang, text in language_versions(mapped.get(target)).items()
                    if not isinstance(text, (dict, list))}
        if not versions:
            continue
        kept = own or (language if language in versions else next(iter(versions)))
        reduced[target] = versions.pop(kept, None)
        for lang, text in versions.items():
            item.translations.setdefault(lang, {})[target] = _text(text, specs[target], target)
    return reduced


def _category_values(value: Any, language: str) -> list[Any]:
    """The values of a categories field; a multilingual object of lists ({"fr": ["code"], "nl": ["code"]},
    OpenAgenda's keywords) gives the source language's list, where it rejected the record as an object."""
    if isinstance(value, dict):
        by_language = {m.group(1).lower(): v for k, v in value.items()
                       if (m := _LANGUAGE_KEY.match(str(k))) and isinstance(v, list) and v}
        if by_language:
            return by_language.get(language) or next(iter(by_language.values()))
    return value if isinstance(value, list) else [value]


def _text(value: Any, spec: Any, target: str) -> str:
    """A text field's value: a number reads as its digits (a postcode, a title such as "2030"); true/false is
    a flag mapped by mistake, which would have become the text "True"."""
    if isinstance(value, bool):
        raise FieldError(target, "invalid_value", f"{target}: {_where(spec)} is {str(value).lower()}, a yes/no value, "
                                                  "not a text: map the path of the text")
    return markdown_html(str(value)) if spec.format == "markdown" else str(value)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt  # imported once, when a source says its texts are Markdown

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


# What only Markdown writes: a heading, bold text or a link in its own syntax (a dash list is plain text too).
_MARKDOWN_MARKS = re.compile(r"(?m)^#{1,6} \S|\*\*\S[^*\n]*\*\*|\[[^\]\n]+\]\((?:https?://|/)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def looks_like_markdown(text: Any) -> bool:
    """Whether a text holds Markdown and no HTML: a description mapped without `format: markdown`."""
    return isinstance(text, str) and not _HTML_TAG.search(text) and bool(_MARKDOWN_MARKS.search(text))


def markdown_html(text: str) -> str:
    """Markdown (CommonMark, with tables and strikethrough) as HTML; the normaliser sanitises it as any HTML."""
    return _markdown().render(text).strip()


def to_bool(value: Any, target: str) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(target, "invalid_value", f"{target}: {value!r} is not a yes/no value (expected true/false, oui/non, ja/nee)")


def to_number(value: Any, target: str) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        # NaN and Infinity (which Python's json reads) are no price, and no export can write them.
        return float(value) if math.isfinite(value) else None
    text = str(value).lower()
    if any(word in text for word in ("gratuit", "gratis", "free")):
        # "10 € (membres : gratuit)": free for some, a price for the others; "Gratuit (30 places)" is free.
        return amount_in(fold(text)) or 0.0
    found = amount(text)
    if found is None:
        raise FieldError(target, "invalid_value", f"{target}: {value!r} is not a number")
    return -found if text.lstrip().startswith("-") else found  # a negative price is no price: the normaliser drops it


def build_item(
    mapped: dict[str, Any], specs: dict[str, Any], origin: Origin, *, language: str, today: date,
    default_date_format: str, raw_excerpt: str, fallback_key: tuple[Any, ...],
) -> tuple[RawItem | None, Rejection | None, list[str]]:
    """The RawItem of one record's mapped values (transforms applied), or the Rejection of its first bad field."""
    warnings: list[str] = []
    key_target = "key" if not is_empty(mapped.get("key")) else "url"
    key_value = mapped.get(key_target)
    key = str(key_value) if not is_empty(key_value) and not isinstance(key_value, dict) else hash_key(*fallback_key)
    if isinstance(key_value, dict):  # an object as the id would make a key of its text: name the paths inside it
        try:
            key = str(plain_value(key_value, specs[key_target], key_target, language=language))
        except FieldError as exc:
            return None, origin.reject(exc.reason, exc.target, exc.message, key=key, excerpt=raw_excerpt), warnings
    item = RawItem(partner_id=origin.partner_id, source_id=origin.source_id, key=key, excerpt=cut(raw_excerpt))
    location = RawLocation()
    try:
        for target, value in _text_versions(item, mapped, specs, language).items():
            if target == "key" or is_empty(value):
                continue
            value = plain_value(value, specs[target], target, language=language) if target != "categories" else [
                plain_value(v, specs[target], target, language=language) for v in _category_values(value, language)]
            if target == "deadline" and isinstance(value, list):
                value = _next_cutoff([plain_value(v, specs[target], target, language=language) for v in value],
                                     specs[target], language=language, today=today, default_format=default_date_format)
            if target in DATE_TARGETS:
                start, end, warning = to_date(value, specs[target], target, language=language, today=today,
                                              default_format=default_date_format)
                if warning:
                    warnings.append(f"record {key}: {warning}")
                setattr(item, target, start)
                if target == "start" and end is not None and is_empty(mapped.get("end")):
                    item.end = end
                if isinstance(start, date) and not isinstance(start, datetime) and target == "start" and "all_day" not in mapped:
                    item.all_day = True
            elif target in BOOL_TARGETS:
                setattr(item, target, to_bool(value, target))
            elif target == "price":
                item.price = to_number(value, target)
            elif target == "categories":
                item.categories = [str(v) for v in (value if isinstance(value, list) else [value]) if not is_empty(v)]
            elif target in PLACE_TARGETS:
                setattr(location, PLACE_TARGETS[target], _text(value, specs[target], target))
            else:
                setattr(item, target, _text(value, specs[target], target))
    except FieldError as exc:
        return None, origin.reject(exc.reason, exc.target, exc.message, key=key, excerpt=raw_excerpt), warnings
    if any(getattr(location, name) for name in PLACE_TARGETS.values()):
        item.location = location
    return item, None, warnings
