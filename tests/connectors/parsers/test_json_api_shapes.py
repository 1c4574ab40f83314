"""json_api sources of shapes nobody had seen, served over HTTP on 127.0.0.1 and read as a run reads them.

Each case is one fixture under fixtures/json_api/ (or a document written in the test when its shape
is the point): the records that come out, and the message a partner would read when they do not.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.http import HttpSettings
from connectors.parsers import ParseResult, parse_pages
from connectors.registry import JsonApiSource
from transforms.normalise import SourceContext, normalise_all

FIXTURES = Path(__file__).parent / "fixtures" / "json_api"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
FAST = HttpSettings(retries=0, backoff_s=0.01, deadline_s=5.0, respect_robots=False)


def api_source(url: str, **extra: Any) -> JsonApiSource:
    config = {"id": "events", "kind": "json_api", "url": url, "content": "event", "language": "fr",
              "records": "events", "fields": {"key": "id", "title": "title", "start": "start"}}
    return JsonApiSource.model_validate({**config, **extra})


def serve(server: HTTPServer, name: str, content_type: str = "application/json", path: str = "/api/events") -> str:
    server.expect_request(path).respond_with_data((FIXTURES / name).read_bytes(), content_type=content_type)
    return server.url_for(path)


def read(source: JsonApiSource) -> tuple[ParseResult, list[str]]:
    """Crawl the source over HTTP, then parse its pages: (parse result, the crawl's warnings)."""
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW, force=True)], FAST)
    assert crawl.outcome == "fetched", crawl.error
    return parse_pages(source, crawl.pages, partner_id="lab", now=NOW), crawl.warnings


def test_a_latin1_body_is_read_with_its_accents_and_a_warning_instead_of_failing_the_source(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "latin1_body.json")))
    assert result.error is None
    assert [item.title for item in result.items] == ["Café numérique – atelier", "Réunion"]
    assert any("is not UTF-8 (at byte 35)" in w and "read as Windows-1252" in w for w in result.warnings)


def test_an_html_page_answered_with_status_200_fails_the_source_quoting_its_title(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "error_page_200.html", content_type="text/html")))
    assert result.error is not None and result.error.startswith("page 1 (")
    assert "not JSON but an HTML page titled 'Maintenance en cours | Tech Hub'" in result.error


def test_a_yes_no_value_mapped_onto_a_text_field_rejects_the_record_and_numbers_read_as_text(httpserver: HTTPServer) -> None:
    source = api_source(serve(httpserver, "flag_mapped_as_text.json"),
                        fields={"key": "id", "title": "featured", "start": "start", "postcode": "postcode"})
    result, _ = read(source)
    assert result.items == []
    assert [(r.reason, r.field, r.message) for r in result.rejections] == [
        ("invalid_value", "title", "title: featured is true, a yes/no value, not a text: map the path of the text"),
        ("invalid_value", "title", "title: featured is false, a yes/no value, not a text: map the path of the text")]
    result, _ = read(api_source(httpserver.url_for("/api/events"), fields={"key": "id", "title": "title", "start": "start",
                                                                            "postcode": "postcode"}))
    assert [(item.title, item.location.postcode) for item in result.items] == [("Atelier IA", "1000"), ("2030", "1050")]


def test_an_error_document_answered_with_status_200_is_quoted(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "api_error_200.json")))
    assert result.error is not None
    assert "holds no records but an error from the API" in result.error
    assert "Sorry, you are not allowed to do that." in result.error


def test_an_object_where_a_text_is_expected_rejects_the_record_naming_the_paths_inside_it(httpserver: HTTPServer) -> None:
    # Eventbrite: name is {"text", "html"}: "title: name" must not publish "{'text': 'Startup Pitch Night', ...}".
    url = serve(httpserver, "eventbrite_objects.json")
    result, _ = read(api_source(url, fields={"key": "id", "title": "name", "url": "url", "start": "start.utc"}))
    assert result.items == []
    [rejection] = result.rejections
    assert rejection.field == "title" and rejection.reason == "unreadable_record"
    assert "name is an object, not a value" in rejection.message and "name.text, name.html" in rejection.message
    fixed, _ = read(api_source(url, fields={"key": "id", "title": "name.text", "url": "url", "start": "start.utc"}))
    assert [item.title for item in fixed.items] == ["Startup Pitch Night"]


def test_a_multilingual_object_gives_the_text_in_the_source_language(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "multilingual_titles.json"), language="nl"))
    assert [item.title for item in result.items] == ["Workshop open data", "Enkel in het Nederlands"]
    assert result.items[0].translations == {"fr": {"title": "Atelier données ouvertes"}, "en": {"title": "Open data workshop"}}


def test_multilingual_texts_keep_each_language_as_its_version(httpserver: HTTPServer) -> None:
    # OpenAgenda gives title, description and longDescription as {fr, nl, en}: the source language's text was
    # published and the partner's own Dutch and English were dropped (and machine-translated again, if at all).
    source = api_source(serve(httpserver, "openagenda_multilingual_texts.json"), fields={
        "key": "uid", "title": "title", "summary": "description", "description_html": "longDescription",
        "start": "timings[0].begin", "end": "timings[0].end"}, ignore=["slug", "timings"])
    result, _ = read(source)
    context = SourceContext(partner_id="lab", source_id="events", content="event", language="fr")
    items, rejections = normalise_all(result.items, context, now=NOW)
    assert rejections == [] and result.rejections == []
    hackathon, codeclub = items
    assert hackathon.title == {"fr": "Hackathon données ouvertes", "nl": "Hackathon open data", "en": "Open data hackathon"}
    assert hackathon.summary == {"fr": "Deux jours pour créer des applications avec les données de la Région.",
                                 "nl": "Twee dagen om apps te bouwen met de gegevens van het Gewest.",
                                 "en": "Two days to build apps with the Region's data."}
    assert hackathon.description["nl"] == "<p>Teams van 3 tot 5 personen, <strong>inschrijving verplicht</strong>.</p>"
    assert hackathon.languages == ["en", "fr", "nl"]
    # no French version: the Dutch one is the record's own (not published as French), the English kept beside it
    assert codeclub.title == {"nl": "Codeclub voor tieners", "en": "Code club for teenagers"}
    assert codeclub.summary == {"nl": "Elke woensdag leren programmeren in Molenbeek.",
                                "en": "Learn to code every Wednesday in Molenbeek."}
    assert codeclub.description == {"nl": "<p>Gratis, laptops ter beschikking.</p>"}  # an empty version is none



def test_a_text_in_one_field_per_language_is_mapped_with_languages(httpserver: HTTPServer) -> None:
    # Opendatasoft datasets (opendata.brussels) give titre_fr, titel_nl and title_en side by side: one path could
    # only take one language. `languages` reads each as that language's version; an empty one is none.
    source = api_source(serve(httpserver, "ods_fields_per_language.json"), records="results", fields={
        "key": "identifiant", "title": {"languages": {"fr": "titre_fr", "nl": "titel_nl", "en": "title_en"}},
        "summary": {"languages": {"fr": "description_fr", "nl": "beschrijving_nl", "en": "description_en"}},
        "start": "date_debut", "end": "date_fin", "locality": "commune_gemeente"}, ignore=["total_count"])
    result, _ = read(source)
    assert result.rejections == [] and not any(w.startswith("unmapped") for w in result.warnings)
    items, rejections = normalise_all(result.items, SourceContext(partner_id="lab", source_id="events", content="event",
                                                                  language="fr"), now=NOW)
    assert rejections == []
    fablab, repair = items
    assert fablab.title == {"fr": "Journée portes ouvertes du FabLab", "nl": "Opendeurdag van het FabLab", "en": "FabLab open day"}
    assert fablab.summary == {"fr": "Découvrez les imprimantes 3D et la découpe laser.",
                              "nl": "Ontdek de 3D-printers en de lasersnijder."}
    assert (repair.title, repair.languages) == ({"fr": "Repair café numérique"}, ["fr"])


def test_languages_is_for_texts_and_stands_instead_of_path() -> None:
    with pytest.raises(ValidationError, match="`languages` gives a text per language, for title, summary, description_html"):
        api_source("https://api.example/events", fields={"key": "id", "title": "t", "start": "s",
                                                         "place": {"languages": {"fr": "lieu", "nl": "plaats"}}})
    with pytest.raises(ValidationError, match="set `path` or `languages`"):
        api_source("https://api.example/events", fields={"key": "id", "start": "s",
                                                         "title": {"path": "t", "languages": {"fr": "t_fr"}}})

def test_records_that_are_not_objects_are_rejected_as_such_not_as_missing_their_key(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "non_object_records.json")))
    assert [item.title for item in result.items] == ["Un vrai événement"]
    assert [r.reason for r in result.rejections] == ["unreadable_record"] * 3
    assert "record 2 of page 1 is not an object but NoneType null" in result.rejections[0].message
    assert "str \"deleted\"" in result.rejections[1].message


def test_nan_and_infinity_are_no_price(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "nan_price.json"),
                                fields={"key": "id", "title": "title", "start": "start", "price": "cost"}))
    assert [item.price for item in result.items] == [None, None]


def test_epoch_times_in_seconds_or_milliseconds_numbers_or_texts_are_read_by_their_magnitude(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "epoch_times.json")))
    assert result.rejections == []
    expected = datetime(2026, 3, 5, 13, 0, tzinfo=timezone.utc)  # 14:00 in Brussels
    assert [(item.title, item.start) for item in result.items] == [
        ("Secondes", expected), ("Millisecondes", expected), ("Secondes en texte", expected), ("Millisecondes en texte", expected)]


def test_an_epoch_format_that_names_the_wrong_unit_says_which_unit_to_write(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "epoch_times.json")
    as_ms, _ = read(api_source(url, fields={"key": "id", "title": "title", "start": {"path": "start", "format": "epoch_ms"}}))
    assert [r.message for r in as_ms.rejections][:1] == [
        "start: 1772715600 counts seconds, not milliseconds (it would be in 1970): write format: epoch"]
    as_s, _ = read(api_source(url, fields={"key": "id", "title": "title", "start": {"path": "start", "format": "epoch"}}))
    assert "start: 1772715600000 counts milliseconds, not seconds: write format: epoch_ms" in [r.message for r in as_s.rejections]


def test_an_api_that_ignores_its_page_parameter_is_read_once_not_fifty_times(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "ignored_page_param.json")
    result, crawl_warnings = read(api_source(url, pagination={"type": "page_number", "param": "page"}))
    assert [item.key for item in result.items] == ["1", "2"] and result.rejections == []  # were 98 duplicate_key
    assert len(httpserver.log) == 2  # page 1, and page 2 that repeats it: no page 3
    assert any("listing page 2" in w and "holds the very records of page 1" in w for w in result.warnings)
    assert not any("max_pages" in w for w in crawl_warnings)


def test_a_later_page_answering_an_error_with_status_200_makes_the_source_incomplete(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/events", query_string="page=2").respond_with_data(
        (FIXTURES / "graphql_errors_page2.json").read_bytes(), content_type="application/json")
    url = serve(httpserver, "first_page_of_two.json")
    source = api_source(url, pagination={"type": "next_url", "next": "next"})
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW, force=True)], FAST)
    assert crawl.outcome == "error" and crawl.incomplete  # the records of page 1 are loaded, nothing is removed
    assert crawl.error is not None and "page 2 (" in crawl.error
    assert "Rate limit exceeded: 60 requests per minute" in crawl.error and "1 page(s) read before it were kept" in crawl.error
    result = parse_pages(source, crawl.pages, partner_id="lab", now=NOW)
    assert [item.title for item in result.items] == ["Atelier"]


def test_a_date_with_its_time_apart_and_sometimes_missing_gives_the_day_not_a_rejection(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "date_and_time_apart.json")
    start = {"path": ["date", "time"], "join": " ", "format": "%Y-%m-%d %H:%M", "timezone": "Europe/Brussels"}
    result, _ = read(api_source(url, fields={"key": "id", "title": "title", "start": start}))
    assert result.rejections == []
    assert [(item.start, item.all_day) for item in result.items] == [
        (datetime(2026, 3, 5, 14, 0, tzinfo=ZoneInfo("Europe/Brussels")), False),
        (date(2026, 3, 6), True), (date(2026, 3, 7), True)]


def test_an_iso_day_with_a_timezone_stays_a_day_not_midnight(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "date_and_time_apart.json")
    result, _ = read(api_source(url, fields={"key": "id", "title": "title",
                                             "start": {"path": "date", "timezone": "Europe/Brussels"}}))
    assert [(item.start, item.all_day) for item in result.items][0] == (date(2026, 3, 5), True)


def test_records_given_as_an_object_keyed_by_id_are_its_values(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "records_keyed_by_id.json")))
    assert [item.key for item in result.items] == ["81", "82"] and result.rejections == []  # was one record, "no key"
    assert not any(w.startswith("unmapped source fields") for w in result.warnings)


def openagenda_source(url: str) -> JsonApiSource:
    return api_source(url, fields={"key": "uid", "title": "title", "start": "timings[0].begin", "categories": "keywords"},
                      ignore=["slug", "timings"], pagination={"type": "cursor", "param": "after[]", "next": "after",
                                                              "total": "total"})


def test_a_cursor_that_is_a_list_is_sent_as_the_parameter_repeated(httpserver: HTTPServer) -> None:
    # OpenAgenda v2 pages with `after`: [sort value, uid], asked back as after[]=…&after[]=…; it went as "[…, …]".
    httpserver.expect_request("/api/events", query_string="after%5B%5D=1773997200000&after%5B%5D=51234568").respond_with_data(
        (FIXTURES / "openagenda_page2.json").read_bytes(), content_type="application/json")
    result, _ = read(openagenda_source(serve(httpserver, "openagenda_page1.json")))
    assert [item.key for item in result.items] == ["51234567", "51234568", "51234569"]
    assert not any("pages are missing" in w or "very records" in w for w in result.warnings)


def test_multilingual_keyword_lists_give_the_source_language_list(httpserver: HTTPServer) -> None:
    # {"fr": [...], "nl": [...]} rejected the record as "an object, not a value".
    httpserver.expect_request("/api/events", query_string="after%5B%5D=1773997200000&after%5B%5D=51234568").respond_with_data(
        (FIXTURES / "openagenda_page2.json").read_bytes(), content_type="application/json")
    result, _ = read(openagenda_source(serve(httpserver, "openagenda_page1.json")))
    assert result.rejections == []
    assert {item.key: item.categories for item in result.items} == {
        "51234567": ["enfants", "programmation"], "51234568": [], "51234569": ["smartphone"]}


def test_jsonapi_relationships_reach_the_resources_the_document_includes(httpserver: HTTPServer) -> None:
    # Drupal's JSON:API gives the venue and the terms as {type, id} pointers, their names in `included`:
    # no path could reach them, so every event came out without its place and its themes.
    source = api_source(serve(httpserver, "jsonapi_included.json"), records="data", fields={
        "key": "id", "title": "attributes.title", "start": "attributes.field_date.value",
        "place": "relationships.field_lieu.data.attributes.name",
        "locality": "relationships.field_lieu.data.attributes.field_adresse.locality",
        "categories": "relationships.field_thematiques.data[*].attributes.name",
    }, ignore=["type", "links", "attributes"])
    result, _ = read(source)
    assert result.rejections == []
    places = {item.title: (item.location.name, item.location.locality) if item.location else None for item in result.items}
    assert places == {"Forum Smart City 2026": ("Square – Brussels Meeting Centre", "Bruxelles"),
                      "Atelier données ouvertes": None}  # its relationship's data is null
    assert [item.categories for item in result.items] == [["Ville intelligente", "Données ouvertes"], ["Données ouvertes"]]
    assert not any("unmapped" in w for w in result.warnings)


def test_a_full_last_page_then_wordpress_400_for_the_page_after_ends_the_pages_not_the_source(httpserver: HTTPServer) -> None:
    # WordPress posts: 4 posts at per_page=2, no total in the body (it is in X-WP-Total). Page 3 answers 400
    # rest_post_invalid_page_number: the source was reported incomplete on every run.
    for page in (1, 2):
        httpserver.expect_request("/wp-json/wp/v2/posts", query_string=f"per_page=2&page={page}").respond_with_data(
            (FIXTURES / f"wp_posts_page{page}.json").read_bytes(), content_type="application/json")
    httpserver.expect_request("/wp-json/wp/v2/posts", query_string="per_page=2&page=3").respond_with_data(
        (FIXTURES / "wp_invalid_page_number.json").read_bytes(), status=400, content_type="application/json")
    source = api_source(httpserver.url_for("/wp-json/wp/v2/posts"), content="news", records="$", fields={
        "key": "id", "title": "title.rendered", "url": "link", "description_html": "content.rendered",
        "published": "date_gmt"}, ignore=["content.protected"],
        pagination={"type": "page_number", "param": "page", "size_param": "per_page", "size": 2})
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW, force=True)], FAST)
    assert (crawl.outcome, crawl.error) == ("fetched", None)
    result = parse_pages(source, crawl.pages, partner_id="lab", now=NOW)
    assert [item.key for item in result.items] == ["900", "901", "902", "903"]
    assert result.items[0].title == "Actualit&eacute; n&deg;0 &#8211; num&eacute;rique"  # the normaliser unescapes it


def test_a_page_the_api_announced_that_fails_still_makes_the_source_incomplete(httpserver: HTTPServer) -> None:
    # With a total saying there is more, page 2's 404 is a failure, not the end.
    httpserver.expect_request("/api/events", query_string="page=2").respond_with_data("gone", status=404)
    httpserver.expect_request("/api/events").respond_with_json(
        {"total": 4, "events": [{"id": 1, "title": "A", "start": "2026-03-05"}, {"id": 2, "title": "B", "start": "2026-03-06"}]})
    source = api_source(httpserver.url_for("/api/events"), pagination={"type": "page_number", "param": "page", "total": "total"})
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=NOW, force=True)], FAST)
    assert crawl.outcome == "error" and crawl.incomplete


def test_a_next_link_that_leads_on_past_the_last_record_ends_at_the_first_empty_page(httpserver: HTTPServer) -> None:
    # CKAN's datastore_search always gives _links.next: after the last record came empty page after empty page,
    # until two alike read as a loop ("holds the very records of page 3: the pagination is not followed").
    for number, offset in ((2, 2), (3, 4), (4, 6)):
        httpserver.expect_request("/api/3/action/datastore_search", query_string=f"resource_id=abc&limit=2&offset={offset}"
                                  ).respond_with_data((FIXTURES / f"ckan_page{min(number, 3)}.json").read_bytes(),
                                                      content_type="application/json")
    httpserver.expect_request("/api/3/action/datastore_search").respond_with_data(
        (FIXTURES / "ckan_page1.json").read_bytes(), content_type="application/json")
    source = api_source(httpserver.url_for("/api/3/action/datastore_search") + "?resource_id=abc&limit=2", content="call",
                        records="result.records", fields={"key": "_id", "title": "titre", "deadline": "date_limite"},
                        pagination={"type": "next_url", "next": "result._links.next"})
    result, crawl_warnings = read(source)
    assert [item.title for item in result.items] == ["Appel 1", "Appel 2", "Appel 3"]
    assert len(httpserver.log) == 3 and result.warnings == [] and crawl_warnings == []


def test_a_cursor_stops_once_the_announced_total_is_read(httpserver: HTTPServer) -> None:
    # An API giving a next cursor on its last page: the total it announced says there is nothing more to ask.
    httpserver.expect_request("/api/events").respond_with_json(
        {"total": 2, "next": "abc", "events": [{"id": 1, "title": "A", "start": "2026-03-05"}, {"id": 2, "title": "B", "start": "2026-03-06"}]})
    source = api_source(httpserver.url_for("/api/events"), pagination={"type": "cursor", "param": "cursor", "next": "next",
                                                                       "total": "total"})
    result, _ = read(source)
    assert [item.key for item in result.items] == ["1", "2"] and len(httpserver.log) == 1


def test_a_map_written_with_yaml_yes_no_keys_translates_a_records_true_and_false(httpserver: HTTPServer) -> None:
    # `map: {true: online, false: offline}` failed validation with "map.1: Input should be a valid string"
    # (YAML's true is a boolean), and {"true": …} missed the record's true (looked up as "True").
    import yaml

    httpserver.expect_request("/api/events").respond_with_json({"events": [
        {"id": 1, "title": "Webinar", "start": "2026-03-18T12:00:00Z", "online_event": True},
        {"id": 2, "title": "Meetup", "start": "2026-03-16T17:30:00Z", "online_event": False}]})
    mapping = yaml.safe_load("{path: online_event, map: {true: online, false: offline}}")
    result, _ = read(api_source(httpserver.url_for("/api/events"), fields={
        "key": "id", "title": "title", "start": "start", "attendance_mode": mapping}))
    assert [(item.title, item.attendance_mode) for item in result.items] == [("Webinar", "online"), ("Meetup", "offline")]


def test_occurrences_give_one_item_per_date_of_a_record(httpserver: HTTPServer) -> None:
    # OpenAgenda lists a workshop's sessions in timings[]: `start: timings[0].begin` published the first
    # session only, the others lost without a word. With `occurrences: timings` each session is an item.
    source = api_source(serve(httpserver, "openagenda_timings.json"), occurrences="timings",
                        fields={"key": "uid", "title": "title", "start": "timings[0].begin", "end": "timings[0].end"})
    result, _ = read(source)
    assert result.rejections == []
    assert [(item.key, item.start, item.end) for item in result.items] == [
        ("51234567#2026-03-11T14:00:00+01:00", "2026-03-11T14:00:00+01:00", "2026-03-11T16:00:00+01:00"),
        ("51234567#2026-03-18T14:00:00+01:00", "2026-03-18T14:00:00+01:00", "2026-03-18T16:00:00+01:00"),
        ("51234567#2026-04-01T14:00:00+02:00", "2026-04-01T14:00:00+02:00", "2026-04-01T16:00:00+02:00"),
        ("51234568", "2026-03-20T10:00:00+01:00", "2026-03-20T11:00:00+01:00"),  # one date: the record's own key
    ]
    assert result.source_records == 2  # two records of the API, four occurrences: `partners check` says both
    assert not any("unmapped" in w for w in result.warnings)


def test_a_start_reading_the_first_of_several_dates_says_the_others_are_not_published(httpserver: HTTPServer) -> None:
    result, _ = read(api_source(serve(httpserver, "openagenda_timings.json"),
                                fields={"key": "uid", "title": "title", "start": "timings[0].begin"}, ignore=["timings"]))
    assert [item.key for item in result.items] == ["51234567", "51234568"]
    assert ("timings[0].begin reads the first of several dates in 1 record(s): the others are not published; "
            "to publish each, set occurrences: timings") in result.warnings


def test_a_record_s_own_language_field_says_which_version_is_its_own(httpserver: HTTPServer) -> None:
    # A WPML-style API names each record's language beside a multilingual title: that version is the record's,
    # whatever the source's language, and the other is kept beside it.
    source = api_source(serve(httpserver, "record_language_and_multilingual_title.json"),
                        fields={"key": "id", "title": "title", "start": "start", "language": "lang"})
    result, _ = read(source)
    assert [(item.title, item.language, item.translations) for item in result.items] == [
        ("Robotica-atelier", "nl", {"fr": {"title": "Atelier de robotique"}}),
        ("Café numérique", "fr", {"nl": {"title": "Digitaal café"}})]
