"""`bedigital run` and `bedigital demo`: the whole pipeline through Dagster."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bedigital.tables import render_table
from connectors.registry import RegistryInvalid

DEFAULT_PARTNERS = Path("partners")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_OUT = Path("data/public")
DEFAULT_DEMO_PORT = 8765
DEMO_PORT_ENV = "BEDIGITAL_DEMO_PORT"


def serve_command(out_dir: Path, warehouse: Path | None = None) -> str:
    """The command that serves this publication and its reports: `serve` reads data/public/ and
    data/warehouse.duckdb unless told otherwise."""
    command = ".venv/bin/bedigital serve"
    if Path(out_dir).resolve() != DEFAULT_OUT.resolve():
        command += f" --out {out_dir}"
    if warehouse is not None and Path(warehouse).resolve() != DEFAULT_WAREHOUSE.resolve():
        command += f" --warehouse {Path(warehouse).resolve()}"
    return command


ERROR_COLUMN = 90  # characters of a source's error shown in the run's table


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_report(report, elapsed: float, warehouse: Path | None = None) -> None:
    from bedigital.runner import RunReport

    assert isinstance(report, RunReport)
    rows = [
        (
            line.partner_id, line.source_id, line.kind, line.status if line.status is not None else "-",
            "unchanged" if line.outcome == "not_modified" else line.outcome,
            line.fetched, line.new, line.updated, line.unchanged, line.rejected,
            _cut(line.error or "", ERROR_COLUMN),
        )
        for line in report.sources
    ]
    print(render_table(
        ["partner", "source", "kind", "http", "outcome", "fetched", "new", "updated", "unchanged", "rejected", "error"],
        rows, right=(3, 5, 6, 7, 8, 9),
    ))
    cut = [line for line in report.sources if line.error and len(line.error) > ERROR_COLUMN]
    if cut:  # the table keeps one line per source; the whole message of each one it cut follows it
        print("\nErrors in full:")
        for line in cut:
            print(f"  {line.partner_id}/{line.source_id}: {line.error}")
    failed = sum(1 for line in report.sources if line.error)
    totals = [sum(getattr(line, f) for line in report.sources) for f in ("fetched", "new", "updated", "unchanged", "rejected")]
    print(
        f"\n{len(report.sources)} sources ({failed} failed): fetched {totals[0]}, new {totals[1]}, "
        f"updated {totals[2]}, unchanged {totals[3]}, rejected {totals[4]}"
    )
    print(f"Dagster run {report.run_id} in {elapsed:.1f} s")
    if report.published:
        print(f"Published {report.agenda_items} agenda items to {report.out_dir}/ "
              "(agenda.json and its schema, agenda.ics, feeds, CSV, Parquet, partner reports)")
        print(f"Serve them with: {serve_command(report.out_dir, warehouse)}   (API, exports and agenda page on http://127.0.0.1:8080)")
    elif report.unchanged:
        print(f"The agenda is unchanged: the {report.agenda_items} items published at {report.out_dir}/ stay as they are")
    else:
        print(f"Nothing published: {report.failure or 'the publication step did not run'}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from bedigital.runner import run_pipeline

    started = time.perf_counter()
    try:
        report = run_pipeline(
            Path(args.partners), Path(args.warehouse), Path(args.out), force=args.force,
            dagster_home=Path(args.dagster_home) if args.dagster_home else None,
            log_level=args.log_level,
        )
    except RegistryInvalid as exc:
        print("The partner registry has errors; nothing was run:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    _print_report(report, time.perf_counter() - started, Path(args.warehouse))
    return exit_code(report)


def exit_code(report) -> int:
    """0 when the agenda was published or is unchanged; 1 when nothing could be published or every source failed."""
    if report.sources and all(line.error for line in report.sources):
        # One partner's failure is reported, not fatal; all of them failing is an outage a scheduler must see.
        print(f"Every source failed ({len(report.sources)}): nothing was read; check the network and the partner files",
              file=sys.stderr)
        return 1
    return 0 if report.published or report.unchanged else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.server import DemoServer

    try:
        server = DemoServer(port=args.port).start()
    except OSError as exc:
        print(f"Cannot start the demo ecosystem on 127.0.0.1:{args.port}: {exc.strerror}. "
              f"Free the port or pass --port N.", file=sys.stderr)
        return 2
    os.environ[DEMO_PORT_ENV] = str(server.port)
    print(f"Demo ecosystem serving on {server.base_url}")
    try:
        args.partners = args.partners or str(DEFAULT_PARTNERS)
        return cmd_run(args)
    finally:
        server.stop()


def _add_run_options(parser: argparse.ArgumentParser, *, partners_required: bool) -> None:
    parser.add_argument("--partners", required=partners_required, default=None if partners_required else str(DEFAULT_PARTNERS),
                        help="the partner registry folder (one YAML file per partner)")
    parser.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="the DuckDB warehouse file")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="the folder the agenda is published to")
    parser.add_argument("--force", action="store_true", help="ignore conditional caching: fetch and parse everything")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="Dagster's console log level (default WARNING)")
    parser.add_argument("--dagster-home", default=None, help="the Dagster instance folder (default: $DAGSTER_HOME or data/dagster)")


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run the whole pipeline through Dagster on a partner registry")
    _add_run_options(run, partners_required=True)
    run.set_defaults(func=cmd_run)

    demo = commands.add_parser("demo", help="serve the demo ecosystem on 127.0.0.1 and run the pipeline on it")
    demo.add_argument("--port", type=int, default=DEFAULT_DEMO_PORT, help=f"demo server port (default {DEFAULT_DEMO_PORT})")
    _add_run_options(demo, partners_required=False)
    demo.set_defaults(func=cmd_demo)
