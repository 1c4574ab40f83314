"""The read-only API over a real published snapshot, through a real server on 127.0.0.1."""
from __future__ import annotations

import re
from pathlib import Path

import httpx
import icalendar
import pytest

from .conftest import GENERATED, document, ecosystem, item, publish_ecosystem, serving, utc


def titles(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_filters_select_the_matching_items(client: httpx.Client) -> None:
    assert titles(client.get("/v1/items", params={"kind": "call", "lang": "fr"})) == ["Appel clôturé", "Subside pour projets IA"]
    assert titles(client.get("/v1/items", params={"open": "true", "lang": "fr"})) == ["Subside pour projets IA"]
    assert titles(client.get("/v1/items", params={"category": "theme:ai", "kind": "event", "lang": "fr"})) == \
        ["Atelier intelligence artificielle", "Salon numérique"]
    both = {"category": ["ai", "workshop"], "category_match": "all", "lang": "fr"}
    assert titles(client.get("/v1/items", params=both)) == ["Atelier intelligence artificielle"]
    assert len(titles(client.get("/v1/items", params={"category": ["ai", "workshop"]}))) == 3
    assert titles(client.get("/v1/items", params={"municipality": "IXELLES", "free": "true", "lang": "fr"})) == \
        ["Atelier intelligence artificielle"]
    assert titles(client.get("/v1/items", params={"attendance": "online", "lang": "en"})) == ["Cybersecurity webinar for start-ups"]
    assert titles(client.get("/v1/items", params={"from": "2030-04-03", "to": "2030-04-03", "kind": "event", "lang": "fr"})) == \
        ["Salon numérique"]  # the all-day fair's second day
    assert titles(client.get("/v1/items", params={"deadline_before": "2021-01-01", "lang": "fr"})) == ["Appel clôturé"]
    assert titles(client.get("/v1/items", params={"partner": "innov", "kind": "news", "lang": "fr"})) == \
        ["Résultats de l'appel économie circulaire"]
    assert titles(client.get("/v1/items", params={"language": "en", "lang": "en"})) == \
        ["Artificial intelligence workshop", "Cybersecurity webinar for start-ups"]


def test_search_spans_languages_and_ignores_accents(client: httpx.Client) -> None:
    assert titles(client.get("/v1/items", params={"q": "artificiele", "lang": "fr"})) == ["Atelier intelligence artificielle"]
    assert titles(client.get("/v1/items", params={"q": "ECONOMIE circ", "lang": "fr"})) == \
        ["Résultats de l'appel économie circulaire"]
    assert titles(client.get("/v1/items", params={"q": "subsidie ai", "lang": "nl"})) == ["Subsidie voor AI-projecten"]
    assert titles(client.get("/v1/items", params={"q": "quantum"})) == []


def test_texts_come_in_the_asked_language_with_a_fallback(client: httpx.Client) -> None:
    [fair] = client.get("/v1/items", params={"q": "beurs", "lang": "en"}).json()["items"]
    assert fair["title"] == "Salon numérique" and fair["text_languages"]["title"] == "fr"  # no English: French first
    [fair] = client.get("/v1/items", params={"q": "beurs"}, headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}).json()["items"]
    assert fair["title"] == "Digitale beurs"
    [fair] = client.get("/v1/items", params={"q": "beurs", "lang": "all"}).json()["items"]
    assert fair["title"] == {"nl": "Digitale beurs", "fr": "Salon numérique"}


def test_cursor_pagination_walks_every_item_once(client: httpx.Client) -> None:
    seen, cursor = [], None
    for _ in range(10):
        page = client.get("/v1/items", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(ecosystem())
    by_start = client.get("/v1/items", params={"sort": "start", "kind": "event", "limit": 200, "lang": "fr"}).json()
    assert [i["start_local"] or i["start_date"] for i in by_start["items"]] == \
        ["2030-03-12T18:30:00+01:00", "2030-03-14T12:00:00+01:00", "2030-04-02", "2030-05-01T10:00:00+02:00"]


@pytest.mark.parametrize("query, parameter, words", [
    ({"category": "gardening"}, "category", "unknown category 'gardening'"),
    ({"from": "2030-02-30"}, "from", "is not a date"),
    ({"limit": "201"}, "limit", "less than or equal to 200"),
    ({"kind": "meeting"}, "kind", "unknown kind 'meeting'"),
    ({"partner": "nobody"}, "partner", "unknown partner 'nobody'"),
    ({"cursor": "garbage!"}, "cursor", "not a cursor"),
    ({"sort": "relevance"}, "sort", "needs a search"),
    ({"updated_since": "yesterday"}, "updated_since", "is not a date"),
])
def test_bad_requests_say_what_is_wrong(client: httpx.Client, query: dict, parameter: str, words: str) -> None:
    response = client.get("/v1/items", params=query)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"][-1] == parameter and words in problem["msg"]


def test_one_item_as_json_and_as_jsonld(client: httpx.Client) -> None:
    first = client.get("/v1/items", params={"q": "atelier", "lang": "all"}).json()["items"][0]
    one = client.get(f"/v1/items/{first['id']}", params={"lang": "all"})
    assert one.json() == first
    node = client.get(f"/v1/items/{first['id']}", headers={"Accept": "application/ld+json"})
    assert node.headers["content-type"].startswith("application/ld+json")
    assert node.json()["@type"] == "Event" and node.json()["startDate"] == "2030-03-12T18:30:00+01:00"
    assert {"@value": "Workshop artificiële intelligentie", "@language": "nl"} in node.json()["name"]
    missing = client.get("/v1/items/does-not-exist")
    assert missing.status_code == 404 and "no item with id 'does-not-exist'" in missing.json()["detail"]


def test_an_event_can_be_added_to_a_calendar(client: httpx.Client) -> None:
    first = client.get("/v1/items", params={"q": "atelier"}).json()["items"][0]
    body = client.get(f"/v1/items/{first['id']}/calendar.ics", params={"lang": "nl"}).content
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == "Workshop artificiële intelligentie"
    assert event.decoded("dtstart").isoformat() == "2030-03-12T18:30:00+01:00"


def test_categories_and_partners(client: httpx.Client) -> None:
    facets = client.get("/v1/categories").json()["facets"]
    assert [f["facet"] for f in facets] == ["theme", "format", "audience"]
    ai = facets[0]["categories"][0]
    assert ai["id"] == "theme:ai" and ai["label"]["nl"] == "Artificiële intelligentie" and ai["item_count"] == 3
    partners = client.get("/v1/partners").json()["partners"]
    assert [p["id"] for p in partners] == ["hub", "innov"] and "sources" not in partners[0]
    hub = client.get("/v1/partners/hub").json()
    assert hub["sources"][0]["url"] == "https://hub.example/agenda.ics" and hub["report_url"] == "/partners/hub"
    assert client.get("/v1/partners/nobody").status_code == 404


def test_every_response_has_an_etag_and_cache_control(client: httpx.Client) -> None:
    for path in ("/v1/items", "/v1/categories", "/v1/partners", "/healthz", "/", "/v1/items/nope",
                 "/v1/items?limit=0", "/v1/exports/agenda.ics", "/static/agenda.css"):
        response = client.get(path)
        assert response.headers.get("etag") and response.headers.get("cache-control"), path
    first = client.get("/v1/items")
    again = client.get("/v1/items", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    ics = client.get("/v1/exports/agenda.ics")
    assert client.get("/v1/exports/agenda.ics", headers={"If-None-Match": ics.headers["etag"]}).status_code == 304


def test_cors_lets_the_portal_in(client: httpx.Client) -> None:
    allowed = client.get("/v1/items", headers={"Origin": "https://portal.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    other = client.get("/v1/items", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_health_and_exports(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["item_count"] == len(ecosystem()) and health["generated_at"] == "2026-03-01T09:00:00Z"
    assert health["age_seconds"] > 0
    names = [f["name"] for f in client.get("/v1/exports").json()["files"]]
    assert {"agenda.json", "agenda.jsonld", "agenda.ics", "agenda.csv", "agenda.parquet",
            "calendars/theme/ai.fr.ics", "calendars/partner/hub.nl.ics", "feeds/call.en.atom"} <= set(names)
    assert client.get("/v1/exports/agenda.parquet").headers["content-type"] == "application/vnd.apache.parquet"
    assert client.get("/v1/exports/../../current").status_code == 404
    assert client.get("/v1/exports/" + "é" * 300 + ".ics").status_code == 404  # longer than a file name may be


def test_a_new_publication_is_served_at_once_and_tombstones_removed_items(tmp_path: Path) -> None:
    out = tmp_path / "public"
    documents = ecosystem()
    publish_ecosystem(out, documents)
    with serving(out) as url, httpx.Client(base_url=url) as http:
        before = http.get("/healthz").json()
        gone = documents[0]
        publish_ecosystem(out, documents[1:], generated_at=GENERATED.replace(hour=10))
        after = http.get("/healthz").json()
        assert after["snapshot"] != before["snapshot"] and after["item_count"] == len(documents) - 1
        delta = http.get("/v1/items", params={"updated_since": "2026-03-01T09:30:00Z"}).json()
        assert delta["items"] == [] and delta["removed"] == [{"id": gone["id"], "removed_at": "2026-03-01T10:00:00Z"}]
        assert "removed from the agenda" in http.get(f"/v1/items/{gone['id']}").json()["detail"]


def test_nothing_published_yet_is_a_clear_503(tmp_path: Path) -> None:
    with serving(tmp_path / "empty") as url:
        response = httpx.get(f"{url}/v1/items")
    assert response.status_code == 503 and "nothing has been published" in response.json()["detail"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_documentation_works_offline(client: httpx.Client, page: str) -> None:
    """Swagger UI and ReDoc load every script and style sheet from this server, none from a CDN."""
    html = client.get(page)
    assert html.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html.text)
    assert assets, html.text[:500]
    for asset in assets:
        assert asset.startswith("/"), f"{page} loads {asset} from another host"
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 10_000, asset
    assert "/openapi.json" in html.text


def test_a_facet_written_as_a_parameter_says_how_to_filter_by_it(client: httpx.Client) -> None:
    """`?theme=ai` was ignored like any unknown parameter: the portal got every item, not the theme's."""
    response = client.get("/v1/items", params={"theme": "ai"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["query", "theme"] and "category=theme:ai" in problem["msg"]
    assert client.get("/v1/items", params={"category": "theme:ai"}).status_code == 200
    assert client.get("/v1/items", params={"attendance": "online"}).status_code == 200  # a facet that is a parameter too
    assert client.get("/v1/items", params={"_": "1733000000"}).status_code == 200  # a cache-buster stays ignored


def test_the_parameters_the_facet_check_knows_are_the_endpoint_s(client: httpx.Client) -> None:
    from bedigital.api.routes_api import ITEM_PARAMETERS

    documented = client.get("/openapi.json").json()["paths"]["/v1/items"]["get"]["parameters"]
    assert ITEM_PARAMETERS == {p["name"] for p in documented if p["in"] == "query"}


def test_a_rescheduled_event_is_published_rescheduled_and_labelled_so_in_each_language(tmp_path: Path) -> None:
    """A partner's EventRescheduled (new dates) was published as postponed (dates not known yet)."""
    out = tmp_path / "public"
    moved = document(item("moved", title={"fr": "Hackathon Open Data"}, start_utc=utc(2030, 4, 25, 7, 0),
                          status="rescheduled"))
    publish_ecosystem(out, [*ecosystem(), moved])  # the contract (1.2.0) takes the status
    with serving(out) as url, httpx.Client(base_url=url) as http:
        assert http.get(f"/v1/items/{moved['id']}").json()["status"] == "rescheduled"
        node = http.get(f"/v1/items/{moved['id']}", params={"format": "jsonld"}).json()
        assert node["eventStatus"] == "https://schema.org/EventRescheduled"
        for lang, words in (("fr", "Nouvelle date"), ("nl", "Nieuwe datum"), ("en", "Rescheduled")):
            assert f'<p class="status">{words}</p>' in http.get(f"/items/{moved['id']}", params={"lang": lang}).text
            assert f'<p class="status">{words}</p>' in http.get("/", params={"lang": lang}).text
        assert http.get("/openapi.json").json()["info"]["version"] == "1.2.0"
