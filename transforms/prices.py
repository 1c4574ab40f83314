"""Price and registration read from an item's text: free or paid, an amount, whether registering is required."""
from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

from transforms.text import fold

# Phrases on accent-folded lower-case text, found as whole words. "free" alone is too common in
# English ("feel free") to count. Looked up with str.find rather than one regular expression of
# alternatives: the expression tried every alternative at every position of a 1 KB description.
FREE_PHRASES = (
    "gratuit", "gratuite", "gratuits", "gratuites", "entree libre", "acces libre", "gratis", "vrije toegang",
    "vrij toegankelijk", "free of charge", "free entrance", "free admission", "free event", "free entry",
    "free registration", "free of cost", "admission is free", "entrance is free", "participation is free", "is free",
    "participation gratuite", "kosteloos",
)
PAID_PHRASES = (
    "payant", "payante", "betalend", "betalende", "tarif", "tarifs", "inkom", "entrance fee", "admission fee",
    "ticket price", "prix d'entree",
)
REGISTRATION_REQUIRED_PHRASES = (
    "inscription obligatoire", "inscription requise", "inscription indispensable", "sur inscription",
    "inscription prealable", "inschrijving verplicht", "inschrijven verplicht", "aanmelden verplicht",
    "registratie verplicht", "verplichte inschrijving", "registration required", "registration is required",
    "registration is mandatory", "mandatory registration", "pre-registration", "booking required",
    "registration needed", "places limitees", "beperkte plaatsen", "limited places", "limited seats",
)
CURRENCY_MARKS = ("€", "eur")  # every amount the expressions below read names one of these
# An amount after its currency ("€ 15", "EUR 12,50") or before it ("15 €", "12.50 euros").
_AMOUNT_AFTER_CURRENCY = re.compile(r"(?:€|eur|euro)\s?(\d{1,5}(?:[.,]\d{1,2})?)(?!\d)")
_AMOUNT_BEFORE_CURRENCY = re.compile(r"(\d{1,5}(?:[.,]\d{1,2})?)\s?(?:€|eur(?:o|os)?)(?!\w)")
_REGISTER_WORDS = re.compile(r"(inscri|s'inscrire|register|registration|sign up|inschrij|aanmeld|registr|tickets?|billet)")
# Links that undo a registration or a subscription ("Se désinscrire" holds "inscri"): a newsletter's footer is no
# place to register.
_UNREGISTER_WORDS = re.compile(r"(desinscri|desabonn|unsubscri|unregist|deregist|uitschrij|afmeld|opt.?out)")


# A price field's number: with thousands grouped ("1.250,00", "1,250.00", "1 250") or not ("15,50", "12.5").
_FIELD_AMOUNT = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?![\d.,])|\d+(?:[.,]\d+)?")
_GROUPING = re.compile(r"[\u00a0\u202f ]")
_NOT_DIGIT = re.compile(r"\D")
CURRENCY_SYMBOLS = {"€": "EUR", "EURO": "EUR", "EUROS": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "CHF": "CHF"}


def amount(text: str) -> float | None:
    """The first amount of a price field ("15,50 €", "1.250,00", "1,250.00"); None when it holds no number.
    A separator followed by three digits groups thousands: "1.250,00" is 1250, not 1.25."""
    match = _FIELD_AMOUNT.search(text)
    if match is None:
        return None
    number = _GROUPING.sub("", match.group(0))
    last = max(number.rfind("."), number.rfind(","))
    if last == -1:
        return float(number)
    whole, decimals = _NOT_DIGIT.sub("", number[:last]) or "0", number[last + 1:]
    if len(decimals) == 3:
        return float(whole + decimals)  # "1.250", "12,500": thousands grouped
    return float(f"{whole}.{decimals}")


def currency_code(value: str | None) -> str | None:
    """An ISO 4217 code from what a source writes ("EUR", "eur", "€", "euros"); None for anything else."""
    text = (value or "").strip().upper()
    text = CURRENCY_SYMBOLS.get(text, text)
    return text if re.fullmatch(r"[A-Z]{3}", text) else None


def _is_word(character: str) -> bool:
    """What `\\w` matches in a regular expression over text."""
    return character.isalnum() or character == "_"


PREFIX = 4  # characters that the phrases of a group begin with


@lru_cache(maxsize=None)
def _groups(phrases: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The phrases grouped by their first PREFIX characters: a text without a group's prefix holds none of its
    phrases, so one search rules out the whole group ("grat" for gratuit, gratuite, gratis...)."""
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(phrase[:PREFIX], []).append(phrase)
    return tuple((prefix, tuple(members)) for prefix, members in groups.items())


def says(folded: str, phrases: tuple[str, ...]) -> bool:
    """Whether one of the phrases occurs in `folded` as whole words (not inside a longer word)."""
    for prefix, members in _groups(phrases):
        if prefix not in folded:
            continue
        for phrase in members:
            start = folded.find(phrase)
            while start != -1:
                end = start + len(phrase)
                if (start == 0 or not _is_word(folded[start - 1])) and (end == len(folded) or not _is_word(folded[end])):
                    return True
                start = folded.find(phrase, start + 1)
    return False


def _amount_before_currency(folded: str) -> re.Match[str] | None:
    """The first amount written before its currency that does not continue a number ("1234567 €" is none)."""
    found = _AMOUNT_BEFORE_CURRENCY.search(folded)
    while found and found.start() > 0 and (folded[found.start() - 1] in ".," or folded[found.start() - 1].isdecimal()):
        found = _AMOUNT_BEFORE_CURRENCY.search(folded, found.start() + 1)
    return found


def amount_in(folded: str) -> float | None:
    """The first amount of money the folded text names, in euros."""
    if not any(mark in folded for mark in CURRENCY_MARKS):
        return None
    candidates = [m for m in (_AMOUNT_AFTER_CURRENCY.search(folded), _amount_before_currency(folded)) if m]
    if not candidates:
        return None
    first = min(candidates, key=lambda m: m.start())  # the two never start at the same place (a digit or not)
    return float(first.group(1).replace(",", "."))


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    # The price and the registration are read from the same text, one after the other.
    return fold(text)


def price_in_text(text: str) -> tuple[bool | None, float | None, str | None]:
    """(is_free, amount, currency) as the text says them; (None, None, None) when it says nothing."""
    folded = _folded(text)
    if says(folded, FREE_PHRASES):
        return True, 0.0, None
    value = amount_in(folded)
    if value is not None:
        return value == 0, value, "EUR"
    if says(folded, PAID_PHRASES):
        return False, None, None
    return None, None, None


def registration_required_in_text(text: str) -> bool | None:
    """True when the text says registering is required; None when it does not say."""
    return True if says(_folded(text), REGISTRATION_REQUIRED_PHRASES) else None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append((self._href, "".join(self._text)))
        if tag == "a":
            self._href = None


def parsed_links(html_text: str) -> list[tuple[str, str]]:
    """(href, text) of every link with an href, as Python's HTML parser reads them."""
    parser = _Links()
    # Python 3.11's parser gives up at a malformed "<![" section ("<![0") with an AssertionError, where later versions
    # read a bogus comment: the links before it are kept, and a text with one no longer fails its record.
    with contextlib.suppress(AssertionError):
        parser.feed(html_text)
    return parser.links


# HTML as the sanitiser writes it: lower-case tags, attributes in double quotes without "<", no comments.
_SIMPLE_HTML = re.compile(r'(?:[^<]++|<[a-z][a-z0-9]*+(?: [a-z-]++="[^"<]*+")*+ ?/?>|</[a-z][a-z0-9]*+>)*+')
_RAW_TEXT_TAGS = re.compile(r"<(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b")
_A_TAG = re.compile(r"<a[ />]")
_PLAIN_LINK = re.compile(r'<a href="([^"]*)"((?: [a-z-]+="[^"]*")*)>([^<]*)</a>')


def plain_links(html_text: str) -> list[tuple[str, str]] | None:
    """The links of simple HTML whose every <a> holds only text, read without a parser; None otherwise."""
    if not _SIMPLE_HTML.fullmatch(html_text) or _RAW_TEXT_TAGS.search(html_text):
        return None
    found = _PLAIN_LINK.findall(html_text)
    if len(found) != len(_A_TAG.findall(html_text)) or any(" href=" in rest for _, rest, _ in found):
        return None
    return [(unescape(href), unescape(text)) for href, _, text in found if href]


def registration_link(description_html: str) -> str | None:
    """The first link whose text invites to register ("S'inscrire", "Inschrijven", "Register here")."""
    if not description_html:
        return None
    links = plain_links(description_html)
    for href, text in parsed_links(description_html) if links is None else links:
        folded = fold(text)
        if href.startswith(("http://", "https://")) and _REGISTER_WORDS.search(folded) and not _UNREGISTER_WORDS.search(folded):
            return href
    return None
