"""Prices, registration and registration links read from texts: the same answers as the regular
expressions and the HTML parser they replaced, on hand-picked and generated texts."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from transforms.prices import (
    FREE_PHRASES, PAID_PHRASES, REGISTRATION_REQUIRED_PHRASES, parsed_links, plain_links, price_in_text,
    registration_link, registration_required_in_text, says,
)
from transforms.text import fold, sanitise_html

# The expressions the phrase lists replaced, kept as the reference.
OLD_FREE = re.compile(
    r"(?<!\w)(gratuit|gratuite|gratuits|gratuites|entree libre|acces libre|gratis|vrije toegang|vrij toegankelijk"
    r"|free of charge|free entrance|free admission|free event|free entry|free registration|free of cost"
    r"|admission is free|entrance is free|participation is free|is free|participation gratuite|kosteloos)(?!\w)"
)
OLD_PAID = re.compile(r"(?<!\w)(payant|payante|betalend|betalende|tarif|tarifs|inkom|entrance fee|admission fee|ticket price|prix d'entree)(?!\w)")
OLD_AMOUNT = re.compile(r"(?:€|eur|euro)\s?(\d{1,5}(?:[.,]\d{1,2})?)(?!\d)|(?<![\d.,])(\d{1,5}(?:[.,]\d{1,2})?)\s?(?:€|eur(?:o|os)?)(?!\w)")
OLD_REQUIRED = re.compile(
    r"(?<!\w)(inscription obligatoire|inscription requise|inscription indispensable|sur inscription|inscription prealable"
    r"|inschrijving verplicht|inschrijven verplicht|aanmelden verplicht|registratie verplicht|verplichte inschrijving"
    r"|registration required|registration is required|registration is mandatory|mandatory registration|pre-registration"
    r"|booking required|registration needed|places limitees|beperkte plaatsen|limited places|limited seats)(?!\w)"
)


def old_price(text: str) -> tuple[bool | None, float | None, str | None]:
    folded = fold(text)
    if OLD_FREE.search(folded):
        return True, 0.0, None
    amount = OLD_AMOUNT.search(folded)
    if amount:
        value = float((amount.group(1) or amount.group(2)).replace(",", "."))
        return value == 0, value, "EUR"
    if OLD_PAID.search(folded):
        return False, None, None
    return None, None, None


def old_required(text: str) -> bool | None:
    return True if OLD_REQUIRED.search(fold(text)) else None


PIECES = [*FREE_PHRASES, *PAID_PHRASES, *REGISTRATION_REQUIRED_PHRASES, "€", "EUR", "euros", "Eur", "12", "3,50",
          "123456", "7.5", ".", ",", " ", "-", "_", "x", "É", "ENTRÉE LIBRE", "Gratuit", "s", "1", "0", "\n", "é"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=14).map("".join)


@settings(max_examples=600, deadline=None)
@given(texts)
def test_price_and_registration_are_read_as_the_regular_expressions_read_them(text: str) -> None:
    assert price_in_text(text) == old_price(text)
    assert registration_required_in_text(text) == old_required(text)


def test_phrases_count_only_as_whole_words() -> None:
    assert says("entree libre des 18h", FREE_PHRASES)
    assert not says("gratuitement", FREE_PHRASES)
    assert not says("sgratuit", FREE_PHRASES)
    assert says("x gratuit_ gratuit.", FREE_PHRASES)  # the second one stands alone
    assert not says("tarif_reduit", PAID_PHRASES)


def test_amounts_prices_and_free_mentions() -> None:
    assert price_in_text("Entrée : 15 €") == (False, 15.0, "EUR")
    assert price_in_text("Prix EUR 12,50 par personne") == (False, 12.5, "EUR")
    assert price_in_text("Inkom gratis") == (True, 0.0, None)
    assert price_in_text("Participation payante") == (False, None, None)
    assert price_in_text("Numéro 1234567 € de budget") == (None, None, None)  # not an entry price: too many digits
    assert price_in_text("0 euro") == (True, 0.0, "EUR")
    assert price_in_text("rien à signaler") == (None, None, None)
    assert registration_required_in_text("Inscription OBLIGATOIRE") is True
    assert registration_required_in_text("Inscriptions ouvertes") is None


LINKS = [
    '<p>Voir <a href="https://x.example/inscription" rel="noopener noreferrer nofollow">S&#39;inscrire</a></p>',
    '<a href="https://x.example/info">Info</a> <a href="https://x.example/r?a=1&amp;b=2">Register here</a>',
    '<a href="">Register</a><a href="mailto:a@b.example">Inschrijven</a><a href="http://y.example/t">Tickets</a>',
    '<A HREF="https://x.example/up">Sign up</A>',
    '<a href="https://x.example/a"><b>Register</b></a>',
    '<a href="https://x.example/a" href="https://x.example/b">Register</a>',
    '<!-- <a href="https://x.example/c">Register</a> --><a href="https://x.example/d">Billetterie</a>',
    '<img alt=\'<a href="https://x.example/e">Register</a>\'>',
    '<script>var s = \'<a href="https://x.example/f">Register</a>\';</script>',
    '<a href="https://x.example/g">Register',
    '<a\thref="https://x.example/h">Register</a>',
    '<a href="https://x.example/i" title="a > b">Aanmelden</a>',
]
FRAGMENTS = [
    "<a ", "<a>", "</a>", "<A ", "</A>", 'href="https://x.example/1"', "href='https://x.example/2'", 'href=""',
    'rel="nofollow"', ">", "<", "/", "<b>", "</b>", "<!--", "-->", "<br/>", "<img src=\"x\">", "Register", "S'inscrire",
    "inschrijven", "tickets", "&amp;", "&#39;", "&lt;a", " ", "\t", "\"", "'", "<script>", "</script>", "<p>", "</p>",
    "<![CDATA[", "]]>", "<?x?>", "<a\x00", "=", '<a href="https://x.example/3">', '<a href="/4" rel="nofollow">',
    '<a href="https://x.example/5?a=1&amp;b">', "Register</a>", "Inscription &eacute;</a>",
]
html_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=2)), max_size=16).map("".join)


def reference_link(html_text: str) -> str | None:
    """registration_link as it was: every document through the HTML parser."""
    for href, text in parsed_links(html_text):
        if href.startswith(("http://", "https://")) and re.search(
                r"(inscri|s'inscrire|register|registration|sign up|inschrij|aanmeld|registr|tickets?|billet)", fold(text)):
            return href
    return None


def test_registration_links_in_hand_picked_html_are_what_the_parser_finds() -> None:
    for html_text in LINKS:
        assert registration_link(html_text) == reference_link(html_text), html_text
    assert registration_link(LINKS[0]) == "https://x.example/inscription"
    assert registration_link(LINKS[1]) == "https://x.example/r?a=1&b=2"


@settings(max_examples=800, deadline=None)
@given(html_texts)
def test_links_read_without_the_parser_are_the_links_the_parser_reads(html_text: str) -> None:
    links = plain_links(html_text)
    if links is not None:
        assert links == parsed_links(html_text)
    assert registration_link(html_text) == reference_link(html_text)


@settings(max_examples=300, deadline=None)
@given(html_texts)
def test_sanitised_descriptions_take_the_fast_path_with_the_same_links(html_text: str) -> None:
    clean = sanitise_html(html_text, "https://partner.example/page")
    links = plain_links(clean)
    assert links is not None or "<a" in clean.lower()  # documents without links always take it
    assert registration_link(clean) == reference_link(clean)


def test_a_sanitised_description_with_links_is_read_without_the_parser() -> None:
    clean = sanitise_html('<p>Infos &amp; <a href="/inscription" onclick="x()">Inscription</a></p><ul><li>1</li></ul>',
                          "https://partner.example/page")
    assert plain_links(clean) == [("https://partner.example/inscription", "Inscription")]
    assert registration_link(clean) == "https://partner.example/inscription"
