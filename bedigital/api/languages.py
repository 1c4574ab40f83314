"""Choosing the language of a response and showing a document in it, with a fallback."""
from __future__ import annotations

from typing import Any

from warehouse.exports import DEFAULT_LANGUAGES, item_jsonld, languages_for

DEFAULT_LANGUAGE = "fr"
TEXT_FIELDS = ("title", "summary", "description")


def from_accept_language(header: str | None, *, default: str = DEFAULT_LANGUAGE) -> str:
    """The supported language the client prefers most (RFC 9110 quality values), else `default`."""
    best, best_q = default, 0.0
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # Earlier entries win ties, as clients list them in order of preference.
        score = quality - position * 1e-6
        if primary in DEFAULT_LANGUAGES and score > best_q:
            best, best_q = primary, score
    return best


def localise(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """The document with its texts as strings in `lang`, or the first language that has them.

    `text_languages` says which language each text is actually in; `lang="all"` keeps every language.
    """
    if lang == "all":
        return document
    shown = dict(document)
    order = languages_for(lang)
    chosen: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        texts = document.get(name) or {}
        language = next((code for code in order if texts.get(code)), None)
        shown[name] = texts.get(language) if language else None
        chosen[name] = language
    shown["text_languages"] = chosen
    return shown


def as_jsonld(document: dict[str, Any], *, base_url: str) -> dict[str, Any]:
    """One item as a standalone schema.org JSON-LD node."""
    return {"@context": "https://schema.org", **item_jsonld(document, base_url=base_url)}


def label(labels: dict[str, str], lang: str) -> str:
    """A label in `lang`, falling back on the other languages."""
    return next((labels[code] for code in languages_for(lang if lang in DEFAULT_LANGUAGES else DEFAULT_LANGUAGE)
                 if labels.get(code)), "")
