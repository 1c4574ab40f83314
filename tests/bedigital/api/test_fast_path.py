"""The fast path of /v1/items and /v1/items/{id} answers exactly as FastAPI's validated path does.

An unknown parameter sends a request down FastAPI's path (which ignores it): each request is made
with and without one, and the two answers must be the same, byte for byte.
"""
from __future__ import annotations

import itertools

import httpx

from .conftest import ecosystem

SLOW = ("zz_slow_path", "1")


def same_answer(client: httpx.Client, path: str, params: list[tuple[str, str]], **headers: str) -> httpx.Response:
    fast = client.get(path, params=params, headers=headers)
    slow = client.get(path, params=[*params, SLOW], headers=headers)
    assert (fast.status_code, fast.content) == (slow.status_code, slow.content), (path, params)
    assert fast.headers.get("etag") == slow.headers.get("etag") and fast.headers.get("vary") == slow.headers.get("vary")
    return fast


def test_lists_answer_as_through_fastapi(client: httpx.Client) -> None:
    choices = [
        [], [("kind", "event")], [("kind", "event,call")], [("kind", "call"), ("kind", "news")],
        [("category", "theme:ai")], [("category", "ai"), ("category", "workshop"), ("category_match", "all")],
        [("open", "true")], [("open", "false")], [("free", "true")], [("municipality", "ixelles")],
        [("from", "2030-04-03"), ("to", "2030-04-03")], [("q", "atelier")], [("q", "subsidie ai"), ("sort", "relevance")],
        [("sort", "start")], [("sort", "deadline"), ("limit", "1")], [("lang", "all")], [("lang", "nl")],
        [("updated_since", "2026-01-01")], [("language", "en")], [("attendance", "online")], [("partner", "hub")],
    ]
    for first, second in itertools.combinations(choices, 2):
        same_answer(client, "/v1/items", first + [p for p in second if p[0] not in {k for k, _ in first}])
    same_answer(client, "/v1/items", [("q", "beurs")], **{"Accept-Language": "nl-BE,nl;q=0.9"})


def test_cursors_and_bad_values_answer_as_through_fastapi(client: httpx.Client) -> None:
    page = same_answer(client, "/v1/items", [("limit", "2")]).json()
    same_answer(client, "/v1/items", [("limit", "2"), ("cursor", page["next_cursor"])])
    for params in ([("limit", "0")], [("limit", "201")], [("limit", "abc")], [("limit", "007")], [("open", "1")],
                   [("open", "maybe")], [("sort", "nope")], [("lang", "de")], [("category", "gardening")],
                   [("cursor", "garbage!")], [("q", "x" * 501)], [("q", "!!")], [("from", "2030-02-30")],
                   [("limit", "5"), ("limit", "6")], [("category_match", "some")], [("kind", "")], [("free", "True")]):
        same_answer(client, "/v1/items", params)


def test_one_item_answers_as_through_fastapi(client: httpx.Client) -> None:
    item_id = ecosystem()[0]["id"]
    for params in ([], [("lang", "en")], [("lang", "all")], [("format", "jsonld")], [("format", "json")],
                   [("lang", "xx")], [("format", "xml")]):
        same_answer(client, f"/v1/items/{item_id}", params)
    same_answer(client, f"/v1/items/{item_id}", [], Accept="application/ld+json")
    same_answer(client, "/v1/items/does-not-exist", [])
    same_answer(client, "/v1/items/" + "x" * 101, [])


def test_a_cached_answer_is_the_same_and_validates(client: httpx.Client) -> None:
    params = [("kind", "event"), ("lang", "en"), ("limit", "3")]
    first, again = client.get("/v1/items", params=params), client.get("/v1/items", params=params)
    assert (first.content, first.headers["etag"]) == (again.content, again.headers["etag"])
    assert again.headers["cache-control"] == "public, max-age=60"
    assert client.get("/v1/items", params=params, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    dutch = client.get("/v1/items", params=[("kind", "event"), ("limit", "3")], headers={"Accept-Language": "nl"})
    french = client.get("/v1/items", params=[("kind", "event"), ("limit", "3")], headers={"Accept-Language": "fr"})
    assert dutch.json()["lang"] == "nl" and french.json()["lang"] == "fr"
