"""The steering committee's figures, against a warehouse whose contents are known item by item."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from warehouse.connection import connect
from warehouse.insight import Period, default_period, ecosystem_insight

from ..bedigital.insight.ecosystem import NOW, PERIOD, build_warehouse


@pytest.fixture(scope="module")
def insight(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = build_warehouse(tmp_path_factory.mktemp("insight") / "warehouse.duckdb")
    con = connect(path, read_only=True)
    try:
        return ecosystem_insight(con, Period(*PERIOD), now=NOW)
    finally:
        con.close()


def test_items_are_counted_on_their_brussels_day_and_cancelled_ones_apart(insight) -> None:
    # Events: ai-jan, iot-feb, health-feb, ai-mar and new-year (1 Jan in Brussels); not april nor edge (1 Apr).
    assert insight["summary"] == {"events": 5, "calls": 4, "news": 3, "items": 12, "cancelled": 1}
    assert insight["months"] == ["2026-01", "2026-02", "2026-03"]
    assert insight["per_month"]["kind"] == {
        "event": {"2026-01": 2, "2026-02": 2, "2026-03": 1},
        "call": {"2026-01": 1, "2026-02": 1, "2026-03": 2},
        "news": {"2026-01": 1, "2026-02": 0, "2026-03": 2},  # the undated news on the day it was first seen
    }


def test_themes_month_by_month_and_their_groups(insight) -> None:
    themes = insight["per_month"]["theme"]
    assert themes["ai"] == {"2026-01": 2, "2026-02": 0, "2026-03": 2}
    assert themes["environment"] == {"2026-01": 1, "2026-02": 1, "2026-03": 0}
    assert set(themes) == {"ai", "data", "iot", "ehealth", "environment", "fintech", "digital-skills"}
    theme = insight["facets"]["theme"]
    assert theme["categories"][0] == {"slug": "ai", "items": 4, "events": 2, "calls": 1, "news": 1}
    assert theme["without"] == 2  # the award and the undated news
    groups = insight["theme_groups"]
    assert groups["nexttech"] == {"sectors": {"iot": 1, "vr-ar": 0, "data": 1, "ai": 4}, "any": 5}
    assert groups["rip"] == {"health": 1, "environment": 2, "ict": 6}


def test_formats_audiences_municipalities_and_partners(insight) -> None:
    formats = {c["slug"]: c["items"] for c in insight["facets"]["format"]["categories"]}
    assert formats == {"workshop": 1, "conference": 1, "meetup": 1, "webinar": 1}
    assert insight["facets"]["format"]["without"] == 8
    audiences = {c["slug"]: c["items"] for c in insight["facets"]["audience"]["categories"]}
    assert audiences == {"startups": 2, "smes": 1, "researchers": 1}
    places = insight["municipalities"]
    assert {k: v for k, v in places["municipalities"].items() if v} == {"ixelles": 1, "brussels": 1, "schaerbeek": 1}
    assert len(places["municipalities"]) == 19
    assert (places["elsewhere"], places["without"]) == ({"Leuven": 1}, 8)
    assert [(p["id"], p["items"], p["events"], p["calls"], p["news"]) for p in insight["partners"]] == [
        ("hub", 5, 5, 0, 0), ("innov", 4, 0, 4, 0), ("media", 3, 0, 0, 3), ("quiet", 0, 0, 0, 0)]
    assert insight["partners"][0]["name"] == {"fr": "Hub FR", "nl": "Hub NL", "en": "Hub EN"}


def test_calls_opened_closed_and_ahead(insight) -> None:
    calls = insight["calls"]
    # Opened: grant-ai, projects-env, award, fintech-loan. Closed before NOW: grant-ai, grant-health.
    # Ahead of NOW: projects-env, tender-city, fintech-loan (its deadline is in the period but still to come).
    assert (calls["opened"], calls["closed"], calls["ahead"], calls["opened_without_deadline"]) == (4, 2, 3, 1)
    by_type = {r["slug"]: (r["opened"], r["closed"], r["ahead"]) for r in calls["by"]["call-type"]}
    assert by_type == {"grant": (1, 2, 0), "call-for-projects": (1, 0, 1), "competition": (1, 0, 0),
                       "tender": (0, 0, 1), "financing": (1, 0, 1)}
    by_theme = {r["slug"]: (r["opened"], r["closed"], r["ahead"]) for r in calls["by"]["theme"]}
    assert by_theme == {"ai": (1, 1, 0), "environment": (1, 0, 1), "ehealth": (0, 1, 0), "smart-city": (0, 0, 1),
                        "fintech": (1, 0, 1)}
    assert [(u["title"].get("fr"), u["deadline"], u["partners"]) for u in calls["upcoming"]] == [
        ("Prêt fintech", "2026-03-25T22:59:00Z", ["innov"]),
        ("Appel environnement", "2026-04-30T21:59:00Z", ["innov"]),
        ("Marché ville", "2026-06-30T21:59:00Z", ["innov"]),
    ]


def test_reach_languages_price_and_attendance(insight) -> None:
    reach = insight["reach"]
    assert reach["languages"] == {"fr": {"items": 8, "share": 0.667}, "nl": {"items": 6, "share": 0.5},
                                  "en": {"items": 6, "share": 0.5}}
    assert reach["price"] == {"free": 3, "paid": 1, "unknown": 1, "free_share": 0.6}
    assert {m: v["events"] for m, v in reach["attendance"].items()} == {"in-person": 3, "online": 1, "hybrid": 1,
                                                                       "unknown": 0}


def test_network_coverage_and_health(insight) -> None:
    network = insight["network"]
    assert {k: network[k] for k in ("partners", "active_partners", "partners_fetched", "sources", "sources_failing",
                                    "runs", "failed_fetches", "rejected")} == {
        "partners": 4, "active_partners": 3, "partners_fetched": 3, "sources": 4, "sources_failing": 1,
        "runs": 1, "failed_fetches": 1, "rejected": 2}  # run-0 and its rejection are before the period
    [failing] = network["failing_sources"]
    assert (failing["partner_id"], failing["source_id"], failing["error_streak"], failing["last_status"]) == (
        "quiet", "feed", 2, 503)
    assert network["rejections_by_reason"] == [{"reason": "invalid_date", "records": 1},
                                               {"reason": "missing_title", "records": 1}]


def test_the_default_period_spans_the_activity_within_a_year_of_today(tmp_path: Path) -> None:
    con = connect(build_warehouse(tmp_path / "w.duckdb"), read_only=True)
    try:
        # From tender-city's opening (1 Oct 2025) to the April event (10 Apr 2026).
        assert default_period(con, date(2026, 3, 15)) == Period(date(2025, 10, 1), date(2026, 4, 10))
        assert default_period(con, date(2030, 1, 1)) == Period(date(2029, 7, 3), date(2030, 1, 1))  # nothing near
    finally:
        con.close()


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends"):
        Period(date(2026, 2, 1), date(2026, 1, 1))
