"""`bedigital insight`: the steering committee's ecosystem report (HTML with charts, PDF or JSON) from the warehouse."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from bedigital.commands.run import DEFAULT_WAREHOUSE

FORMATS = ("html", "pdf", "json")
DEFAULT_REPORTS = Path("data/reports")
LOCK_WAIT_S = 60.0


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def default_out(period: dict[str, str], lang: str, fmt: str) -> Path:
    suffix = "json" if fmt == "json" else f"{lang}.{fmt}"
    return DEFAULT_REPORTS / f"insight-{period['from']}_{period['to']}.{suffix}"


def cmd_insight(args: argparse.Namespace) -> int:
    from bedigital.insight.pdf import PdfError, html_to_pdf
    from bedigital.insight.report import render_html, render_json
    from bedigital.insight.service import NoWarehouse, insight_from_file
    from bedigital.monitoring.locking import WarehouseBusy

    if args.start and args.end and args.end < args.start:
        print(f"--to ({args.end}) is before --from ({args.start})", file=sys.stderr)
        return 2
    try:
        figures = insight_from_file(Path(args.warehouse), start=args.start, end=args.end,
                                    now=datetime.now(timezone.utc), wait_s=LOCK_WAIT_S)
    except (NoWarehouse, WarehouseBusy) as exc:
        print(exc, file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else default_out(figures["period"], args.lang, args.format)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "pdf":
        try:
            html_to_pdf(render_html(figures, args.lang), out)
        except PdfError as exc:
            print(exc, file=sys.stderr)
            return 1
    else:
        body = render_json(figures) if args.format == "json" else render_html(figures, args.lang)
        staged = out.with_name(f".{out.name}.tmp")
        staged.write_text(body, encoding="utf-8")
        staged.replace(out)
    summary = figures["summary"]
    print(f"Ecosystem report {figures['period']['from']} to {figures['period']['to']}: {summary['items']} items "
          f"({summary['events']} events, {summary['calls']} calls, {summary['news']} news) -> {out}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    insight = commands.add_parser("insight", help="the steering committee's ecosystem report over a period")
    insight.add_argument("--from", dest="start", type=_day, default=None,
                         help="first day (YYYY-MM-DD, Brussels); default: the warehouse's first activity within a year")
    insight.add_argument("--to", dest="end", type=_day, default=None,
                         help="last day, inclusive; default: the warehouse's last activity within a year")
    insight.add_argument("--format", choices=FORMATS, default="html", help="html (default, charts inline), pdf or json")
    insight.add_argument("--lang", choices=("fr", "nl", "en"), default="fr", help="language of the report (default fr)")
    insight.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="the DuckDB warehouse file")
    insight.add_argument("--out", default=None,
                         help="the file to write (default data/reports/insight-<from>_<to>.<lang>.<format>)")
    insight.set_defaults(func=cmd_insight)
