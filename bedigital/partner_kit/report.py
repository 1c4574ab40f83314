"""The check report of one source: items as the portal shows them, rejections, empty fields, verdict."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bedigital.partner_kit.dry_run import Fetched
from bedigital.tables import render_table
from connectors.parsers.fields import PLACE_TARGETS
from connectors.registry import Source
from transforms.model import Item, RawItem, stable_json
from warehouse.records import SourceBatch

BRUSSELS = ZoneInfo("Europe/Brussels")
# Fields reported for kinds without a mapping (rss, ical, jsonld): what the agenda needs most of the source's
# content. `location` is any place (a venue's name, an address in one string, a meeting link).
DEFAULT_FIELDS = {
    "event": ("title", "url", "description_html", "start", "location"),
    "call": ("title", "url", "description_html", "deadline"),
    "news": ("title", "url", "description_html", "published"),
    "mixed": ("title", "url", "description_html"),
}
TITLE_WIDTH = 60


@dataclass
class FieldCount:
    name: str
    empty: int
    total: int


@dataclass
class SourceReport:
    partner_id: str
    source_id: str
    kind: str
    pages: int
    records: int
    items: list[Item]
    rejections: list
    empty_fields: list[FieldCount]
    warnings: list[str]
    error: str | None
    incomplete: bool = False
    notes: list[str] = field(default_factory=list)
    source_records: int | None = None  # records of the payload when each may give several (`records` counts those)

    @property
    def ok(self) -> bool:
        """A source that yields at least one item, read completely and without error."""
        return bool(self.items) and self.error is None


def mapped_fields(source: Source) -> list[str]:
    """The fields a source maps (json_api/html), listing then detail; the defaults for the other kinds."""
    names = list(getattr(source, "fields", {}) or DEFAULT_FIELDS.get(source.content, DEFAULT_FIELDS["mixed"]))
    detail = getattr(source, "detail", None)
    if detail is not None:
        names += [name for name in detail.fields if name not in names]
    return names


def _is_empty(raw: RawItem, name: str) -> bool:
    if name == "key":
        return raw.key.startswith("hash:")
    if name in PLACE_TARGETS:
        value = getattr(raw.location, PLACE_TARGETS[name], None) if raw.location else None
    else:
        value = getattr(raw, name, None)
    return value is None or value == "" or value == []


def empty_counts(source: Source, raws: list[RawItem]) -> list[FieldCount]:
    """For each mapped field, how many parsed records came out without a value."""
    return [FieldCount(name, sum(_is_empty(raw, name) for raw in raws), len(raws)) for name in mapped_fields(source)
            if name not in ("all_day", "is_free")]  # booleans: false is a value


def build_report(partner_id: str, source: Source, fetched: Fetched, batch: SourceBatch) -> SourceReport:
    error = batch.parse_error or (fetched.error if fetched.outcome == "error" else None)
    parse_rejected = sum(1 for r in batch.rejections if r.stage == "parse")
    return SourceReport(
        partner_id=partner_id, source_id=source.id, kind=source.kind, pages=len(fetched.pages),
        records=len(batch.raw_items) + parse_rejected, items=list(batch.items), rejections=list(batch.rejections),
        empty_fields=empty_counts(source, batch.raw_items), warnings=list(dict.fromkeys(batch.warnings)),
        error=error, incomplete=fetched.incomplete, source_records=batch.source_records,
    )


def _local(value: datetime | None) -> str:
    return value.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M") if value else ""


def when(item: Item) -> str:
    if item.kind == "call":
        return f"deadline {_local(item.deadline_utc)}" if item.deadline_utc else "no deadline"
    if item.all_day and item.start_date:
        end = f" → {item.end_date}" if item.end_date and item.end_date != item.start_date else ""
        return f"{item.start_date}{end}"
    return _local(item.start_utc)


def call_status(item: Item, now: datetime) -> str:
    """open / closed / forthcoming from the dates (never from a partner's status codes)."""
    if item.kind != "call":
        return item.status
    if item.start_utc and item.start_utc > now:
        return "forthcoming"
    if item.deadline_utc and item.deadline_utc < now:
        return "closed"
    return "open"


def _title(item: Item) -> str:
    text = next(iter(item.title.values()), "")
    return text if len(text) <= TITLE_WIDTH else text[: TITLE_WIDTH - 1] + "…"


def _expanded(report: SourceReport) -> bool:
    """True when the source's records gave occurrences (recurring events, json_api `occurrences`)."""
    return report.source_records is not None and report.source_records != report.records


def _records(report: SourceReport) -> str:
    """"4 record(s)"; "3 source record(s) giving 14 occurrence(s)" where records were expanded: counted as one record
    each, a calendar of three weekly events read as 14 records the partner could not find in it."""
    if _expanded(report):
        return f"{report.source_records} source record(s) giving {report.records} occurrence(s)"
    return f"{report.records} record(s)"


def _parsed(report: SourceReport) -> str:
    return "occurrences" if _expanded(report) else "records"


def render(report: SourceReport, now: datetime) -> str:
    """The report as text: a header, the items table, rejections, empty fields, warnings and the verdict."""
    lines = [f"== {report.partner_id} › {report.source_id} ({report.kind}): {report.pages} page(s), "
             f"{_records(report)}, {len(report.items)} item(s), {len(report.rejections)} rejection(s)"]
    if report.items:
        # The language column: the language each item's title is published under (declared, detected or the
        # source's), so that a feed labelling its texts wrongly shows before they reach the agenda.
        rows = [(item.kind, call_status(item, now), when(item), ",".join(item.title), _title(item),
                 item.venue or item.municipality or "", item.url or "")
                for item in sorted(report.items, key=lambda i: (when(i), i.source_key))]
        lines.append(render_table(["kind", "status", "when (Brussels)", "lang", "title", "place", "url"], rows))
    if report.rejections:
        lines.append("\nRejected:")
        lines += [f"  [{r.stage}] {r.reason} ({r.field or '-'}) {r.key or ''}: {r.message}" for r in report.rejections]
    if report.records:  # of no record at all, nothing is empty: the verdict below says why
        lines.append(f"\nFields left empty (of the {_parsed(report)} parsed):")
        for count in report.empty_fields:
            flag = "  ← EMPTY IN EVERY RECORD" if count.total and count.empty == count.total else ""
            lines.append(f"  {count.name:<18} {count.empty:>4} / {count.total}{flag}")
    if report.warnings:
        lines.append("\nWarnings:")
        lines += [f"  {warning}" for warning in report.warnings]
    lines.append("")
    if report.error:
        lines.append(("INCOMPLETE: " if report.incomplete else "FAILED: ") + report.error)
    elif not report.items:
        lines.append("FAILED: the source yields no item" + (" (only rejections)" if report.rejections else ""))
    else:
        lines.append(f"OK: {len(report.items)} item(s) would be published")
    return "\n".join(lines)


def expected_lines(items: list[Item]) -> list[str]:
    """The snapshot of normalised items: one stable JSON line per item, by source key."""
    return [stable_json(asdict(item)) for item in sorted(items, key=lambda i: i.source_key)]
