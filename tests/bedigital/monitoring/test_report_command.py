"""`bedigital report PARTNER` shows each rejection with its reason, in every format."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from bedigital.cli import main
from bedigital.monitoring.reasons import explain, reason_table

from .conftest import REJECTED_EXCERPT, SOURCE_WARNING


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_lists_each_rejection_with_its_reason_in_three_languages(warehouse: Path, capsys) -> None:
    code, out, _ = run(capsys, "hub", "--warehouse", str(warehouse))
    assert code == 0
    assert "invalid_date (start) key=k-bad" in out
    for lang in ("fr", "nl", "en"):
        assert reason_table()["invalid_date"][lang] in out
    assert "pubDate '31 Feb' is not a date" in out and "31 Feb" in out
    assert "fetched=3 new=2 updated=0 unchanged=0 merged=0 rejected=1" in out
    assert "English coverage: 1/2" in out
    assert f"      warning: {SOURCE_WARNING}" in out  # under its source


def test_json_and_csv_carry_the_same_facts(warehouse: Path, capsys) -> None:
    _, out, _ = run(capsys, "hub", "--format", "json", "--warehouse", str(warehouse))
    report = json.loads(out)
    [rejection] = report["rejections"]
    assert rejection["explained"] == explain("invalid_date") and rejection["excerpt"] == REJECTED_EXCERPT
    assert {i["status"] for i in report["items"]} == {"new"} and report["run_id"] == "run-0001"

    _, out, _ = run(capsys, "hub", "--format", "csv", "--warehouse", str(warehouse))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["row"] for r in rows] == ["item", "item", "warning", "rejection"]
    assert rows[2]["message"] == SOURCE_WARNING
    assert rows[3]["reason_nl"] == reason_table()["invalid_date"]["nl"] and rows[3]["excerpt"] == REJECTED_EXCERPT


def test_html_report_is_a_page_in_the_chosen_language(warehouse: Path, capsys) -> None:
    _, out, _ = run(capsys, "hub", "--format", "html", "--lang", "nl", "--warehouse", str(warehouse))
    assert out.startswith("<!doctype html>") and '<html lang="nl">' in out
    assert "Ophaalrapport" in out and reason_table()["invalid_date"]["nl"] in out
    assert "&lt;item&gt;" in out  # the raw excerpt is escaped, never interpreted
    assert "<svg" in out


@pytest.mark.parametrize(("args", "words"), [
    (["nobody"], "unknown partner 'nobody'"),
    (["hub", "--run", "zzz"], "not among the last runs"),
])
def test_bad_partner_or_run_exits_2_with_a_clear_message(warehouse: Path, capsys, args, words) -> None:
    code, _, err = run(capsys, *args, "--warehouse", str(warehouse))
    assert code == 2 and words in err


def test_missing_warehouse_says_what_to_do(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "hub", "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 2 and "run the pipeline first" in err


def test_every_reason_code_of_the_model_has_three_plain_texts() -> None:
    for code in ("missing_title", "invalid_date", "missing_start", "end_before_start", "invalid_url", "duplicate_key", "lost",
                 "missing_key", "invalid_event", "too_many_occurrences", "unreadable_record", "normalise_error"):
        assert set(explain(code)) == {"fr", "nl", "en"} and "{code}" not in explain(code)["en"]
        assert code in reason_table(), code  # its own words, not the fallback naming the code
    assert "brand_new_code" in explain("brand_new_code")["fr"]


# How the parsers and the normaliser name a rejection's reason: reject("code", ...), FieldError(target, "code", ...),
# _Rejected("code", ...), _rejection(raw, ctx, "code", ...) and Rejection(..., reason="code", ...).
_EMITTED = re.compile(r'(?:\breject\(|FieldError\(\w+,|_Rejected\(|_rejection\(raw, ctx,)\s*"([a-z_]+)"|\breason="([a-z_]+)"')


def test_every_reason_code_the_code_emits_has_three_plain_texts() -> None:
    root = Path(__file__).resolve().parents[3]
    sources = [*(root / "connectors").rglob("*.py"), *(root / "transforms").rglob("*.py"), root / "bedigital" / "ingest.py"]
    emitted = {a or b for path in sources for a, b in _EMITTED.findall(path.read_text(encoding="utf-8"))}
    assert {"missing_title", "invalid_date", "duplicate_key", "invalid_value", "lost"} <= emitted  # the scan reads them
    assert sorted(code for code in emitted if code not in reason_table()) == []  # a partner would see the bare code
