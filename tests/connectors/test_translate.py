"""The translation clients against a real translation service on 127.0.0.1 with a tiny dictionary."""
from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.translate import TranslationError, Translator, translator_from_env

DICTIONARY = {("fr", "Atelier IA"): "AI workshop", ("nl", "Opendeurdag"): "Open day", ("fr", "<p>Bienvenue</p>"): "<p>Welcome</p>"}


def libretranslate(request: Request) -> Response:
    body = json.loads(request.data)
    texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
    out = [DICTIONARY.get((body["source"], t), f"[{t}]") for t in texts]
    return Response(json.dumps({"translatedText": out if isinstance(body["q"], list) else out[0]}), content_type="application/json")


def deepl(request: Request) -> Response:
    if request.headers.get("Authorization") != "DeepL-Auth-Key secret":
        return Response("forbidden", status=403)
    body = json.loads(request.data)
    source = body["source_lang"].lower()
    return Response(json.dumps({"translations": [{"text": DICTIONARY.get((source, t), t)} for t in body["text"]]}),
                    content_type="application/json")


def test_libretranslate_translates_a_batch(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/translate", method="POST").respond_with_handler(libretranslate)
    translator = Translator("libretranslate", httpserver.url_for("/"))
    assert translator.translate(["Atelier IA", "<p>Bienvenue</p>"], "fr", "en") == ["AI workshop", "<p>Welcome</p>"]


def test_deepl_sends_its_key_and_reads_its_answer(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v2/translate", method="POST").respond_with_handler(deepl)
    assert Translator("deepl", httpserver.url_for("/"), key="secret").translate(["Opendeurdag"], "nl", "en") == ["Open day"]
    with pytest.raises(TranslationError, match="403"):
        Translator("deepl", httpserver.url_for("/"), key="wrong").translate(["Opendeurdag"], "nl", "en")


def test_translation_is_off_unless_configured() -> None:
    assert translator_from_env({}) is None
    configured = translator_from_env({"BEDIGITAL_TRANSLATE_URL": "http://127.0.0.1:9/", "BEDIGITAL_TRANSLATE_API": "deepl",
                                      "BEDIGITAL_TRANSLATE_KEY": "k"})
    assert (configured.api, configured.key) == ("deepl", "k")
    with pytest.raises(ValueError, match="BEDIGITAL_TRANSLATE_API"):
        translator_from_env({"BEDIGITAL_TRANSLATE_URL": "http://127.0.0.1:9/", "BEDIGITAL_TRANSLATE_API": "babel"})
