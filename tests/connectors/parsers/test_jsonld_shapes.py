"""JSON-LD shapes seen on partner pages beyond the textbook Event: sub-events, dates written out in words."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.connectors.parsers.conftest import fixture_bytes


def test_sub_events_are_items_of_their_own(normalised):
    _, items, rejections = normalised("jsonld", "sub_events.html", content="event")
    assert rejections == []
    assert set(items) == {
        "https://festival.example.be/#festival", "https://festival.example.be/programme#ouverture",
        "https://festival.example.be/programme#robots", "https://festival.example.be/programme#robots-kids",
    }
    festival = items["https://festival.example.be/#festival"]
    assert (festival.all_day, festival.start_date, festival.end_date) == (True, date(2026, 5, 1), date(2026, 5, 3))
    kids = items["https://festival.example.be/programme#robots-kids"]
    assert kids.start_utc == datetime(2026, 5, 2, 14, 0, tzinfo=UTC) and not kids.all_day


def test_dates_written_in_words_are_read_in_the_source_zone(normalised):
    result, items, rejections = normalised("jsonld", "written_dates.html", content="event")
    midi = items["https://hub.example.be/e/ia"]
    assert (midi.start_utc, midi.end_utc, midi.all_day) == (
        datetime(2026, 5, 6, 10, 30, tzinfo=UTC), datetime(2026, 5, 6, 12, 0, tzinfo=UTC), False)
    datacafe = items["https://hub.example.be/e/data"]
    assert (datacafe.all_day, datacafe.start_date) == (True, date(2026, 5, 12))
    # a relative date cannot be read without knowing when the page was written: rejected, naming the field
    [rejection] = rejections
    assert (rejection.key, rejection.reason, rejection.field) == ("https://hub.example.be/e/soon", "invalid_date", "start")
    assert "'mardi prochain'" in rejection.message
    assert len(items) + len(rejections) == len(result.items)


def test_an_html_escaped_block_is_read_and_a_broken_one_costs_only_itself(parse):
    result = parse("jsonld", "html_escaped_block.html")
    assert {item.key: item.title for item in result.items} == {
        "https://buurtlab.example.be/agenda/repair-cafe": "Repair café & digitale hulp",
        "https://buurtlab.example.be/agenda/codeclub": "Codeclub",
    }
    [warning] = result.warnings
    assert warning.startswith("JSON-LD block 2 of 3 is not valid JSON")


def test_yoast_graph_references_are_read_from_the_nodes_they_point_at(normalised):
    # Yoast's @graph names the image and the place once and points at them with {"@id": …}: the image
    # was the @id itself (no picture), the place was lost; without url the page is the one the @id names.
    _, items, rejections = normalised("jsonld", "yoast_graph_references.html", content="event")
    assert rejections == []
    [item] = items.values()
    assert item.image_url == "https://digitalhub.example.be/wp-content/uploads/logo.png"
    assert (item.venue, item.street, item.postcode) == ("BeCentral", "Cantersteen 10", "1000")
    assert item.url == "https://digitalhub.example.be/evenements/atelier-ia/"
    assert item.start_utc == datetime(2026, 3, 17, 8, 30, tzinfo=UTC)


def test_a_course_gives_one_event_per_session_with_the_course_text(normalised):
    # A Course with hasCourseInstance gave nothing ("no schema.org Event" on the page).
    result, items, rejections = normalised("jsonld", "course_instances.html", content="event", language="fr")
    assert rejections == [] and len(items) == len(result.items) == 3
    onsite = items["https://opleiding.example.be/nl/fullstack#course#2026-04-07"]
    assert (onsite.title, onsite.all_day, onsite.start_date, onsite.end_date) == (
        {"nl": "Full-stack webdeveloper"}, True, date(2026, 4, 7), date(2026, 6, 26))
    assert (onsite.venue, onsite.municipality, onsite.url) == (
        "Campus Anderlecht", "anderlecht", "https://opleiding.example.be/nl/fullstack")
    assert "twaalf weken" in onsite.description["nl"]
    # a session's own name wins; its duration gives the end the page does not write
    info = items["https://opleiding.example.be/nl/fullstack#course#2026-03-19T18:00"]
    assert info.title == {"nl": "Infosessie full-stack"}
    assert (info.start_utc, info.end_utc) == (datetime(2026, 3, 19, 17, 0, tzinfo=UTC), datetime(2026, 3, 19, 18, 30, tzinfo=UTC))
    assert (info.attendance_mode, info.online_url) == ("online", "https://meet.example.be/infosessie")


def test_grants_are_calls_with_their_deadline(normalised):
    # MonetaryGrant and Grant gave nothing; they are calls, open from startDate/validFrom until
    # applicationDeadline/validThrough (a day's deadline is its end in Brussels).
    _, items, rejections = normalised("jsonld", "grants.html", content="mixed")
    assert rejections == []
    inclusion = items["https://fonds.example.be/appels/inclusion-2026"]
    assert (inclusion.kind, inclusion.start_date) == ("call", date(2026, 2, 15))
    assert inclusion.deadline_utc == datetime(2026, 4, 30, 21, 59, 59, tzinfo=UTC)
    innovation = items["https://hub.example.be/calls/open-innovation"]
    assert (innovation.kind, innovation.deadline_utc) == ("call", datetime(2026, 6, 15, 10, 0, tzinfo=UTC))
    assert innovation.title == {"en": "Open Innovation call"}


def test_the_events_calendar_all_day_events_stay_days(normalised):
    # The Events Calendar writes an all-day event as 00:00:00 to 23:59:59 with the offset: it was shown
    # "00:00 – 23:59"; the event that starts at 20:00 and ends at 06:00 keeps its hours.
    _, items, rejections = normalised("jsonld", "tec_all_day.html", content="event")
    assert rejections == []
    jpo, salon, nuit = (items[f"https://kanaal.example.be/event/{slug}/"] for slug in ("jpo", "salon", "nuit"))
    assert (jpo.all_day, jpo.start_date, jpo.end_date, jpo.start_utc) == (True, date(2026, 4, 4), date(2026, 4, 4), None)
    assert (salon.all_day, salon.start_date, salon.end_date) == (True, date(2026, 3, 28), date(2026, 3, 29))
    assert (nuit.all_day, nuit.start_utc) == (False, datetime(2026, 4, 10, 18, 0, tzinfo=UTC))


def test_a_listing_whose_item_list_only_links_says_how_to_read_its_pages(parse_bytes):
    # It said "no schema.org Event" and nothing more: the newcomer had no way forward. (The listing that
    # tests/connectors/parsers/test_html_shapes.py reads as html with detail.jsonld.)
    result = parse_bytes("jsonld", fixture_bytes("html", "jsonld_details/listing.html"))
    assert (result.items, result.rejections) == ([], [])
    [warning] = result.warnings
    assert "only an ItemList linking to 3 page(s) (/fr/agenda/atelier-ia, /fr/agenda/appel-inclusion, /fr/agenda/visite)" in warning
    assert "`detail: {jsonld: true}`" in warning


def test_a_start_date_list_gives_one_event_per_date(normalised):
    # Only the first date was read; the others were dropped without a word.
    result, items, rejections = normalised("jsonld", "start_date_list.html", content="event")
    assert rejections == [] and len(result.items) == 5
    breakfasts = sorted((item.start_utc, item.end_utc) for item in items.values() if item.url == "https://finance.example.be/breakfast")
    assert breakfasts == [
        (datetime(2026, 3, 12, 7, 0, tzinfo=UTC), datetime(2026, 3, 12, 9, 0, tzinfo=UTC)),
        (datetime(2026, 4, 9, 6, 0, tzinfo=UTC), datetime(2026, 4, 9, 8, 0, tzinfo=UTC)),
        (datetime(2026, 5, 7, 6, 0, tzinfo=UTC), datetime(2026, 5, 7, 8, 0, tzinfo=UTC)),
    ]
    assert "https://finance.example.be/breakfast#2026-04-09T08:00:00+02:00" in items
    # one end for several starts says nothing about each: the days stand alone
    repairs = sorted((item.start_date, item.end_date) for item in items.values() if item.title == {"fr": "Repair café"})
    assert repairs == [(date(2026, 3, 14), None), (date(2026, 3, 28), None)]


def test_a_json_ld_document_served_as_it_is_is_read(parse):
    # A site's export of its events (application/ld+json), not a page carrying it: it said "page has no JSON-LD".
    result = parse("jsonld", "events_export.jsonld", content_type="application/ld+json")
    assert result.rejections == [] and result.warnings == []
    assert [(item.key, item.start) for item in result.items] == [
        ("https://lab.example.be/agenda/python-101", "2026-03-21T10:00:00+01:00"),
        ("https://lab.example.be/agenda/robotica", date(2026, 3, 28)),
    ]


def test_a_json_api_given_to_a_jsonld_source_says_which_kind_to_use(parse_bytes):
    result = parse_bytes("jsonld", b'{"total": 1, "events": [{"uid": 5, "title": {"fr": "Atelier"}}]}',
                         content_type="application/json")
    assert result.items == [] and len(result.warnings) == 1
    assert "for a JSON API, use kind json_api" in result.warnings[0]


def test_names_escaped_once_too_often_read_as_their_words(normalised):
    # "R&amp;amp;D" was shown "R&amp;D", and an escaped <strong> as the tag itself.
    _, items, rejections = normalised("jsonld", "double_escaped_names.html", content="event")
    assert rejections == []
    assert [next(iter(item.title.values())) for item in items.values()] == [
        "R&D numérique – journée d’étude", "Hackathon Open Data", "Atelier & démo"]


def test_the_events_an_organisation_or_a_venue_lists_are_read(parse):
    # Organization.event and Place.events hold the events: the page gave nothing.
    result = parse("jsonld", "organization_events.html")
    assert [item.title for item in result.items] == ["Soirée makers", "Atelier soudure", "Portes ouvertes"]


def test_a_page_with_schema_org_microdata_only_is_read(normalised):
    # itemscope/itemtype markup without a JSON-LD block: "page has no JSON-LD", nothing read.
    _, items, rejections = normalised("jsonld", "microdata_only.html", content="event")
    assert rejections == []
    [item] = items.values()
    assert (item.title, item.url) == ({"fr": "Soirée Startups"}, "https://hub.example.be/agenda/soiree-startups")
    assert (item.start_utc, item.end_utc) == (datetime(2026, 3, 18, 18, 0, tzinfo=UTC), datetime(2026, 3, 18, 21, 0, tzinfo=UTC))
    assert (item.venue, item.street, item.postcode) == ("La Vallée", "Rue Adolphe Lavallée 39", "1080")
    assert item.image_url == "https://hub.example.be/img/s.jpg"


def test_an_end_written_as_a_time_alone_is_on_the_start_day(normalised):
    # endDate "12:00" was no date: the whole event was rejected as invalid_date.
    _, items, rejections = normalised("jsonld", "end_time_alone.html", content="event")
    assert rejections == []
    assert [(item.start_utc, item.end_utc) for item in items.values()] == [
        (datetime(2026, 3, 21, 9, 0, tzinfo=UTC), datetime(2026, 3, 21, 11, 0, tzinfo=UTC)),
        (datetime(2026, 6, 6, 12, 0, tzinfo=UTC), datetime(2026, 6, 6, 14, 30, tzinfo=UTC)),
        (datetime(2026, 3, 27, 21, 0, tzinfo=UTC), datetime(2026, 3, 28, 1, 0, tzinfo=UTC)),  # past midnight
    ]


def test_a_call_published_as_an_event_closes_at_its_end(normalised):
    # A source of calls whose pages describe each call as an Event (startDate: opening, endDate: closing):
    # the calls came out without a deadline, "open" for ever.
    _, items, rejections = normalised("jsonld", "calls_as_events.html", content="call")
    assert rejections == []
    team_up = items["https://innoviris.example.be/appels/team-up"]
    assert (team_up.kind, team_up.deadline_utc, team_up.deadline_from) == (
        "call", datetime(2026, 4, 15, 10, 0, tzinfo=UTC), "field")
    assert items["https://innoviris.example.be/appels/bridge"].deadline_utc == datetime(2026, 5, 31, 21, 59, 59, tzinfo=UTC)


def test_in_language_written_as_a_name_or_a_language_object(parse):
    # "Nederlands" and {"@type": "Language", "name": "Dutch", …} were no language: the source's (French) was used.
    result = parse("jsonld", "language_names.html")
    assert [item.language for item in result.items] == ["nl", "nl", "en", "fr"]


def test_html_comments_around_the_json_inside_a_block_are_skipped(parse):
    # "<!-- This site is optimized with … -->" before the JSON, or "<!-- /Yoast -->" after it, in the
    # script itself: both blocks were "not valid JSON" and skipped.
    result = parse("jsonld", "html_comments_in_blocks.html")
    assert [item.title for item in result.items] == ["A", "B", "C", 'D "quoted"\ttab'] and result.warnings == []


def test_several_documents_one_after_the_other_in_a_block_are_each_read(parse):
    # A theme printing each event's JSON into one script: "Extra data", the whole block skipped.
    result = parse("jsonld", "concatenated_documents.html")
    assert [item.title for item in result.items] == ["Atelier IA", "Meetup Python", "Hackathon"] and result.warnings == []


def test_prices_written_the_european_way_and_currency_symbols(normalised):
    # "1.250,00" was 1.25 and "€" was published as the currency code (the JSON-LD export wrote priceCurrency "€").
    _, items, rejections = normalised("jsonld", "european_prices.html", content="event")
    assert rejections == []
    assert [(item.price, item.currency) for item in items.values()] == [(1250.0, "EUR"), (15.5, "EUR"), (1250.0, "EUR")]


def test_a_list_of_item_links_in_a_yoast_graph_says_how_to_read_its_pages_and_a_breadcrumb_is_no_list(parse_bytes):
    page = (b'<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
            b'{"@type":"BreadcrumbList","itemListElement":[{"@type":"ListItem","position":1,"item":"https://x.be/"}]},'
            b'{"@type":"ItemList","itemListElement":[{"@type":"ListItem","position":1,"item":"https://x.be/agenda/a"},'
            b'{"@type":"ListItem","position":2,"item":"https://x.be/agenda/b"}]}]}</script>')
    [warning] = parse_bytes("jsonld", page).warnings
    assert "only an ItemList linking to 2 page(s) (https://x.be/agenda/a, https://x.be/agenda/b)" in warning


def test_a_rescheduled_event_is_rescheduled_with_its_new_dates_not_postponed(normalised):
    # The Events Calendar writes eventStatus EventRescheduled with the new dates in startDate/endDate: the event
    # will happen, on those dates. It was read as postponed (dates not known yet), and exported as EventPostponed.
    _, items, rejections = normalised("jsonld", "rescheduled_event.html", content="event")
    assert rejections == []
    hackathon = items["https://molengeek.example.be/event/hackathon-open-data/"]
    assert hackathon.status == "rescheduled"
    assert (hackathon.start_utc, hackathon.end_utc) == (
        datetime(2026, 4, 25, 7, 0, tzinfo=UTC), datetime(2026, 4, 26, 16, 0, tzinfo=UTC))
    assert items["https://molengeek.example.be/event/coding-school-info/"].status == "postponed"


OPEN_DATA_DAY = "https://opendata.example.brussels/evenements/open-data-day"
ATELIER_API = "https://opendata.example.brussels/evenements/atelier-api"


def assert_open_data_events(items, rejections) -> None:
    """The two events rdflib wrote for the fixtures below, read whole: names, dates, place, status, price."""
    assert rejections == [] and set(items) == {OPEN_DATA_DAY, ATELIER_API}
    day = items[OPEN_DATA_DAY]
    assert (day.title, day.summary) == ({"fr": "Open Data Day Bruxelles"},
                                        {"fr": "Une journée autour des données ouvertes de la Région."})
    assert (day.start_utc, day.end_utc) == (datetime(2026, 4, 18, 7, 30, tzinfo=UTC), datetime(2026, 4, 18, 15, 0, tzinfo=UTC))
    assert (day.venue, day.street, day.postcode, day.attendance_mode, day.is_free) == (
        "BeCentral", "Cantersteen 10", "1000", "in-person", True)
    assert (day.url, day.status) == (OPEN_DATA_DAY, "scheduled")
    assert (items[ATELIER_API].status, items[ATELIER_API].venue) == ("cancelled", "CIRB")


@pytest.mark.parametrize("context", ["https://schema.org/", "http://schema.org/"])
def test_keys_with_a_schema_prefix_are_read_whatever_the_scheme_of_the_context(normalised_bytes, context):
    # rdflib's JSON-LD with a context {"schema": …}: "schema:name", "@type": "schema:Event", values as
    # {"@value"}/{"@id"}. Every key was unknown: both events were rejected for having no name.
    body = fixture_bytes("jsonld", "schema_prefixed_keys.html").replace(
        b'"schema": "https://schema.org/"', f'"schema": "{context}"'.encode())
    _, items, rejections = normalised_bytes("jsonld", body, content="event")
    assert_open_data_events(items, rejections)


def test_expanded_json_ld_with_http_schema_org_iris_is_read(normalised):
    # rdflib's JSON-LD without context (an RDF store's export): keys are full IRIs ("http://schema.org/name"),
    # every value a list of {"@value"} or {"@id"}; the status and the price are read through those too.
    _, items, rejections = normalised("jsonld", "expanded_http_iris.jsonld", content="event",
                                      content_type="application/ld+json")
    assert_open_data_events(items, rejections)


def test_language_tagged_names_and_descriptions_keep_each_language_as_its_version(normalised):
    # A bilingual site writes name and description as language-tagged values (as our own agenda.jsonld does):
    # the first alone was kept, and the Dutch and English texts were lost.
    _, items, rejections = normalised("jsonld", "language_tagged_names.html", content="event", language="fr")
    assert rejections == []
    workshop = items["https://digitalhub.example.brussels/events/atelier-ia-generative"]
    assert workshop.title == {"fr": "Atelier IA générative pour PME", "nl": "Workshop generatieve AI voor kmo's",
                              "en": "Generative AI workshop for SMEs"}
    assert workshop.summary["nl"] == "Een praktische workshop voor Brusselse kleine ondernemingen."
    assert workshop.description["en"] == "<p>A hands-on workshop for small Brussels businesses.</p>"
    assert workshop.languages == ["en", "fr", "nl"] and workshop.machine_translated == {}
    # a page without a French name: each language its own, none taken for French
    assert items["https://digitalhub.example.brussels/events/data-cafe"].title == {"nl": "Datacafé", "en": "Data café"}
