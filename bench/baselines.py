"""What a plain tool does with the same bytes, measured in the same run, for the ratios.

- `feedparser.parse` with its defaults (HTML sanitising and URL resolution on) on the RSS payloads,
  against our RSS parse + normalise of the same payloads; both must yield the same entries;
- a sequential fetch with one client (one request at a time), on a bounded sample of the sources;
- a bare DuckDB insert of the same item rows from an Arrow table into an empty table.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import feedparser
import httpx
import pyarrow as pa

from connectors.http import FetchResult
from connectors.parsers import parse_payload
from connectors.registry import Partner, Source
from transforms.normalise import SourceContext, normalise_all
from warehouse.load import record_and_hash
from warehouse.records import SourceBatch

SEQUENTIAL_SAMPLE = 40  # sources fetched one by one: enough for a per-request figure, bounded in time


@dataclass(slots=True)
class ParseComparison:
    feeds: int
    entries: int
    ours_s: float
    feedparser_s: float
    same_entries: bool

    @property
    def ratio(self) -> float:
        """How many times the throughput of feedparser's defaults ours reaches (higher is better)."""
        return self.feedparser_s / self.ours_s if self.ours_s else 0.0


def rss_parse_vs_feedparser(selection: list[tuple[Partner, Source]], results: list[FetchResult], now: datetime,
                            max_feeds: int = 100) -> ParseComparison:
    """Ours (parse + normalise) and feedparser's defaults (parse with sanitising), feed by feed, same bytes."""
    chosen = [(p, s, r) for (p, s), r in zip(selection, results) if s.kind == "rss" and r.body and r.outcome == "fetched"]
    chosen = chosen[:max_feeds]
    ours_s = theirs_s = 0.0
    entries, same = 0, True

    def ours(partner: Partner, source: Source, result: FetchResult) -> list:
        parsed = parse_payload("rss", result.body, partner_id=partner.id, source_id=source.id,
                               base_url=result.final_url or str(source.url), content_type=result.content_type,
                               default_timezone=source.timezone, now=now)
        items, _ = normalise_all(parsed.items, SourceContext(partner.id, source.id, source.content, source.language,
                                                             source.timezone, str(partner.website)), now=now)
        return items

    def theirs(result: FetchResult) -> Any:
        return feedparser.parse(result.body, response_headers={"content-type": result.content_type or ""})

    if chosen:  # one untimed round each: first-call costs (imports, compiled patterns) are not throughput
        ours(*chosen[0])
        theirs(chosen[0][2])
    for partner, source, result in chosen:
        started = time.perf_counter()
        items = ours(partner, source, result)
        ours_s += time.perf_counter() - started
        started = time.perf_counter()
        plain = theirs(result)
        theirs_s += time.perf_counter() - started
        entries += len(plain.entries)
        # The same records with the same fields: title, link and date of every entry.
        same = same and [(e.get("title"), e.get("link")) for e in plain.entries] == [
            (next(iter(i.title.values())), i.url) for i in items
        ] and all(i.published_utc is not None for i in items)
    return ParseComparison(len(chosen), entries, ours_s, theirs_s, same)


def sequential_fetch(urls: list[str], sample: int = SEQUENTIAL_SAMPLE) -> tuple[int, float]:
    """(requests, seconds) fetching the first `sample` URLs one after the other with one client."""
    chosen = urls[:sample]
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for url in chosen:
            client.get(url)
    return len(chosen), time.perf_counter() - started


def item_table(batches: list[SourceBatch]) -> pa.Table:
    """The rows load_batches writes to source_items, as Arrow (record JSON and hash included)."""
    columns: dict[str, list] = {name: [] for name in (
        "item_id", "partner_id", "source_id", "source_key", "kind", "content_hash", "record", "body_hash", "seen_at")}
    for batch in batches:
        for item in batch.items:
            record, content_hash = record_and_hash(item)
            for name, value in (("item_id", item.id), ("partner_id", item.partner_id), ("source_id", item.source_id),
                                ("source_key", item.source_key), ("kind", item.kind), ("content_hash", content_hash),
                                ("record", record), ("body_hash", batch.fetch.body_hash), ("seen_at", batch.fetch.started_at)):
                columns[name].append(value)
    return pa.table(columns)


def bare_duckdb_insert(table: pa.Table) -> float:
    """Seconds to insert the Arrow rows into an empty DuckDB table with a primary key, in a fresh file."""
    with tempfile.TemporaryDirectory() as folder:
        con = duckdb.connect(str(Path(folder) / "bare.duckdb"))
        try:
            con.execute("""CREATE TABLE t (item_id VARCHAR PRIMARY KEY, partner_id VARCHAR, source_id VARCHAR,
                           source_key VARCHAR, kind VARCHAR, content_hash VARCHAR, record VARCHAR, body_hash VARCHAR,
                           seen_at TIMESTAMPTZ)""")
            con.register("incoming", table)
            started = time.perf_counter()
            con.execute("INSERT INTO t SELECT * FROM incoming")
            return time.perf_counter() - started
        finally:
            con.close()
