"""`bedigital run` on a registry whose rss, ical and jsonld sources are served on 127.0.0.1."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from pytest_httpserver import HTTPServer

from bedigital import processing
from bedigital.runner import run_pipeline
from pipelines.resources import HttpResource

FAST = HttpResource(retries=1, backoff_s=0.01)  # the failing source should not slow the suite down

BRUSSELS = ZoneInfo("Europe/Brussels")


def _next(month: int, day: int) -> datetime:
    """The next `day/month` at 18:30 Brussels time, from today."""
    today = datetime.now(BRUSSELS)
    year = today.year if (month, day) > (today.month, today.day) else today.year + 1
    return datetime(year, month, day, 18, 30, tzinfo=BRUSSELS)


def rss(now: datetime) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lab news</title><link>http://lab.example/</link><description>x</description>
<item><title>Nouveau laboratoire IA</title><link>http://lab.example/news/1</link><guid>n1</guid>
<description>&lt;p&gt;Texte &lt;script&gt;alert(1)&lt;/script&gt;&lt;a href="javascript:alert(2)" onclick="x()"&gt;lien&lt;/a&gt;&lt;/p&gt;</description>
<pubDate>{(now - timedelta(days=2)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>
<item><title>Deuxième nouvelle</title><link>http://lab.example/news/2</link><guid>n2</guid><description>Texte</description>
<pubDate>{(now - timedelta(days=3)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>
</channel></rss>"""


def ical() -> str:
    first = (datetime.now(BRUSSELS) + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    skipped = first + timedelta(days=14)
    winter, summer = _next(3, 10), _next(7, 10)
    fmt = "%Y%m%dT%H%M%S"
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
        "BEGIN:VEVENT", "UID:weekly@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Brussels:{first.strftime(fmt)}", f"DTEND;TZID=Europe/Brussels:{(first + timedelta(hours=2)).strftime(fmt)}",
        "RRULE:FREQ=WEEKLY;COUNT=4", f"EXDATE;TZID=Europe/Brussels:{skipped.strftime(fmt)}",
        "SUMMARY:Coding dojo", "URL:http://lab.example/dojo", "END:VEVENT",
        "BEGIN:VEVENT", "UID:winter@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Brussels:{winter.strftime(fmt)}", "SUMMARY:Winter talk", "URL:http://lab.example/w", "END:VEVENT",
        "BEGIN:VEVENT", "UID:summer@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Brussels:{summer.strftime(fmt)}", "SUMMARY:Summer talk", "URL:http://lab.example/s", "END:VEVENT",
        "BEGIN:VEVENT", "UID:fair@test", "DTSTAMP:20260101T000000Z",
        f"DTSTART;VALUE=DATE:{(first + timedelta(days=3)).strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(first + timedelta(days=5)).strftime('%Y%m%d')}",
        "SUMMARY:Salon du numérique", "URL:http://lab.example/fair", "END:VEVENT",
        "END:VCALENDAR", "",
    ])


def jsonld_page() -> str:
    start = (datetime.now(BRUSSELS) + timedelta(days=20)).replace(hour=14, minute=0, second=0, microsecond=0)
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Lab"},
            {"@type": ["Event", "EducationEvent"], "@id": "http://lab.example/e/1", "name": "Hackathon données ouvertes",
             "startDate": start.isoformat(), "url": "http://lab.example/e/1",
             "location": {"@type": "Place", "name": "Lab", "address": {"@type": "PostalAddress",
                          "streetAddress": "Rue Royale 2", "postalCode": "1000", "addressLocality": "Bruxelles"}},
             "offers": {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}},
        ],
    }
    return f'<html><head><script type="application/ld+json">{json.dumps(graph)}</script></head><body></body></html>'


@pytest.fixture
def registry(tmp_path: Path, httpserver: HTTPServer) -> Path:
    now = datetime.now(timezone.utc)
    httpserver.expect_request("/news.xml").respond_with_data(rss(now), content_type="application/rss+xml")
    httpserver.expect_request("/agenda.ics").respond_with_data(ical(), content_type="text/calendar; charset=utf-8")
    httpserver.expect_request("/events.html").respond_with_data(jsonld_page(), content_type="text/html; charset=utf-8")
    httpserver.expect_request("/broken.xml").respond_with_data("boom", status=500)
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    folder = tmp_path / "partners"
    folder.mkdir()
    base = httpserver.url_for("")
    (folder / "lab.yaml").write_text(f"""\
id: lab
name: {{fr: Le Lab, nl: Het Lab, en: The Lab}}
website: http://lab.example/
sources:
  - {{id: news, kind: rss, url: "{base}news.xml", content: news, language: fr}}
  - {{id: agenda, kind: ical, url: "{base}agenda.ics", content: event, language: en}}
  - {{id: events, kind: jsonld, url: "{base}events.html", content: event, language: fr}}
  - {{id: broken, kind: rss, url: "{base}broken.xml", content: news, language: fr}}
""", encoding="utf-8")
    return folder


def table(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_registry_served_anywhere_on_loopback_is_ingested_and_published(registry: Path, tmp_path: Path, instance) -> None:
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "public"
    report = run_pipeline(registry, warehouse, out, instance=instance, http=FAST)

    assert report.published, report.failure
    lines = {line.source_id: line for line in report.sources}
    assert lines["broken"].outcome == "error" and "500" in lines["broken"].error
    assert (lines["news"].fetched, lines["news"].new) == (2, 2)
    # Weekly, 4 occurrences, one excluded by EXDATE; plus winter, summer and the all-day fair.
    assert (lines["agenda"].fetched, lines["agenda"].new) == (6, 6)
    assert (lines["events"].fetched, lines["events"].new) == (1, 1)

    agenda = json.loads((out / "agenda.json").read_text())
    titles = {next(iter(d["title"].values())): d for d in agenda["items"]}
    assert sum(1 for d in agenda["items"] if "Coding dojo" in d["title"].get("en", "")) == 3
    assert titles["Winter talk"]["start_local"].endswith("T18:30:00+01:00")
    assert titles["Summer talk"]["start_local"].endswith("T18:30:00+02:00")
    assert titles["Winter talk"]["start"].endswith("T17:30:00Z") and titles["Summer talk"]["start"].endswith("T16:30:00Z")
    fair = titles["Salon du numérique"]
    assert fair["all_day"] and fair["start"] is None and fair["start_date"] < fair["end_date"]
    hackathon = titles["Hackathon données ouvertes"]
    assert hackathon["location"]["postcode"] == "1000" and hackathon["price"]["is_free"] is True
    text = (out / "agenda.json").read_text()
    assert "<script" not in text and "javascript:" not in text and "onclick" not in text
    assert {"agenda.json", "agenda.schema.json", "agenda.ics", "feed.atom"} <= {p.name for p in out.iterdir()}


def test_a_run_whose_payloads_and_items_a_worker_process_parses_and_categorises_stores_and_publishes_the_same(
        registry: Path, tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch) -> None:
    pools = []
    shared_pool = processing._shared_pool
    monkeypatch.setattr(processing, "_shared_pool", lambda workers: pools.append(workers) or shared_pool(workers))
    runs = {}
    for workers in ("0", "1"):
        monkeypatch.setenv(processing.ENV_WORKERS, workers)
        warehouse, out = tmp_path / workers / "w.duckdb", tmp_path / workers / "public"
        report = run_pipeline(registry, warehouse, out, instance=instance, http=FAST)
        assert report.published, report.failure
        agenda = json.loads((out / "agenda.json").read_text())
        runs[workers] = (table(warehouse, "SELECT item_id, content_hash, record FROM source_items ORDER BY item_id"),
                         table(warehouse, "SELECT reason, key FROM rejections ORDER BY ALL"),
                         [(d["id"], d["title"], d["categories"]) for d in agenda["items"]])
    assert pools and set(pools) == {1}  # the second run did hand its payloads and items to a worker
    assert processing._pool is None  # and the items step stopped it
    assert runs["1"] == runs["0"] and len(runs["0"][0]) == 9


def test_a_second_run_fetches_nothing_new_and_changes_nothing(registry: Path, tmp_path: Path, instance) -> None:
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "public"
    run_pipeline(registry, warehouse, out, instance=instance, http=FAST)
    items_before = table(warehouse, "SELECT * FROM source_items ORDER BY item_id")
    second = run_pipeline(registry, warehouse, out, instance=instance, http=FAST)
    outcomes = {line.source_id: (line.outcome, line.fetched) for line in second.sources}
    assert outcomes == {
        "news": ("not_modified", 0), "agenda": ("not_modified", 0), "events": ("not_modified", 0), "broken": ("error", 0),
    }
    assert table(warehouse, "SELECT * FROM source_items ORDER BY item_id") == items_before

    forced = run_pipeline(registry, warehouse, out, instance=instance, force=True, http=FAST)
    assert {l.source_id: l.unchanged for l in forced.sources if l.source_id != "broken"} == {"news": 2, "agenda": 6, "events": 1}
    assert all(l.new == l.updated == 0 for l in forced.sources)
    # A forced refetch observes the items again (last_seen moves); nothing else changes.
    without_last_seen = "SELECT * EXCLUDE (last_seen) FROM source_items ORDER BY item_id"
    assert table(warehouse, without_last_seen) == [row[:-2] + row[-1:] for row in items_before]


def test_each_source_is_one_asset_with_checks(registry: Path, tmp_path: Path, instance) -> None:
    run_pipeline(registry, tmp_path / "w.duckdb", tmp_path / "public", instance=instance, http=FAST)
    materialised = {
        key.to_user_string()
        for key in instance.all_asset_keys()
        if instance.get_latest_materialization_event(key) is not None
    }
    assert {"source/lab/news", "source/lab/agenda", "source/lab/events", "source/lab/broken",
            "items", "agenda", "publication"} <= materialised
    broken = instance.get_latest_materialization_event(dg.AssetKey(["source", "lab", "broken"]))
    metadata = broken.asset_materialization.metadata
    assert metadata["outcome"].value == "error" and metadata["http_status"].value == 500
    news = instance.get_latest_materialization_event(dg.AssetKey(["source", "lab", "news"])).asset_materialization.metadata
    assert (news["fetched"].value, news["new"].value, news["rejected"].value) == (2, 2, 0)


def test_a_run_with_nothing_new_keeps_the_publication_and_a_forced_run_rebuilds_it(registry: Path, tmp_path: Path, instance,
                                                                                    caplog) -> None:
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "public"
    first = run_pipeline(registry, warehouse, out, instance=instance, http=FAST)
    published_at = (out / "agenda.json").stat().st_mtime_ns

    second = run_pipeline(registry, warehouse, out, instance=instance, http=FAST)
    assert second.success and not second.published and second.unchanged  # the agenda would be the same
    # Dagster's "will proceed without gating" about the skipped agenda's checks is not printed: nothing proceeds.
    assert not [r for r in caplog.records if "emitted no result" in r.getMessage()]
    assert (out / "agenda.json").stat().st_mtime_ns == published_at
    items = instance.get_latest_materialization_event(dg.AssetKey("items")).asset_materialization.metadata
    assert items["skipped"].value == 1 and items["inserted"].value == 0
    agenda = instance.get_latest_materialization_event(dg.AssetKey("agenda"))
    assert agenda.run_id == first.run_id
    # A source answering "not modified" after a success is materialised (its outcome is in the metadata)
    # but none of its checks could say anything new: they keep their last results. The failing source's are written.
    news = dg.AssetKey(["source", "lab", "news"])
    latest = instance.get_latest_materialization_event(news)
    assert latest.run_id == second.run_id and latest.asset_materialization.metadata["outcome"].value == "not_modified"
    evaluated = {(e.dagster_event.event_specific_data.asset_key.path[-1], e.dagster_event.event_specific_data.check_name)
                 for e in instance.all_logs(second.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)}
    assert not {check for source, check in evaluated if source == "news"}
    assert {check for source, check in evaluated if source == "broken"} >= {"fetch_ok", "error_streak"}
    # In Dagster's UI their latest execution shows as skipped; the last evaluated one is the first run's pass.
    evaluated_news = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(news, "fetch_ok"), limit=5, status={AssetCheckExecutionRecordStatus.SUCCEEDED})
    assert [record.run_id for record in evaluated_news] == [first.run_id]

    forced = run_pipeline(registry, warehouse, out, instance=instance, force=True, http=FAST)
    assert forced.published and (out / "agenda.json").stat().st_mtime_ns > published_at
    items = instance.get_latest_materialization_event(dg.AssetKey("items")).asset_materialization.metadata
    assert items["skipped"].value == 0


def test_a_large_registry_is_cut_into_shards_between_partners_and_every_source_still_runs(registry: Path, tmp_path: Path, instance,
                                                                                         monkeypatch) -> None:
    from connectors.registry import load_registry
    from pipelines.assets.sources import build_source_assets, shards

    pairs = list(load_registry(registry).sources())
    assert [len(group) for group in shards(pairs, size=4)] == [len(pairs)]  # one partner is never split
    assert [len(group) for group in shards(pairs * 3, size=2)] == [len(pairs) * 3]

    (registry / "other.yaml").write_text((registry / "lab.yaml").read_text().replace("id: lab", "id: other"), encoding="utf-8")
    assets = build_source_assets(load_registry(registry), shard_size=2)
    assert [a.op.name for a in assets] == ["partner_sources_01", "partner_sources_02"]
    assert {k.path[1] for k in assets[0].keys} == {"lab"} and {k.path[1] for k in assets[1].keys} == {"other"}

    import pipelines.assets.sources as sources_module

    monkeypatch.setattr(sources_module, "SHARD_SIZE", 2)
    report = run_pipeline(registry, tmp_path / "w.duckdb", tmp_path / "public", instance=instance, http=FAST)
    assert {(line.partner_id, line.source_id) for line in report.sources} == {
        (p, s) for p in ("lab", "other") for s in ("news", "agenda", "events", "broken")}
    assert report.published


def test_the_run_command_exits_0_and_says_so_when_the_agenda_is_unchanged(registry: Path, tmp_path: Path, capsys) -> None:
    from bedigital.cli import main

    arguments = ["run", "--partners", str(registry), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--out", str(tmp_path / "public"), "--dagster-home", str(tmp_path / "dagster")]
    assert main(arguments) == 0
    assert "Published" in capsys.readouterr().out
    assert main(arguments) == 0
    assert "The agenda is unchanged" in capsys.readouterr().out
