"""Machine-translation backends over HTTP: LibreTranslate-compatible and DeepL-compatible APIs.

Off unless configured: BEDIGITAL_TRANSLATE_URL (the API's base URL), BEDIGITAL_TRANSLATE_KEY (its key,
when it needs one) and BEDIGITAL_TRANSLATE_API (libretranslate, the default, or deepl).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx

APIS = ("libretranslate", "deepl")
TIMEOUT_S = 30.0
BATCH = 50  # texts per request
DEEPL_TARGETS = {"en": "EN-GB", "fr": "FR", "nl": "NL"}


class TranslationError(Exception):
    """The translation service could not be used; the texts stay untranslated."""


@dataclass(frozen=True)
class Translator:
    """A configured translation service: translate(texts, source, target) returns the texts in `target`."""

    api: str
    url: str
    key: str | None = None
    timeout_s: float = TIMEOUT_S

    @property
    def name(self) -> str:
        """Identifies the backend in the translation cache."""
        return f"{self.api}:{self.url.rstrip('/')}"

    def translate(self, texts: Sequence[str], source: str, target: str, *, html: bool = False) -> list[str]:
        if not texts:
            return []
        out: list[str] = []
        with httpx.Client(timeout=self.timeout_s) as client:
            for start in range(0, len(texts), BATCH):
                chunk = list(texts[start:start + BATCH])
                try:
                    out.extend(self._call(client, chunk, source, target, html))
                except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                    raise TranslationError(f"{self.api} at {self.url}: {type(exc).__name__}: {exc}") from exc
        return out

    def _call(self, client: httpx.Client, texts: list[str], source: str, target: str, html: bool) -> list[str]:
        if self.api == "deepl":
            return self._deepl(client, texts, source, target, html)
        return self._libretranslate(client, texts, source, target, html)

    def _libretranslate(self, client: httpx.Client, texts: list[str], source: str, target: str, html: bool) -> list[str]:
        body: dict[str, object] = {"q": texts, "source": source, "target": target, "format": "html" if html else "text"}
        if self.key:
            body["api_key"] = self.key
        response = client.post(f"{self.url.rstrip('/')}/translate", json=body)
        response.raise_for_status()
        translated = response.json()["translatedText"]
        result = translated if isinstance(translated, list) else [translated]
        if len(result) != len(texts) or not all(isinstance(t, str) for t in result):
            raise ValueError(f"expected {len(texts)} translated texts, got {result!r:.200}")
        return result

    def _deepl(self, client: httpx.Client, texts: list[str], source: str, target: str, html: bool) -> list[str]:
        body: dict[str, object] = {"text": texts, "source_lang": source.upper(), "target_lang": DEEPL_TARGETS.get(target, target.upper())}
        if html:
            body["tag_handling"] = "html"
        headers = {"Authorization": f"DeepL-Auth-Key {self.key}"} if self.key else {}
        response = client.post(f"{self.url.rstrip('/')}/v2/translate", json=body, headers=headers)
        response.raise_for_status()
        result = [t["text"] for t in response.json()["translations"]]
        if len(result) != len(texts):
            raise ValueError(f"expected {len(texts)} translated texts, got {len(result)}")
        return result


def translator_from_env(environ: Mapping[str, str] | None = None) -> Translator | None:
    """The translator the environment configures, or None (translation off)."""
    env = os.environ if environ is None else environ
    url = (env.get("BEDIGITAL_TRANSLATE_URL") or "").strip()
    if not url:
        return None
    api = (env.get("BEDIGITAL_TRANSLATE_API") or "libretranslate").strip().lower()
    if api not in APIS:
        raise ValueError(f"BEDIGITAL_TRANSLATE_API is {api!r}; expected one of {', '.join(APIS)}")
    return Translator(api=api, url=url, key=(env.get("BEDIGITAL_TRANSLATE_KEY") or "").strip() or None)
