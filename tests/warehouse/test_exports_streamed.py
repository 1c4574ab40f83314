"""The large files are written in pieces (never held whole) and are the bytes the whole rendering gives."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warehouse.documents import agenda_document, utc_text
from warehouse.exports import (
    CSV_COLUMNS, agenda_body, agenda_csv, agenda_jsonld, agenda_parquet, flat_rows, item_jsonld, iter_agenda_csv,
    iter_agenda_json, iter_json_with_list, json_bytes,
)
from warehouse.publish import agenda_problems_in_chunks, validate_agenda

NOW = datetime(2026, 3, 1, 9, 0, 12, tzinfo=timezone.utc)
SOURCES = [{"partner_id": "hub", "source_id": "agenda", "url": "https://hub.example/agenda"}]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),  # any code point, line breaks and quotes included: they are escaped inside strings
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


def documents(count: int) -> list[dict[str, Any]]:
    """`count` agenda documents of the three kinds, with multilingual texts."""
    kinds = ["event", "call", "news"]
    return [
        agenda_document({"id": f"i{n}", "kind": kinds[n % 3], "url": f"https://hub.example/{n}",
                         "title": {"fr": f"Atelier « {n} »", "nl": f"Workshop {n}\nmet regel"},
                         "summary": {"en": "Line one\r\nline two, \"quoted\""},
                         "start_utc": "2026-03-10T17:30:00+00:00", "deadline_utc": "2026-04-01T10:00:00+00:00",
                         "categories": {"theme": ["ai"]}, "languages": ["fr", "nl"]},
                        sources=SOURCES, first_seen=NOW, updated_at=NOW)
        for n in range(count)
    ]


@settings(max_examples=150, deadline=None)
@given(head=st.dictionaries(st.text(max_size=4), json_values, max_size=3),
       items=st.lists(json_values, max_size=7), chunk=st.integers(1, 4))
def test_a_list_encoded_in_chunks_is_the_whole_documents_bytes(head: dict[str, Any], items: list[Any], chunk: int) -> None:
    head = {**head, "items": []}
    pieces = list(iter_json_with_list(head, items, chunk=chunk))
    assert b"".join(pieces) == json_bytes({**head, "items": items})
    assert len(pieces) == -(-len(items) // chunk) + 1  # one piece per chunk, and the closing one


def test_the_list_must_be_the_heads_last_and_empty_value() -> None:
    for head in ({}, {"items": [], "after": 1}, {"items": [1]}, {"items": ()}):
        with pytest.raises(ValueError):
            list(iter_json_with_list(head, [1]))


def test_agenda_json_and_jsonld_are_the_whole_encodings() -> None:
    docs = documents(7)
    assert b"".join(iter_agenda_json(docs, generated_at=NOW)) == json_bytes(agenda_body(docs, generated_at=NOW))
    whole = {"@context": "https://schema.org", "@type": "ItemList", "name": "bedigital.brussels",
             "dateModified": utc_text(NOW), "numberOfItems": 7,
             "itemListElement": [{"@type": "ListItem", "position": n, "item": item_jsonld(d)}
                                 for n, d in enumerate(docs, start=1)]}
    assert agenda_jsonld(docs, generated_at=NOW) == json_bytes(whole)


def test_the_csv_in_pieces_is_a_header_and_one_line_per_flat_row() -> None:
    docs = documents(5)
    pieces = list(iter_agenda_csv(docs, chunk=2))
    assert len(pieces) == 1 + 3
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([row[c] for c in CSV_COLUMNS] for row in flat_rows(docs))
    assert b"".join(pieces) == agenda_csv(docs) == ("\ufeff" + expected.getvalue()).encode("utf-8")


def test_the_parquet_file_is_the_flat_rows_written_a_row_group_at_a_time() -> None:
    docs = documents(5)
    body = agenda_parquet(docs, chunk=2, row_group=4)
    parquet = pq.ParquetFile(io.BytesIO(body))
    assert [parquet.metadata.row_group(i).num_rows for i in range(parquet.metadata.num_row_groups)] == [4, 1]
    table = parquet.read().to_pylist()
    assert [row["id"] for row in table] == [d["id"] for d in docs]
    assert table == flat_rows(docs)
    assert pq.ParquetFile(io.BytesIO(agenda_parquet(docs, chunk=100))).metadata.num_row_groups == 1
    assert pq.read_table(io.BytesIO(agenda_parquet([]))).num_rows == 0


def test_schema_problems_checked_in_chunks_name_the_items_position_in_the_whole_agenda() -> None:
    docs = documents(7)
    docs[5] = dict(docs[5], url="javascript:alert(1)")
    whole = validate_agenda(json_bytes(agenda_body(docs, generated_at=NOW)))
    assert whole and whole[0].startswith("items/5/url (item i5)")
    assert agenda_problems_in_chunks(docs, generated_at=NOW, chunk=2) == whole
    assert agenda_problems_in_chunks(documents(7), generated_at=NOW, chunk=2) == []
    assert agenda_problems_in_chunks([], generated_at=NOW) == []
