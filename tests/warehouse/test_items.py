"""Canonical items: merged duplicates and language variants, changes kept in history, nothing removed when a
feed empties, machine-translated English marked as such, and English coverage per partner."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.translate import Translator
from transforms.categorise import categorise
from transforms.model import Item, item_id, stable_hash, stable_json
from warehouse.agenda import IncompleteItems, select_agenda, stage_agenda
from warehouse.coverage import english_coverage
from warehouse.items import refresh_items
from warehouse.load import load_batches
from warehouse.records import FetchRecord, SourceBatch

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
START = datetime(2027, 3, 10, 17, 30, tzinfo=timezone.utc)


def event(partner: str, source: str, key: str, title: dict, *, start: datetime = START, **fields) -> Item:
    return Item(id=item_id(partner, source, key), partner_id=partner, source_id=source, source_key=key, kind="event",
                title=title, url=f"https://{partner}.example/{source}/{key}", canonical_url=f"https://{partner}.example/{source}/{key}",
                start_utc=start, languages=sorted(title), **fields)


def batch(partner: str, source: str, items: list[Item], *, body: str, at: datetime = NOW) -> SourceBatch:
    from transforms.model import RawItem

    return SourceBatch(
        fetch=FetchRecord(partner_id=partner, source_id=source, url="http://127.0.0.1/x", outcome="fetched",
                          started_at=at, duration_s=0.1, status=200, body_hash=body * 64),
        raw_items=[RawItem(partner_id=partner, source_id=source, key=i.source_key) for i in items], items=items,
        payload_path="/tmp/x", payload_size=1,
    )


def run(con, batches: list[SourceBatch], *, at: datetime = NOW, translator=None, run_id: str = "r1", **options):
    load_batches(con, batches, run_id=run_id, now=at)
    return refresh_items(con, now=at, translator=translator, defaults={}, **options)


FR = event("innov", "agenda-fr", "e1", {"fr": "Atelier : intelligence artificielle et PME"}, venue="BeCentral",
           municipality="brussels", description={"fr": "<p>Un atelier pratique. Entrée libre.</p>"}, is_free=True)
NL = event("innov", "agenda-nl", "e1", {"nl": "Workshop: artificiële intelligentie en kmo's"}, venue="BeCentral",
           municipality="brussels")
OTHER = event("hub", "agenda", "x", {"fr": "Apéro réseautage"}, start=START + timedelta(days=2), venue="Lab")


def documents(con) -> list[dict]:
    return select_agenda(con, now=NOW)


def test_fr_and_nl_pages_of_one_event_are_one_item_with_both_titles_and_sources(con) -> None:
    changes = run(con, [batch("innov", "agenda-fr", [FR], body="a"), batch("innov", "agenda-nl", [NL], body="b"),
                        batch("hub", "agenda", [OTHER], body="c")])
    assert (changes["total"], changes["merged"]) == (2, 1)
    [merged] = [d for d in documents(con) if len(d["sources"]) == 2]
    assert merged["title"] == {"fr": FR.title["fr"], "nl": NL.title["nl"]}
    assert merged["id"] == FR.id or merged["id"] == NL.id
    assert {s["source_id"] for s in merged["sources"]} == {"agenda-fr", "agenda-nl"}
    assert merged["categories"]["theme"] == ["ai"] and merged["categories"]["price"] == ["free"]
    assert merged["category_reasons"]["theme"]["ai"][0]["rule"] == "keyword"
    [(score, rule, fields)] = con.execute("SELECT score, rule, fields FROM item_merges").fetchall()
    assert score > 0.5 and rule and json.loads(fields)["venue"] == 1.0
    # Each stored record is its canonical JSON, and its hash that of the JSON.
    for record, content_hash in con.execute("SELECT record, content_hash FROM items").fetchall():
        assert record == stable_json(json.loads(record)) and content_hash == stable_hash(json.loads(record))


def test_a_moved_event_is_updated_in_place_and_its_history_kept(con) -> None:
    run(con, [batch("innov", "agenda-fr", [FR], body="a")])
    [(first_id, sequence)] = con.execute("SELECT item_id, sequence FROM items").fetchall()
    moved = replace(FR, start_utc=START + timedelta(hours=1))
    changes = run(con, [batch("innov", "agenda-fr", [moved], body="d", at=NOW + timedelta(hours=1))],
                  at=NOW + timedelta(hours=1), run_id="r2")
    assert changes["updated"] == 1
    [(item, new_sequence)] = con.execute("SELECT item_id, sequence FROM items").fetchall()
    assert (item, new_sequence) == (first_id, sequence + 1)
    [(change, fields, payloads)] = con.execute("SELECT change, fields, payloads FROM item_history").fetchall()
    assert change == "rescheduled"
    assert json.loads(fields)["start_utc"][1].startswith("2027-03-10T18:30")
    assert json.loads(payloads)[0]["body_hash"] == "d" * 64
    [document] = select_agenda(con, now=NOW)
    assert document["rescheduled"] is True and document["previous_start"].startswith("2027-03-10T17:30")


def test_an_emptied_feed_removes_nothing_and_warns(con) -> None:
    run(con, [batch("innov", "agenda-fr", [FR, replace(FR, id=item_id("innov", "agenda-fr", "e2"), source_key="e2",
                                                          start_utc=START + timedelta(days=1))], body="a")])
    changes = run(con, [batch("innov", "agenda-fr", [], body="e", at=NOW + timedelta(hours=1))],
                  at=NOW + timedelta(hours=1), run_id="r2")
    assert changes["total"] == 2 and len(documents(con)) == 2
    assert changes.warnings == ["innov/agenda-fr returned no items (it had 2); nothing was removed from the agenda"]


def dictionary_service(httpserver: HTTPServer, calls: list) -> Translator:
    words = {"Apéro réseautage": "Networking drinks", "Atelier : intelligence artificielle et PME": "Workshop: AI and SMEs"}

    def handler(request: Request) -> Response:
        body = json.loads(request.data)
        calls.append(body["q"])
        return Response(json.dumps({"translatedText": [words.get(t, f"[{t}]") for t in body["q"]]}),
                        content_type="application/json")

    httpserver.expect_request("/translate", method="POST").respond_with_handler(handler)
    return Translator("libretranslate", httpserver.url_for("/"))


def test_english_is_machine_translated_marked_and_never_overwrites_a_partner(con, httpserver: HTTPServer) -> None:
    calls: list = []
    translator = dictionary_service(httpserver, calls)
    written = event("hub", "agenda", "en", {"fr": "Hackathon santé", "en": "Health hackathon"}, start=START + timedelta(days=5))
    run(con, [batch("hub", "agenda", [OTHER, written], body="c")], translator=translator)
    by_id = {d["id"]: d for d in documents(con)}
    assert by_id[OTHER.id]["title"]["en"] == "Networking drinks"
    assert by_id[OTHER.id]["machine_translated"] == {"en": ["title"]}
    assert by_id[written.id]["title"]["en"] == "Health hackathon" and by_id[written.id]["machine_translated"] == {}
    asked = len(calls)
    run(con, [batch("hub", "agenda", [OTHER, written], body="c")], translator=translator, run_id="r2")
    assert len(calls) == asked  # translated once, then read from the warehouse
    coverage = {c.partner_id: (c.items, c.english, c.machine) for c in english_coverage(con)}
    assert coverage["hub"] == (2, 2, 1)


def test_without_a_translator_nothing_is_invented(con) -> None:
    run(con, [batch("hub", "agenda", [OTHER], body="c")])
    [document] = documents(con)
    assert "en" not in document["title"] and document["machine_translated"] == {}


def test_a_refresh_with_nothing_new_rebuilds_nothing_and_any_change_or_force_rebuilds(con) -> None:
    run(con, [batch("innov", "agenda-fr", [FR], body="a")])
    again = refresh_items(con, now=NOW + timedelta(hours=1), translator=None, defaults={})
    assert (again["skipped"], again["unchanged"], again["total"]) == (1, 1, 1)

    other_defaults = refresh_items(con, now=NOW, translator=None, defaults={("innov", "agenda-fr"): [("partner innov", {"theme": ["iot"]})]})
    assert other_defaults["skipped"] == 0 and other_defaults["updated"] == 1

    forced = refresh_items(con, now=NOW, translator=None, defaults={}, force=True)
    assert forced["skipped"] == 0 and forced["updated"] == 1  # back to the categories without the default

    moved = replace(FR, start_utc=START + timedelta(hours=1))
    changed = run(con, [batch("innov", "agenda-fr", [moved], body="d", at=NOW + timedelta(hours=2))],
                  at=NOW + timedelta(hours=2), run_id="r2")
    assert changed["skipped"] == 0 and changed["updated"] == 1

    con.execute("DELETE FROM items")  # the items table lost: rebuilt although the source items did not change
    rebuilt = refresh_items(con, now=NOW + timedelta(hours=3), translator=None, defaults={})
    assert rebuilt["skipped"] == 0 and rebuilt["inserted"] == 1


def _tables(con) -> dict[str, list[tuple]]:
    queries = {
        "items": "SELECT * FROM items ORDER BY item_id",
        "item_sources": "SELECT * FROM item_sources ORDER BY ALL",
        "item_merges": "SELECT * FROM item_merges ORDER BY ALL",
        "item_history": "SELECT * FROM item_history ORDER BY ALL",
    }
    return {name: con.execute(query).fetchall() for name, query in queries.items()}


def _refreshes(con, **options) -> list[dict]:
    """Runs that insert, merge, reschedule and absorb: an item first listed apart, then matching another."""
    apart = replace(NL, start_utc=START + timedelta(days=3), venue="Elsewhere")
    first = run(con, [batch("innov", "agenda-fr", [FR], body="a"), batch("innov", "agenda-nl", [apart], body="b"),
                      batch("hub", "agenda", [OTHER], body="c")], **options)
    later = NOW + timedelta(hours=1)
    moved = replace(OTHER, start_utc=OTHER.start_utc + timedelta(hours=2))
    second = run(con, [batch("innov", "agenda-nl", [NL], body="d", at=later), batch("hub", "agenda", [moved], body="e", at=later)],
                 at=later, run_id="r2", **options)
    return [dict(first), dict(second)]


def test_items_are_the_same_whatever_the_number_of_groups_refreshed_at_a_time(tmp_path, monkeypatch) -> None:
    import warehouse.items
    from warehouse.connection import connect

    whole = connect(tmp_path / "whole.duckdb")
    counts_whole, tables_whole = _refreshes(whole), _tables(whole)
    monkeypatch.setattr(warehouse.items, "GROUPS_PER_BATCH", 1)
    one_by_one = connect(tmp_path / "one.duckdb")
    counts_one, tables_one = _refreshes(one_by_one), _tables(one_by_one)
    assert counts_one == counts_whole and tables_one == tables_whole
    # The scenario did exercise what batches must agree on: a merge absorbing an item and a reschedule.
    assert counts_whole[1]["merged"] == 1 and {row[2] for row in tables_whole["item_history"]} == {"merged_into", "rescheduled"}
    whole.close()
    one_by_one.close()


def test_each_batch_is_categorised_in_one_call_of_the_given_function_whose_results_the_items_carry(tmp_path, monkeypatch) -> None:
    import warehouse.items
    from warehouse.connection import connect

    default = connect(tmp_path / "default.duckdb")
    _refreshes(default)
    calls: list[list[str]] = []

    def reversed_then_restored(inputs):  # computes out of order, answers in order: as worker processes do
        calls.append([next(iter(found.title.values())) for found in inputs])
        results = {id(found): categorise(found) for found in reversed(inputs)}
        return [results[id(found)] for found in inputs]

    monkeypatch.setattr(warehouse.items, "GROUPS_PER_BATCH", 2)
    given = connect(tmp_path / "given.duckdb")
    _refreshes(given, categorise_all=reversed_then_restored)
    assert _tables(given) == _tables(default)
    assert calls and all(1 <= len(titles) <= 2 for titles in calls)
    assert any(row[4] and '"theme"' in row[4] for row in _tables(given)["items"])  # categories did land on items
    default.close()
    given.close()


def test_a_refresh_interrupted_midway_is_finished_by_the_next_one(tmp_path, monkeypatch) -> None:
    """Each part of a refresh is committed (one transaction held every new item in memory): an interruption
    leaves the parts written and no fingerprint, and the next refresh gives the tables of an uninterrupted one."""
    import warehouse.items
    from warehouse import fingerprints
    from warehouse.connection import connect

    monkeypatch.setattr(warehouse.items, "GROUPS_PER_BATCH", 1)
    reference, interrupted = connect(tmp_path / "reference.duckdb"), connect(tmp_path / "interrupted.duckdb")
    later = NOW + timedelta(hours=1)
    apart = replace(NL, start_utc=START + timedelta(days=3), venue="Elsewhere")
    moved = replace(OTHER, start_utc=OTHER.start_utc + timedelta(hours=2))
    try:
        for con in (reference, interrupted):
            run(con, [batch("innov", "agenda-fr", [FR], body="a"), batch("innov", "agenda-nl", [apart], body="b"),
                      batch("hub", "agenda", [OTHER], body="c")])
            load_batches(con, [batch("innov", "agenda-nl", [NL], body="d", at=later),
                               batch("hub", "agenda", [moved], body="e", at=later)], run_id="r2", now=later)
        refresh_items(reference, now=later, translator=None, defaults={})
        before = _tables(interrupted)

        real, calls = warehouse.items._write_frames, {"n": 0}

        def interrupted_after_one_part(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("disk full")
            return real(*args, **kwargs)

        monkeypatch.setattr(warehouse.items, "_write_frames", interrupted_after_one_part)
        with pytest.raises(OSError):
            refresh_items(interrupted, now=later, translator=None, defaults={})
        assert _tables(interrupted)["items"] != before["items"]  # the first part stayed written
        with pytest.raises(IncompleteItems, match="did not finish"):  # no agenda from half-rebuilt items
            stage_agenda(interrupted, now=later)
        monkeypatch.setattr(warehouse.items, "_write_frames", real)
        stale = fingerprints.recorded(interrupted, fingerprints.ITEMS)
        # Even when the inputs are those of the recorded fingerprint again (a partner's edit undone meanwhile),
        # an interrupted refresh is finished, not skipped.
        settings = warehouse.items._fingerprint_settings({}, warehouse.items.load_overrides(), None)
        fingerprints.record(interrupted, fingerprints.ITEMS, fingerprints.items_fingerprint(interrupted, settings=settings),
                            now=later)

        finished = refresh_items(interrupted, now=later, translator=None, defaults={})
        assert finished["skipped"] == 0 and fingerprints.recorded(interrupted, fingerprints.ITEMS) != stale
        after = _tables(interrupted)
        assert after == _tables(reference)
        assert stage_agenda(interrupted, now=later) == stage_agenda(reference, now=later) > 0
        # The scenario did exercise what the parts must agree on: an absorbed item and a reschedule.
        assert {row[2] for row in after["item_history"]} == {"merged_into", "rescheduled"}
    finally:
        reference.close()
        interrupted.close()


def test_a_forced_refresh_with_nothing_new_leaves_every_row_as_it_was(con) -> None:
    _refreshes(con)
    before = _tables(con)
    forced = refresh_items(con, now=NOW + timedelta(hours=5), translator=None, defaults={}, force=True)
    assert (forced["unchanged"], forced["updated"], forced["inserted"], forced["history"]) == (forced["total"], 0, 0, 0)
    after = _tables(con)
    # item_merges are decided again at each refresh: the same matches, a new decision time.
    assert [row[:-1] for row in after.pop("item_merges")] == [row[:-1] for row in before.pop("item_merges")]
    assert after == before


def test_a_refresh_rebuilds_only_the_groups_whose_source_items_changed(con) -> None:
    run(con, [batch("innov", "agenda-fr", [FR], body="a"), batch("hub", "agenda", [OTHER], body="c")])
    # Marks on the stored row of OTHER: a refresh that rebuilt its group would overwrite them.
    con.execute("UPDATE items SET content_hash = 'mark', sequence = 7 WHERE item_id = ?", [OTHER.id])
    later = NOW + timedelta(hours=1)
    moved = replace(FR, start_utc=START + timedelta(hours=1))
    changed = run(con, [batch("innov", "agenda-fr", [moved], body="d", at=later)], at=later, run_id="r2")
    assert (changed["updated"], changed["unchanged"], changed["history"]) == (1, 1, 1)
    assert con.execute("SELECT content_hash, sequence FROM items WHERE item_id = ?", [OTHER.id]).fetchall() == [("mark", 7)]
    assert {r[0]: r[1] for r in con.execute("SELECT item_id, sequence FROM items").fetchall()}[FR.id] == 1
    # Its links are written all the same (they are replaced as a whole at each refresh).
    assert con.execute("SELECT count(*) FROM item_sources").fetchall() == [(2,)]

    forced = refresh_items(con, now=later, translator=None, defaults={}, force=True)
    assert forced["updated"] == 1  # OTHER rebuilt: its real hash is not the mark
    assert con.execute("SELECT content_hash <> 'mark' FROM items WHERE item_id = ?", [OTHER.id]).fetchall() == [(True,)]


def test_refreshing_only_what_changed_gives_the_tables_a_full_rebuild_gives(tmp_path) -> None:
    from warehouse.connection import connect

    def scenario(con, *, force: bool) -> dict[str, list[tuple]]:
        run(con, [batch("innov", "agenda-fr", [FR], body="a"), batch("innov", "agenda-nl", [NL], body="b"),
                  batch("hub", "agenda", [OTHER], body="c")])
        later = NOW + timedelta(hours=1)
        load_batches(con, [batch("hub", "agenda", [replace(OTHER, title={"fr": "Apéro du numérique"})], body="e", at=later)],
                     run_id="r2", now=later)
        refresh_items(con, now=later, translator=None, defaults={}, force=force)
        return _tables(con)

    incremental, full = connect(tmp_path / "incremental.duckdb"), connect(tmp_path / "full.duckdb")
    try:
        assert scenario(incremental, force=False) == scenario(full, force=True)
    finally:
        incremental.close()
        full.close()


class _Outage:
    """A translation service that fails until it is told to answer (prefixing each text with "EN ")."""

    name = "outage-test"

    def __init__(self) -> None:
        self.up = False

    def translate(self, texts, source, target, *, html=False):
        if not self.up:
            raise ConnectionError("translation service unreachable")
        return [f"EN {text}" for text in texts]


def test_texts_left_untranslated_by_an_outage_are_translated_by_the_next_refresh(con) -> None:
    service = _Outage()
    first = run(con, [batch("hub", "agenda", [OTHER], body="c")], translator=service)
    assert first.warnings and con.execute("SELECT group_key FROM items").fetchall() == [(None,)]
    service.up = True
    again = refresh_items(con, now=NOW, translator=service, defaults={})
    assert again["translated"] == 1
    [document] = documents(con)
    assert document["title"]["en"] == "EN Apéro réseautage"
    assert con.execute("SELECT group_key IS NOT NULL FROM items").fetchall() == [(True,)]
