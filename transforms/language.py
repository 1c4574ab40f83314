"""Language detection of texts among French, Dutch and English (py3langid restricted to those three)."""
from __future__ import annotations

from functools import lru_cache

from transforms.model import LANGUAGES

# Below these, a detection is too unreliable to overrule what the source declares.
MIN_LETTERS = 25
MIN_WORDS = 4
MIN_CONFIDENCE = 0.9


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(LANGUAGES))


def detect_language(text: str) -> tuple[str | None, float]:
    """(fr/nl/en, confidence) of `text`; (None, 0.0) when it is too short to tell."""
    letters = sum(1 for c in text if c.isalpha())
    if letters < MIN_LETTERS or len(text.split()) < MIN_WORDS:
        return None, 0.0
    language, confidence = _identifier().classify(text)
    return str(language), float(confidence)


def text_language(text: str, default: str) -> str:
    """The language of `text`: the detected one when detection is confident, else `default` (conservative)."""
    language, confidence = detect_language(text)
    if language is None or confidence < MIN_CONFIDENCE:
        return default
    return language
