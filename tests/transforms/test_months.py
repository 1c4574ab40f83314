"""One table of month names serves the connectors' date reader and the deadlines read from texts."""
from __future__ import annotations

from datetime import date

from connectors.dates import MONTHS as READER_MONTHS
from transforms.deadlines import MONTHS as DEADLINE_MONTHS
from transforms.months import FOLDED_MONTHS, MONTHS

FULL_NAMES = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
           "décembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"],
}


def test_every_month_is_named_in_french_dutch_and_english() -> None:
    for names in FULL_NAMES.values():
        assert [MONTHS[name] for name in names] == list(range(1, 13))


def test_folded_names_are_the_names_without_accents() -> None:
    assert (FOLDED_MONTHS["fevrier"], FOLDED_MONTHS["aout"], FOLDED_MONTHS["decembre"]) == (2, 8, 12)
    assert all(name.isascii() for name in FOLDED_MONTHS)


def test_the_date_reader_and_the_deadlines_share_the_table() -> None:
    # Two tables had grown apart: "maa" and "févr." were read in dates, not in deadlines.
    assert READER_MONTHS is MONTHS and DEADLINE_MONTHS is FOLDED_MONTHS
    from transforms.deadlines import deadline_in_text

    assert deadline_in_text("Date limite : 15 maa 2027", reference=date(2026, 11, 30)) == date(2027, 3, 15)
