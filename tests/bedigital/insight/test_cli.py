"""`bedigital insight`: the report written as HTML, JSON and PDF from a warehouse file."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from bedigital.cli import main
from bedigital.insight.pdf import find_chromium
from warehouse.connection import connect
from warehouse.documents import DISPLAY_TZ
from warehouse.insight import default_period

from .figures import charts, figure, table_rows

PERIOD_ARGS = ["--from", "2026-01-01", "--to", "2026-03-31"]


def test_html_report_with_charts_for_the_period(warehouse: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.html"
    assert main(["insight", *PERIOD_ARGS, "--format", "html", "--lang", "en", "--warehouse", str(warehouse),
                 "--out", str(out)]) == 0
    assert f"-> {out}" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert len(charts(html)) == 9
    assert figure(html, "items") == 12
    assert table_rows(html, "partners-table")[0] == ["Hub EN", "5", "5", "0", "0"]


def test_default_output_file_and_period(warehouse: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["insight", "--warehouse", str(warehouse)]) == 0
    [written] = (tmp_path / "data" / "reports").iterdir()
    # The default period: the warehouse's activity within a year of today (tests/warehouse/test_insight.py).
    con = connect(warehouse, read_only=True)
    try:
        period = default_period(con, datetime.now(DISPLAY_TZ).date())
    finally:
        con.close()
    assert written.name == f"insight-{period.start}_{period.end}.fr.html"
    assert 'lang="fr"' in written.read_text(encoding="utf-8")


def test_json_report(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "insight.json"
    assert main(["insight", *PERIOD_ARGS, "--format", "json", "--warehouse", str(warehouse), "--out", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert figures["summary"] == {"events": 5, "calls": 4, "news": 3, "items": 12, "cancelled": 1}


def test_pdf_report_printed_by_chromium(warehouse: Path, tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip("no Chromium to print with (apt-get install chromium)")
    out = tmp_path / "report.pdf"
    assert main(["insight", *PERIOD_ARGS, "--format", "pdf", "--lang", "nl", "--warehouse", str(warehouse),
                 "--out", str(out)]) == 0
    body = out.read_bytes()
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert body.count(b"/Type /Page") - body.count(b"/Type /Pages") >= 3  # several pages of charts and tables


def test_errors_are_reported_with_an_exit_code(tmp_path: Path, capsys) -> None:
    assert main(["insight", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse at" in capsys.readouterr().err
    assert main(["insight", "--from", "2026-03-01", "--to", "2026-01-01", "--warehouse", str(tmp_path / "w")]) == 2
    assert "before --from" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["insight", "--from", "March"])
