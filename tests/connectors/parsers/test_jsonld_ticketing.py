"""JSON-LD as ticketing sites (Weezevent, Billetweb, Luma, Humanitix) and older CMS templates (RDFa) write it."""
from __future__ import annotations

from datetime import UTC, date, datetime


def test_an_event_without_url_links_to_the_page_that_describes_it(normalised):
    # Billetweb gives no url: the page read is the event's page, not the partner's home page.
    _, items, _ = normalised("jsonld", "billetweb_sold_out.html", content="event",
                             base_url="https://www.billetweb.fr/atelier-cybersecurite-independants")
    [billetweb] = items.values()
    assert billetweb.url == "https://www.billetweb.fr/atelier-cybersecurite-independants"
    # Luma gives none either, but names the page's address in og:url (the page may be read through a redirect).
    _, items, _ = normalised("jsonld", "luma_event.html", content="event", base_url="https://lu.ma/e/evt-Xy12")
    [luma] = items.values()
    assert luma.url == "https://lu.ma/ai-builders-bxl-12"
    assert (luma.start_utc, luma.venue, luma.country) == (datetime(2027, 3, 10, 17, 30, tzinfo=UTC), "Co.Station Brussels", "BE")


def test_the_page_link_does_not_become_the_key_of_the_events_it_lists(normalised):
    _, items, _ = normalised("jsonld", "luma_online_event.html", content="event")
    [(key, event)] = items.items()
    assert key.startswith("hash:") and event.url == "https://hub.example.be/agenda/"
    assert (event.attendance_mode, event.online_url) == ("online", "https://lu.ma/open-data-office-hours")


def test_a_sold_out_rate_gives_no_price_while_another_can_be_bought(normalised):
    # Weezevent: the early bird at 10 € is sold out, the full rate at 15 € is on sale.
    result, items, _ = normalised("jsonld", "weezevent_event.html", content="event")
    [event] = items.values()
    assert (event.is_free, event.price, event.currency) == (False, 15.0, "EUR")
    assert result.warnings == []


def test_an_event_sold_out_is_published_and_named_in_a_warning(normalised):
    # Billetweb's "Complet": every offer SoldOut. The event still takes place: published, said in a warning.
    result, items, rejections = normalised("jsonld", "billetweb_sold_out.html", content="event")
    [event] = items.values()
    assert rejections == [] and event.status == "scheduled" and event.is_free is True
    assert event.registration_url == "https://www.billetweb.fr/atelier-cybersecurite-independants"
    [warning] = result.warnings
    assert "1 event(s) sold out" in warning and "'Atelier cybersécurité pour indépendants'" in warning


def test_an_item_list_element_gives_its_url_to_the_event_it_wraps(normalised):
    _, items, rejections = normalised("jsonld", "item_list_nested_events.html", content="event")
    assert rejections == []
    repair = next(item for item in items.values() if item.title.get("fr") == "Repair café: laptops")
    assert repair.source_key == repair.url == "https://digitaalhuis.example.be/agenda/repair-cafe-laptops"
    assert (repair.all_day, repair.start_date) == (True, date(2027, 3, 6))
    python = items["https://digitaalhuis.example.be/agenda/python-voor-beginners#event"]
    assert python.url == "https://digitaalhuis.example.be/agenda/python-voor-beginners"


def test_events_marked_up_in_rdfa_are_read_with_stable_keys_and_their_time_datetime(normalised):
    result, items, rejections = normalised("jsonld", "rdfa_events.html", content="event")
    assert rejections == [] and result.warnings == []
    # a blank node's id (_:N…) changes at each reading: the url keys the event instead
    assert set(items) == {"https://hub.example.be/agenda/#atelier-ia", "https://hub.example.be/agenda/cafe-numerique"}
    atelier = items["https://hub.example.be/agenda/#atelier-ia"]
    assert (atelier.start_utc, atelier.end_utc) == (datetime(2027, 3, 9, 13, tzinfo=UTC), datetime(2027, 3, 9, 16, tzinfo=UTC))
    assert (atelier.venue, atelier.url) == ("Maison du numérique", "https://hub.example.be/agenda/atelier-ia-associations")
    cafe = items["https://hub.example.be/agenda/cafe-numerique"]
    assert (cafe.all_day, cafe.start_date, cafe.venue) == (True, date(2027, 3, 12), "Bibliothèque de Schaerbeek")


def test_rdfa_read_twice_gives_the_same_keys(parse):
    first, second = parse("jsonld", "rdfa_events.html"), parse("jsonld", "rdfa_events.html")
    assert sorted(item.key for item in first.items) == sorted(item.key for item in second.items)


def test_a_job_posting_or_a_course_without_sessions_says_why_nothing_is_published(parse):
    job = parse("jsonld", "job_posting.html")
    assert job.items == [] and job.error is None
    [warning] = job.warnings
    assert "(they describe: JobPosting)" in warning and "job offer" in warning
    [warning] = parse("jsonld", "course_without_instances.html").warnings
    assert "(they describe: Course)" in warning and "hasCourseInstance" in warning


def test_a_next_js_page_with_its_data_only_in_next_data_says_where_it_is_and_why_not_to_rely_on_it(parse):
    result = parse("jsonld", "next_data_only.html", base_url="https://digitalweek.example.brussels/agenda")
    assert result.items == [] and result.error is None
    [warning] = result.warnings
    assert '<script id="__NEXT_DATA__"> (a Next.js site: pageProps holds events)' in warning
    assert "https://digitalweek.example.brussels/_next/data/k3Jd9xQ2tV/fr/agenda.json (kind json_api" in warning
    assert "changes with each deployment" in warning


def test_an_end_giving_the_start_s_day_alone_is_no_end(normalised):
    # Ticketmaster: "startDate": "2027-05-21T20:00:00+02:00", "endDate": "2027-05-21" — read as the end of that
    # day, the concert lasted until 23:59:59.
    result, items, _ = normalised("jsonld", "ticketmaster_offers_performers.html", content="event")
    [concert] = items.values()
    assert (concert.start_utc, concert.end_utc) == (datetime(2027, 5, 21, 18, tzinfo=UTC), None)
    # several offers, one sold out (VIP): the lowest on sale, no sold-out warning; the new date is rescheduled
    assert (concert.price, concert.currency, concert.status) == (28.0, "EUR", "rescheduled")
    assert result.warnings == []


def test_out_of_stock_offers_are_not_on_sale_either(normalised_bytes):
    page = (b'<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event", '
            b'"@id": "e", "name": "Atelier", "startDate": "2027-03-03T19:00", "offers": [{"price": 10, "availability": '
            b'"https://schema.org/OutOfStock"}, {"price": 12, "priceCurrency": "EUR", "availability": "InStock"}]}'
            b'</script></head></html>')
    result, items, _ = normalised_bytes("jsonld", page, content="event")
    assert (items["e"].price, result.warnings) == (12.0, [])
    result, _, _ = normalised_bytes("jsonld", page.replace(b'"InStock"', b'"SoldOut"'), content="event")
    assert "1 event(s) sold out (every offer's availability is SoldOut or OutOfStock" in result.warnings[0]
