"""schema.org JSON-LD in web pages: events and articles from <script type="application/ld+json"> blocks."""
from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import jstyleson
import lxml.etree
from bs4.dammit import EncodingDetector
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html

from connectors.parsers.common import (
    Origin, ParseResult, charset_of, excerpt, hash_key,
    lenient_utf8, mislabelled_warning, resolve, short_language, utf8_mislabelled,
)
from connectors.parsers.schedules import ScheduleError, schedule_occurrences
from connectors.parsers.schema_values import (
    DATE_ONLY, TIME_ALONE, duration_of, enum_of, first_of, identifier_of, literal_of, start_time_of, text_of, time_of,
)
from transforms.model import RawItem, RawLocation, stable_json
from transforms.prices import amount

EVENT_TYPES = frozenset({
    "Event", "BusinessEvent", "ChildrensEvent", "ComedyEvent", "CourseInstance", "DanceEvent", "DeliveryEvent",
    "EducationEvent", "EventSeries", "ExhibitionEvent", "Festival", "FoodEvent", "Hackathon", "LiteraryEvent",
    "MusicEvent", "PublicationEvent", "SaleEvent", "ScreeningEvent", "SocialEvent", "SportsEvent", "TheaterEvent",
    "VisualArtsEvent",
})
NEWS_TYPES = frozenset({"NewsArticle", "Article", "BlogPosting"})
# Funding a partner opens to applicants: a call, its deadline in applicationDeadline or validThrough.
CALL_TYPES = frozenset({"Grant", "MonetaryGrant"})
RECORD_TYPES = EVENT_TYPES | NEWS_TYPES | CALL_TYPES
# What a course's sessions take from the course when they do not say it themselves.
_COURSE_FIELDS = ("name", "description", "url", "image", "inLanguage", "keywords", "offers", "provider")
FREE_WORDS = frozenset({"free", "gratuit", "gratis", "gratuite"})
# An Offer's availability saying its tickets can no longer be bought.
_NOT_ON_SALE = frozenset({"SoldOut", "OutOfStock"})

_SCRIPTS = lxml.etree.XPath(
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    " = 'application/ld+json']"
)
# Wrappers CMSs put around the JSON: HTML comments and (commented) CDATA sections.
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
# schema.org's namespace as contexts and expanded keys write it: http or https, with or without the slash.
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$")
_SCHEMA_ORG_TERM = re.compile(r"^https?://schema\.org/(?=[^/])")
# A language tag as a key of a JSON-LD language map ({"fr": …, "nl-BE": …}).
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2}(?:[-_][A-Za-z]{2})?$")


def _decode(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """The page as text: the HTTP charset, else <meta charset>, else UTF-8 (bad bytes replaced)."""
    declared = charset_of(content_type) or EncodingDetector.find_declared_encoding(body, is_html=True)
    if declared and utf8_mislabelled(body, declared):
        return body.decode("utf-8"), mislabelled_warning("page", declared)
    for encoding in filter(None, (declared, "utf-8")):
        try:
            return body.decode(encoding), None
        except (LookupError, UnicodeDecodeError):
            continue
    return lenient_utf8(body), ("page is not valid UTF-8 and declares no usable charset; "
                                "the bytes that are not UTF-8 were read as Windows-1252")


def _type_names(node: dict[str, Any]) -> set[str]:
    """@type as bare names: 'Event', 'schema:Event' and 'https://schema.org/Event' are all 'Event'."""
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {re.split(r"[/:#]", v.strip().rstrip("/"))[-1] for v in values if isinstance(v, str) and v.strip()}


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every node of a JSON-LD document that may be a record: @graph, lists, ItemList, mainEntity, subEvent."""
    if isinstance(value, list):
        for element in value:
            yield from _walk(element)
        return
    if not isinstance(value, dict):
        return
    if "@graph" in value:
        yield from _walk(value["@graph"])
    types = _type_names(value)
    if types & RECORD_TYPES:
        yield value
    if "hasCourseInstance" in value:
        yield from _course_sessions(value)
    if "ItemList" in types or "itemListElement" in value:
        for element in _list_elements(value):
            # A ListItem wraps the record in `item`; some lists hold the records directly. The ListItem's `url`
            # is the page of a record that does not give its own.
            yield from _walk(_listed(element))
    if "mainEntity" in value:
        yield from _walk(value["mainEntity"])
    # A festival or series lists its sessions as subEvent(s), an organisation or a venue its events as
    # event(s): each is an event of its own.
    for name in ("subEvent", "subEvents", "event", "events"):
        if name in value:
            yield from _walk(value[name])


def _listed(element: Any) -> Any:
    """What an ItemList element holds: its `item` (with the ListItem's url when the item has none), or itself."""
    if not isinstance(element, dict) or "item" not in element:
        return element
    item = element["item"]
    if isinstance(item, dict) and not item.get("url") and isinstance(element.get("url"), str):
        return {**item, "url": element["url"]}
    return item


def _course_sessions(course: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A Course's dated sessions (hasCourseInstance), each an event carrying the course's name, text and link
    unless it has its own; a session without an @id is known by the course's and its start."""
    instances = course["hasCourseInstance"]
    course_id = identifier_of(course) or text_of(first_of(course.get("url")))
    for number, instance in enumerate(instances if isinstance(instances, list) else [instances], start=1):
        if not isinstance(instance, dict):
            continue
        session = {name: course[name] for name in _COURSE_FIELDS if name in course} | instance
        if "@id" not in instance and course_id:
            session["@id"] = f"{course_id}#{text_of(instance.get('startDate')) or number}"
        session.setdefault("@type", "CourseInstance")
        yield from _walk(session)


def _occurrences(node: dict[str, Any]) -> list[dict[str, Any]]:
    """An event whose startDate lists several dates, one node a date (its endDate the one at the same place
    when it lists as many): the first date alone was read and the others were lost without a word. Each is
    known by the event's @id or url and its start."""
    starts = node.get("startDate")
    if not isinstance(starts, list) or len({json.dumps(s, sort_keys=True) for s in starts}) < 2:
        return [node]
    ends = node.get("endDate")
    identity = identifier_of(node) or text_of(first_of(node.get("url")))
    occurrences = []
    for number, start in enumerate(starts):
        occurrence = node | {"startDate": start,
                             "endDate": ends[number] if isinstance(ends, list) and len(ends) == len(starts) else None}
        if identity:
            occurrence["@id"] = f"{identity}#{text_of(start) or number + 1}"
        occurrences.append(occurrence)
    return occurrences


def _references(documents: list[Any]) -> dict[str, dict[str, Any]]:
    """The nodes that describe something, by @id: Yoast's @graph names the image, the place or the
    organiser once and points at it from the Event with {"@id": …}."""
    index: dict[str, dict[str, Any]] = {}
    stack: list[Any] = list(documents)
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            node_id = value.get("@id")
            if isinstance(node_id, str) and not _is_reference(value):
                index.setdefault(node_id, value)
            stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
    return index


def _is_reference(value: Any) -> bool:
    """{"@id": …} (with at most a @type): a pointer to a node described elsewhere in the page."""
    return isinstance(value, dict) and isinstance(value.get("@id"), str) and set(value) <= {"@id", "@type"}


def _dereferenced(node: dict[str, Any], index: dict[str, dict[str, Any]], depth: int = 2) -> dict[str, Any]:
    """`node` with its {"@id": …} values replaced by the nodes they point at, `depth` levels down (a place's
    address); the pointed nodes are not changed, so a node pointing at itself costs nothing."""
    if not index or depth == 0:
        return node

    def resolved(value: Any) -> Any:
        if isinstance(value, list):
            return [resolved(v) for v in value]
        if _is_reference(value) and value["@id"] in index:
            return _dereferenced(index[value["@id"]], index, depth - 1)
        if isinstance(value, dict):
            return _dereferenced(value, index, depth - 1)
        return value

    return {name: value if name == "@id" else resolved(value) for name, value in node.items()}


def _blocks(scripts: list[Any], warnings: list[str]) -> list[Any]:
    """The parsed JSON of each block; a block that is not JSON becomes a warning naming it."""
    try:
        # extruct's reader first: it forgives JS comments and trailing commas.
        return [JsonLdExtractor().extract_items(script) for script in scripts]
    except Exception:  # noqa: BLE001, S110 - one bad block: read them one by one below to name it
        pass
    documents = []
    for number, script in enumerate(scripts, start=1):
        try:
            documents.append(_block_json(script.xpath("string()")))
        except ValueError as exc:
            warnings.append(f"JSON-LD block {number} of {len(scripts)} is not valid JSON ({exc}); it was skipped")
    return documents


def _block_json(source: str) -> Any:
    """The JSON of a block's text: without the comment marks wrapping it, else without the HTML comments
    around it (a plugin's "<!-- This site is optimized with … -->" before or after the JSON)."""
    try:
        return _json(_WRAPPERS.sub("", source).strip())
    except ValueError as exc:
        if "<!--" not in source:
            raise
        problem = exc
    try:
        return _json(_HTML_COMMENT.sub("", source).strip())
    except ValueError:
        raise problem from None


def _json(text: str) -> Any:
    """The JSON of one block: strict JSON, else with JS comments and trailing commas forgiven, else (a CMS that
    HTML-escapes the block: {&quot;@type&quot;: ...}) the same once unescaped; ValueError naming the first problem."""
    try:
        return json.loads(text, strict=False)
    except ValueError as exc:
        problem = exc
    with contextlib.suppress(Exception):  # jstyleson raises whatever its tokenizer hits
        return jstyleson.loads(text, strict=False)
    if "&quot;" in text or "&#34;" in text:
        with contextlib.suppress(ValueError):
            return json.loads(html.unescape(text), strict=False)
    if getattr(problem, "msg", None) == "Extra data":
        with contextlib.suppress(ValueError):
            return _several(text)
    raise problem


def _several(text: str) -> list[Any]:
    """Several JSON documents one after the other in one block ({…}{…}, or one a line), as a list: a theme
    that prints each event's JSON into the same script."""
    decoder = json.JSONDecoder(strict=False)
    documents, position = [], 0
    while position < len(text):
        document, position = decoder.raw_decode(text, position)
        documents.append(document)
        while position < len(text) and (text[position].isspace() or text[position] == ","):
            position += 1
    return documents


def _language_versions(value: Any) -> dict[str, str]:
    """{fr|nl|en: text} of language-tagged values ([{"@value": …, "@language": "nl"}, …], or one of them) or of
    a language map ({"fr": …, "nl": …}); {} when no text says its language. The first of a language wins."""
    versions: dict[str, str] = {}
    for element in value if isinstance(value, list) else [value]:
        if not isinstance(element, dict):
            continue
        if "@value" in element:
            tagged = [(element.get("@language"), element)]
        elif element and all(isinstance(k, str) and _LANGUAGE_TAG.match(k) for k in element):
            tagged = list(element.items())
        else:
            continue
        for tag, text in tagged:
            language, text = short_language(tag), text_of(text)
            if language and text:
                versions.setdefault(language, text)
    return versions


def _texts(node: dict[str, Any]) -> tuple[str | None, str | None, str | None, dict[str, dict[str, str]]]:
    """(title, description, language, translations): the record's texts in its own language (inLanguage when
    its texts have it, else the first their tags give) and its versions in the others (RawItem.translations).
    Only the first of several language-tagged names was kept, and the other languages were lost."""
    declared = _language(node.get("inLanguage"))
    names = _language_versions(node.get("name")) or _language_versions(node.get("headline"))
    bodies = _language_versions(node.get("description")) or _language_versions(node.get("articleBody"))
    tagged = names or bodies
    own = declared if not tagged or declared in tagged else next(iter(tagged))
    title = names.pop(own, None) if names else text_of(node.get("name")) or text_of(node.get("headline"))
    body = bodies.pop(own, None) if bodies else text_of(node.get("description")) or text_of(node.get("articleBody"))
    translations: dict[str, dict[str, str]] = {}
    for field_name, versions in (("title", names), ("description_html", bodies)):
        for language, text in versions.items():
            translations.setdefault(language, {})[field_name] = text
    return title, body, own, translations


def _any_title(node: dict[str, Any]) -> str | None:
    """The record's name in any language: whether it has one at all."""
    title, _, _, translations = _texts(node)
    return title or next((texts["title"] for texts in translations.values() if "title" in texts), None)


def _language(value: Any) -> str | None:
    """fr/nl/en from inLanguage: a code ('nl-BE'), a name ('Nederlands') or a Language ({name, alternateName})."""
    value = first_of(value)
    if isinstance(value, dict) and "@value" not in value:
        return short_language(text_of(value.get("alternateName"))) or short_language(text_of(value.get("name")))
    return short_language(text_of(value))


def _end_from_duration(start: date | datetime | str | None, duration: Any) -> datetime | str | None:
    """startDate + duration (PT3H, P1DT2H) for an event that gives no endDate; None when either is unreadable."""
    length = duration_of(duration)
    begins = start_time_of(start)
    if length is None or begins is None:
        return None
    ends = begins + length
    return ends if isinstance(start, datetime) else ends.isoformat()


def _day_alone(value: Any) -> date | None:
    """The day of an end written as a day alone (a date, or its ISO text); None for anything else."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    day = DATE_ONLY.match(value) if isinstance(value, str) else None
    return date(*map(int, day.groups())) if day else None


def _on_start_day(start: date | datetime | str | None, end: date | datetime | str | None) -> Any:
    """An end written as a time alone ("12:00", "T12:00:00"), as some themes fill endDate, on the start's day
    (the next one when it is earlier than the start) and in its offset: as it is, it was no date and the
    whole event was rejected. An end giving the start's day alone, after a start with its hour, is no end."""
    match = TIME_ALONE.match(end) if isinstance(end, str) else None
    begins = start_time_of(start)
    if begins is not None and _day_alone(end) == begins.date():
        # Ticketmaster's "startDate": "…T20:00:00+02:00", "endDate": "2027-05-21": the day says no end hour; read as
        # that day's end, the event lasted until 23:59:59.
        return None
    if match is None or begins is None:
        return end
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    try:
        ends = begins.replace(hour=hour, minute=minute, second=second, microsecond=0)
    except ValueError:
        return end  # 25:00: left to the normaliser, which names it
    return (ends + timedelta(days=1) if ends < begins else ends).isoformat()  # "22:00" to "02:00": past midnight


def _url(value: Any, base: str) -> str | None:
    value = first_of(value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return resolve(base, text_of(value))


def _address(place: RawLocation, address: Any) -> None:
    address = literal_of(address)  # a text, or expanded JSON-LD and RDFa's [{"@value": text}]
    if isinstance(address, str):
        place.text = address.strip() or None
    elif isinstance(address, dict):
        place.street = text_of(address.get("streetAddress"))
        place.postcode = text_of(address.get("postalCode"))
        place.locality = text_of(address.get("addressLocality"))
        place.country = text_of(address.get("addressCountry"))


def _location(value: Any, base: str) -> RawLocation | None:
    """Text, Place, PostalAddress, VirtualLocation, or a list of them (a hybrid event) as one RawLocation."""
    values = value if isinstance(value, list) else [value]
    place = RawLocation()
    for element in map(literal_of, values):  # RDFa and expanded JSON-LD write a text as {"@value": …}
        if isinstance(element, str) and element.strip():
            place.text = place.text or element.strip()
        elif isinstance(element, dict):
            types = _type_names(element)
            if "VirtualLocation" in types:
                place.online_url = place.online_url or _url(element.get("url"), base)
            elif "PostalAddress" in types:
                _address(place, element)
            elif place.name is None:
                place.name = text_of(element.get("name"))
                _address(place, element.get("address"))
    return None if place == RawLocation() else place


def _price(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return amount(value) if isinstance(value, str) else None


def _sold_out(value: Any) -> bool:
    """Whether every Offer of an event says it is sold out (`availability` SoldOut or OutOfStock: ticketing sites'
    "Complet")."""
    offers = [o for o in (value if isinstance(value, list) else [value]) if isinstance(o, dict)]
    return bool(offers) and all(enum_of(o.get("availability")) in _NOT_ON_SALE for o in offers)


def _offers(value: Any, base: str) -> tuple[bool | None, float | None, str | None, str | None]:
    """(is_free, lowest price, its currency, registration URL) from an Offer, AggregateOffer or list of them; a
    sold-out offer (an early-bird rate) gives no price while another can still be bought."""
    offers = [o for o in (value if isinstance(value, list) else [value]) if isinstance(o, dict)]
    offers = [o for o in offers if enum_of(o.get("availability")) not in _NOT_ON_SALE] or offers
    is_free: bool | None = None
    price = currency = None
    registration = None
    for offer in offers:
        registration = registration or _url(offer.get("url"), base)
        raw_price = literal_of(offer.get("price", offer.get("lowPrice")))
        if isinstance(raw_price, str) and raw_price.strip().lower() in FREE_WORDS:
            raw_price = 0
        amount = _price(raw_price)
        if amount is not None and (price is None or amount < price):
            price, currency = amount, text_of(offer.get("priceCurrency"))
    if price is not None:
        is_free = price == 0
    return is_free, (price if price else None), (currency if price else None), registration


def _boolean(value: Any) -> bool | None:
    value = literal_of(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _keywords(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    words = []
    for element in values:
        text = text_of(element)
        if text:
            words.extend(w.strip() for w in text.split(",") if w.strip())
    return words


def _kind(node: dict[str, Any]) -> str:
    types = _type_names(node)
    return "event" if types & EVENT_TYPES else "call" if types & CALL_TYPES else "news"


def _page_of(node_id: str | None) -> str | None:
    """The page an @id names ('https://x.be/agenda/atelier/#event' -> its page), for a node without url."""
    if node_id and node_id.startswith(("http://", "https://")):
        return node_id.split("#", 1)[0] or None
    return None


def _record(node: dict[str, Any], origin: Origin, base: str) -> RawItem:
    kind = _kind(node)
    title, description, language, translations = _texts(node)
    url = _url(node.get("url"), base) or _page_of(identifier_of(node))
    start = time_of(node.get("startDate") if kind != "call" else node.get("startDate") or node.get("validFrom"))
    end = time_of(node.get("endDate")) if node.get("endDate") else _end_from_duration(start, node.get("duration"))
    end = _on_start_day(start, end)
    deadline = time_of(node.get("applicationDeadline") or node.get("validThrough")) if kind == "call" else None
    key = identifier_of(node) or url or hash_key(title or _any_title(node), text_of(node.get("startDate")))
    is_free, price, currency, registration = _offers(node.get("offers"), base)
    accessible = _boolean(node.get("isAccessibleForFree"))
    return RawItem(
        partner_id=origin.partner_id,
        source_id=origin.source_id,
        key=key,
        title=title,
        description_html=description,
        url=url,
        language=language,
        translations=translations,
        kind=kind,
        start=start,
        end=end,
        deadline=deadline,
        all_day=isinstance(start, date) and not isinstance(start, datetime),
        location=_location(node.get("location"), base),
        attendance_mode=enum_of(node.get("eventAttendanceMode")),
        status=enum_of(node.get("eventStatus")),
        is_free=accessible if accessible is not None else is_free,
        price=price,
        currency=currency,
        registration_url=registration,
        image_url=_url(node.get("image"), base),
        categories=_keywords(node.get("keywords")),
        published=time_of(node.get("datePublished")),
        updated=time_of(node.get("dateModified")),
        excerpt=excerpt(stable_json(node)),
    )


def _nothing_described(documents: list[Any], blocks: int) -> str:
    """Why a page gave nothing; for a listing whose ItemList only links to its events' pages, what to do."""
    links = [link for node in _walk_lists(documents) for element in _list_elements(node)
             if isinstance(element, dict) and isinstance(link := element.get("url") or element.get("item"), str)]
    if links:
        return (f"page has no schema.org Event, Grant or article, only an ItemList linking to {len(links)} page(s) "
                f"({', '.join(links[:3])}{' …' if len(links) > 3 else ''}): read it as an html source whose cards "
                "lead to those pages, with `detail: {jsonld: true}`")
    described = sorted({name for node in _top_nodes(documents) for name in _type_names(node)})
    why = [_NOT_RECORDS[name] for name in described if name in _NOT_RECORDS]
    return (f"page has {blocks} JSON-LD block(s) but no schema.org Event, Grant or article in them"
            + (f" (they describe: {', '.join(described)})" if described else "") + "".join(f"; {w}" for w in why))


# Types a partner may expect the agenda to read, and why it does not.
_NOT_RECORDS = {
    "JobPosting": "a JobPosting is a job offer, which the agenda does not publish (events, calls and news only)",
    "Course": "a Course is read only through its dated sessions (hasCourseInstance with a startDate), one event each; "
              "this one gives none",
}


def _top_nodes(value: Any) -> Iterator[dict[str, Any]]:
    """The nodes at the top of the documents and in their @graph."""
    if isinstance(value, list):
        for node in value:
            yield from _top_nodes(node)
    elif isinstance(value, dict):
        yield value
        yield from _top_nodes(value.get("@graph") or [])


def _walk_lists(value: Any) -> Iterator[dict[str, Any]]:
    """The ItemList nodes of the documents (at the top or in a @graph); a breadcrumb trail is none."""
    if isinstance(value, list):
        for node in value:
            yield from _walk_lists(node)
    elif isinstance(value, dict):
        if "itemListElement" in value and "BreadcrumbList" not in _type_names(value):
            yield value
        yield from _walk_lists(value.get("@graph") or [])


def _list_elements(node: dict[str, Any]) -> list[Any]:
    elements = node.get("itemListElement") or []
    return elements if isinstance(elements, list) else [elements]


def parse(body: bytes, origin: Origin, *, content_type: str | None, now: datetime, window_days: int = 365) -> ParseResult:
    """Every Event and article described in the page's JSON-LD blocks; an event repeating by its eventSchedule
    gives its occurrences between a day before `now` and `window_days` after, as an iCalendar feed does."""
    if not body.strip():
        return ParseResult([], [], error="the payload is empty: no web page could be read")
    text, warning = _decode(body, content_type)
    result = ParseResult([], [], warnings=[warning] if warning else [])
    document = _json_document(text)
    if document is not None:
        if not _read([document], origin, origin.base_url, result, now=now, window_days=window_days):
            result.warnings.append("the payload is a JSON document without schema.org Event, Grant or article (no "
                                   "@type naming one): for a JSON API, use kind json_api and map its fields")
        return result
    try:
        tree = parse_html(text.encode("utf-8"), encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - lxml raises several error types on hopeless input
        return ParseResult([], [], error=f"not a readable HTML page: {exc}", warnings=result.warnings)
    scripts = _SCRIPTS(tree)
    # A <base href> changes what the page's relative links mean.
    base = resolve(origin.base_url, first_of(tree.xpath("//base/@href"))) or origin.base_url
    if not scripts:
        if not _read(_embedded(text, base), origin, base, result, now=now, window_days=window_days):
            result.warnings.append("page has no JSON-LD (no <script type=\"application/ld+json\"> block) and no "
                                   "schema.org event in microdata (itemtype) or RDFa (typeof)" + _next_data(tree, base))
    else:
        documents = _blocks(scripts, result.warnings)
        if not _read(documents, origin, base, result, now=now, window_days=window_days):
            result.warnings.append(_nothing_described(documents, len(scripts)))
    _link_to_page(result.items, tree, base)
    return result


def _next_data(tree: Any, base: str) -> str:
    """What to do with a Next.js page whose data is only in <script id="__NEXT_DATA__">; '' for another page."""
    script = first_of(tree.xpath("//script[@id='__NEXT_DATA__']/text()"))
    try:
        data = json.loads(script) if script else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return ""
    props = data.get("props") if isinstance(data.get("props"), dict) else {}
    page_props = props.get("pageProps") if isinstance(props.get("pageProps"), dict) else {}
    keys = ", ".join(sorted(page_props)[:8])
    build, page, locale = data.get("buildId"), data.get("page"), data.get("locale")
    page = f"/{locale}{page}" if isinstance(locale, str) and isinstance(page, str) else page  # i18n routes
    return ("; its data is in <script id=\"__NEXT_DATA__\"> (a Next.js site" + (f": pageProps holds {keys}" if keys else "")
            + "), which is no contract: ask the partner for the API it reads, a feed or JSON-LD"
            + (f"; its JSON is also at {resolve(base, f'/_next/data/{build}{page}.json')} (kind json_api, records "
               "pageProps.…), but that address changes with each deployment (buildId)" if build and page else ""))


def _link_to_page(items: list[RawItem], tree: Any, base: str) -> None:
    """A record that gives no url of its own (ticketing pages: Billetweb, Luma, Humanitix) links to the page
    that describes it — its canonical address (`<link rel="canonical">`, else `og:url`), else the page read —
    rather than to the partner's home page. Its key stays what the record gives."""
    if all(item.url for item in items):
        return
    page = (_url(first_of(tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")), base)
            or _url(first_of(tree.xpath("//meta[@property='og:url']/@content")), base) or base)
    for item in items:
        item.url = item.url or page


def _embedded(text: str, base: str) -> list[Any]:
    """The schema.org items a page describes in microdata (itemscope/itemtype) or RDFa (typeof/property, as
    Drupal 7 and other CMS templates write it), as JSON-LD nodes: older themes mark their events up so, without
    a JSON-LD block. RDFa comes as expanded JSON-LD (full IRIs, `@value` lists, `@id` pointers), which the reader
    takes as it takes an RDF tool's export. Empty when the page has neither."""
    syntaxes = [name for name, marker in (("microdata", "itemtype"), ("rdfa", "typeof")) if marker in text]
    if not syntaxes:
        return []
    import extruct  # here: its RDFa and microformat readers are slow to import, and most pages carry JSON-LD

    try:
        found = extruct.extract(_time_values(text) if "rdfa" in syntaxes else text, base_url=base,
                                syntaxes=syntaxes, uniform=True)
    except Exception:  # noqa: BLE001 - extruct raises what lxml and rdflib raise on odd markup: the page then has none
        return []
    return [node for name in syntaxes for node in found.get(name) or []]


def _time_values(text: str) -> str:
    """The page with each RDFa `<time property datetime>` given its `datetime` as `content`: RDFa in HTML5 reads
    the machine date there, but extruct's reader takes the element's text ("mardi 9 mars, 14h")."""
    if "<time" not in text:
        return text
    tree = parse_html(text.encode("utf-8"), encoding="utf-8")
    for element in tree.xpath("//time[@property and @datetime and not(@content)]"):
        element.set("content", element.get("datetime"))
    return lxml.etree.tostring(tree, encoding="unicode", method="html")


def _json_document(text: str) -> Any | None:
    """The document of a payload that is JSON-LD itself (application/ld+json: a site's export of its events)
    rather than a page carrying it; None for a web page (or JSON that does not parse, read as a page)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return _json(stripped)
    except ValueError:
        return None


def _schema_prefixes(context: Any, inherited: frozenset[str]) -> frozenset[str]:
    """The prefixes an @context binds to schema.org ({"schema": "https://schema.org/"}, {"sdo": "http://…"}),
    added to those of the nodes around; a context given as a list is read element by element."""
    prefixes = set(inherited)
    for element in context if isinstance(context, list) else [context]:
        if isinstance(element, dict):
            prefixes.update(name for name, iri in element.items()
                            if isinstance(iri, str) and not name.startswith("@") and _SCHEMA_ORG.match(iri.strip()))
    return frozenset(prefixes)


def _schema_terms(value: Any, prefixes: frozenset[str] = frozenset({"schema"})) -> Any:
    """`value` with its keys as the reader knows them: "schema:name" (a prefix its @context binds to schema.org,
    or "schema") and "http://schema.org/name" / "https://schema.org/name" (RDF tools' expanded output) are
    "name". A bare key written beside its prefixed twin wins. Types and enumeration values are read with their
    prefix or IRI already (_type_names, enum_of). What needs no change is returned as it is, not copied."""
    if isinstance(value, list):
        elements = [_schema_terms(element, prefixes) for element in value]
        return value if all(new is old for new, old in zip(elements, value)) else elements
    if not isinstance(value, dict):
        return value
    if "@context" in value:
        prefixes = _schema_prefixes(value["@context"], prefixes)
    terms: dict[str, Any] = {}
    renamed: dict[str, Any] = {}
    changed = False
    for name, element in value.items():
        term = name
        if isinstance(name, str) and ":" in name and not name.startswith("@"):
            prefix, _, local = name.partition(":")
            term = local if prefix in prefixes and local and not local.startswith("//") else _SCHEMA_ORG_TERM.sub("", name)
        new = _schema_terms(element, prefixes)
        changed = changed or term != name or new is not element
        (terms if term == name else renamed)[term] = new
    for term, element in renamed.items():
        terms.setdefault(term, element)
    return terms if changed else value


def _read(documents: list[Any], origin: Origin, base: str, result: ParseResult, *, now: datetime,
          window_days: int) -> int:
    """The items and rejections of the records the documents describe, added to `result`; how many records (events,
    calls, articles) they describe, whether or not they gave an item."""
    documents = _schema_terms(documents)
    references = _references(documents)
    scheduled = outside = records = 0
    sold_out: list[str] = []
    for found in _walk(documents):
        records += 1
        node = _dereferenced(found, references)
        if node.get("eventSchedule") and _type_names(node) & EVENT_TYPES:  # null or [] when a CMS has none
            scheduled += 1
            nodes = _scheduled_or_rejected(node, origin, result, now=now, window_days=window_days)
            outside += nodes == []
        else:
            nodes = _occurrences(node)
        for occurrence in nodes or []:
            _add(occurrence, origin, base, result)
        if nodes and _type_names(node) & EVENT_TYPES and _sold_out(node.get("offers")):
            sold_out.append(_any_title(node) or "?")
    if sold_out:
        result.warnings.append(f"{len(sold_out)} event(s) sold out (every offer's availability is SoldOut or OutOfStock: "
                               f"{', '.join(repr(t) for t in sold_out[:3])}{' …' if len(sold_out) > 3 else ''}): "
                               "published as scheduled, with their ticketing link; the agenda has no sold-out status")
    if outside:
        from connectors.parsers.ical import window

        lower, upper = window(now, window_days)
        result.warnings.append(f"{outside} of {scheduled} events repeating by their eventSchedule have no occurrence "
                               f"between {lower.date()} and {upper.date()} (past, or further ahead): they are left out")
    return records


def _scheduled_or_rejected(node: dict[str, Any], origin: Origin, result: ParseResult, *, now: datetime,
                           window_days: int) -> list[dict[str, Any]] | None:
    """The occurrences of an event's eventSchedule in the window; None, with its rejection, when it cannot be read."""
    from connectors.parsers.ical import TooManyOccurrences

    key = identifier_of(node) or text_of(first_of(node.get("url")))
    what = f"event {key or _any_title(node)!r}"
    try:
        return schedule_occurrences(node, now=now, window_days=window_days)
    except TooManyOccurrences as exc:
        reason, message = "too_many_occurrences", f"{what}: {exc}"
    except ScheduleError as exc:
        reason, message = "invalid_date", f"{what}: {exc}"
    except Exception as exc:  # noqa: BLE001 - a rule the expansion cannot take costs only its event
        reason, message = "invalid_event", f"{what}: its eventSchedule could not be expanded: {type(exc).__name__}: {exc}"
    result.rejections.append(origin.reject(reason, "eventSchedule", message, key=key, excerpt=excerpt(stable_json(node))))
    return None


def _add(node: dict[str, Any], origin: Origin, base: str, result: ParseResult) -> None:
    """The item of one record node added to `result`, or its rejection."""
    raw = excerpt(stable_json(node))
    title = _any_title(node)
    key = identifier_of(node) or _url(node.get("url"), base)
    if not title:
        what = "/".join(sorted(_type_names(node)))
        result.rejections.append(origin.reject(
            "missing_title", "name", f"{what} {key!r} has no name, and every item needs one" if key
            else f"a {what} without @id or url has no name, and every item needs one", key=key, excerpt=raw))
        return
    if _type_names(node) & EVENT_TYPES and text_of(node.get("startDate")) is None:
        result.rejections.append(origin.reject(
            "missing_start", "startDate", f"event {title!r} has no startDate, and every event needs one",
            key=key, excerpt=raw))
        return
    try:
        result.items.append(_record(node, origin, base))
    except Exception as exc:  # noqa: BLE001 - one odd record must not cost the others
        result.rejections.append(origin.reject(
            "unreadable_record", None, f"{title!r} could not be read: {type(exc).__name__}: {exc}", key=key, excerpt=raw))
