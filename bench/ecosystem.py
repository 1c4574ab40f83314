"""A synthetic partner ecosystem: N sources × M items over every source kind, in FR/NL/EN.

The kinds a partner file can name, each in a shape partners really publish: RSS 2.0 feeds, iCalendar
exports, pages with schema.org JSON-LD, a JSON API (Drupal JSON:API's `data[*].attributes`) and a plain
HTML listing read with CSS selectors (the last two with the field mappings a data engineer would write).

Every item carries about 1 KB of description HTML, like a partner's real announcements. Sources are
spread over many loopback addresses (127.0.x.y), one per partner, because the HTTP layer allows only
a few concurrent requests per host and real partners sit on different hosts. A share of the sources
fails: half answer 404, half serve a page that is not a feed.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

SOURCES_PER_PARTNER = 4
KIND_SHARES = (("rss", 0.4), ("ical", 0.25), ("jsonld", 0.15), ("json_api", 0.1), ("html", 0.1))
LANGUAGES = ("fr", "nl", "en")
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "ical": "text/calendar; charset=utf-8",
    "jsonld": "text/html; charset=utf-8",
    "json_api": "application/vnd.api+json",
    "html": "text/html; charset=utf-8",
}

WORDS = {
    "fr": ("atelier conférence formation données numérique innovation entreprises startups santé climat ville "
           "mobilité inclusion intelligence artificielle cybersécurité financement projet appel partenaires région "
           "bruxelloise écosystème technologie recherche développement emploi compétences citoyens services").split(),
    "nl": ("workshop congres opleiding gegevens digitaal innovatie bedrijven startups gezondheid klimaat stad "
           "mobiliteit inclusie artificiële intelligentie cyberbeveiliging financiering project oproep partners "
           "Brussels gewest ecosysteem technologie onderzoek ontwikkeling werk vaardigheden burgers diensten").split(),
    "en": ("workshop conference training data digital innovation companies startups health climate city mobility "
           "inclusion artificial intelligence cybersecurity funding project call partners Brussels region "
           "ecosystem technology research development jobs skills citizens services").split(),
}
TITLE_HEADS = {
    "fr": ("Atelier", "Conférence", "Formation", "Rencontre", "Séminaire"),
    "nl": ("Workshop", "Congres", "Opleiding", "Ontmoeting", "Seminarie"),
    "en": ("Workshop", "Conference", "Training", "Meetup", "Seminar"),
}
VENUES = (
    ("BeCentral", "Cantersteen 10", "1000", "Bruxelles"),
    ("Hub.brussels", "Chaussée de Charleroi 110", "1060", "Saint-Gilles"),
    ("Kanal", "Quai des Péniches 2", "1000", "Bruxelles"),
    ("Tour & Taxis", "Avenue du Port 86C", "1000", "Bruxelles"),
    ("VUB Main Campus", "Pleinlaan 2", "1050", "Ixelles"),
)


@dataclass(frozen=True, slots=True)
class Spec:
    """The size and behaviour of the synthetic ecosystem."""

    sources: int = 100
    items: int = 50
    latency_s: float = 0.05
    fail_share: float = 0.02
    seed: int = 7

    @property
    def label(self) -> str:
        return f"{self.sources}x{self.items}"


@dataclass(slots=True)
class SyntheticSource:
    partner_id: str
    source_id: str
    kind: str
    language: str
    host: str
    path: str
    status: int  # what the server answers: 200, or 404 for a failing source
    body: bytes
    items: int  # records planted in the body (0 for failing sources)

    @property
    def content(self) -> str:
        return "news" if self.kind == "rss" else "event"


@dataclass(slots=True)
class Ecosystem:
    spec: Spec
    sources: list[SyntheticSource] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return sorted({s.host for s in self.sources})

    @property
    def planted_items(self) -> int:
        return sum(s.items for s in self.sources)

    @property
    def payload_bytes(self) -> int:
        return sum(len(s.body) for s in self.sources if s.status == 200)


def host_of(partner_index: int) -> str:
    """A distinct loopback address per partner: 127.0.1.2, 127.0.1.3, … (never 127.0.0.1)."""
    return f"127.0.{1 + partner_index // 250}.{2 + partner_index % 250}"


def _kind(index: int, count: int) -> str:
    position, cumulated = (index + 0.5) / count, 0.0
    for kind, share in KIND_SHARES:
        cumulated += share
        if position < cumulated:
            return kind
    return KIND_SHARES[-1][0]


def _sentence(rng: random.Random, language: str, words: int) -> str:
    vocabulary = WORDS[language]
    text = " ".join(rng.choice(vocabulary) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def description_html(rng: random.Random, language: str, url: str) -> str:
    """About 1 KB of partner HTML: paragraphs, emphasis, a list and a link."""
    parts = [f"<p>{_sentence(rng, language, 18)} <strong>{_sentence(rng, language, 4)}</strong> {_sentence(rng, language, 16)}</p>"]
    parts.append("<ul>" + "".join(f"<li>{_sentence(rng, language, 6)}</li>" for _ in range(3)) + "</ul>")
    parts.append(f"<p>{_sentence(rng, language, 20)} <a href=\"{url}#details\">{_sentence(rng, language, 3)}</a></p>")
    parts.append(f"<p><em>{_sentence(rng, language, 14)}</em></p>")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Record:
    key: str
    title: str
    url: str
    description: str
    start: datetime
    published: datetime
    category: str
    venue: tuple[str, str, str, str]


def _records(rng: random.Random, source: SyntheticSource, count: int, now: datetime) -> list[_Record]:
    base = f"http://{source.host}/{source.language}/{source.source_id}"
    records = []
    for n in range(count):
        url = f"{base}/{n}"
        title = f"{rng.choice(TITLE_HEADS[source.language])} {_sentence(rng, source.language, 5)[:-1]} #{n}"
        start = (now + timedelta(days=rng.randrange(3, 300), hours=rng.randrange(8, 20))).replace(minute=0, second=0, microsecond=0)
        records.append(_Record(
            key=f"{source.partner_id}-{source.source_id}-{n}", title=title, url=url,
            description=description_html(rng, source.language, url), start=start,
            published=now - timedelta(days=rng.randrange(0, 60), minutes=rng.randrange(1440)),
            category=rng.choice(WORDS[source.language]), venue=rng.choice(VENUES),
        ))
    return records


def rss_body(source: SyntheticSource, records: list[_Record]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(r.title)}</title><link>{r.url}</link><guid isPermaLink=\"false\">{r.key}</guid>"
        f"<description>{html.escape(r.description)}</description>"
        f"<pubDate>{r.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<category>{html.escape(r.category)}</category></item>\n"
        for r in records
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{source.partner_id} {source.source_id}</title>'
        f"<link>http://{source.host}/</link><description>Synthetic feed</description><language>{source.language}</language>\n"
        f"{entries}</channel></rss>\n"
    ).encode()


def _ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 folding at 73 characters (calendar apps write it so)."""
    if len(line) <= 73:
        return line
    parts = [line[:73]] + [" " + line[i:i + 72] for i in range(73, len(line), 72)]
    return "\r\n".join(parts)


def ical_body(source: SyntheticSource, records: list[_Record]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//bench//{source.partner_id}//EN"]
    for r in records:
        # iCalendar descriptions are plain text; the HTML is flattened the way calendar exports do.
        text = r.description.replace("</p>", "\n").replace("</li>", "\n")
        text = "".join(part.split(">", 1)[-1] for part in text.split("<"))
        venue = ", ".join(r.venue)
        lines += [
            "BEGIN:VEVENT", f"UID:{r.key}@bench", f"DTSTAMP:{r.published.strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART;TZID=Europe/Brussels:{r.start.strftime('%Y%m%dT%H%M%S')}",
            f"DTEND;TZID=Europe/Brussels:{(r.start + timedelta(hours=2)).strftime('%Y%m%dT%H%M%S')}",
            _fold(f"SUMMARY:{_ical_text(r.title)}"), _fold(f"DESCRIPTION:{_ical_text(text)}"),
            _fold(f"LOCATION:{_ical_text(venue)}"), f"URL:{r.url}", f"CATEGORIES:{_ical_text(r.category)}", "END:VEVENT",
        ]
    lines += ["END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


def jsonld_body(source: SyntheticSource, records: list[_Record]) -> bytes:
    graph = [
        {
            "@type": "Event", "@id": r.url, "name": r.title, "url": r.url, "description": r.description,
            "startDate": r.start.isoformat(), "endDate": (r.start + timedelta(hours=2)).isoformat(),
            "inLanguage": source.language, "keywords": r.category,
            "location": {"@type": "Place", "name": r.venue[0], "address": {
                "@type": "PostalAddress", "streetAddress": r.venue[1], "postalCode": r.venue[2], "addressLocality": r.venue[3]}},
        }
        for r in records
    ]
    script = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    return (
        f'<!doctype html><html lang="{source.language}"><head><meta charset="utf-8"><title>{source.partner_id}</title>'
        f'<script type="application/ld+json">{script}</script></head><body><h1>Agenda</h1></body></html>'
    ).encode()


def json_api_body(source: SyntheticSource, records: list[_Record]) -> bytes:
    """One page of a Drupal JSON:API listing (the whole list in one page, as `?page[limit]=` asks)."""
    data = [
        {
            "type": "node--event", "id": r.key,
            "attributes": {
                "title": r.title, "langcode": source.language, "path": {"alias": r.url},
                "body": {"value": r.description, "format": "full_html"},
                "field_date": {"value": r.start.isoformat(), "end_value": (r.start + timedelta(hours=2)).isoformat()},
                "field_venue": {"name": r.venue[0], "address_line1": r.venue[1], "postal_code": r.venue[2],
                                "locality": r.venue[3]},
                "field_tags": [r.category], "created": r.published.isoformat(),
            },
        }
        for r in records
    ]
    return json.dumps({"jsonapi": {"version": "1.0"}, "data": data, "links": {"self": {"href": source.path}}},
                      ensure_ascii=False).encode()


JSON_API_SETTINGS = {
    "records": "data",
    "fields": {
        "key": "id", "title": "attributes.title", "language": "attributes.langcode", "url": "attributes.path.alias",
        "description_html": "attributes.body.value", "start": "attributes.field_date.value",
        "end": "attributes.field_date.end_value", "place": "attributes.field_venue.name",
        "street": "attributes.field_venue.address_line1", "postcode": "attributes.field_venue.postal_code",
        "locality": "attributes.field_venue.locality", "categories": "attributes.field_tags[*]",
        "published": "attributes.created",
    },
    "ignore": ["type"],
}


def html_body(source: SyntheticSource, records: list[_Record]) -> bytes:
    """A partner site's agenda page: one card per event, dates in words and in <time datetime>."""
    cards = "".join(
        f'<li class="event"><h3 class="title"><a href="/{source.language}/{source.source_id}/{n}">{html.escape(r.title)}</a></h3>'
        f'<time class="start" datetime="{r.start.isoformat()}">{r.start:%d/%m/%Y %H:%M}</time>'
        f'<time class="end" datetime="{(r.start + timedelta(hours=2)).isoformat()}">{(r.start + timedelta(hours=2)):%H:%M}</time>'
        f'<p class="venue">{html.escape(", ".join(r.venue))}</p><div class="body">{r.description}</div>'
        f'<ul class="tags"><li>{html.escape(r.category)}</li></ul></li>\n'
        for n, r in enumerate(records)
    )
    return (
        f'<!doctype html><html lang="{source.language}"><head><meta charset="utf-8"><title>{source.partner_id}</title>'
        f'</head><body><nav><a href="/">Home</a></nav><main><h1>Agenda</h1><ul class="agenda">\n{cards}</ul></main>'
        f"<footer>{source.partner_id}</footer></body></html>"
    ).encode()


HTML_SETTINGS = {
    "items": "ul.agenda li.event",
    "fields": {
        "title": "h3.title", "url": {"css": "h3.title a", "attr": "href"},
        "start": {"css": "time.start", "attr": "datetime", "format": "iso"},
        "end": {"css": "time.end", "attr": "datetime", "format": "iso"},
        "address": "p.venue", "description_html": {"css": "div.body", "html": True},
        "categories": {"css": "ul.tags li", "all": True},
    },
}

BODIES = {"rss": rss_body, "ical": ical_body, "jsonld": jsonld_body, "json_api": json_api_body, "html": html_body}
SETTINGS = {"json_api": JSON_API_SETTINGS, "html": HTML_SETTINGS}  # what their partner files add to a source
NOT_A_FEED = b"<html><body><h1>Maintenance</h1><p>Back soon.</p></body></html>"


def generate(spec: Spec, now: datetime | None = None) -> Ecosystem:
    """The ecosystem of `spec`, deterministic for a seed (dates are relative to `now`)."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    rng = random.Random(spec.seed)
    ecosystem = Ecosystem(spec)
    failing = set(rng.sample(range(spec.sources), round(spec.sources * spec.fail_share)))
    for index in range(spec.sources):
        partner = index // SOURCES_PER_PARTNER
        kind = _kind(index, spec.sources) if spec.sources > 1 else "rss"
        language = LANGUAGES[index % len(LANGUAGES)]
        source_id = f"{kind.replace('_', '-')}-{index:04d}"  # ids are slugs
        source = SyntheticSource(
            partner_id=f"partner-{partner:04d}", source_id=source_id, kind=kind, language=language,
            host=host_of(partner), path=f"/{language}/{source_id}", status=200, body=b"", items=0,
        )
        if index in failing:
            # Alternate: a missing page (HTTP 404) and a page that is no feed (parse error).
            source.status, source.body = (404, b"not found") if index % 2 else (200, NOT_A_FEED)
        else:
            source.body = BODIES[kind](source, _records(rng, source, spec.items, now))
            source.items = spec.items
        ecosystem.sources.append(source)
    return ecosystem


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def write_registry(ecosystem: Ecosystem, folder: Path, port: int) -> Path:
    """One partner YAML file per partner, pointing at the synthetic server on `port`."""
    folder.mkdir(parents=True, exist_ok=True)
    partners: dict[str, list[SyntheticSource]] = {}
    for source in ecosystem.sources:
        partners.setdefault(source.partner_id, []).append(source)
    for partner_id, sources in partners.items():
        number = partner_id.rsplit("-", 1)[-1]
        document = {
            "id": partner_id,
            "name": {"fr": f"Partenaire {number}", "nl": f"Partner {number}", "en": f"Partner {number}"},
            "website": f"https://{partner_id}.example.org",
            "sources": [
                {"id": s.source_id, "kind": s.kind, "url": f"http://{s.host}:{port}{s.path}",
                 "content": s.content, "language": s.language, **SETTINGS.get(s.kind, {})}
                for s in sources
            ],
        }
        (folder / f"{partner_id}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def change_one_feed(ecosystem: Ecosystem, manifest: Path) -> SyntheticSource:
    """A partner edits one item of its first RSS feed: its first title gains a word. The served body is
    rewritten and the manifest touched, so that the running server serves the new body (and a new ETag)."""
    source = next(s for s in ecosystem.sources if s.kind == "rss" and s.status == 200 and s.items)
    name, _, _ = json.loads(manifest.read_text(encoding="utf-8"))[source.host][source.path]
    body = (manifest.parent / name).read_bytes()
    title = body.index(b"<item><title>") + len(b"<item><title>")
    (manifest.parent / name).write_bytes(body[:title] + b"Updated: " + body[title:])
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # the server compares mtimes
    return source


def write_payloads(ecosystem: Ecosystem, folder: Path) -> Path:
    """The bodies and a manifest the server process loads: {host: {path: [file, status, content_type]}}."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, list]] = {}
    for n, source in enumerate(ecosystem.sources):
        name = f"{n:05d}.bin"
        (folder / name).write_bytes(source.body)
        manifest.setdefault(source.host, {})[source.path] = [name, source.status, CONTENT_TYPES[source.kind]]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder / "manifest.json"
