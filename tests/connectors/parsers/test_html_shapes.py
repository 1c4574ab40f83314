"""html listings of shapes nobody had seen, served over HTTP on 127.0.0.1 and read as a run reads them.

Each case is one fixture under fixtures/html/: the items that come out, their dates and links, and
the message a partner would read when they do not.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.crawl import crawl_job, fetch_everything_sync
from connectors.http import HttpSettings
from connectors.parsers import ParseResult, parse_pages
from connectors.registry import HtmlSource

FIXTURES = Path(__file__).parent / "fixtures" / "html"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
FAST = HttpSettings(retries=0, backoff_s=0.01, deadline_s=5.0, respect_robots=False)
BRUSSELS = ZoneInfo("Europe/Brussels")


def html_source(url: str, **extra: Any) -> HtmlSource:
    config = {"id": "agenda", "kind": "html", "url": url, "content": "event", "language": "fr", "items": ".card",
              "fields": {"title": "h3", "url": {"css": "h3 a", "attr": "href"}, "start": "time"}}
    return HtmlSource.model_validate({**config, **extra})


def serve(server: HTTPServer, name: str, path: str = "/fr/agenda") -> str:
    server.expect_request(path).respond_with_data((FIXTURES / name).read_bytes(), content_type="text/html; charset=utf-8")
    return server.url_for(path)


def read(source: HtmlSource, now: datetime = NOW) -> tuple[ParseResult, list[str]]:
    """Crawl the source over HTTP, then parse its pages: (parse result, the crawl's warnings)."""
    _, [crawl] = fetch_everything_sync([], [crawl_job("lab", source, now=now, force=True)], FAST)
    assert crawl.outcome == "fetched", crawl.error
    return parse_pages(source, crawl.pages, partner_id="lab", now=now), crawl.warnings


def test_time_datetime_attributes_keep_their_hour_and_their_offset(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "time_datetime_attributes.html")
    result, _ = read(html_source(url, fields={"title": "h3", "url": {"css": "h3 a", "attr": "href"},
                                               "start": {"css": "time", "attr": "datetime"}}))
    starts = {item.title: item.start for item in result.items}
    assert starts["Atelier IA"] == datetime(2026, 3, 12, 14, 0)  # naive: the source's zone applies later
    assert starts["Meetup"] == datetime(2026, 3, 12, 18, 30, tzinfo=BRUSSELS)
    assert starts["Webinaire"] == datetime(2026, 3, 12, 9, 0, tzinfo=timezone.utc)  # 10:00 in Brussels, not 09:00
    assert starts["Journée portes ouvertes"] == date(2026, 3, 14)


def test_today_and_tomorrow_count_from_the_run_day_with_their_hours(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "relative_days.html")
    result, _ = read(html_source(url, items="li.card", fields={"title": "a", "url": {"css": "a", "attr": "href"},
                                                               "start": ".when"}))
    assert [(item.title, item.start, item.end) for item in result.items] == [
        ("Café numérique", datetime(2026, 3, 1, 18, 0), None),
        ("Atelier Python", datetime(2026, 3, 2, 10, 0), None),  # dateparser said 22:00
        ("Repair café", datetime(2026, 3, 3, 14, 0), datetime(2026, 3, 3, 17, 0)),
        ("Hackathon", date(2026, 3, 2), None),
    ]


def test_relative_days_count_from_the_day_it_is_in_brussels_not_in_utc(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "relative_days.html")
    source = html_source(url, items="li.card", fields={"title": "a", "url": {"css": "a", "attr": "href"}, "start": ".when"})
    # 23:30 UTC on 1 March is already 00:30 on 2 March in Brussels: "demain" is 3 March there.
    result, _ = read(source, now=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    assert {item.title: item.start for item in result.items}["Atelier Python"] == datetime(2026, 3, 3, 10, 0)


def test_a_link_field_without_attr_reads_the_link_of_the_element_not_its_words(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "link_words.html")
    # What a new user writes first: a selector for the link, and one for its heading.
    result, _ = read(html_source(url, fields={"title": "h3", "url": "h3 a", "start": "p.date", "image_url": "img",
                                              "registration_url": "h3"}))
    base = url.rsplit("/", 2)[0]
    assert [item.url for item in result.items] == [
        f"{base}/fr/evenement/atelier-ia", f"{base}/fr/evenement/hackathon", "https://partenaire.example/meetup?utm_source=agenda"]
    assert [item.key for item in result.items] == [item.url for item in result.items]
    assert result.items[0].image_url == f"{base}/img/atelier.jpg"
    assert result.items[0].registration_url == result.items[0].url  # the heading's link
    # The dates on two lines (<br>) read as one text: the hours, the range and the Dutch words.
    assert [(item.start, item.end) for item in result.items] == [
        (datetime(2026, 3, 12, 14, 0), datetime(2026, 3, 12, 16, 30)),
        (date(2026, 3, 20), date(2026, 3, 22)),
        (datetime(2026, 3, 19, 18, 0), datetime(2026, 3, 19, 20, 30)),
    ]


def test_cards_without_a_link_keep_their_identity_when_a_card_is_added_above_them(httpserver: HTTPServer) -> None:
    listing = (FIXTURES / "cards_without_links.html").read_text(encoding="utf-8")
    added = '<li class="card"><h3>Café seniors</h3><time>05/03/2026 15:00</time><p>Espace public numérique</p></li>'
    httpserver.expect_request("/before").respond_with_data(listing, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/after").respond_with_data(listing.replace('<ul class="agenda">', f'<ul class="agenda">{added}'),
                                                          content_type="text/html; charset=utf-8")
    # The link is mapped, but these cards have none (a listing whose events have no page of their own).
    fields = {"title": "h3", "url": {"css": "a", "attr": "href"}, "start": {"css": "time", "format": "%d/%m/%Y %H:%M"},
              "place": "p"}
    before, _ = read(html_source(httpserver.url_for("/before"), fields=fields))
    after, _ = read(html_source(httpserver.url_for("/after"), fields=fields))
    keys = {(item.title, item.start): item.key for item in before.items}
    assert len(set(keys.values())) == 3  # the same title on two days: two items
    assert {(item.title, item.start): item.key for item in after.items[1:]} == keys


def test_a_next_link_that_never_ends_stops_when_a_page_repeats_the_items_of_an_earlier_one(httpserver: HTTPServer) -> None:
    template = (FIXTURES / "endless_next_link.html").read_text(encoding="utf-8")

    def page(request: Request) -> Response:  # every page shows the same items, and a link to the next number
        number = int(request.args.get("page", "1"))
        body = template.replace("{page}", str(number)).replace("{next}", str(number + 1))
        return Response(body, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/nl/activiteiten").respond_with_handler(page)
    source = html_source(httpserver.url_for("/nl/activiteiten"), language="nl",
                         fields={"title": "h3", "url": "h3 a", "start": "time"}, pagination={"next": "a.volgende"})
    result, crawl_warnings = read(source)
    assert [item.title for item in result.items] == ["Repair café", "Codeclub"] and result.rejections == []  # were 38 duplicates
    assert len(httpserver.log) == 2
    assert any("listing page 2" in w and "holds the very records of page 1" in w for w in result.warnings)
    assert not any("max_pages" in w for w in crawl_warnings)


def test_short_day_month_dates_of_a_listing_card_are_read_with_their_hours(httpserver: HTTPServer) -> None:
    # "vr 13/03 · 19u00": a weekday, day/month without a year, a middle dot before the hour; it was not a date.
    url = serve(httpserver, "short_day_month_dates.html", path="/nl/agenda")
    result, _ = read(html_source(url, language="nl", fields={"title": "h3", "url": "h3 a", "start": ".when"}))
    assert result.rejections == []
    assert [(item.title, item.start, item.end) for item in result.items] == [
        ("FabLab open avond", datetime(2026, 3, 13, 19, 0), None),
        ("Repair café", datetime(2026, 3, 14, 10, 0), datetime(2026, 3, 14, 13, 0)),
        ("Codeclub", date(2026, 3, 18), None),
        ("Kerstmarkt digitaal", datetime(2026, 12, 10, 17, 0), None),  # the year it falls in from the run's day on
    ]
    assert not any("weekday" in warning for warning in result.warnings)


def test_detail_pages_json_ld_fills_the_cards_a_listing_only_links(httpserver: HTTPServer) -> None:
    # The listing's JSON-LD is an ItemList of URLs and its cards hold only links ("En savoir plus"): the
    # jsonld kind found no event on it, and an html source could not read the detail pages' JSON-LD.
    folder = FIXTURES / "jsonld_details"
    for name in ("atelier-ia", "appel-inclusion", "visite"):
        httpserver.expect_request(f"/fr/agenda/{name}").respond_with_data(
            (folder / f"{name}.html").read_bytes(), content_type="text/html; charset=utf-8")
    httpserver.expect_request("/fr/agenda").respond_with_data(
        (folder / "listing.html").read_bytes(), content_type="text/html; charset=utf-8")
    source = html_source(httpserver.url_for("/fr/agenda"), content="mixed", items="li.event",
                         fields={"url": "a", "image_url": {"css": "img", "attr": "data-src"}},
                         detail={"jsonld": True, "fields": {"title": "h1", "start": ".quand"}})
    result, _ = read(source)
    assert result.rejections == []
    by_title = {item.title: item for item in result.items}
    atelier = by_title["Atelier IA générative pour PME"]  # the page's own h1 is the same; the selectors win
    assert (atelier.kind, atelier.start, atelier.end) == (
        "event", datetime(2026, 3, 17, 8, 30, tzinfo=timezone.utc), datetime(2026, 3, 17, 11, 30, tzinfo=timezone.utc))
    assert "Un atelier &lt;strong&gt;pratique" in atelier.description_html  # escaped once too often: the normaliser unescapes
    assert (atelier.location.name, atelier.location.street, atelier.is_free) == ("BeCentral", "Cantersteen 10", True)
    assert atelier.registration_url == "https://hub.example.be/fr/inscription/atelier-ia"
    assert atelier.image_url == httpserver.url_for("/img/ia.jpg")  # the listing's lazy image
    call = by_title["Appel à projets Inclusion numérique"]
    assert (call.kind, call.start, call.deadline) == ("call", date(2026, 2, 15), date(2026, 4, 30))
    visite = by_title["Visite du FabLab"]  # no JSON-LD: what the selectors read, and a word about it
    assert visite.start == datetime(2026, 3, 19, 16, 0)
    assert any(w.startswith("1 detail page(s) hold no schema.org Event") for w in result.warnings)


def test_a_lazy_image_is_read_from_where_the_lazy_loader_keeps_it(httpserver: HTTPServer) -> None:
    # `image_url: img` read the data: placeholder of src (then dropped as no web address), or nothing
    # when only data-src was set: every card of a lazy-loading WordPress theme lost its picture.
    url = serve(httpserver, "lazy_images.html", path="/fr/agenda/")
    result, _ = read(html_source(url, items="article.card", fields={"title": "h3", "url": "h3 a", "start": "time",
                                                                    "image_url": "img"}))
    base = httpserver.url_for("")
    assert {item.title: item.image_url for item in result.items} == {
        "Festival numérique": f"{base}wp-content/uploads/2026/02/festival.jpg",
        "FabLab open night": f"{base}fr/agenda/fablab.jpg",
        "Meetup": f"{base}img/meetup-300.jpg",
        "Atelier": f"{base}img/atelier.jpg",  # a real src wins
    }


def test_a_year_less_date_takes_the_year_its_weekday_names(httpserver: HTTPServer) -> None:
    # Read on 30 November 2026, a listing still showing "za 14/03" means Saturday 14 March 2026, which is past:
    # read in 2027 (a Sunday) it became a phantom event next spring, with only a weekday warning.
    url = serve(httpserver, "past_weekday_dates.html", path="/nl/activiteiten")
    source = html_source(url, language="nl", fields={"title": "h3", "url": "h3 a", "start": ".when"})
    result, _ = read(source, now=datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc))
    assert [(item.title, item.start) for item in result.items] == [
        ("Repair café", datetime(2026, 3, 14, 10, 0)),
        ("Codeclub", datetime(2026, 3, 18, 14, 30)),
        ("Kerstmarkt digitaal", date(2026, 12, 12)),
        ("Nieuwjaarsdrink", datetime(2027, 1, 8, 18, 0)),
    ]
    assert not any("weekday" in warning for warning in result.warnings)


def test_a_deadline_at_noon_closes_at_noon_not_at_the_end_of_the_day(httpserver: HTTPServer) -> None:
    # "à midi", "om middag": read as the day alone, the call closed at 23:59:59, twelve hours late.
    from transforms.normalise import SourceContext, normalise_all

    url = serve(httpserver, "deadline_at_noon.html", path="/fr/appels")
    source = html_source(url, content="call", fields={"title": "h3", "url": "h3 a", "deadline": ".limite",
                                                       "summary": ".texte"})
    result, _ = read(source)
    context = SourceContext(partner_id="lab", source_id="agenda", content="call", language="fr",
                            fallback_url="https://fonds.example.be/")
    items, rejections = normalise_all(result.items, context, now=NOW)
    assert result.rejections == rejections == []
    assert [(item.source_key.rsplit("/", 1)[-1], item.deadline_utc) for item in items] == [
        ("inclusion", datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc)),
        ("data", datetime(2026, 4, 20, 10, 0, tzinfo=timezone.utc)),
        ("bridge", datetime(2026, 4, 30, 10, 0, tzinfo=timezone.utc)),  # read in the text
    ]


def dates_of_cards(server: HTTPServer, name: str, path: str, items: str, **extra: Any) -> list[tuple[Any, ...]]:
    """(title, start, end) of each card of a listing whose `.when` holds its dates; every card read."""
    url = serve(server, name, path=path)
    result, _ = read(html_source(url, items=items, fields={"title": "h3", "url": "h3 a", "start": ".when"}, **extra))
    assert result.rejections == []
    return [(item.title, item.start, item.end) for item in result.items]


def test_a_range_of_two_numeric_dates_keeps_its_end(httpserver: HTTPServer) -> None:
    # "du 12/03/2026 au 14/03/2026" was the 12th alone; "16.03.2026 – 18.03.2026" the 16th at 14:03 (the
    # second date read as an hour); "van 23/03 tot 27/03/2026" the 27th alone.
    assert dates_of_cards(httpserver, "numeric_ranges.html", "/fr/formations", "li.card") == [
        ("Python intensif", date(2026, 3, 12), date(2026, 3, 14)),
        ("UX design", date(2026, 3, 16), date(2026, 3, 18)),
        ("Cloud bootcamp", date(2026, 3, 23), date(2026, 3, 27)),
        ("Data day", datetime(2026, 3, 30, 9, 0), datetime(2026, 3, 31, 17, 0)),
        ("Excel", date(2026, 4, 1), date(2026, 4, 3)),
    ]


def test_english_month_first_ranges_keep_their_end(httpserver: HTTPServer) -> None:
    # "March 12 – 14, 2026" was the 12th alone (dateparser reads one date).
    assert dates_of_cards(httpserver, "english_month_first_ranges.html", "/en/events", "div.card", language="en") == [
        ("Brussels AI Week", date(2026, 3, 12), date(2026, 3, 14)),
        ("GovTech Hackathon", date(2026, 3, 30), date(2026, 4, 2)),
        ("Data Summit", date(2026, 5, 5), date(2026, 5, 6)),
        ("Meetup", datetime(2026, 3, 19, 18, 30), None),
    ]


def test_a_detail_page_s_json_ld_in_several_languages_fills_each_language(httpserver: HTTPServer) -> None:
    # The card links to a page whose JSON-LD names the event in French, Dutch and English: the French alone was kept.
    detail = Path(__file__).parent / "fixtures" / "jsonld" / "language_tagged_names.html"
    httpserver.expect_request("/events/atelier-ia-generative").respond_with_data(
        detail.read_bytes(), content_type="text/html; charset=utf-8")
    source = html_source(serve(httpserver, "multilingual_detail_listing.html", path="/fr/agenda"), items="article.event-card",
                         fields={"url": "h3 a"}, detail={"jsonld": True})
    result, _ = read(source)
    assert result.rejections == []
    [item] = result.items
    assert (item.title, item.language) == ("Atelier IA générative pour PME", "fr")
    assert item.translations == {
        "nl": {"title": "Workshop generatieve AI voor kmo's",
               "description_html": "Een praktische workshop voor Brusselse kleine ondernemingen."},
        "en": {"title": "Generative AI workshop for SMEs",
               "description_html": "A hands-on workshop for small Brussels businesses."}}


def test_a_range_whose_start_has_no_year_takes_the_end_s(httpserver: HTTPServer) -> None:
    # "12/03 → 14/03 2027" read on 1 March 2026 was 12–14 March 2026: the year after a space was not read;
    # "de 9h à 17h" after a range made its end 9:00 and left its start without hours.
    assert dates_of_cards(httpserver, "numeric_ranges_year_at_the_end.html", "/agenda/", "article.card") == [
        ("Hackathon open data", date(2027, 3, 12), date(2027, 3, 14)),
        ("Bootcamp cloud", date(2027, 3, 19), date(2027, 3, 21)),
        ("Formation RGPD", datetime(2027, 4, 2, 9, 0), datetime(2027, 4, 4, 17, 0)),
        ("Digital week", date(2026, 3, 23), date(2026, 3, 27)),  # no year anywhere: the run's year, as before
    ]
