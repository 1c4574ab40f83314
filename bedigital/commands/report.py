"""`bedigital report PARTNER`: what happened to a partner's records in a run."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bedigital.commands.run import DEFAULT_WAREHOUSE

FORMATS = ("text", "html", "json", "csv")


def _text(report: dict) -> str:
    from bedigital.monitoring.pages import with_explanations

    report = with_explanations(report)
    lines = [f"{report['partner']['name']['en']} ({report['partner']['id']}) – run {report['run_id'] or 'none'}"]
    for s in report["sources"]:
        lines.append(f"  {s['source_id']:<16} {s['outcome'] or 'not in run':<12} HTTP {s['status'] or '-':<4} "
                     + " ".join(f"{n}={s[n]}" for n in ("fetched", "new", "updated", "unchanged", "merged", "rejected"))
                     + (f"  error: {s['error']}" if s["error"] else ""))
        lines += [f"      warning: {warning}" for warning in s["warnings"]]
    lines.append(f"Rejections ({len(report['rejections'])}):")
    for r in report["rejections"]:
        lines.append(f"  [{r['source_id']}] {r['reason']}{' (' + r['field'] + ')' if r['field'] else ''} key={r['key'] or '-'}")
        for lang in ("fr", "nl", "en"):
            lines.append(f"      {lang}: {r['explained'][lang]}")
        lines.append(f"      {r['message']}")
        excerpt = r["excerpt"].replace("\n", " ")[:160]
        lines.append(f"      excerpt: {excerpt}")
    english = report["english"]
    lines.append(f"English coverage: {english['with_english']}/{english['items']}")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    from bedigital.monitoring.locking import WarehouseBusy, connect_waiting
    from bedigital.monitoring.pages import render_partner_page, report_csv, report_json
    from warehouse.report import ReportError, partner_report

    warehouse = Path(args.warehouse)
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}: run the pipeline first (bedigital run / bedigital demo)", file=sys.stderr)
        return 2
    try:
        con = connect_waiting(warehouse, read_only=True, wait_s=30)
    except WarehouseBusy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        report = partner_report(con, args.partner, run=args.run)
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        con.close()
    renderers = {"text": _text, "json": report_json, "csv": report_csv,
                 "html": lambda r: render_partner_page(r, args.lang)}
    print(renderers[args.format](report))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="a partner's ingestion report: fetches, items, rejections and their reasons")
    report.add_argument("partner", help="the partner id")
    report.add_argument("--format", choices=FORMATS, default="text", help="text (default), html, json or csv")
    report.add_argument("--run", default="latest", help="a run id (or a unique prefix); default: the latest run")
    report.add_argument("--lang", choices=("fr", "nl", "en"), default="fr", help="language of the HTML page")
    report.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="the DuckDB warehouse file")
    report.set_defaults(func=cmd_report)
