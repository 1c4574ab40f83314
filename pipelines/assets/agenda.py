"""The assets downstream of the sources: canonical items, the agenda, and its publication.

They follow the sources by declarative automation (eager): a source run that changed something is
followed by one run of items, agenda and publication, with nobody acting. The agenda carries
blocking checks: when one fails, the publication is skipped and the previous one stays online.
"""
from __future__ import annotations

import heapq
import logging
import time
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from bedigital import processing
from pipelines.assets.tags import FULL_REFRESH_TAG, WRITER_OP_TAGS
from pipelines.checks import AgendaChecks, agenda_check_specs
from pipelines.resources import PublicationResource, WarehouseResource
from transforms.categorise import categorise
from warehouse import fingerprints
from warehouse.agenda import NEWS_WINDOW_DAYS, load_agenda, stage_agenda
from warehouse.documents import sort_key
from warehouse.items import refresh_items
from warehouse.publish import PublicationError, publish
from warehouse.snapshot import load_partners

AGENDA_GROUP = "agenda"
AGENDA_KEY = dg.AssetKey("agenda")
# Like eager(), without waiting for every source to exist: a newly added partner source is
# materialised by its first poll, and the agenda must not wait for it.
FOLLOW_SOURCES = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())
FOLLOW = dg.AutomationCondition.eager()
PUBLISH = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()


def full_refresh(context: dg.AssetExecutionContext) -> bool:
    return context.run.tags.get(FULL_REFRESH_TAG) == "true"


def build_agenda_assets(source_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    @dg.asset(
        key="items",
        group_name=AGENDA_GROUP,
        deps=source_keys,
        kinds={"duckdb"},
        automation_condition=FOLLOW_SOURCES,
        op_tags=WRITER_OP_TAGS,
        description="Canonical agenda items built from every source's normalised records.",
    )
    def items(context, warehouse: WarehouseResource) -> dg.MaterializeResult:
        started = time.monotonic()
        # The sources are read: their parsing workers would only hold memory through the heavier steps.
        processing.shutdown()
        try:
            with warehouse.connection() as con:
                changes = refresh_items(con, now=datetime.now(timezone.utc), force=full_refresh(context),
                                        categorise_all=processing.parallel(categorise))
        finally:
            processing.shutdown()  # nor would the categorising ones through the agenda and the publication
        if changes.get("skipped"):
            context.log.info("no source item, rule or setting changed since the last refresh: items kept as they are")
        return dg.MaterializeResult(
            metadata={**{k: int(v) for k, v in changes.items()}, "duration_s": round(time.monotonic() - started, 3)}
        )

    # A multi-asset of one skippable asset: its blocking checks are skipped with it when nothing changed
    # (a plain asset with output_required=False would still require their results).
    _quiet_skipped_agenda_checks()
    @dg.multi_asset(
        name="agenda",
        specs=[dg.AssetSpec(
            AGENDA_KEY,
            group_name=AGENDA_GROUP,
            deps=[items],
            kinds={"duckdb"},
            automation_condition=FOLLOW,
            skippable=True,
            description="The items the agenda shows now: upcoming and ongoing events, open calls, recent news. "
                        "Not materialised (and nothing published) when it would show exactly what is already published.",
        )],
        check_specs=agenda_check_specs(AGENDA_KEY),
        can_subset=True,
        op_tags=WRITER_OP_TAGS,
    )
    def agenda(context, warehouse: WarehouseResource, publication: PublicationResource):
        started = time.monotonic()
        now = datetime.now(timezone.utc)
        with warehouse.connection() as con:
            fingerprint = fingerprints.agenda_fingerprint(con, now=now, news_days=NEWS_WINDOW_DAYS)
            if (not full_refresh(context) and fingerprints.recorded(con, fingerprints.AGENDA_PUBLISHED) == fingerprint
                    and (Path(publication.out_dir) / "agenda.json").exists()):
                context.log.info("the agenda would show exactly what is published: publication kept as it is")
                return
            checks, summary = AgendaChecks(now), AgendaSummary()
            stage_agenda(con, now=now, each=lambda chunk: (checks.add(chunk), summary.add(chunk)))
            fingerprints.record(con, fingerprints.AGENDA_STAGED, fingerprint, now=now)
        yield dg.MaterializeResult(
            asset_key=AGENDA_KEY,
            metadata={"items": summary.total, **summary.by_kind, "duration_s": round(time.monotonic() - started, 3),
                      "preview": dg.MetadataValue.md(agenda_preview(summary.first, total=summary.total))},
            check_results=checks.results(AGENDA_KEY),
        )

    @dg.asset(
        key="publication",
        group_name=AGENDA_GROUP,
        deps=[AGENDA_KEY],
        kinds={"json", "ical", "atom"},
        automation_condition=PUBLISH,
        op_tags=WRITER_OP_TAGS,  # it records what it published in the warehouse
        description="agenda.json (with its JSON Schema), agenda.ics and feed.atom, written atomically.",
    )
    def publication(warehouse: WarehouseResource, publication: PublicationResource) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            documents = load_agenda(con)
            partners = load_partners(con)
        try:
            written = publish(documents, Path(publication.out_dir), generated_at=datetime.now(timezone.utc),
                              partners=partners)
        except PublicationError as exc:
            raise dg.Failure(description=f"publication refused, the previous one stays online: {exc}") from exc
        published = len(documents)
        del documents  # 0.5 GB at 98,000 items: not held while the partner pages query the warehouse
        with warehouse.connection() as con:
            staged = fingerprints.recorded(con, fingerprints.AGENDA_STAGED)
            if staged:
                fingerprints.record(con, fingerprints.AGENDA_PUBLISHED, staged, now=datetime.now(timezone.utc))
        pages = write_partner_pages(warehouse, Path(publication.out_dir))
        return dg.MaterializeResult(
            metadata={
                "out_dir": dg.MetadataValue.path(publication.out_dir),
                "items": published,
                "files": dg.MetadataValue.json(sorted(written)),
                "partner_pages": len(pages),
            }
        )

    return [items, agenda, publication]


PREVIEW_ROWS = 10
# Where Dagster says a blocking check gave no result, the downstream step "will proceed without gating on it".
_PLAN_LOGGER = "dagster._core.execution.plan.active"


class _SkippedAgendaChecks(logging.Filter):
    """Drops Dagster's warning that the agenda's blocking checks gave no result: they give none exactly when the
    agenda is not materialised (nothing changed), and then `publication` is skipped, not run ungated as the
    warning says. Any other check's warning passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Blocking asset check 'agenda:") and "emitted no result in step 'agenda'" in message)


def _quiet_skipped_agenda_checks() -> None:
    logger = logging.getLogger(_PLAN_LOGGER)
    if not any(isinstance(f, _SkippedAgendaChecks) for f in logger.filters):
        logger.addFilter(_SkippedAgendaChecks())


class AgendaSummary:
    """Counts by kind and the first entries in display order, of an agenda read a chunk at a time."""

    def __init__(self) -> None:
        self.total = 0
        self.by_kind = {"event": 0, "call": 0, "news": 0}
        self.first: list[dict] = []

    def add(self, documents: list[dict]) -> None:
        self.total += len(documents)
        for document in documents:
            if document["kind"] in self.by_kind:
                self.by_kind[document["kind"]] += 1
        self.first = heapq.nsmallest(PREVIEW_ROWS, [*self.first, *documents], key=sort_key)


def agenda_preview(documents: list[dict], *, total: int | None = None) -> str:
    """The first agenda entries (of `total`, by default len(documents)) as a Markdown table for the UI."""
    total = len(documents) if total is None else total
    lines = ["| kind | title | when | partners |", "|---|---|---|---|"]
    for document in documents[:PREVIEW_ROWS]:
        title = next(iter((document.get("title") or {}).values()), "").replace("|", "/")[:70]
        when = document.get("start") or document.get("start_date") or document.get("deadline") or document.get("published") or ""
        lines.append(f"| {document['kind']} | {title} | {when} | {', '.join(document.get('partners') or [])} |")
    if total > PREVIEW_ROWS:
        lines.append(f"| … | {total - PREVIEW_ROWS} more | | |")
    return "\n".join(lines)


def write_partner_pages(warehouse: WarehouseResource, out_dir: Path) -> list[Path]:
    """Each partner's ingestion report as a static page under `partners/` of the publication."""
    from bedigital.monitoring.pages import write_partner_pages as write

    with warehouse.connection() as con:
        return write(con, out_dir / "partners")
