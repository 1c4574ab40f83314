"""`/partners/{id}` and `/staff` served over a real warehouse file; pages written at publication."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bedigital.monitoring.pages import labels, write_partner_pages
from bedigital.monitoring.reasons import reason_table
from bedigital.monitoring.routes import build_monitoring_router
from pipelines.settings import Settings
from warehouse.connection import connect


@pytest.fixture
def client(warehouse: Path, partners_dir: Path, tmp_path: Path) -> TestClient:
    settings = Settings(partners_dir=partners_dir, warehouse=warehouse, out_dir=tmp_path / "out")
    app = FastAPI()
    app.include_router(build_monitoring_router(lambda: settings))
    return TestClient(app)


def test_the_partner_page_shows_fetch_items_and_rejections(client: TestClient) -> None:
    page = client.get("/partners/hub", params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "Ingestion report – The Hub" in text and "AI workshop" in text and "Hackathon" in text
    assert reason_table()["invalid_date"]["en"] in text and reason_table()["invalid_date"]["fr"] in text
    assert "application/rss+xml" in text  # the HTTP details of the last fetch
    assert "1 of 2 items have an English title" in text


def test_the_partner_report_is_also_json_and_csv(client: TestClient) -> None:
    assert client.get("/partners/hub", params={"format": "json"}).json()["partner"]["id"] == "hub"
    assert client.get("/partners/hub", params={"format": "csv"}).text.startswith("row,source_id,status")


def test_unknown_partner_and_bad_language_are_refused(client: TestClient) -> None:
    assert client.get("/partners/nobody").status_code == 404
    assert client.get("/partners/hub", params={"lang": "de"}).status_code == 422


def test_the_staff_page_lists_every_source_with_its_health(client: TestClient, warehouse: Path) -> None:
    con = connect(warehouse)
    con.execute("UPDATE sources SET error_streak = 4, last_error = 'HTTP 503 from the partner'")
    con.close()
    text = client.get("/staff", params={"lang": "nl"}).text
    assert "Overzicht van de bronnen" in text and "gemarkeerd (herhaalde fouten)" in text and "HTTP 503" in text


def test_partner_pages_are_written_in_three_languages(warehouse: Path, tmp_path: Path) -> None:
    con = connect(warehouse)
    try:
        written = write_partner_pages(con, tmp_path / "public" / "partners")
    finally:
        con.close()
    assert sorted(p.name for p in written) == ["hub.en.html", "hub.html", "hub.json", "hub.nl.html"]
    assert 'href="hub.nl.html"' in (tmp_path / "public" / "partners" / "hub.html").read_text()


def test_every_label_exists_in_french_dutch_and_english() -> None:
    assert all(set(texts) == {"fr", "nl", "en"} and all(texts.values()) for texts in labels().values())
