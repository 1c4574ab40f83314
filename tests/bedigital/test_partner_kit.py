"""`bedigital partners new | check | record` and the contract checks, on real files and real HTTP."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bedigital.cli import main
from bedigital.partner_kit.contracts import ContractBroken, check_pagination_followed, check_snapshot, subject
from bedigital.partner_kit.fixtures import fixture_folder


@pytest.fixture
def kit(tmp_path: Path) -> tuple[Path, Path]:
    registry, tests = tmp_path / "partners", tmp_path / "tests" / "contracts"
    registry.mkdir()
    return registry, tests


def new(kit: tuple[Path, Path], partner_id: str, kind: str) -> int:
    registry, tests = kit
    return main(["partners", "new", partner_id, "--kind", kind, "--dir", str(registry), "--tests", str(tests)])


def check(registry: Path, partner_id: str, *extra: str) -> int:
    return main(["partners", "check", partner_id, "--fixtures", "--dir", str(registry), *extra])


@pytest.mark.parametrize("kind", ["json_api", "html", "rss", "ical", "jsonld"])
def test_new_then_check_fixtures_succeeds_and_the_generated_tests_pass(kit, kind: str, capsys) -> None:
    registry, tests = kit
    assert new(kit, "nouveau-lab", kind) == 0
    assert (registry / "nouveau-lab.yaml").read_text(encoding="utf-8").startswith("# nouveau-lab")
    assert check(registry, "nouveau-lab") == 0
    assert "OK:" in capsys.readouterr().out
    test_file = tests / "test_partner_nouveau_lab.py"
    run = subprocess.run([sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider",
                          "--rootdir", str(test_file.parent)], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout


def test_new_never_overwrites_and_refuses_a_bad_id(kit) -> None:
    assert new(kit, "lab", "rss") == 0
    assert new(kit, "lab", "html") == 1
    assert new(kit, "Not_A_Slug", "rss") == 2 and not (kit[0] / "Not_A_Slug.yaml").exists()


def test_a_wrong_selector_shows_which_field_came_out_empty_and_in_how_many_records(kit, capsys) -> None:
    registry, _ = kit
    new(kit, "lab", "html")
    path = registry / "lab.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('title: "h2"', 'title: "h5.titre"'), encoding="utf-8")
    capsys.readouterr()
    assert check(registry, "lab") == 1  # only rejections: nothing would be published
    out = capsys.readouterr().out
    assert "title                 4 / 4  ← EMPTY IN EVERY RECORD" in out
    assert "missing_title" in out and "FAILED: the source yields no item (only rejections)" in out


def test_a_wrong_mapping_is_counted_even_when_items_survive(kit, capsys) -> None:
    registry, _ = kit
    new(kit, "lab", "json_api")
    path = registry / "lab.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("place: venue.name", "place: venue.nom"), encoding="utf-8")
    capsys.readouterr()
    assert check(registry, "lab") == 0
    out = capsys.readouterr().out
    assert "place                 4 / 4  ← EMPTY IN EVERY RECORD" in out and "title                 0 / 4" in out


WORKSHOPS_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    "X-WR-TIMEZONE:Europe/Brussels\r\n"
    "BEGIN:VEVENT\r\nUID:a@lab\r\nDTSTAMP:20261129T100000Z\r\nDTSTART:20261210T173000Z\r\n"
    "SUMMARY:Atelier impression 3D\r\nLOCATION:FabLab\\, Rue Gray 123\\, 1040 Etterbeek\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b@lab\r\nDTSTAMP:20261129T100000Z\r\nDTSTART;VALUE=DATE:20261214\r\n"
    "SUMMARY:Hackathon IoT\r\nLOCATION:https://meet.example.org/hackathon\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode("utf-8")


def test_a_feed_is_checked_for_the_fields_its_content_needs(kit, capsys) -> None:
    """An event calendar is asked for a place (an address in one string or a meeting link counts), not for a
    deadline or a summary: the flags point at what the portal would miss, not at what an event never has."""
    registry, _ = kit
    new(kit, "lab", "ical")
    (fixture_folder(registry, "lab", "agenda") / "001.ics").write_bytes(WORKSHOPS_ICS)
    capsys.readouterr()
    assert check(registry, "lab", "--refresh-expected") == 0
    out = capsys.readouterr().out
    assert re.search(r"location +0 / 2\n", out) and re.search(r"start +0 / 2\n", out)
    assert not re.search(r"^ +(deadline|summary|place) ", out, re.MULTILINE)
    assert re.search(r"url +2 / 2  ← EMPTY IN EVERY RECORD", out)  # the calendar links to nothing: worth saying


def test_a_calendar_s_recurring_events_are_counted_as_events_and_as_occurrences(kit, capsys) -> None:
    """Three events, two of them weekly or monthly, are three records of the calendar giving ten occurrences: counted
    as ten records, the partner looked for ten events in a calendar that has three."""
    registry, _ = kit
    new(kit, "lab", "ical")
    folder = fixture_folder(registry, "lab", "agenda")
    calendar = Path(__file__).parents[1] / "connectors" / "parsers" / "fixtures" / "ical" / "google_weekly_and_monthly_series.ics"
    (folder / "001.ics").write_bytes(calendar.read_bytes())
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    (folder / "index.json").write_text(json.dumps({**index, "now": "2026-03-01T12:00:00+00:00"}), encoding="utf-8")
    capsys.readouterr()
    assert check(registry, "lab", "--refresh-expected") == 0
    out = capsys.readouterr().out
    assert "== lab › agenda (ical): 1 page(s), 3 source record(s) giving 10 occurrence(s), 10 item(s), 0 rejection(s)" in out
    assert "Fields left empty (of the occurrences parsed):" in out and re.search(r"start +0 / 10\n", out)


def test_a_source_without_fixtures_fails_the_check(kit, capsys) -> None:
    registry, _ = kit
    new(kit, "lab", "rss")
    (fixture_folder(registry, "lab", "news") / "index.json").unlink()
    capsys.readouterr()
    assert check(registry, "lab") == 1
    out = capsys.readouterr().out
    assert "no index.json" in out
    assert "Fields left empty" not in out  # of no record, no field is empty: only the reason is shown


def test_pagination_that_stops_after_page_one_breaks_the_contract(kit) -> None:
    registry, _ = kit
    new(kit, "lab", "json_api")
    folder = fixture_folder(registry, "lab", "events")
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    index["pages"] = index["pages"][:1]
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(ContractBroken, match="single listing page"):
        check_pagination_followed(subject(registry, "lab", "events"))


def test_a_changed_item_breaks_the_snapshot_until_refreshed(kit) -> None:
    registry, _ = kit
    new(kit, "lab", "json_api")
    folder = fixture_folder(registry, "lab", "events")
    (folder / "002.json").write_text((folder / "002.json").read_text(encoding="utf-8").replace("2.1", "2.9"), encoding="utf-8")
    with pytest.raises(ContractBroken, match="differ from"):
        check_snapshot(subject(registry, "lab", "events"))
    assert check(registry, "lab", "--refresh-expected") == 0
    check_snapshot(subject(registry, "lab", "events"))


def test_record_saves_every_page_of_a_live_source(kit, httpserver, capsys) -> None:
    registry, _ = kit
    new(kit, "lab", "json_api")
    path = registry / "lab.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("https://lab.example.org/api/events", httpserver.url_for("/api/events")),
                    encoding="utf-8")
    second = httpserver.url_for("/api/events") + "?page=2"
    httpserver.expect_request("/api/events", query_string={"from": "2026-01-15"}).respond_with_json(
        {"data": [{"id": "a", "name": "A", "link": "https://lab.example.org/a", "starts_at": "2026-02-01T10:00:00+01:00"}],
         "links": {"next": second}})
    httpserver.expect_request("/api/events", query_string="page=2").respond_with_json(
        {"data": [{"id": "b", "name": "B", "link": "https://lab.example.org/b", "starts_at": "2026-02-02T10:00:00+01:00"}]})
    capsys.readouterr()
    assert main(["partners", "record", "lab", "--dir", str(registry), "--now", "2026-01-15T09:00:00+00:00"]) == 0
    assert "next: `bedigital partners check lab --fixtures --refresh-expected`" in capsys.readouterr().out
    index = json.loads((fixture_folder(registry, "lab", "events") / "index.json").read_text(encoding="utf-8"))
    assert [p["url"].rsplit("/", 1)[-1] for p in index["pages"]] == ["events?from=2026-01-15", "events?page=2"]
    assert index["now"] == "2026-01-15T09:00:00+00:00"
    assert check(registry, "lab", "--refresh-expected") == 0
    check_pagination_followed(subject(registry, "lab", "events"))


def test_check_on_a_new_file_with_a_path_it_cannot_read_names_the_file_and_the_key(kit, capsys) -> None:
    registry, _ = kit
    new(kit, "lab", "json_api")
    path = registry / "lab.yaml"
    # A JSONPath filter, as other tools accept: it read nothing, and check blamed the page ("not in page 1").
    path.write_text(path.read_text(encoding="utf-8").replace('records: "$.data[*]"', "records: \"$.data[?(@.id)]\""),
                    encoding="utf-8")
    capsys.readouterr()
    assert check(registry, "lab") == 2
    out = capsys.readouterr().out
    assert f"{path} › source events › records: got '$.data[?(@.id)]', expected a path such as" in out


def test_check_shows_the_language_each_item_is_published_under(kit, capsys) -> None:
    # A feed labelling its texts in the wrong language (a CMS default) could not be seen in check's table.
    registry, _ = kit
    new(kit, "lab", "rss")
    capsys.readouterr()
    assert check(registry, "lab") == 0
    header = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("kind"))
    assert header.split()[:6] == ["kind", "status", "when", "(Brussels)", "lang", "title"]
