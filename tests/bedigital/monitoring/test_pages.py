"""`/partners/{id}` and `/staff` served over a real warehouse file; pages written at publication."""
from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bedigital.monitoring.pages import (
    _environment, _one_ahead, item_cells, item_rows, labels, report_json, with_explanations, write_partner_pages,
)
from bedigital.monitoring.reasons import reason_table
from bedigital.monitoring.routes import build_monitoring_router
from pipelines.settings import Settings
from warehouse.connection import connect
from warehouse.report import partner_report

from .conftest import SOURCE_WARNING


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


def test_a_source_s_warnings_are_in_the_report_in_every_format(client: TestClient) -> None:
    # What a reader forgave but did not reject (broken XML recovered, an unknown zone, news dated ahead) was only in
    # the fetch log and `partners check`: the partner checking its report never saw it.
    for lang, label in (("fr", "Avertissements (en anglais)"), ("nl", "Waarschuwingen (in het Engels)"), ("en", "Warnings")):
        page = client.get("/partners/hub", params={"lang": lang}).text
        assert f"{label} (1):<ul><li>{SOURCE_WARNING}</li></ul>" in page
    [source] = client.get("/partners/hub", params={"format": "json"}).json()["sources"]
    assert source["warnings"] == [SOURCE_WARNING]
    rows = list(csv.DictReader(io.StringIO(client.get("/partners/hub", params={"format": "csv"}).text)))
    assert [(r["source_id"], r["message"]) for r in rows if r["row"] == "warning"] == [("agenda", SOURCE_WARNING)]


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


# The item cells of the partner page as the template wrote them before they were written in Python.
TEMPLATE_CELLS = (
    '<td>{% for code in ("fr", "nl", "en") %}{% set title = (i.agenda_title or i.title).get(code) %}{% if title %}'
    '<div><small class="muted">{{ code|upper }}</small> {% if i.url %}<a href="{{ i.url }}">{{ title }}</a>'
    '{% else %}{{ title }}{% endif %}</div>{% endif %}{% endfor %}</td>\n'
    '<td><small>{{ i.start or "" }}{% if i.end %} → {{ i.end }}{% endif %}{% if i.deadline %}<br>deadline '
    '{{ i.deadline }}{% endif %}</small></td>\n'
    '<td><small>{% for facet, slugs in i.categories.items() %}{{ facet }}: {{ slugs|join(", ") }}'
    '{% set why = i.category_reasons.get(facet) %}{% if why %} <span class="muted">'
    '({{ why if why is string else why|tojson }})</span>{% endif %}<br>{% endfor %}</small></td>'
)


def _item(**fields) -> dict:
    base = {"item_id": "i1", "source_id": "agenda", "kind": "event", "status": "new", "merged_with": [],
            "title": {"fr": "Atelier"}, "url": "https://hub.example/a", "start": "2026-03-10T17:30:00+00:00",
            "end": None, "deadline": None, "in_agenda": True, "agenda_title": {}, "categories": {},
            "category_reasons": {}}
    return {**base, **fields}


def test_item_cells_are_what_the_template_wrote() -> None:
    reference = _environment().from_string(TEMPLATE_CELLS)
    reasons = [{"rule": "keyword", "field": "title", "words": "<IA> & l'été"}]
    items = [
        _item(),
        _item(title={"fr": "<b>A & B</b>", "nl": 'Q "quoted"', "en": "It's"}, url='https://x.example/?a=1&b="2"'),
        _item(url=None, agenda_title={"en": "Agenda title"}, end="2026-03-10T19:00:00+00:00",
              deadline="2026-03-01T00:00:00+00:00"),
        _item(start=None, categories={"theme": ["ai", "data<x>"], "for<mat>": ["workshop"], "audience": []},
              category_reasons={"theme": {"ai": reasons, "data<x>": []}, "for<mat>": "partner's <tag>"}),
        _item(title={}, categories={"theme": ["ai"]}, category_reasons={"theme": {}}),
    ]
    for item in items:
        assert item_cells(item) == reference.render(i=item)


TEMPLATE_ROWS = (
    '{% for i, cells in rows %}<tr>\n'
    '<td>{{ t("status_" ~ i.status) }}{% if i.merged_with %}<br><small>{{ t("merged_with") }} {% for m in i.merged_with %}'
    '{{ m.partner_id }}/{{ m.source_id }}{% if not loop.last %}, {% endif %}{% endfor %}</small>{% endif %}</td>\n'
    '{{ cells }}\n'
    '<td>{{ t("in_agenda_yes") if i.in_agenda else t("in_agenda_no") }}</td>\n'
    '</tr>{% endfor %}'
)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_item_rows_are_what_the_template_wrote(lang: str) -> None:
    reference = _environment().from_string(TEMPLATE_ROWS)
    items = [
        _item(),
        _item(status="merged", in_agenda=False,
              merged_with=[{"partner_id": "lab", "source_id": "news"}, {"partner_id": "<x>", "source_id": "a&b"}]),
        _item(status="unchanged", merged_with=[{"partner_id": "hub", "source_id": "agenda"}]),
        _item(status="updated"),
    ]
    rows = [(item, item_cells(item)) for item in items]
    expected = reference.render(rows=rows, t=lambda key: labels()[key][lang])
    assert item_rows(rows, lang) == expected
    assert item_rows([], lang) == ""


def test_partner_page_json_is_the_report_with_explanations(warehouse: Path, tmp_path: Path) -> None:
    con = connect(warehouse)
    try:
        report = partner_report(con, "hub")
        write_partner_pages(con, tmp_path)
    finally:
        con.close()
    expected = json.loads(json.dumps(with_explanations(report), default=str))
    assert json.loads((tmp_path / "hub.json").read_text(encoding="utf-8")) == expected
    assert json.loads(report_json(report)) == expected
    assert report_json(report).startswith('{\n  "partner": {')  # indented, in the report's order


def test_reports_come_in_order_one_ahead_and_errors_surface() -> None:
    def squares(numbers: list[int]) -> Iterator[int]:
        for n in numbers:
            if n == 3:
                raise ValueError("three")
            yield n * n

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert list(_one_ahead(pool, squares([0, 1, 2]))) == [0, 1, 4]
        assert list(_one_ahead(pool, squares([]))) == []
        results = _one_ahead(pool, squares([1, 3, 4]))
        assert next(results) == 1
        with pytest.raises(ValueError, match="three"):
            next(results)


def test_the_next_report_is_computed_while_this_one_is_written() -> None:
    computed: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(3):
            computed.append(n)
            yield n

    with ThreadPoolExecutor(max_workers=1) as pool:
        values = _one_ahead(pool, numbers())
        assert next(values) == 0
        pool.submit(lambda: None).result()  # the worker has finished what it was given
        assert computed == [0, 1]
        assert list(values) == [1, 2]
