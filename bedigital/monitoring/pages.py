"""Rendering the partner report and the staff overview: HTML (Jinja), JSON and CSV."""
from __future__ import annotations

import csv
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import duckdb
import jinja2
from importlib import resources
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from bedigital.embed.badge import badge_snippet
from bedigital.monitoring.reasons import LANGUAGES, explain
from bedigital.monitoring.state import json_dumps, write_json_atomically
from transforms.yaml_files import load_yaml_file
from warehouse.report import COUNT_FIELDS, partner_reports, staff_overview

T = TypeVar("T")
HEALTH_CLASS = {"ok": "ok", "unknown": "muted", "failing": "warn", "flagged": "bad"}
CHART_W, CHART_H, BAR_GAP = 600, 120, 2


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    resource = resources.files("bedigital.monitoring").joinpath("labels.yaml")
    return load_yaml_file(resource.read_text(encoding="utf-8"), str(resource))  # a label written twice is an error


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("bedigital.monitoring", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


def _translator(lang: str) -> Callable[[str], str]:
    return lambda key: labels()[key][lang]


def with_explanations(report: dict[str, Any]) -> dict[str, Any]:
    """The report with every rejection's reason in plain French, Dutch and English."""
    return {**report, "rejections": [{**r, "explained": explain(r["reason"])} for r in report["rejections"]]}


def history_chart(history: list[dict[str, Any]], lang: str) -> str:
    """The last runs as stacked bars (new, updated, unchanged, merged, rejected; red when a source failed)."""
    if not history:
        return f"<p>{labels()['none'][lang]}</p>"
    colours = {"new": "#2e7d32", "updated": "#1565c0", "unchanged": "#b0bec5", "merged": "#6a1b9a", "rejected": "#ef6c00"}
    peak = max(max(sum(run[n] for n in colours), 1) for run in history)
    width = CHART_W / len(history)
    bars = []
    for index, run in enumerate(history):
        x, y = index * width, float(CHART_H)
        tip = f"{run['started_at']}: " + ", ".join(f"{run[n]} {labels()[n][lang]}" for n in colours)
        bars.append(f'<g><title>{escape(tip)}</title>')
        for name, colour in colours.items():
            height = CHART_H * run[name] / peak
            y -= height
            if height:
                bars.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width - BAR_GAP, 1):.1f}" height="{height:.1f}" fill="{colour}"/>')
        if run["failed_sources"]:
            bars.append(f'<rect x="{x:.1f}" y="{CHART_H + 2}" width="{max(width - BAR_GAP, 1):.1f}" height="4" fill="#b00020"/>')
        bars.append("</g>")
    legend = " ".join(f'<span style="color:{c}">■</span> {labels()[n][lang]}' for n, c in colours.items())
    return (f'<svg role="img" viewBox="0 0 {CHART_W} {CHART_H + 8}" width="100%" height="{CHART_H + 8}" '
            f'preserveAspectRatio="none">{"".join(bars)}</svg><p><small>{legend}</small></p>')


def public_url() -> str:
    """Where the agenda is published, for links partners copy (BEDIGITAL_PUBLIC_URL)."""
    return os.environ.get("BEDIGITAL_PUBLIC_URL", "https://bedigital.brussels").rstrip("/")


# --- the items table ------------------------------------------------------------------------------
# A partner's page lists every item of its run, in three languages: most of the time of writing the
# pages went to the item rows. The cells that do not depend on the language are written here, once
# per report, producing what the template wrote for them (autoescaped, `tojson` for the reasons).


@lru_cache(maxsize=1)
def _json_dumps() -> Callable[[Any], str]:
    """The environment's JSON policies as one function: what `tojson` calls."""
    policies = _environment().policies
    if policies["json.dumps_function"] is None:
        # json.dumps(value, **kwargs) builds an encoder per call; one encoder gives the same text.
        return json.JSONEncoder(**policies["json.dumps_kwargs"]).encode
    return partial(policies["json.dumps_function"], **policies["json.dumps_kwargs"])


def _tojson(value: Any) -> Markup:
    """Jinja's `tojson` filter."""
    return htmlsafe_json_dumps(value, dumps=_json_dumps())


def _titles_cell(item: dict[str, Any]) -> str:
    titles = item["agenda_title"] or item["title"]
    lines = []
    for code in LANGUAGES:
        title = titles.get(code)
        if title:
            text = f'<a href="{escape(item["url"])}">{escape(title)}</a>' if item["url"] else escape(title)
            lines.append(f'<div><small class="muted">{code.upper()}</small> {text}</div>')
    return f"<td>{''.join(lines)}</td>"


def _dates_cell(item: dict[str, Any]) -> str:
    text = str(escape(item["start"] or ""))
    if item["end"]:
        text += f" → {escape(item['end'])}"
    if item["deadline"]:
        text += f"<br>deadline {escape(item['deadline'])}"
    return f"<td><small>{text}</small></td>"


def _categories_cell(item: dict[str, Any]) -> str:
    lines = []
    for facet, slugs in item["categories"].items():
        line = f"{escape(facet)}: {Markup(', ').join(slugs)}"
        why = item["category_reasons"].get(facet)
        if why:
            line += f' <span class="muted">({escape(why) if isinstance(why, str) else _tojson(why)})</span>'
        lines.append(f"{line}<br>")
    return f"<td><small>{''.join(lines)}</small></td>"


def item_cells(item: dict[str, Any]) -> Markup:
    """An item's title, dates and categories cells, the same in every language."""
    return Markup("\n".join((_titles_cell(item), _dates_cell(item), _categories_cell(item))))


def item_rows(rows: list[tuple[dict[str, Any], Markup]], lang: str) -> Markup:
    """The items table's rows in one language: what the template's loop over them wrote, without its
    per-row overhead (most of a page's rendering at a few hundred items)."""
    label = _translator(lang)
    merged_with = escape(label("merged_with"))
    in_agenda = {True: escape(label("in_agenda_yes")), False: escape(label("in_agenda_no"))}
    statuses: dict[str, Markup] = {}
    out = []
    for item, cells in rows:
        status = statuses.get(item["status"])
        if status is None:
            status = statuses[item["status"]] = escape(label("status_" + item["status"]))
        if item["merged_with"]:
            others = ", ".join(f"{escape(m['partner_id'])}/{escape(m['source_id'])}" for m in item["merged_with"])
            status = f"{status}<br><small>{merged_with} {others}</small>"
        out.append(f"<tr>\n<td>{status}</td>\n{cells}\n<td>{in_agenda[bool(item['in_agenda'])]}</td>\n</tr>")
    return Markup("".join(out))


@dataclass(frozen=True, slots=True)
class PartnerPage:
    """What the three languages of a partner's page share: the report with explanations, the item cells."""

    report: dict[str, Any]
    rows: list[tuple[dict[str, Any], Markup]]


def prepare_partner_page(report: dict[str, Any]) -> PartnerPage:
    explained = with_explanations(report)
    return PartnerPage(explained, [(item, item_cells(item)) for item in explained["items"]])


def render_partner_page(report: dict[str, Any], lang: str = "fr", *,
                        lang_link: Callable[[str], str] | None = None, page: PartnerPage | None = None) -> str:
    """The report as an HTML page; pass `page` (prepare_partner_page) when rendering it in several languages."""
    lang = _check_lang(lang)
    page = page or prepare_partner_page(report)
    template = _environment().get_template("partner.html.j2")
    return template.render(
        r=page.report, rows=item_rows(page.rows, lang), lang=lang, t=_translator(lang), counts=COUNT_FIELDS[1:],
        chart=history_chart(report["history"], lang), lang_link=lang_link or (lambda code: f"?lang={code}"),
        badge=badge_snippet(report["partner"]["id"], public_url(), lang),
    )


def render_staff_page(overview: dict[str, Any], lang: str = "fr", *,
                      partner_link: Callable[[str], str] | None = None) -> str:
    lang = _check_lang(lang)
    return _environment().get_template("staff.html.j2").render(
        o=overview, lang=lang, t=_translator(lang), health_class=HEALTH_CLASS,
        lang_link=lambda code: f"?lang={code}", partner_link=partner_link or (lambda pid: f"/partners/{pid}?lang={lang}"),
    )


def report_json(report: dict[str, Any]) -> str:
    return json_dumps(with_explanations(report), indent=True).decode("utf-8")


CSV_COLUMNS = ("row", "source_id", "status", "id_or_key", "title_fr", "title_nl", "title_en", "start", "end",
               "in_agenda", "merged_with", "reason", "reason_fr", "reason_nl", "reason_en", "field", "message", "excerpt")


def report_csv(report: dict[str, Any]) -> str:
    """One line per item, per warning of a source and per rejection of the run."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for item in report["items"]:
        titles = item["agenda_title"] or item["title"]
        writer.writerow({
            "row": "item", "source_id": item["source_id"], "status": item["status"], "id_or_key": item["item_id"],
            **{f"title_{lang}": titles.get(lang, "") for lang in LANGUAGES},
            "start": item["start"] or "", "end": item["end"] or "", "in_agenda": item["in_agenda"],
            "merged_with": " ".join(f"{m['partner_id']}/{m['source_id']}" for m in item["merged_with"]),
        })
    for source in report["sources"]:
        for warning in source["warnings"]:
            writer.writerow({"row": "warning", "source_id": source["source_id"], "message": warning})
    for rejection in with_explanations(report)["rejections"]:
        writer.writerow({
            "row": "rejection", "source_id": rejection["source_id"], "status": "rejected", "id_or_key": rejection["key"],
            "reason": rejection["reason"], **{f"reason_{lang}": rejection["explained"][lang] for lang in LANGUAGES},
            "field": rejection["field"], "message": rejection["message"], "excerpt": rejection["excerpt"],
        })
    return out.getvalue()


def partner_page_name(partner_id: str, lang: str) -> str:
    return f"{partner_id}.html" if lang == "fr" else f"{partner_id}.{lang}.html"


def _one_ahead(pool: ThreadPoolExecutor, values: Iterator[T]) -> Iterator[T]:
    """The values of an iterator in order, the next one computed in `pool` while the caller uses this one."""
    pending = pool.submit(next, values, _DONE)
    while (current := pending.result()) is not _DONE:
        pending = pool.submit(next, values, _DONE)
        yield current


_DONE: Any = object()


def write_partner_pages(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """Every partner's latest report as static pages (FR, NL, EN) and JSON, under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    # Much of a report's time is DuckDB running its queries, without the GIL: the next reports are
    # queried while this partner's pages are written. Only the worker uses `con` meanwhile (one
    # thread at a time, as DuckDB wants), and it is the caller's own connection: same session, same
    # time zone, same transaction.
    with ThreadPoolExecutor(max_workers=1) as pool:
        for report in _one_ahead(pool, partner_reports(con)):
            written += _write_partner_files(folder, report["partner"]["id"], report)
    return written


def _write_partner_files(folder: Path, partner_id: str, report: dict[str, Any]) -> list[Path]:
    """One partner's three pages and its JSON."""
    written = []
    page = prepare_partner_page(report)
    for lang in LANGUAGES:
        target = folder / partner_page_name(partner_id, lang)
        html = render_partner_page(report, lang, page=page,
                                   lang_link=lambda code: partner_page_name(partner_id, code))
        _write_text(target, html)
        written.append(target)
    write_json_atomically(folder / f"{partner_id}.json", page.report)
    written.append(folder / f"{partner_id}.json")
    return written


def _write_text(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def staff_page(con: duckdb.DuckDBPyConnection, lang: str = "fr") -> str:
    return render_staff_page(staff_overview(con), lang)
