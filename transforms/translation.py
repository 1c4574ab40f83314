"""Machine translation, the pure part: which texts an item lacks in a language, and adding them marked as such."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRANSLATED_FIELDS = ("title", "summary", "description")
# The language to translate from, in order of preference, when the item has several.
SOURCE_PREFERENCE = ("fr", "nl", "en")


@dataclass(frozen=True, slots=True)
class TextToTranslate:
    field: str
    source_language: str
    text: str
    html: bool


def missing_texts(record: Mapping[str, Any], target: str) -> list[TextToTranslate]:
    """The texts of `record` that exist in some language but not in `target`."""
    wanted = []
    for field_name in TRANSLATED_FIELDS:
        texts = record.get(field_name) or {}
        if not texts or texts.get(target):
            continue
        source = next((lang for lang in SOURCE_PREFERENCE if texts.get(lang) and lang != target), None)
        if source:
            wanted.append(TextToTranslate(field_name, source, texts[source], html=field_name == "description"))
    return wanted


def add_translations(record: dict[str, Any], target: str, translated: Mapping[str, str]) -> dict[str, Any]:
    """`record` with the machine translations of `translated` ({field: text}) added in `target` and marked
    in machine_translated; a text a partner wrote in that language is never replaced."""
    marked = dict(record.get("machine_translated") or {})
    fields = list(marked.get(target) or [])
    for field_name, text in translated.items():
        texts = dict(record.get(field_name) or {})
        if texts.get(target) or not text:
            continue
        texts[target] = text
        record[field_name] = texts
        if field_name not in fields:
            fields.append(field_name)
    if fields:
        marked[target] = fields
        record["machine_translated"] = marked
    record["languages"] = sorted({lang for f in TRANSLATED_FIELDS for lang in record.get(f) or {}})
    return record
