"""What every parser's result goes through: texts made writable before they are stored or exported."""
from __future__ import annotations

from connectors.parsers.common import ParseResult, writable_record, writable_result
from transforms.model import RawItem, RawLocation, Rejection, record_json


def raw(**fields: object) -> RawItem:
    values: dict[str, object] = {"partner_id": "hub", "source_id": "agenda", "key": "evt-1", "title": "Atelier IA"}
    values.update(fields)
    return RawItem(**values)  # type: ignore[arg-type]


def test_unwritable_characters_are_cleared_from_every_text_of_a_record():
    dirty = raw(
        title="Atelier \ud83d IA\x01", description_html="<p>Texte\x0bcoupé \ud83d</p>", categories=["IA\x07"],
        location=RawLocation(name="Salle\x02 B", text="Rue Haute 10\x00, 1000 Bruxelles"), start="2026-03-10\x00",
        excerpt='{"name": "Atelier \ud83d IA"}',
    )
    clean = writable_record(dirty)
    assert clean.title == "Atelier  IA"  # the normaliser collapses the spaces
    assert clean.description_html == "<p>Texte coupé </p>"
    assert clean.categories == ["IA"] and clean.start == "2026-03-10"
    assert clean.location == RawLocation(name="Salle B", text="Rue Haute 10, 1000 Bruxelles")
    record_json(clean)  # storing the raw record raised UnicodeEncodeError, failing the whole run


def test_clean_records_are_left_as_they_are():
    clean = raw(categories=["IA"], location=RawLocation(text="Rue Haute 10"))
    assert writable_record(clean) is clean


def test_rejections_are_made_writable_too():
    rejection = Rejection("hub", "agenda", "parse", "missing_title", "no name \ud83d", key="k\x01", excerpt="{\ud83d}")
    [clean] = writable_result(ParseResult([], [rejection])).rejections
    assert (clean.message, clean.key, clean.excerpt) == ("no name ", "k", "{}")


def test_a_payload_with_one_dirty_record_among_clean_ones_has_that_record_cleared_and_the_others_kept():
    clean = [raw(key=f"evt-{n}", summary=text, description_html=text) for n in range(50)
             for text in [f"<p>Séance {n} ’ </p>"]]
    dirty = raw(key="evt-dirty", location=RawLocation(name="Salle\x1f B"))
    result = writable_result(ParseResult([*clean[:25], dirty, *clean[25:]], []))
    assert result.items[25].location == RawLocation(name="Salle B")
    assert all(kept is original for kept, original in zip(result.items[:25] + result.items[26:], clean))


def test_a_clean_payload_keeps_every_record_object():
    records = [raw(key=f"evt-{n}", categories=["IA"], location=RawLocation(text="Rue Haute 10")) for n in range(10)]
    result = writable_result(ParseResult(list(records), []))
    assert all(kept is original for kept, original in zip(result.items, records))
