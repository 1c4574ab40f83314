"""Language detection of texts among French, Dutch and English (py3langid restricted to those three)."""
from __future__ import annotations

from functools import lru_cache

from transforms.model import LANGUAGES

# Below these, a detection is too unreliable to overrule what the source declares.
MIN_LETTERS = 25
MIN_WORDS = 4
MIN_CONFIDENCE = 0.9
# The identifier's cost grows with the text; among three languages this much tells them apart as well as a whole
# description (up to 50,000 characters) does, and an RSS feed's items are each detected.
SAMPLE_CHARS = 400


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(LANGUAGES))


def _has_letters(text: str, needed: int) -> bool:
    """Whether `text` holds at least `needed` letters (counting stops there: texts are long)."""
    if len(text) < needed:
        return False
    count = 0
    for character in text:
        if character.isalpha():
            count += 1
            if count >= needed:
                return True
    return False


def detect_language(text: str) -> tuple[str | None, float]:
    """(fr/nl/en, confidence) of `text`; (None, 0.0) when it is too short to tell."""
    # split(maxsplit=MIN_WORDS - 1) has MIN_WORDS parts exactly when the text has that many words.
    if not _has_letters(text, MIN_LETTERS) or len(text.split(None, MIN_WORDS - 1)) < MIN_WORDS:
        return None, 0.0
    language, confidence = _identifier().classify(_sample(text))
    return str(language), float(confidence)


def _sample(text: str) -> str:
    """The first SAMPLE_CHARS characters of `text`, without a word cut in two."""
    if len(text) <= SAMPLE_CHARS:
        return text
    head = text[:SAMPLE_CHARS]
    space = head.rfind(" ")
    return head[:space] if space > SAMPLE_CHARS // 2 else head


def text_language(text: str, default: str) -> str:
    """The language of `text`: the detected one when detection is confident, else `default` (conservative)."""
    language, confidence = detect_language(text)
    if language is None or confidence < MIN_CONFIDENCE:
        return default
    return language
