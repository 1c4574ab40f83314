"""Control characters and half emojis in partner texts: cleaned, never costing the record or the exports."""
from __future__ import annotations

import re

import pytest

from transforms.model import Item, record_json

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def all_texts(item: Item) -> list[str]:
    texts = [*item.title.values(), *item.summary.values(), *item.description.values(), *item.source_categories]
    return texts + [t for t in (item.venue, item.street, item.url, item.source_key) if t]


@pytest.mark.parametrize(("kind", "name"), [("jsonld", "unwritable_characters.html"), ("rss", "rss20_control_characters.xml"),
                                           ("jsonld", "unwritable_translations.html")])
def test_no_unwritable_character_reaches_an_item(normalised, kind, name):
    result, items, rejections = normalised(kind, name, content="event" if kind == "jsonld" else "news")
    assert rejections == [] and len(items) == len(result.items) > 0
    if name == "unwritable_translations.html":  # in the record's other language too
        [item] = items.values()
        assert item.title["nl"] == "Digitale borrel" and "🎉" in item.summary["nl"]
    for raw in result.items:
        record_json(raw)  # how ingestion stores each raw record: a lone surrogate failed the whole run here
    for item in items.values():
        for text in all_texts(item):
            assert not UNWRITABLE.search(text), (item.source_key, text)
            text.encode("utf-8")  # no lone surrogate: would raise


def test_texts_survive_the_cleaning(normalised):
    _, items, _ = normalised("jsonld", "unwritable_characters.html", content="event")
    emoji, word = items["https://hub.example.be/e/emoji"], items["https://hub.example.be/e/word"]
    assert emoji.title == {"fr": "Apéro numérique"}
    assert emoji.summary["fr"] == "Venez nombreux 🎉 ! Texte coupé"  # a whole emoji pair stays
    assert word.title == {"fr": "Atelier bureautique"}  # a vertical tab is a line break, read as a space
    assert word.summary["fr"] == "Ligne 1 Ligne 2"
    assert word.source_categories == ["bureautique", "Word"]
    assert word.venue == "Salle polyvalente"


def test_rss_item_with_control_characters(normalised):
    _, items, _ = normalised("rss", "rss20_control_characters.xml", content="news")
    [item] = items.values()
    assert item.title == {"fr": "Formation Excel niveau 2"}
    assert item.summary["fr"] == "Première ligne Deuxième ligne"
