"""JSON-LD pages: schema.org events and articles, however the page nests them."""
from __future__ import annotations

from datetime import date

from transforms.model import RawLocation


def test_event_fields(parse):
    result = parse("jsonld", "event_full.html")
    assert (result.error, result.warnings, result.rejections) == (None, [], [])
    [item] = result.items
    assert item.key == "https://hub.example.be/agenda/atelier-ia#event"  # @id first
    assert (item.kind, item.title) == ("event", "Atelier IA")
    assert item.description_html == "<p>Un atelier <em>pratique</em>.</p>"
    assert item.url == "https://hub.example.be/agenda/atelier-ia"
    assert (item.start, item.end, item.all_day) == ("2026-03-10T18:30:00+01:00", "2026-03-10T21:00", False)
    assert item.location == RawLocation(
        name="BeCentral", street="Cantersteen 12", postcode="1000", locality="Bruxelles", country="BE"
    )
    assert (item.attendance_mode, item.status) == ("OfflineEventAttendanceMode", "EventCancelled")
    assert (item.is_free, item.price, item.currency) == (True, None, None)
    assert item.registration_url == "https://tickets.example.be/atelier"
    assert item.image_url == "https://hub.example.be/img/atelier.jpg"
    assert item.language == "fr"
    assert item.categories == ["IA", "PME", "formation"]
    assert (item.published, item.updated) == (date(2026, 2, 1), "2026-02-15T10:00:00Z")
    assert '"name":"Atelier IA"' in item.excerpt


def test_graph_and_main_entity(parse):
    items = parse("jsonld", "graph.html").items
    assert [(i.kind, i.title) for i in items] == [("event", "Graph event"), ("news", "Headline only")]
    assert items[0].location == RawLocation(text="Tour & Taxis, Bruxelles")
    assert items[1].published == "2026-02-20T08:00:00+01:00"


def test_type_as_list_prefixed_name_or_iri(parse):
    items = parse("jsonld", "type_list.html").items
    assert [i.key for i in items] == ["e1", "e2", "e3"]  # the Organization is no record
    assert {i.kind for i in items} == {"event"}


def test_item_list(parse):
    result = parse("jsonld", "item_list.html")
    assert [i.title for i in result.items] == ["First listed", "Second listed"]
    assert result.rejections == []  # a ListItem that only links to a page is not a record


def test_hybrid_location(parse):
    [item] = parse("jsonld", "hybrid_location.html").items
    assert item.location == RawLocation(
        name="Bozar", text="Rue Ravenstein 23, 1000 Bruxelles", online_url="https://meet.example.com/conf"
    )
    assert item.attendance_mode == "MixedEventAttendanceMode"


def test_offers_list_gives_the_lowest_price(parse):
    [item] = parse("jsonld", "offers_list.html").items
    assert (item.is_free, item.price, item.currency) == (False, 15.0, "EUR")
    assert item.registration_url == "https://tickets.example.be/summit"


def test_bad_block_beside_a_good_one(parse):
    result = parse("jsonld", "bad_block.html")
    assert [i.key for i in result.items] == ["ok"]
    [warning] = result.warnings
    assert warning.startswith("JSON-LD block 1 of 2 is not valid JSON")
    assert result.error is None


def test_blocks_wrapped_in_comments_or_cdata(parse):
    result = parse("jsonld", "wrapped_blocks.html")
    assert [i.key for i in result.items] == ["comment", "cdata"]
    assert result.warnings == []


def test_date_only_values_are_all_day_dates(parse):
    [item] = parse("jsonld", "all_day_dates.html").items
    assert (item.start, item.end, item.all_day) == (date(2026, 3, 10), date(2026, 3, 12), True)
    assert item.is_free is True  # isAccessibleForFree


def test_articles(parse):
    news, post = parse("jsonld", "articles.html").items
    assert (news.kind, news.title, news.url) == ("news", "Budget numérique voté", "https://hub.example.be/news/budget")
    assert news.key == news.url  # no @id
    assert (news.published, news.updated) == ("2026-02-20T08:00:00+01:00", "2026-02-21T09:00:00+01:00")
    assert news.image_url == "https://hub.example.be/img/budget-1.jpg"
    assert news.categories == ["budget", "région"]
    assert (post.kind, post.title) == ("news", "Blog post")


def test_missing_name_and_start_are_rejected(parse):
    result = parse("jsonld", "missing_fields.html")
    no_name, no_start = result.rejections
    assert (no_name.reason, no_name.field, no_name.key) == ("missing_title", "name", "no-name")
    assert (no_start.reason, no_start.field, no_start.key) == ("missing_start", "startDate", "no-start")
    assert {r.stage for r in result.rejections} == {"parse"}
    [item] = result.items
    assert item.key.startswith("hash:")
    assert parse("jsonld", "missing_fields.html").items[0].key == item.key  # stable across runs


def test_duplicate_id_keeps_the_first(parse):
    result = parse("jsonld", "duplicate_id.html")
    assert [i.title for i in result.items] == ["First"]
    assert [(r.reason, r.key) for r in result.rejections] == [("duplicate_key", "#event")]


def test_page_without_json_ld_is_a_warning_not_an_error(parse):
    result = parse("jsonld", "no_jsonld.html")
    assert (result.items, result.error) == ([], None)
    assert result.warnings and "no JSON-LD" in result.warnings[0]


def test_meta_charset_is_honoured(parse):
    [item] = parse("jsonld", "latin1_meta_charset.html").items
    assert item.title == "Soirée à Ixelles"


def test_http_charset_wins_over_the_meta_tag(parse_bytes):
    body = '<html><head><meta charset="utf-8"><script type="application/ld+json">{"@type": "Event", "@id": "x", "name": "Café", "startDate": "2026-04-01"}</script></head></html>'
    [item] = parse_bytes("jsonld", body.encode("cp1252"), content_type="text/html; charset=windows-1252").items
    assert item.title == "Café"


def test_invalid_utf8_without_charset_is_read_as_windows1252_with_a_warning(parse_bytes):
    body = b'<html><head><script type="application/ld+json">{"@type": "Event", "@id": "x", "name": "Caf\xe9", "startDate": "2026-04-01"}</script></head></html>'
    result = parse_bytes("jsonld", body)
    assert [i.title for i in result.items] == ["Café"]  # the stray byte read as Windows-1252, not as U+FFFD
    assert any("not valid UTF-8" in w for w in result.warnings)
