"""iCalendar excerpts: the fast folding writes exactly what icalendar's to_ical() writes."""
from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from connectors.parsers.common import excerpt
from connectors.parsers.ical import _fold, _raw

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
ROOT = Path(__file__).resolve().parents[3]
CALENDARS = sorted(FIXTURES.glob("*.ics")) + sorted((ROOT / "partners" / "fixtures").rglob("*.ics"))

# Escapes (backslash, caret) must stay whole across folds; multi-byte characters must not be split.
_line_characters = st.sampled_from(list("ab ;:,\\^\"\t") + ["é", "€", "😀", "\u0301", "ß"])


@given(st.lists(_line_characters, max_size=400).map("".join))
def test_fold_is_icalendars_foldline(line: str) -> None:
    assert _fold(line) == _foldline(line)


@given(st.text(max_size=300).filter(lambda line: "\n" not in line))
def test_fold_is_icalendars_foldline_on_any_text(line: str) -> None:
    try:
        expected = _foldline(line)
    except UnicodeEncodeError:  # lone surrogates: both refuse them
        with pytest.raises(UnicodeEncodeError):
            _fold(line)
        return
    assert _fold(line) == expected


def test_fold_refuses_line_breaks_like_icalendar() -> None:
    with pytest.raises(AssertionError):
        _fold("a\nb")


@pytest.mark.parametrize("path", CALENDARS, ids=[p.name for p in CALENDARS])
def test_excerpts_are_what_to_ical_writes(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError:
        pytest.skip("not a readable calendar (the parser reports it)")
    for calendar in calendars:
        for component in calendar.walk():
            assert _raw(component) == excerpt(component.to_ical().decode("utf-8", errors="replace"))


_texts = st.lists(st.sampled_from(["word ", "  ", "é", "\\", ";", ",", "\n", "x" * 40, " " * 30, "😀"]), max_size=80).map("".join)


@given(_texts, _texts, st.lists(st.sampled_from(["LOCATION", "CONTACT", "X-ALT-DESC", "COMMENT"]), unique=True))
def test_long_components_are_cut_where_to_ical_would_be(summary: str, description: str, extra: list[str]) -> None:
    from datetime import datetime

    event = icalendar.Event()
    event.add("UID", "long@hub.example.be")
    event.add("SUMMARY", summary)
    event.add("DESCRIPTION", description)
    event.add("DTSTART", datetime(2026, 3, 10, 18, 30))
    for name in extra:
        event.add(name, description[::-1])
    try:
        expected = excerpt(event.to_ical().decode("utf-8", errors="replace"))
    except AssertionError:  # an X- property with a raw line break: icalendar refuses to write it, and so do we
        with pytest.raises(AssertionError):
            _raw(event)
        return
    assert _raw(event) == expected
