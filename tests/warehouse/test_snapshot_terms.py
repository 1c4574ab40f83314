"""The snapshot's search terms and rows: the fast folding and word splitting give what the plain definitions give;
the index's bitsets hold what the lists hold."""
from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from hypothesis import given, strategies as st

from warehouse.documents import agenda_document
from warehouse.publish import publish
from warehouse.snapshot import _TAG, _WORD, TITLE_WEIGHT, current_database, document_terms, fold, words
from warehouse.snapshot_index import _bitset

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
TEXTS = [
    "Économie numérique : l'IA au service des PME",
    "E\u0301cole e\u0301\u0327te\u0301 — décomposé, avec des accents combinants",
    "Straße, İstanbul, ΣΟΦΙΑ σοφός, ﬁnance ½ ™ ㎏ 가각",
    "mots\u00a0insécables\u2003espaces\tonglets\nlignes\u3000idéographiques",
    "<p>Atelier <b>données</b>&nbsp;ouvertes</p><a href='https://x.example/é'>lien</a>",
    "x y z a1 _under_score_ l'été d'hiver",
    "",
]


def reference_fold(text: str) -> str:
    """The definition: case folded, compatibility-decomposed, combining marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def reference_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(reference_fold(_TAG.sub(" ", text))) if len(w) > 1]


def reference_terms(document: dict[str, Any]) -> dict[str, int]:
    terms: dict[str, int] = {}
    for text in (document.get("title") or {}).values():
        for word in reference_words(text):
            terms[word] = TITLE_WEIGHT
    location = document.get("location") or {}
    for text in [*(document.get("summary") or {}).values(), *(document.get("description") or {}).values(),
                 location.get("venue") or "", location.get("municipality") or ""]:
        for word in reference_words(text):
            terms.setdefault(word, 1)
    return terms


def test_folding_matches_the_definition_for_every_character() -> None:
    every = "\0".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert fold(every) == reference_fold(every)
    # Without separators too: NFKD reorders combining marks across characters, which folding drops.
    assert fold(every.replace("\0", "")) == reference_fold(every.replace("\0", ""))
    for text in TEXTS:
        assert fold(text) == reference_fold(text)


def test_whitespace_folds_to_a_separator() -> None:
    """What lets `words` split a text on whitespace before folding it."""
    for char in (chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()):
        folded = fold(char)
        assert folded and not _WORD.search(folded), hex(ord(char))


def test_words_and_terms_match_the_definition() -> None:
    for text in TEXTS:
        assert words(text) == reference_words(text)
    document = agenda_document(
        {"id": "x", "kind": "event", "title": {"fr": TEXTS[0], "nl": TEXTS[2]},
         "summary": {"fr": TEXTS[1], "en": TEXTS[3] * 3}, "description": {"fr": TEXTS[4] * 5, "nl": TEXTS[5]},
         "venue": "Café Économique", "municipality": "Saint-Gilles"},
        sources=[{"partner_id": "hub", "source_id": "agenda"}], first_seen=NOW, updated_at=NOW)
    terms = document_terms(document)
    assert list(terms.items()) == list(reference_terms(document).items())  # the same words, weights and order
    assert terms["economie"] == TITLE_WEIGHT and terms["cafe"] == 1


def test_the_snapshot_rows_are_the_documents_partners_and_categories(tmp_path: Path) -> None:
    documents = [agenda_document({"id": f"i{n}", "kind": "event", "title": {"fr": f"Atelier {n} é"},
                                  "url": f"https://x.example/{n}", "start_utc": f"2026-03-1{n}T10:00:00+00:00"},
                                 sources=[{"partner_id": "hub", "source_id": "a"}], first_seen=NOW, updated_at=NOW)
                 for n in range(3)]
    partners = [{"id": "hub", "name": {"fr": "Le Hub", "nl": "De Hub", "en": "The Hub"}, "website": None, "sources": []}]
    label = {"fr": "Thème", "nl": "Thema", "en": "Theme"}
    taxonomy = [{"facet": "theme", "label": label, "categories": [
        {"slug": "ai", "label": {"fr": "IA", "nl": "AI", "en": "AI"}},
        {"slug": "ai", "label": {"fr": "doublon", "nl": "dubbel", "en": "duplicate"}},  # the first one is kept
        {"slug": "data", "label": {"fr": "Données", "nl": "Data", "en": "Data"}}]}]
    publish(documents, tmp_path, generated_at=NOW, partners=partners, taxonomy=taxonomy)
    con = duckdb.connect(str(current_database(tmp_path)), read_only=True)
    try:
        stored = con.execute("SELECT item_id FROM items ORDER BY k_agenda").fetchall()
        partner_rows = con.execute("SELECT partner_id, document FROM partners").fetchall()
        categories = con.execute("SELECT slug, position, facet_label, label FROM categories ORDER BY position").fetchall()
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()
    assert [i for (i,) in stored] == [d["id"] for d in documents]
    index = current_database(tmp_path).parent / "index"
    offsets, blob = np.load(index / "doc_off.npy").tolist(), (index / "documents.bin").read_bytes()
    assert [json.loads(blob[a:b]) for a, b in zip(offsets, offsets[1:])] == documents
    assert [(p, json.loads(d)) for p, d in partner_rows] == [("hub", {**partners[0], "item_count": 3})]
    assert [(s, n, json.loads(f), json.loads(lab)["fr"]) for s, n, f, lab in categories] == \
        [("ai", 0, label, "IA"), ("data", 2, label, "Données")]
    assert meta["item_count"] == "3" and json.loads(meta["taxonomy"]) == ["theme"]


VALUES = st.sampled_from([f"theme:{n}" for n in range(70)] + ["", "é", "partner-a"])


@given(st.lists(st.one_of(st.none(), st.lists(VALUES, max_size=8)), max_size=40))
def test_an_items_bitset_holds_exactly_the_values_of_its_list(lists: list[list[str] | None]) -> None:
    bits, vocabulary = _bitset(lists)
    assert vocabulary == sorted({v for values in lists if values for v in values})
    assert bits.shape == (len(lists), max(1, -(-len(vocabulary) // 64)))
    for row, values in enumerate(lists):
        held = {vocabulary[b] for b in range(len(vocabulary)) if int(bits[row, b // 64]) >> (b % 64) & 1}
        assert held == set(values or ())
