"""`partners new`: a commented partner file, a sample fixture and a contract test, ready to fill.

The sample fixture matches the template's configuration, so `partners check ID --fixtures` and
the contract tests pass at once; replace the URL and selectors, then `partners record ID`.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from connectors.pages import Page, PageRequest

KINDS = ("json_api", "html", "rss", "ical", "jsonld")

_HEADER = """\
# {name} — partner file written by `bedigital partners new {id} --kind {kind}`.
# Fill in the URL and the mapping, then:
#   bedigital partners check {id} --live        # fetch, parse and normalise now; writes nothing
#   bedigital partners record {id}              # save the live responses as fixtures for the tests
#   bedigital partners check {id} --fixtures --refresh-expected   # snapshot the items, review the diff
# Secrets (API keys, tokens) are written as ${{ENV_VAR}}, never in this file.
id: {id}
name: {{fr: "{name}", nl: "{name}", en: "{name}"}}
website: https://{id}.example.org
sources:
"""

_JSON_API = """\
  - id: events
    kind: json_api
    url: https://{id}.example.org/api/events          # the endpoint
    content: event                                     # event | call | news | mixed
    language: fr                                       # language of the texts when a record does not say
    # method: POST                                     # and `body: {{...}}` for search APIs
    params: {{from: "{{today}}"}}                         # {{today}}, {{today+30d}}, {{now}} are filled in per run
    # headers: {{Authorization: "Bearer ${{{env}_TOKEN}}"}}
    records: "$.data[*]"                              # where the records are in the body
    fields:                                            # model field: path in the record (or {{path, format, timezone, join, default, const, map, regex, template}})
      key: id                                          # the record's own id: stable across runs
      title: name
      url: link
      summary: intro
      start: {{path: starts_at}}                        # ISO 8601 by default; format: "%d/%m/%Y %H:%M" for others
      end: {{path: ends_at}}
      place: venue.name
      locality: venue.city
    ignore: []                                         # record fields you leave unmapped on purpose
    pagination: {{type: next_url, next: links.next, max_pages: 20}}   # or page_number / offset / cursor
    min_delay_s: 1                                     # politeness: seconds between two requests to the host
"""

_HTML = """\
  - id: agenda
    kind: html
    url: https://{id}.example.org/agenda               # the listing page
    content: event
    language: fr
    items: "article.event"                            # CSS selector of one item of the listing
    fields:                                            # model field: CSS selector inside the item (or {{css, attr, html, all, join, regex, default}})
      title: "h2"
      url: {{css: "h2 a", attr: href}}
      start: {{css: [".date", ".time"], join: " "}}      # French/Dutch dates: "mardi 12 mars 2026 à 14h", "12 maart 2026 om 14u30"
      address: ".place"
      summary: ".intro"
    # detail:                                          # follow each item's link and read more there
    #   fields: {{description_html: {{css: ".body", html: true}}}}
    #   jsonld: true                                   # the page's schema.org JSON-LD fills the fields left empty
    pagination: {{next: "a.next", max_pages: 10}}       # the "next page" link
    min_delay_s: 1                                     # politeness: seconds between two requests to the host
"""

_FEED = """\
  - id: {source}
    kind: {kind}
    url: https://{id}.example.org/{path}
    content: {content}
    language: fr
"""

_TEST = '''\
"""Contract tests of partner {id} (written by `bedigital partners new`): edit the expectations below."""
from __future__ import annotations

from pathlib import Path

import pytest

from bedigital.partner_kit.contracts import CHECKS, subject
from bedigital.partner_kit.fixtures import fixture_sources

REGISTRY = Path(__file__).resolve().parents[2] / "{registry}"
PARTNER = "{id}"
SOURCES = [source for partner, source in fixture_sources(REGISTRY) if partner == PARTNER]
MIN_ITEMS = 1  # raise it to what the recorded fixture holds, so a broken selector shows


@pytest.mark.parametrize("source_id", SOURCES)
@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_contract(source_id: str, check) -> None:
    check(subject(REGISTRY, PARTNER, source_id))


@pytest.mark.parametrize("source_id", SOURCES)
def test_items_have_what_the_agenda_needs(source_id: str) -> None:
    items = subject(REGISTRY, PARTNER, source_id).batch.items
    assert len(items) >= MIN_ITEMS
    assert all(item.title and item.url for item in items)
    assert all(item.start_utc or item.start_date or item.deadline_utc for item in items if item.kind != "news")
'''


def partner_file(partner_id: str, kind: str, name: str) -> str:
    header = _HEADER.format(id=partner_id, kind=kind, name=name, env=partner_id.upper().replace("-", "_"))
    if kind == "json_api":
        body = _JSON_API.format(id=partner_id, env=partner_id.upper().replace("-", "_"))
    elif kind == "html":
        body = _HTML.format(id=partner_id)
    else:
        path, source, content = {"rss": ("feed.xml", "news", "news"), "ical": ("agenda.ics", "agenda", "event"),
                                 "jsonld": ("agenda", "agenda", "event")}[kind]
        body = _FEED.format(id=partner_id, kind=kind, path=path, source=source, content=content)
    return header + body


def _when(now: datetime, days: int, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def sample_pages(partner_id: str, kind: str, now: datetime) -> tuple[str, list[Page]]:
    """(source id, pages) of a small sample matching the template, dated from `now`."""
    site = f"https://{partner_id}.example.org"
    if kind == "json_api":
        pages = []
        for number in (1, 2):
            records = [{"id": f"sample-{number}-{i}", "name": f"Exemple d'activité {number}.{i}", "link": f"{site}/events/{number}-{i}",
                        "intro": "Remplacez ces données par une réponse enregistrée.",
                        "starts_at": _when(now, 7 * number + i, 18).isoformat(), "ends_at": _when(now, 7 * number + i, 20).isoformat(),
                        "venue": {"name": "BeCentral", "city": "Bruxelles"}} for i in (1, 2)]
            links = {"next": f"{site}/api/events?from={now.date().isoformat()}&page=2"} if number == 1 else {}
            body = json.dumps({"data": records, "links": links}, ensure_ascii=False, indent=1).encode()
            url = f"{site}/api/events?from={now.date().isoformat()}" + ("" if number == 1 else "&page=2")
            pages.append(Page(PageRequest(url), body, final_url=url, content_type="application/json"))
        return "events", pages
    if kind == "html":
        pages = []
        for number in (1, 2):
            items = "".join(
                f'<article class="event"><h2><a href="/agenda/{number}-{i}">Exemple d\'activité {number}.{i}</a></h2>'
                f'<p class="date">{_when(now, 7 * number + i, 14).day} {_FR_MONTHS[_when(now, 7 * number + i, 14).month - 1]} '
                f'{_when(now, 7 * number + i, 14).year}</p><p class="time">14h30</p><p class="place">BeCentral, Bruxelles</p>'
                f'<p class="intro">Remplacez cette page par une page enregistrée.</p></article>' for i in (1, 2))
            more = '<a class="next" href="/agenda?page=2">Suivant</a>' if number == 1 else ""
            url = f"{site}/agenda" + ("" if number == 1 else "?page=2")
            body = f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Agenda</title></head><body>{items}{more}</body></html>'
            pages.append(Page(PageRequest(url), body.encode(), final_url=url, content_type="text/html; charset=utf-8"))
        return "agenda", pages
    return _sample_feed(partner_id, kind, now, site)


_FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]


def _sample_feed(partner_id: str, kind: str, now: datetime, site: str) -> tuple[str, list[Page]]:
    if kind == "rss":
        stamp = now.strftime("%a, %d %b %Y %H:%M:%S +0000")
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{partner_id}</title>'
                f"<link>{site}</link><description>sample</description><item><title>Exemple de nouvelle</title>"
                f"<link>{site}/news/1</link><guid>{site}/news/1</guid><description>Remplacez ce flux par un flux enregistré."
                f"</description><pubDate>{stamp}</pubDate></item></channel></rss>")
        return "news", [Page(PageRequest(f"{site}/feed.xml"), body.encode(), content_type="application/rss+xml")]
    if kind == "ical":
        start = _when(now, 7, 14).strftime("%Y%m%dT%H%M%S")
        body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bedigital//sample//EN", "BEGIN:VEVENT",
                            f"UID:sample-1@{partner_id}", "DTSTAMP:20260101T000000Z", f"DTSTART;TZID=Europe/Brussels:{start}",
                            "SUMMARY:Exemple d'activité", f"URL:{site}/agenda/1", "END:VEVENT", "END:VCALENDAR", ""])
        return "agenda", [Page(PageRequest(f"{site}/agenda.ics"), body.encode(), content_type="text/calendar")]
    event = {"@context": "https://schema.org", "@type": "Event", "@id": f"{site}/agenda/1", "name": "Exemple d'activité",
             "url": f"{site}/agenda/1", "startDate": _when(now, 7, 14).isoformat()}
    body = f'<html><head><script type="application/ld+json">{json.dumps(event)}</script></head><body></body></html>'
    return "agenda", [Page(PageRequest(f"{site}/agenda"), body.encode(), content_type="text/html; charset=utf-8")]


def contract_test(partner_id: str, registry_dir: Path, tests_dir: Path) -> str:
    try:
        relative = Path(registry_dir).resolve().relative_to(Path(tests_dir).resolve().parents[1])
    except ValueError:
        relative = Path(registry_dir).resolve()
    return _TEST.format(id=partner_id, registry=relative.as_posix())


def test_path(tests_dir: Path, partner_id: str) -> Path:
    return Path(tests_dir) / f"test_partner_{partner_id.replace('-', '_')}.py"


def sample_now() -> datetime:
    return datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
