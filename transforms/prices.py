"""Price and registration read from an item's text: free or paid, an amount, whether registering is required."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from transforms.text import fold

# On accent-folded lower-case text. "free" alone is too common in English ("feel free") to count.
_FREE = re.compile(
    r"(?<!\w)(gratuit|gratuite|gratuits|gratuites|entree libre|acces libre|gratis|vrije toegang|vrij toegankelijk"
    r"|free of charge|free entrance|free admission|free event|free entry|free registration|free of cost"
    r"|admission is free|entrance is free|participation is free|is free|participation gratuite|kosteloos)(?!\w)"
)
_PAID = re.compile(r"(?<!\w)(payant|payante|betalend|betalende|tarif|tarifs|inkom|entrance fee|admission fee|ticket price|prix d'entree)(?!\w)")
_AMOUNT = re.compile(r"(?:€|eur|euro)\s?(\d{1,5}(?:[.,]\d{1,2})?)(?!\d)|(?<![\d.,])(\d{1,5}(?:[.,]\d{1,2})?)\s?(?:€|eur(?:o|os)?)(?!\w)")
_REGISTRATION_REQUIRED = re.compile(
    r"(?<!\w)(inscription obligatoire|inscription requise|inscription indispensable|sur inscription|inscription prealable"
    r"|inschrijving verplicht|inschrijven verplicht|aanmelden verplicht|registratie verplicht|verplichte inschrijving"
    r"|registration required|registration is required|registration is mandatory|mandatory registration|pre-registration"
    r"|booking required|registration needed|places limitees|beperkte plaatsen|limited places|limited seats)(?!\w)"
)
_REGISTER_WORDS = re.compile(r"(inscri|s'inscrire|register|registration|sign up|inschrij|aanmeld|registr|tickets?|billet)")


def price_in_text(text: str) -> tuple[bool | None, float | None, str | None]:
    """(is_free, amount, currency) as the text says them; (None, None, None) when it says nothing."""
    folded = fold(text)
    if _FREE.search(folded):
        return True, 0.0, None
    amount = _AMOUNT.search(folded)
    if amount:
        value = float((amount.group(1) or amount.group(2)).replace(",", "."))
        return value == 0, value, "EUR"
    if _PAID.search(folded):
        return False, None, None
    return None, None, None


def registration_required_in_text(text: str) -> bool | None:
    """True when the text says registering is required; None when it does not say."""
    return True if _REGISTRATION_REQUIRED.search(fold(text)) else None


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


def registration_link(description_html: str) -> str | None:
    """The first link whose text invites to register ("S'inscrire", "Inschrijven", "Register here")."""
    if not description_html:
        return None
    parser = _Links()
    parser.feed(description_html)
    for href, text in parser.links:
        if href.startswith(("http://", "https://")) and _REGISTER_WORDS.search(fold(text)):
            return href
    return None
