"""The demo content: volume, languages, time zones, the dedupe pairs and every deliberate mess."""
from __future__ import annotations

from datetime import timedelta

import feedparser
import icalendar

from connectors.registry import PAGED_KINDS
from demo.loader import CONTENT_DIR, load_all
from demo.registry import render_partner_file
from demo.server import DemoServer
from tests.demo.conftest import FAILING, ROOT, get, jsonld_events


def _count(kind: str, body: bytes) -> tuple[int, set[str]]:
    if kind == "rss":
        parsed = feedparser.parse(body)
        return len(parsed.entries), {e.get("title", "") for e in parsed.entries}
    if kind == "ical":
        events = icalendar.Calendar.from_ical(body).walk("VEVENT")
        return len(events), {str(e.get("SUMMARY", "")) for e in events}
    events = jsonld_events(body)
    return len(events), {e.get("name", "") for e in events}


def test_at_least_300_items_in_fr_nl_and_en_from_12_partners(server: DemoServer, registry) -> None:
    total, languages, partners = 0, set(), set()
    for partner, source in registry.sources():
        if (partner.id, source.id) in FAILING or source.kind in PAGED_KINDS:  # paged: tests/demo/test_paged_partners.py
            continue
        count, _ = _count(source.kind, get(str(source.url))[2])
        assert count > 0, source.url
        total += count
        languages.add(source.language)
        partners.add(partner.id)
    assert total >= 300
    assert languages == {"fr", "nl", "en"}
    assert len(partners) >= 12
    assert {s.kind for _, s in registry.sources()} == {"rss", "ical", "jsonld", "json_api", "html"}


def test_the_registry_is_generated_from_the_content() -> None:
    for partner in load_all(CONTENT_DIR):
        path = ROOT / "partners" / f"{partner.id}.yaml"
        assert path.read_text(encoding="utf-8") == render_partner_file(partner), f"run python -m demo.registry ({path})"


def test_winter_and_summer_evening_events_at_18_30_brussels(server: DemoServer) -> None:
    calendar = icalendar.Calendar.from_ical(get(server.base_url + "/paradigm/agenda.ics")[2])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    starts = [e.decoded("DTSTART") for e in calendar.walk("VEVENT")]
    evenings = [s for s in starts if hasattr(s, "hour") and (s.hour, s.minute) == (18, 30)]
    offsets = {start.utcoffset() for start in evenings}
    assert timedelta(hours=1) in offsets and timedelta(hours=2) in offsets
    assert b"DTSTART;TZID=Europe/Brussels:" in get(server.base_url + "/paradigm/agenda.ics")[2]


def test_recurrence_exdate_override_and_all_day_events(server: DemoServer) -> None:
    body = get(server.base_url + "/paradigm/agenda.ics")[2]
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert any("RRULE" in e and "EXDATE" in e for e in events)
    assert any("RECURRENCE-ID" in e for e in events)
    assert b"DTSTART;VALUE=DATE:" in body


def test_same_feed_in_french_and_dutch(server: DemoServer) -> None:
    fr = feedparser.parse(get(server.base_url + "/innoviris/fr/rss.xml")[2])
    nl = feedparser.parse(get(server.base_url + "/innoviris/nl/rss.xml")[2])
    assert len(fr.entries) == len(nl.entries) > 0
    assert [e.link.rsplit("/", 1)[1] for e in fr.entries] == [e.link.rsplit("/", 1)[1] for e in nl.entries]
    assert "Date limite :" in fr.entries[0].description and "Uiterste indieningsdatum:" in nl.entries[0].description


def test_events_announced_by_two_partners(server: DemoServer) -> None:
    hub = {e["name"]: e for e in jsonld_events(get(server.base_url + "/hub/events/index.html")[2])}
    smart = {e["name"]: e for e in jsonld_events(get(server.base_url + "/smartcity/nl/agenda/index.html")[2])}
    fr = next(e for n, e in hub.items() if n.startswith("Brussels AI Night"))
    nl = next(e for n, e in smart.items() if n.startswith("Brussels AI Night"))
    assert fr["name"] != nl["name"] and fr["startDate"] == nl["startDate"] and fr["inLanguage"] == "fr" and nl["inLanguage"] == "nl"
    salon = next(e for e in icalendar.Calendar.from_ical(get(server.base_url + "/bruxelles-formation/formations.ics")[2]).walk("VEVENT")
                 if str(e["SUMMARY"]).startswith("Salon des métiers"))
    beurs = next(e for e in jsonld_events(get(server.base_url + "/actiris/nl/jobdays.html")[2]) if e["name"].startswith("Beurs digitale"))
    assert salon.decoded("DTSTART").isoformat() == beurs["startDate"]


def test_jsonld_shapes(server: DemoServer) -> None:
    hub = jsonld_events(get(server.base_url + "/hub/events/index.html")[2])
    assert any(e["eventStatus"].endswith("EventCancelled") for e in hub)
    assert any(isinstance(e.get("location"), list) and {l["@type"] for l in e["location"]} == {"Place", "VirtualLocation"} for e in hub)
    assert any(e["location"]["address"]["@type"] == "PostalAddress" for e in hub if isinstance(e.get("location"), dict) and "address" in e["location"])
    assert any(e["offers"]["price"] != "0.00" for e in hub if "offers" in e)
    assert any(e["eventAttendanceMode"].endswith("OnlineEventAttendanceMode") for e in hub)


def test_deliberate_mess(server: DemoServer) -> None:
    base = server.base_url
    # an HTTP 500
    assert get(base + "/code-canal/news.xml")[0] == 500
    # malformed XML with recoverable entries
    broken = feedparser.parse(get(base + "/brussels-tech-meetups/meetups.xml")[2])
    assert broken.bozo and 0 < len(broken.entries)
    # Latin-1, declared in the prolog and the Content-Type
    _, headers, body = get(base + "/bruxelles-ville/fr/agenda-epn.xml")
    assert headers["Content-Type"].endswith("charset=ISO-8859-1")
    assert body.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>") and "é".encode("latin-1") in body
    latin = feedparser.parse(body)
    assert not latin.bozo and any("Journée" in e.title for e in latin.entries)
    # unsafe HTML, and an item without a title
    unsafe = get(base + "/serre-numerique/communaute.xml")[2].decode()
    for needle in ("&lt;script&gt;", "onerror=", "javascript:", "&lt;iframe"):
        assert needle in unsafe, needle
    assert any("title" not in e for e in feedparser.parse(unsafe).entries)
    # an invalid date string
    jobdays = jsonld_events(get(base + "/actiris/nl/jobdays.html")[2])
    assert any(e.get("startDate") == "32/13/2026 om 25u61" for e in jobdays)
    # an event whose end is before its start
    formations = icalendar.Calendar.from_ical(get(base + "/bruxelles-formation/formations.ics")[2]).walk("VEVENT")
    assert any("DTEND" in e and e.decoded("DTEND") < e.decoded("DTSTART") for e in formations)
