"""Normalisation: one raw record of a source becomes an agenda Item, or a Rejection that says why not."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from transforms.deadlines import deadline_in_text, opening_in_text, within
from transforms.kinds import decide_kind
from transforms.language import text_language
from transforms.model import LANGUAGES, Item, RawItem, Rejection, TimeValue, item_id
from transforms.places import resolve_place
from transforms.prices import currency_code, price_in_text, registration_link, registration_required_in_text
from transforms.text import (
    clean_title,
    collapse_whitespace,
    fold,
    html_to_line,
    html_to_text,
    sanitise_html,
    summarise,
)
from transforms.times import (
    day_end_utc,
    day_start_utc,
    display,
    implausibility,
    impossible_date,
    local_date,
    resolve_timezone,
    to_utc,
    zone,
)
from transforms.urls import absolute_url, canonical_url

SUMMARY_MAX_CHARS = 280
# A title is a line on the agenda: a longer one is a CMS putting the description (or a whole page) in it.
TITLE_MAX_CHARS = 300
_CANCELLED_WORDS = re.compile(r"\b(annule|annulee|annules|annulees|geannuleerd|cancelled|canceled)\b")
_POSTPONED_WORDS = re.compile(r"\b(reporte|reportee|reportes|reportees|uitgesteld|postponed)\b")
_RESCHEDULED_WORDS = re.compile(r"\b(rescheduled|reprogramme|reprogrammee|reprogrammes|reprogrammees|nouvelle date"
                                r"|nieuwe datum)\b")
_TAG_SEPARATOR = re.compile(r"[-_]")
# A title naming the deadline itself (accent-folded): a call's date is then its deadline.
# How far after the fetch a news item's publication time may be before it is not believed: clocks and zones
# written wrong move it by hours; a typo in the year or a post scheduled ahead moves it by months.
FUTURE_NEWS_TOLERANCE = timedelta(days=1)
NOTED_KEYS = 5  # keys quoted in a warning about several records
_DEADLINE_TITLE = re.compile(r"\b(deadline|date limite|date de cloture|cloture des|uiterste (?:indienings)?datum"
                             r"|sluitingsdatum|closing date)\b")


@dataclass(frozen=True)
class SourceContext:
    """What the partner file says about a source, applied to every record of it."""

    partner_id: str
    source_id: str
    content: str  # event | call | news | mixed
    language: str  # fr | nl | en: the language of texts when the record does not say
    timezone: str = "Europe/Brussels"  # for naive (floating) times
    fallback_url: str | None = None  # the partner website, for records without a URL of their own
    site_names: tuple[str, ...] = ()  # names a title may end with (" | Name"), removed from titles


class _Rejected(Exception):
    """Raised inside normalise() to stop at the first problem; never leaves this module."""

    def __init__(self, reason: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.reason, self.field, self.message = reason, field, message


def record_language(value: str | None, default: str) -> str:
    """fr/nl/en from a record's language tag ('fr-BE', 'NL', 'en_GB'); `default` for any other."""
    if value:
        primary = _TAG_SEPARATOR.split(value.strip().lower(), maxsplit=1)[0]
        if primary in LANGUAGES:
            return primary
    return default


def _shown(value: TimeValue) -> str:
    if isinstance(value, str):
        return repr(value.strip())
    return str(value)


def _read_time(value: TimeValue, field: str, tz: str, now: datetime) -> datetime | date | None:
    try:
        parsed = to_utc(value, tz)
    except ValueError:
        impossible = impossible_date(value) if isinstance(value, str) else None
        if impossible:
            raise _Rejected("invalid_date", field, f"{field} ({_shown(value)}) is not a real date: {impossible}") from None
        raise _Rejected(
            "invalid_date", field,
            f"{field} ({_shown(value)}) is not a date or time we can read; use ISO 8601 such as 2026-03-10T18:30:00+01:00",
        ) from None
    if parsed is None:
        return None
    problem = implausibility(parsed, now)
    if problem:
        raise _Rejected("invalid_date", field, f"{field} ({display(parsed, tz)}) {problem}, which cannot be right")
    return parsed


def _instant(value: datetime | date | None, tz: str, *, end_of_day: bool) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return day_end_utc(value, tz) if end_of_day else day_start_utc(value, tz)


def _whole_days(start: datetime | date | None, end: datetime | date | None, tz: str) -> bool:
    """True for a start at midnight and an end at 23:59 (local), as WordPress's The Events Calendar writes
    an all-day event in its JSON-LD (00:00:00 to 23:59:59): shown as from 00:00 to 23:59, it is days."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return False
    first, last = start.astimezone(zone(tz)), end.astimezone(zone(tz))
    return (first.hour, first.minute, first.second) == (0, 0, 0) and (last.hour, last.minute) == (23, 59) \
        and last.date() >= first.date()


def status_of(raw_status: str | None, title: str) -> str:
    """scheduled/cancelled/postponed/rescheduled from schema.org eventStatus or iCal STATUS, else from words in
    the title. A rescheduled event has its new dates: it is no postponed one, whose dates are not known yet."""
    if raw_status:
        name = raw_status.strip().rstrip("/").rsplit("/", 1)[-1].lower()
        if "cancel" in name:
            return "cancelled"
        if "reschedul" in name:
            return "rescheduled"
        if "postpone" in name:
            return "postponed"
    folded = fold(title)
    if _CANCELLED_WORDS.search(folded):
        return "cancelled"
    if _POSTPONED_WORDS.search(folded):
        return "postponed"
    if _RESCHEDULED_WORDS.search(folded):
        return "rescheduled"
    return "scheduled"


def plain_text(value: str) -> str:
    """`value` (HTML or plain text) as one line of plain text."""
    # Without a tag or an entity, reading HTML only collapses whitespace: skip the HTML reader.
    if "<" not in value and "&" not in value:
        return collapse_whitespace(value)
    return html_to_line(value)


def _categories(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            continue
        text = plain_text(value)
        if text:
            seen.setdefault(fold(text), text)
    return list(seen.values())


def _registration_link(description: str) -> str | None:
    # Only an <a> element can be a registration link; most descriptions have none.
    if "<a" not in description and "<A" not in description:
        return None
    return registration_link(description)


def declared_language(value: str | None) -> str | None:
    """fr/nl/en when the record itself names one of them, else None."""
    return record_language(value, "") or None


def field_languages(title: str, body: str, declared: str | None, default: str) -> tuple[str, str]:
    """(title language, body language): what the record declares; else detected, conservatively,
    each field on its own; a text too short to tell takes the body's language, then the source's."""
    if declared:
        return declared, declared
    body_language = text_language(body, default) if body else default
    return text_language(title, body_language), body_language


def _deadline_from_text(kind: str, texts: list[str], tz: str, now: datetime) -> datetime | date | None:
    if kind != "call":
        return None
    reference = local_date(now, tz)
    found = deadline_in_text("\n".join(t for t in texts if t), reference=reference)
    return to_utc(found, tz) if found is not None and within(found, reference) else None


def _opening_from_text(texts: list[str], tz: str, now: datetime) -> datetime | None:
    """A call's opening written in its text, as an instant: a day alone opens at its first hour, in `tz`."""
    reference = local_date(now, tz)
    found = opening_in_text("\n".join(t for t in texts if t), reference=reference)
    if found is None or not within(found, reference):
        return None
    return to_utc(found if isinstance(found, datetime) else datetime(found.year, found.month, found.day), tz)  # type: ignore[return-value]


def _title(text: str | None, ctx: SourceContext) -> str:
    """A title as the agenda shows it: the site's name cut off, one line, at most TITLE_MAX_CHARS."""
    return summarise(clean_title(text or "", ctx.site_names), TITLE_MAX_CHARS)


# A heading opening a description (sanitised HTML): Medium's content starts with the post's title as an <h3>.
_LEADING_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*", re.DOTALL | re.IGNORECASE)


def _without_title_heading(description: str, title: str) -> str:
    """`description` without a first heading that only repeats `title`: shown under the title, and made the
    summary's first words ("Open banking in Brussels … Open banking in Brussels …")."""
    heading = _LEADING_HEADING.match(description)
    if heading is None or fold(html_to_text(heading.group(2))).strip() != fold(title).strip():
        return description
    return description[heading.end():]


def _body(description_html: str | None, summary: str | None, url: str | None,
          title: str = "") -> tuple[str, str, str]:
    """(sanitised description, summary, plain text) of a record's texts: the summary given, else its description's."""
    description = sanitise_html(description_html or "", url)
    if title:
        description = _without_title_heading(description, title)
        summary = _without_title_heading(summary, title) if summary else summary
    given_summary = plain_text(summary) if summary else ""
    body_text = given_summary or html_to_text(description)
    return description, summarise(body_text, SUMMARY_MAX_CHARS), body_text


def _texts_by_language(raw: RawItem, ctx: SourceContext, url: str | None, primary: dict[str, dict[str, str]]) -> None:
    """The record's versions in other languages (raw.translations) added to `primary` ({"title": {lang: text},
    …}) as those languages' texts, read as its own are; a language its own texts already have keeps them."""
    for code, texts in raw.translations.items():
        lang = record_language(code, "")
        if not lang:
            continue
        description, summary, _ = _body(texts.get("description_html"), texts.get("summary"), url)
        for name, text in (("title", _title(texts.get("title"), ctx)), ("summary", summary), ("description", description)):
            if text:
                primary[name].setdefault(lang, text)


def _ahead(value: datetime | date | None, tz: str, now: datetime) -> bool:
    """True when `value` is more than FUTURE_NEWS_TOLERANCE after `now`."""
    return value is not None and _instant(value, tz, end_of_day=False) > now + FUTURE_NEWS_TOLERANCE  # type: ignore[operator]


def _news_date(published: datetime | date | None, updated: datetime | date | None, tz: str, now: datetime,
               notes: list[str] | None) -> datetime | date | None:
    """What dates a news item: its publication time, else its update time; neither when it is in the future.

    A post dated a year ahead (a typo in the year, a post scheduled but already in the feed) sorted first among the
    news until that day. It is kept, dated instead by when the agenda first saw it (the fetch that found it, which
    later runs do not move); `notes` gets the date it gave.
    """
    dated = published if published is not None else updated
    if not _ahead(dated, tz, now):
        return dated
    if notes is not None:
        notes.append(display(dated, tz))  # type: ignore[arg-type]
    return updated if dated is published and updated is not None and not _ahead(updated, tz, now) else None


def _build(raw: RawItem, ctx: SourceContext, now: datetime, notes: list[str] | None = None) -> Item:
    title = _title(raw.title, ctx)
    if not title:
        shown = f" ({raw.title.strip()[:80]!r})" if raw.title and raw.title.strip() else ""
        raise _Rejected("missing_title", "title", f"title{shown} is missing or empty, and every item needs one")
    kind, kind_reason = decide_kind(raw, ctx.content)
    tz = resolve_timezone(raw.timezone, ctx.timezone)

    if raw.url is not None and raw.url.strip():
        url = absolute_url(raw.url, ctx.fallback_url)
        if url is None:
            raise _Rejected("invalid_url", "url", f"url ({raw.url.strip()[:200]!r}) is not an http or https web address")
        canonical: str | None = canonical_url(url)
    else:
        # The partner website stands in as a link, but it identifies no page of this record,
        # so it must not serve as a key for finding duplicates.
        url = absolute_url(ctx.fallback_url, None)
        canonical = None

    start = _read_time(raw.start, "start", tz, now)
    end = _read_time(raw.end, "end", tz, now)
    deadline = _read_time(raw.deadline, "deadline", tz, now)
    published = _read_time(raw.published, "published", tz, now)
    updated = _read_time(raw.updated, "updated", tz, now)
    # A record that gives only its update time (RSS 1.0's dc:date, an Atom entry without <published>, JSON-LD's
    # dateModified alone) is dated by it: without a publication time, news was dated by the day the agenda first
    # saw it, and an old post showed as this week's news.
    dated = _news_date(published, updated, tz, now, notes) if kind == "news" else (
        published if published is not None else updated)
    all_day_given = raw.all_day
    if kind == "call" and deadline is None and start is not None and _DEADLINE_TITLE.search(fold(title)):
        # "Date limite : appel à projets X" on a day (a calendar of deadlines, an RSS item with ev:startdate): the
        # date is the deadline the title names, not the call's opening, which made a forthcoming call without one.
        deadline, start, end, all_day_given = end or start, None, None, False
    description, summary, body_text = _body(raw.description_html, raw.summary, url, title)
    if kind == "call" and start is None:
        # "Opening date: 12 March 2026" (the EU Funding & Tenders feed): without it, a forthcoming call showed as open.
        start = _opening_from_text([title, body_text], tz, now)
    if kind == "event" and start is None:
        raise _Rejected("missing_start", "start", "start is missing, and an event needs a start date or time")

    if not all_day_given and _whole_days(start, end, tz):
        start, end = local_date(start, tz), local_date(end, tz)  # type: ignore[arg-type]
    all_day = all_day_given or (start is not None and not isinstance(start, datetime))
    start_utc = end_utc = None
    start_date = end_date = None
    if all_day:
        # The end of an all-day item is its inclusive last day (parsers turn iCal's exclusive DTEND into it).
        start_date = local_date(start, tz) if start is not None else None
        end_date = local_date(end, tz) if end is not None else None
        if start_date and end_date and end_date < start_date:
            raise _Rejected(
                "end_before_start", "end", f"end ({end_date.isoformat()}) is before start ({start_date.isoformat()})"
            )
    else:
        start_utc = _instant(start, tz, end_of_day=False)
        # A date as the end of a timed item means "until the end of that day".
        end_utc = _instant(end, tz, end_of_day=True)
        if start_utc and end_utc and end_utc < start_utc:
            raise _Rejected(
                "end_before_start", "end", f"end ({display(end_utc, tz)}) is before start ({display(start_utc, tz)})"
            )

    title_language, language = field_languages(title, body_text, declared_language(raw.language), ctx.language)
    texts = {"title": {title_language: title}, "summary": {language: summary} if summary else {},
             "description": {language: description} if description else {}}
    if raw.translations:
        _texts_by_language(raw, ctx, url, texts)

    if deadline is None and kind == "call" and ctx.content == "call" and end is not None:
        # In a source of calls, a call published as an event (JSON-LD Event, iCal VEVENT, ev:enddate) closes at its
        # end. Not where the words alone made it a call: an information session about a call ends, the call not.
        deadline = end
    deadline_from = "field" if deadline is not None else None
    if deadline is None:
        deadline = _deadline_from_text(kind, [title, body_text], tz, now)
        deadline_from = "text" if deadline is not None else None

    place = resolve_place(raw.location, raw.attendance_mode, title=title)
    attendance_mode = place.attendance_mode
    if raw.status and "movedonline" in raw.status.lower():
        attendance_mode = "online"

    price = raw.price if isinstance(raw.price, (int, float)) and math.isfinite(raw.price) and raw.price >= 0 else None
    is_free = raw.is_free if raw.is_free is not None else (None if price is None else price == 0)
    currency = currency_code(raw.currency)  # "€" and "euros" are EUR; the exports write an ISO 4217 code
    all_text = f"{title}\n{body_text}"
    if is_free is None and price is None:
        is_free, price, currency = price_in_text(all_text)
    registration_url = absolute_url(raw.registration_url, url) or absolute_url(_registration_link(description), url)

    return Item(
        id=item_id(raw.partner_id or ctx.partner_id, raw.source_id or ctx.source_id, raw.key),
        partner_id=raw.partner_id or ctx.partner_id,
        source_id=raw.source_id or ctx.source_id,
        source_key=raw.key,
        kind=kind,
        title=texts["title"],
        summary=texts["summary"],
        description=texts["description"],
        url=url,
        canonical_url=canonical,
        start_utc=start_utc,
        end_utc=end_utc,
        start_date=start_date,
        end_date=end_date,
        all_day=all_day,
        timezone=tz,
        deadline_utc=_instant(deadline, tz, end_of_day=True),
        venue=place.venue,
        street=place.street,
        postcode=place.postcode,
        municipality=place.municipality,
        country=place.country,
        attendance_mode=attendance_mode,
        online_url=place.online_url,
        is_free=is_free,
        price=float(price) if price is not None else None,
        currency=currency,
        registration_url=registration_url,
        registration_required=registration_required_in_text(all_text),
        image_url=absolute_url(raw.image_url, url),
        languages=sorted({lang for versions in texts.values() for lang in versions}),
        status=status_of(raw.status, title),
        source_categories=_categories(raw.categories or []),
        published_utc=_instant(dated, tz, end_of_day=False),
        updated_utc=_instant(updated, tz, end_of_day=False),
        kind_reason=kind_reason,
        deadline_from=deadline_from,
    )


def _rejection(raw: RawItem, ctx: SourceContext, reason: str, field: str | None, message: str) -> Rejection:
    return Rejection(
        partner_id=raw.partner_id or ctx.partner_id,
        source_id=raw.source_id or ctx.source_id,
        stage="normalise",
        reason=reason,
        message=message,
        field=field,
        key=raw.key,
        excerpt=raw.excerpt,
    )


def normalise(raw: RawItem, ctx: SourceContext, *, now: datetime, notes: list[str] | None = None) -> Item | Rejection:
    """The agenda Item for `raw`, or a Rejection with a stable reason code, the field and a readable message.

    `notes`, when given, gets what the item does not take as written: the future date of a news item left out."""
    try:
        return _build(raw, ctx, now, notes)
    except _Rejected as problem:
        return _rejection(raw, ctx, problem.reason, problem.field, problem.message)
    except Exception as exc:  # noqa: BLE001 - a bug here must cost one record, not the whole source
        return _rejection(
            raw, ctx, "normalise_error", None,
            f"the record could not be normalised because of an internal error ({type(exc).__name__}: {exc})",
        )


def normalise_all(raws: Iterable[RawItem], ctx: SourceContext, *, now: datetime,
                  warnings: list[str] | None = None) -> tuple[list[Item], list[Rejection]]:
    """Every record normalised: (items, rejections). A key seen twice keeps its first record;
    the later ones are rejected as duplicate_key, since one id cannot name two items.

    `warnings`, when given, gets a line about the items kept but not as written (future_news_warning)."""
    items: list[Item] = []
    rejections: list[Rejection] = []
    seen: set[str] = set()
    future: list[tuple[str, str]] = []  # (key, the date it gave) of news dated in the future
    for raw in raws:
        notes: list[str] = []
        result = normalise(raw, ctx, now=now, notes=notes)
        future += [(raw.key, note) for note in notes]
        if isinstance(result, Item):
            if result.id in seen:
                rejections.append(
                    _rejection(raw, ctx, "duplicate_key", "key",
                               f"key ({raw.key!r}) was already used by an earlier record of this source")
                )
                continue
            seen.add(result.id)
            items.append(result)
        else:
            rejections.append(result)
    if future and warnings is not None:
        warnings.append(future_news_warning(ctx, future, now))
    return items, rejections


def future_news_warning(ctx: SourceContext, future: list[tuple[str, str]], now: datetime) -> str:
    """The warning about news items dated more than FUTURE_NEWS_TOLERANCE after the fetch: which, and what was done."""
    quoted = ", ".join(f"{key!r} ({when})" for key, when in future[:NOTED_KEYS])
    more = f" and {len(future) - NOTED_KEYS} more" if len(future) > NOTED_KEYS else ""
    return (f"{ctx.partner_id}/{ctx.source_id}: {len(future)} news item(s) dated more than a day after this fetch "
            f"({display(now, ctx.timezone)} {ctx.timezone}): {quoted}{more}. They are published, dated by when the agenda "
            "first saw them instead of that date (a wrong year, or a post scheduled ahead, would stay first among "
            "the news until then)")
