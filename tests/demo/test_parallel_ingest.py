"""Worker processes parse and normalise the demo ecosystem exactly as the calling process does."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bedigital.ingest import IngestResult, ingest_sources
from connectors.http import HttpSettings
from connectors.registry import PAGED_KINDS, Registry
from demo.server import DemoServer
from warehouse.archive import PayloadArchive
from warehouse.connection import connect
from warehouse.load import sync_registry

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


def _ingest(registry: Registry, folder: Path, *, workers: int) -> IngestResult:
    con = connect(folder / "warehouse.duckdb")
    try:
        sync_registry(con, registry)
        return ingest_sources(con, list(registry.sources()), archive=PayloadArchive(folder / "archive"),
                              settings=HttpSettings(), run_id="run", now=NOW, workers=workers)
    finally:
        con.close()


def _outcome(result: IngestResult) -> list[tuple]:
    """What a run made of each source, without the fetch timings."""
    return [(b.fetch.partner_id, b.fetch.source_id, b.fetch.outcome, b.fetch.body_hash, b.parse_error, b.raw_items,
             b.items, b.rejections, b.warnings, result.counts[(b.fetch.partner_id, b.fetch.source_id)].new)
            for b in result.batches]


def test_workers_ingest_every_demo_source_as_this_process_does(server: DemoServer, registry: Registry,
                                                                tmp_path: Path) -> None:
    here = _ingest(registry, tmp_path / "here", workers=0)
    in_workers = _ingest(registry, tmp_path / "workers", workers=2)
    assert _outcome(in_workers) == _outcome(here)
    kinds = {source.kind for _, source in registry.sources()}
    assert kinds & PAGED_KINDS and kinds - PAGED_KINDS  # crawled and single-payload sources both went to workers
    assert sum(len(b.items) for b in in_workers.batches) > 400
