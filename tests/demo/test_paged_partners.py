"""The demo's JSON APIs and web listings behave like the real ones, and ingestion reads every page."""
from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from bedigital.ingest import ingest_sources
from connectors.http import HttpSettings
from connectors.registry import PAGED_KINDS, Registry
from demo.server import DemoServer
from tests.demo.conftest import TODAY, get
from warehouse.archive import PayloadArchive
from warehouse.connection import connect
from warehouse.load import sync_registry

WP = "/techhub-etterbeek/wp-json/tribe/events/v1/events"


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_wordpress_events_calendar_api(server: DemoServer) -> None:
    _, _, body = get(server.base_url + WP)
    today_only = json.loads(body)
    assert today_only["total"] >= 1 and all(e["start_date"].startswith(TODAY.isoformat()) for e in today_only["events"])
    _, _, body = get(server.base_url + WP + f"?start_date={TODAY}&per_page=500")
    capped = json.loads(body)
    assert len(capped["events"]) == min(100, capped["total"])  # per_page is capped at 100 without a word
    _, _, body = get(server.base_url + WP + f"?start_date={TODAY}&per_page=25")
    first = json.loads(body)
    assert first["total_pages"] >= 3 and "next_rest_url" in first
    _, _, body = get(first["next_rest_url"])
    assert json.loads(body)["events"][0]["id"] not in {e["id"] for e in first["events"]}


def test_funding_search_api_is_post_only_with_a_key_and_page_numbers(server: DemoServer) -> None:
    url = server.base_url + "/eu-calls/api/search"
    assert get(url + "?apiKey=SEDIA")[0] == 405
    assert post(url + "?apiKey=nope", {})[0] == 401
    status, page = post(url + "?apiKey=SEDIA&pageSize=10&pageNumber=1", {})
    assert status == 200 and page["totalResults"] > 20 and len(page["results"]) == 10
    call = page["results"][0]["metadata"]
    assert call["deadlineTime"][0].endswith("Brussels time") and isinstance(call["identifier"], list)


def test_drupal_listing_has_a_pager_and_detail_pages_with_french_dates(server: DemoServer) -> None:
    _, _, listing = get(server.base_url + "/fondation-numerique/fr/appels")
    text = listing.decode()
    assert text.count('class="views-row"') == 10 and 'pager__item--next' in text and "Date limite :" in text
    _, _, detail = get(server.base_url + "/fondation-numerique/fr/appels/appel-1")
    assert "Ouverture :" in detail.decode() and " à 14h" in detail.decode()
    assert get(server.base_url + "/fondation-numerique/fr/appels/nope")[0] == 404


def test_dutch_listing_writes_hours_as_14u_and_20_uur(server: DemoServer) -> None:
    pages = [get(server.base_url + f"/buurtlab-digitaal/nl/activiteiten?pagina={n}")[2].decode() for n in (1, 2, 3)]
    text = "".join(pages)
    assert "u30" in text and " uur</p>" in text and "van " in text
    assert 'class="volgende"' in pages[0] and 'class="volgende"' not in pages[-1]


def test_ingestion_reads_every_page_of_the_paged_demo_partners(server: DemoServer, registry: Registry, tmp_path: Path) -> None:
    selection = [(p, s) for p, s in registry.sources() if s.kind in PAGED_KINDS]
    assert {p.id for p, _ in selection} == {"techhub-etterbeek", "eu-calls", "fondation-numerique", "buurtlab-digitaal"}
    con = connect(tmp_path / "warehouse.duckdb")
    now = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
    try:
        sync_registry(con, registry)
        result = ingest_sources(con, selection, archive=PayloadArchive(tmp_path / "archive"), settings=HttpSettings(),
                                run_id="paged", now=now)
    finally:
        con.close()
    fetched = {(b.fetch.partner_id): b for b in result.batches}
    assert all(b.fetch.outcome == "fetched" and not b.parse_error for b in fetched.values())
    wp_total = json.loads(get(server.base_url + WP + f"?start_date={TODAY}")[2])["total"]
    eu_total = post(server.base_url + "/eu-calls/api/search?apiKey=SEDIA", {"status": ["31094501", "31094502"]})[1]["totalResults"]
    assert result.counts[("techhub-etterbeek", "events")].fetched == wp_total  # three pages of 25
    assert result.counts[("eu-calls", "calls")].fetched == eu_total  # three pages of 10
    assert result.counts[("fondation-numerique", "appels")].fetched == 24  # three listing pages, 24 detail pages
    assert result.counts[("buurtlab-digitaal", "activiteiten")].fetched == 33  # three pages of 12
    calls = [i for i in fetched["fondation-numerique"].items if i.deadline_utc]
    assert len(calls) == 24 and all(i.deadline_utc.astimezone().minute == 0 for i in calls)
    assert any("weekday" in w for w in fetched["fondation-numerique"].warnings)
