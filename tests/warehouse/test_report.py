"""The partner report and staff overview queries, on a warehouse loaded from plain records."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from connectors.registry import Partner, Registry
from transforms.model import Rejection
from warehouse.agenda import select_agenda, store_agenda
from warehouse.items import refresh_items
from warehouse.load import load_batches, sync_registry
from transforms.model import item_id
from warehouse.records import SourceBatch
from warehouse.report import (
    ReportError, insert_alerts, partner_report, partner_reports, previous_fetched, recent_alerts, source_health,
    staff_overview,
)

from .conftest import NOW, make_batch, make_item

HUB = Partner.model_validate({
    "id": "hub", "name": {"fr": "Le Hub", "nl": "De Hub", "en": "The Hub"}, "website": "https://hub.example",
    "sources": [{"id": "agenda", "kind": "rss", "url": "http://127.0.0.1/x", "content": "event", "language": "fr"}],
})
MISSING_TITLE = Rejection(partner_id="hub", source_id="agenda", stage="normalise", reason="missing_title",
                          message="the record has no title", field="title", key="k-bad", excerpt="<item><link>x</link></item>")


def _run(con, run_id: str, items, *, rejections=(), body: str, at: datetime) -> None:
    batch = make_batch(items, rejections=list(rejections), body_hash=body * 64)
    batch.fetch.started_at = at
    load_batches(con, [batch], run_id=run_id, now=at)
    refresh_items(con, now=at)
    store_agenda(con, select_agenda(con, now=at))


@pytest.fixture
def loaded(con):
    sync_registry(con, Registry((HUB,), (), {"hub": "hub.yaml"}))
    first, second = make_item("k1"), make_item("k2", title="Hackathon")
    _run(con, "run-1", [first, second], body="a", at=NOW)
    changed = replace(second, title={"fr": "Hackathon 2", "en": "Hackathon 2"})
    _run(con, "run-2", [first, changed, make_item("k3", title="Demo day")], rejections=[MISSING_TITLE], body="b",
         at=NOW + timedelta(hours=1))
    return con


def test_the_latest_run_shows_each_item_status_and_each_rejection(loaded) -> None:
    report = partner_report(loaded, "hub")
    assert report["run_id"] == "run-2"
    [source] = report["sources"]
    assert (source["fetched"], source["new"], source["updated"], source["unchanged"], source["rejected"]) == (4, 1, 1, 1, 1)
    assert (source["status"], source["outcome"], source["error"]) == (200, "fetched", None)
    statuses = {i["title"]["fr"]: i["status"] for i in report["items"]}
    assert statuses == {"Atelier IA": "unchanged", "Hackathon 2": "updated", "Demo day": "new"}
    assert all(i["in_agenda"] for i in report["items"])
    [rejection] = report["rejections"]
    assert (rejection["reason"], rejection["field"], rejection["key"]) == ("missing_title", "title", "k-bad")
    assert rejection["excerpt"] == "<item><link>x</link></item>"
    assert report["english"] == {"items": 3, "with_english": 1, "share": 0.333}
    assert [r["run_id"] for r in report["history"]] == ["run-1", "run-2"]


LAB = HUB.model_copy(update={"id": "lab", "website": "https://lab.example"})
QUIET = HUB.model_copy(update={"id": "quiet", "website": "https://quiet.example"})


def _of(batch: SourceBatch, partner_id: str) -> SourceBatch:
    """The batch as another partner's source read it."""
    return replace(
        batch,
        fetch=replace(batch.fetch, partner_id=partner_id),
        raw_items=[replace(r, partner_id=partner_id) for r in batch.raw_items],
        items=[replace(i, partner_id=partner_id, id=item_id(partner_id, i.source_id, i.source_key)) for i in batch.items],
    )


def test_every_partner_report_at_once_is_each_partner_report(con) -> None:
    sync_registry(con, Registry((HUB, LAB, QUIET), (), {"hub": "hub.yaml", "lab": "lab.yaml", "quiet": "quiet.yaml"}))
    hub = make_batch([make_item("k1"), make_item("k2", title="Hackathon")], body_hash="a" * 64)
    lab = _of(make_batch([make_item("k9", title="Open lab")], rejections=[replace(MISSING_TITLE, partner_id="lab")],
                         body_hash="c" * 64), "lab")
    load_batches(con, [hub, lab], run_id="run-1", now=NOW)
    refresh_items(con, now=NOW)
    store_agenda(con, select_agenda(con, now=NOW))
    one_by_one = [partner_report(con, partner_id) for partner_id in ("hub", "lab", "quiet")]
    assert [r["partner"]["id"] for r in one_by_one] == ["hub", "lab", "quiet"]
    assert [len(r["items"]) for r in one_by_one] == [2, 1, 0]
    assert [len(r["rejections"]) for r in one_by_one] == [0, 1, 0]
    assert one_by_one[2]["run_id"] is None and one_by_one[2]["sources"] == []  # registered, never run
    for per_query in (1, 2, 25):
        assert list(partner_reports(con, per_query=per_query)) == one_by_one


def test_an_earlier_run_can_be_chosen_by_prefix(loaded) -> None:
    report = partner_report(loaded, "hub", run="run-1")
    assert report["run_id"] == "run-1"
    assert report["rejections"] == []
    # The records that run read, as they are now (the second run updated the hackathon's title).
    assert sorted((i["title"]["fr"], i["status"]) for i in report["items"]) == [("Atelier IA", "new"), ("Hackathon 2", "new")]
    assert report["sources"][0]["new"] == 2


def test_unknown_partner_or_run_is_a_clear_error(loaded) -> None:
    with pytest.raises(ReportError, match="unknown partner 'nobody'.*known: hub"):
        partner_report(loaded, "nobody")
    with pytest.raises(ReportError, match="ambiguous"):
        partner_report(loaded, "hub", run="run-")
    with pytest.raises(ReportError, match="not among the last runs"):
        partner_report(loaded, "hub", run="zzz")


def test_previous_fetched_ignores_the_current_run(loaded) -> None:
    assert previous_fetched(loaded, "run-2") == {("hub", "agenda"): 2}
    assert previous_fetched(loaded, "run-3") == {("hub", "agenda"): 4}


def test_staff_overview_and_health(loaded) -> None:
    loaded.execute("UPDATE sources SET error_streak = 3, last_outcome = 'error'")
    overview = staff_overview(loaded)
    [partner] = overview["partners"]
    [source] = partner["sources"]
    assert partner["health"] == source["health"] == "flagged"
    assert source["rejection_rate"] == round(1 / 6, 3) and source["items"] == 3
    assert [source_health(None, 0), source_health("fetched", 0), source_health("error", 1)] == ["unknown", "ok", "failing"]


def test_alerts_are_recorded_once(loaded) -> None:
    row = {"alert_id": "a1", "created_at": NOW.isoformat(), "kind": "run_failure", "severity": "error", "run_id": "r",
           "job_name": "ingest", "subject": "run r failed", "message": "boom", "details": {"x": 1}, "deliveries": {"smtp": "sent"}}
    insert_alerts(loaded, [row])
    insert_alerts(loaded, [{**row, "message": "changed"}])
    [alert] = recent_alerts(loaded)
    assert (alert["message"], alert["deliveries"], alert["details"]) == ("boom", {"smtp": "sent"}, {"x": 1})
