"""Normalisation extras: language per field, deadlines from the text, price and registration."""
from __future__ import annotations

from datetime import date, datetime, timezone

from transforms.deadlines import deadline_in_text
from transforms.model import Item, RawItem
from transforms.normalise import SourceContext, normalise
from transforms.prices import price_in_text, registration_link, registration_required_in_text

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 1)


def test_deadlines_in_french_dutch_and_english() -> None:
    assert deadline_in_text("Date limite : 15 février 2027 à 17h", reference=TODAY) == datetime(2027, 2, 15, 17, 0)
    assert deadline_in_text("Uiterste indieningsdatum: 3 maart 2027", reference=TODAY) == date(2027, 3, 3)
    assert deadline_in_text("Applications close on March 5, 2027 at 5 pm", reference=TODAY) == datetime(2027, 3, 5, 17, 0)
    assert deadline_in_text("Dossiers à indienen vóór 12/01/2027 om 12 uur", reference=TODAY) == datetime(2027, 1, 12, 12, 0)
    assert deadline_in_text("Clôture le 1er mars", reference=TODAY) == date(2027, 3, 1)  # the nearest 1 March
    assert deadline_in_text("Rendez-vous le 15 février 2027", reference=TODAY) is None  # a date, but no deadline


def test_a_date_a_deadline_word_leads_to_through_an_opening_label_is_no_deadline() -> None:
    assert deadline_in_text("Open for submission. Opening date: 4 January 2027", reference=TODAY) is None
    assert deadline_in_text("Submission from 12 January 2027 until 4 March 2027", reference=TODAY) == date(2027, 3, 4)
    assert deadline_in_text("Indienen vanaf 5 januari 2027, uiterste datum 3 maart 2027", reference=TODAY) == date(2027, 3, 3)


def test_of_a_list_of_cut_off_dates_the_next_one_is_the_deadline() -> None:
    assert deadline_in_text("Cut-off dates: 4 November 2026, 6 January 2027 and 3 March 2027 at 17:00",
                            reference=TODAY) == date(2027, 1, 6)
    assert deadline_in_text("Dates butoir : 12/11/2026 ; 14/01/2027", reference=TODAY) == date(2027, 1, 14)


def test_a_call_gets_its_deadline_and_opening_from_the_text_in_brussels_time() -> None:
    ctx = SourceContext("p", "calls", "call", "fr")
    raw = RawItem("p", "calls", "k", title="Appel à projets 2027", url="https://p.example/a",
                  description_html="<p>Date d'ouverture : 5 janvier 2027. Date limite : 15 février 2027 à 17h.</p>")
    item = normalise(raw, ctx, now=NOW)
    assert isinstance(item, Item)
    assert item.deadline_utc == datetime(2027, 2, 15, 16, 0, tzinfo=timezone.utc)
    assert item.deadline_from == "text"
    assert item.start_utc == datetime(2027, 1, 4, 23, 0, tzinfo=timezone.utc)  # 5 January, 00:00 in Brussels


def test_language_is_detected_per_field_when_the_record_does_not_say() -> None:
    ctx = SourceContext("p", "agenda", "event", "fr")
    raw = RawItem("p", "agenda", "k", title="Workshop: aan de slag met generatieve AI in je kmo", start="2027-01-10T10:00:00",
                  description_html="Praktische sessie over taalmodellen en chatbots voor ondernemers die tijd willen winnen.")
    item = normalise(raw, ctx, now=NOW)
    assert set(item.title) == {"nl"} and set(item.summary) == {"nl"} and item.languages == ["nl"]


def test_short_texts_and_declared_languages_keep_what_the_source_says() -> None:
    ctx = SourceContext("p", "agenda", "event", "nl")
    short = normalise(RawItem("p", "agenda", "k", title="Data Summit", start="2027-01-10T10:00:00"), ctx, now=NOW)
    assert set(short.title) == {"nl"}
    declared = normalise(RawItem("p", "agenda", "k2", title="The conference on open data and public services",
                                 language="fr-BE", start="2027-01-10T10:00:00"), ctx, now=NOW)
    assert set(declared.title) == {"fr"}


def test_free_paid_amount_and_registration_are_kept_apart() -> None:
    assert price_in_text("Entrée libre") == (True, 0.0, None)
    assert price_in_text("Tarif : 25 € par personne") == (False, 25.0, "EUR")
    assert price_in_text("Feel free to bring a friend") == (None, None, None)
    assert registration_required_in_text("Gratis, maar inschrijving verplicht") is True
    assert registration_link('<p><a href="https://p.example/info">Info</a> <a href="https://t.example/r">Inschrijven</a></p>') == "https://t.example/r"


def test_an_event_reads_free_and_required_registration_from_its_text() -> None:
    ctx = SourceContext("p", "agenda", "event", "fr")
    raw = RawItem("p", "agenda", "k", title="Atelier découverte", start="2027-01-10T10:00:00", url="https://p.example/e",
                  description_html='<p>Gratuit, inscription obligatoire : <a href="https://t.example/x">s\'inscrire</a></p>')
    item = normalise(raw, ctx, now=NOW)
    assert (item.is_free, item.registration_required, item.registration_url) == (True, True, "https://t.example/x")


def test_a_malformed_marked_section_does_not_stop_the_search_for_a_registration_link() -> None:
    # Python 3.11's HTML parser raised AssertionError at "<![0" (hypothesis found it); the links before it count.
    text = "<a href='https://x.be/inscription'>S'inscrire</a> <![0 <a href='https://x.be/b'>Billets</a>"
    assert registration_link(text) == "https://x.be/inscription"
    assert registration_link("<![0<a href='https://x.be/r'>S'inscrire</a>") is None  # nothing readable after it


def test_a_heading_that_repeats_the_title_is_no_part_of_the_text_but_another_heading_is() -> None:
    ctx = SourceContext("p", "blog", "news", "en")
    repeated = normalise(RawItem("p", "blog", "k", title="Open data week", url="https://p.example/a",
                                 description_html="<h3>Open data week</h3><p>Five days of workshops.</p>"), ctx, now=NOW)
    other = normalise(RawItem("p", "blog", "k", title="Open data week", url="https://p.example/a",
                              description_html="<h3>Programme</h3><p>Five days of workshops.</p>"), ctx, now=NOW)
    assert isinstance(repeated, Item) and isinstance(other, Item)
    assert repeated.summary == {"en": "Five days of workshops."}
    assert repeated.description == {"en": "<p>Five days of workshops.</p>"}
    assert other.summary == {"en": "Programme Five days of workshops."}


def test_a_call_opens_on_the_opening_date_its_text_gives_not_on_another_date() -> None:
    from transforms.deadlines import opening_in_text
    assert opening_in_text("Ouverture : jeudi 12 mars 2026 à 14h", reference=TODAY) == datetime(2026, 3, 12, 14, 0)
    assert opening_in_text("Openingsdatum: 5 januari 2027", reference=TODAY) == date(2027, 1, 5)
    assert opening_in_text("Opening … deadline: 5 January 2027", reference=TODAY) is None
