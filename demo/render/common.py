"""What every renderer shares: an item resolved for one feed (language, dates, place, texts)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from demo.loader import BRUSSELS, ContentError, Feed, PartnerContent, parse_duration, resolve_when, stable_number, text

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
}
SECTION = {"event": {"fr": "agenda", "nl": "agenda", "en": "events"},
           "call": {"fr": "appels", "nl": "oproepen", "en": "calls"},
           "news": {"fr": "actualites", "nl": "nieuws", "en": "news"}}


@dataclass
class Rendered:
    body: bytes
    content_type: str
    status: int = 200


@dataclass
class Place:
    name: str | None = None
    street: str | None = None
    postcode: str | None = None
    locality: str | None = None
    country: str = "BE"

    def line(self) -> str:
        town = " ".join(p for p in (self.postcode, self.locality) if p)
        return ", ".join(p for p in (self.name, self.street, town) if p)


@dataclass
class Entry:
    """One item of a feed, in the feed's language, with its dates resolved for `today`."""

    id: str
    kind: str
    language: str
    title: str | None
    summary: str | None
    description_html: str
    url: str
    start: datetime | date | str | None = None
    end: datetime | date | str | None = None
    deadline: datetime | date | str | None = None
    published: datetime | str | None = None
    place: Place | None = None
    online_url: str | None = None
    mode: str | None = None  # in-person | online | hybrid
    price: float | None = None
    currency: str = "EUR"
    status: str = "scheduled"
    categories: list[str] = field(default_factory=list)
    registration_url: str | None = None
    image_url: str | None = None
    organizer: str | None = None
    rrule: dict[str, Any] | None = None
    exdates: list[int] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def all_day(self) -> bool:
        return isinstance(self.start, date) and not isinstance(self.start, datetime)


def _hhmm(value: datetime, lang: str) -> str:
    if lang == "fr":
        return f"{value.hour}h{value.minute:02d}"
    if lang == "nl":
        return f"{value.hour}.{value.minute:02d} uur"
    return f"{value.hour}:{value.minute:02d}"


def long_date(value: date, lang: str) -> str:
    month = MONTHS[lang][value.month - 1]
    if lang == "fr":
        return f"{'1er' if value.day == 1 else value.day} {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def when_sentence(start: Any, end: Any, lang: str) -> str:
    if isinstance(start, str) or start is None:
        return {"fr": f"Date : {start}", "nl": f"Datum: {start}", "en": f"Date: {start}"}[lang]
    day = start.date() if isinstance(start, datetime) else start
    if not isinstance(start, datetime):  # all day
        if isinstance(end, date) and end != start and not isinstance(end, str):
            return {"fr": f"Du {long_date(day, lang)} au {long_date(end, lang)}",
                    "nl": f"Van {long_date(day, lang)} tot {long_date(end, lang)}",
                    "en": f"From {long_date(day, lang)} to {long_date(end, lang)}"}[lang]
        return {"fr": f"Le {long_date(day, lang)} (toute la journée)", "nl": f"Op {long_date(day, lang)} (hele dag)",
                "en": f"On {long_date(day, lang)} (all day)"}[lang]
    if isinstance(end, datetime) and end.date() == day:
        if lang == "nl":
            return f"Op {long_date(day, lang)} van {start.hour}.{start.minute:02d} tot {_hhmm(end, lang)}"
        if lang == "fr":
            return f"Le {long_date(day, lang)} de {_hhmm(start, lang)} à {_hhmm(end, lang)}"
        return f"On {long_date(day, lang)}, {_hhmm(start, lang)}–{_hhmm(end, lang)} (Brussels time)"
    return {"fr": f"Le {long_date(day, lang)} à {_hhmm(start, lang)}", "nl": f"Op {long_date(day, lang)} om {_hhmm(start, lang)}",
            "en": f"On {long_date(day, lang)} at {_hhmm(start, lang)} (Brussels time)"}[lang]


def deadline_sentence(deadline: Any, lang: str) -> str:
    if isinstance(deadline, str):
        when = deadline
    elif isinstance(deadline, datetime):
        hour = {"fr": f"{deadline.hour}h" + (f"{deadline.minute:02d}" if deadline.minute else ""),
                "nl": f"{deadline.hour}.{deadline.minute:02d} uur", "en": f"{deadline.hour}:{deadline.minute:02d}"}[lang]
        when = {"fr": f"{long_date(deadline.date(), lang)} à {hour}", "nl": f"{long_date(deadline.date(), lang)} om {hour}",
                "en": f"{long_date(deadline.date(), lang)} at {hour} (Brussels time)"}[lang]
    else:
        when = long_date(deadline, lang)
    return {"fr": f"Date limite : {when}", "nl": f"Uiterste indieningsdatum: {when}", "en": f"Deadline: {when}"}[lang]


def price_sentence(price: float | None, lang: str) -> str | None:
    if price is None:
        return None
    if price == 0:
        return {"fr": "Gratuit, inscription obligatoire.", "nl": "Gratis, inschrijving verplicht.", "en": "Free, registration required."}[lang]
    amount = f"{price:.2f}".replace(".00", "")
    if lang != "en":
        amount = amount.replace(".", ",")
    return {"fr": f"Prix : {amount} € (TVAC).", "nl": f"Prijs: {amount} € (incl. btw).", "en": f"Price: €{amount} (VAT incl.)."}[lang]


def online_url(spec: Any, partner_id: str, item_id: str) -> str | None:
    if not spec:
        return None
    spec = str(spec)
    if spec == "teams":
        return f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{stable_number(partner_id, item_id, digits=18)}%40thread.v2/0"
    if spec == "zoom":
        return f"https://us02web.zoom.us/j/{stable_number(partner_id, item_id, digits=11)}"
    if spec == "webex":
        return f"https://meet.webex.com/meet/{partner_id}.{stable_number(partner_id, item_id, digits=6)}"
    return spec


def to_place(partner: PartnerContent, spec: Any, lang: str) -> Place | None:
    if not spec:
        return None
    data = partner.place(spec) if isinstance(spec, str) else spec
    return Place(name=text(data.get("name"), lang), street=text(data.get("street"), lang),
                 postcode=str(data["postcode"]) if data.get("postcode") else None,
                 locality=text(data.get("locality"), lang), country=data.get("country", "BE"))


def _default_published(partner_id: str, item_id: str, today: date) -> datetime:
    days = int(stable_number(partner_id, item_id, "published", digits=4)) % 25 + 1
    return datetime.combine(today - timedelta(days=days), time(9, int(stable_number(item_id, digits=2)) % 60), tzinfo=BRUSSELS)


def resolve_entry(partner: PartnerContent, feed: Feed, item: dict[str, Any], today: date) -> Entry:
    lang = feed.language
    try:
        kind = item.get("kind") or (feed.content if feed.content != "mixed" else "news")
        start = resolve_when(item.get("start"), today)
        end = resolve_when(item.get("end"), today)
        if end is None and item.get("duration") and isinstance(start, date):
            end = start + parse_duration(item["duration"])
        deadline = resolve_when(item.get("deadline"), today)
        published = resolve_when(item.get("published"), today) or _default_published(partner.id, item["id"], today)
        if isinstance(published, date) and not isinstance(published, datetime):
            published = datetime.combine(published, time(9, 0), tzinfo=BRUSSELS)
    except (ContentError, ValueError, TypeError) as exc:
        raise ContentError(f"{partner.path}: feed {feed.id}: item {item.get('id')}: {exc}") from exc
    place = to_place(partner, item.get("place"), lang)
    online = online_url(item.get("online"), partner.id, item["id"])
    mode = item.get("mode") or ("hybrid" if place and online else "online" if online else "in-person" if place else None)
    url = item.get("url") or f"{partner.website}/{lang}/{SECTION[kind][lang]}/{item['id']}"
    summary = text(item.get("summary"), lang)
    description = text(item.get("description"), lang)
    body = description if description is not None else (f"<p>{html.escape(summary, quote=False)}</p>" if summary else "")
    extra: list[str] = []
    if kind == "event" and start is not None:
        extra.append(html.escape(when_sentence(start, end, lang), quote=False))
        if place:
            extra.append(html.escape(place.line(), quote=False))
        if online:
            label = {"fr": "En ligne", "nl": "Online", "en": "Online"}[lang]
            extra.append(f'{label} : <a href="{html.escape(online)}">{html.escape(online)}</a>' if lang == "fr"
                         else f'{label}: <a href="{html.escape(online)}">{html.escape(online)}</a>')
        sentence = price_sentence(item.get("price"), lang)
        if sentence:
            extra.append(html.escape(sentence, quote=False))
    if deadline is not None:
        extra.append(f"<strong>{html.escape(deadline_sentence(deadline, lang), quote=False)}</strong>")
    if extra and not item.get("bare"):
        body = body + "<p>" + "<br/>".join(extra) + "</p>"
    return Entry(
        id=item["id"], kind=kind, language=lang, title=text(item.get("title"), lang), summary=summary,
        description_html=body, url=url, start=start, end=end, deadline=deadline, published=published,
        place=place, online_url=online, mode=mode,
        price=float(item["price"]) if item.get("price") is not None else None,
        status=item.get("status", "scheduled"), categories=[text(c, lang) for c in item.get("categories") or []],
        registration_url=item.get("registration"), image_url=item.get("image"),
        organizer=text(item.get("organizer"), lang) or text(partner.name, lang),
        rrule=item.get("rrule"), exdates=list(item.get("exdate") or []), overrides=list(item.get("overrides") or []),
        raw=item,
    )


def entries(partner: PartnerContent, feed: Feed, today: date) -> list[Entry]:
    return [resolve_entry(partner, feed, item, today) for item in feed.items]


def feed_url(base_url: str, partner: PartnerContent, feed: Feed) -> str:
    return f"{base_url}/{partner.id}/{feed.path}"


def plain(html_text: str) -> str:
    """HTML to plain text for iCalendar descriptions."""
    text_ = re.sub(r"<br\s*/?>|</p>\s*<p>", "\n", html_text)
    text_ = re.sub(r"<[^>]+>", "", text_)
    return html.unescape(text_).strip()


def iso(value: datetime | date | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.isoformat()


def last_updated(entries_: list[Entry], today: date) -> datetime:
    stamps = [e.published for e in entries_ if isinstance(e.published, datetime)]
    return max(stamps) if stamps else datetime.combine(today, time(6, 0), tzinfo=BRUSSELS)
