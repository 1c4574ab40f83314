"""The command line: clear errors for broken partner files, exit codes users can script."""
from __future__ import annotations

from pathlib import Path

import pytest

from bedigital.cli import main

BROKEN = """\
id: hub
name: {fr: hub, nl: hub, en: hub}
website: https://hub.brussels
sources:
  - id: agenda
    kind: ical
    url: https://hub.brussels/agenda.ics
    content: event
    langauge: fr
"""


def test_validate_names_the_file_the_source_and_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hub.yaml").write_text(BROKEN, encoding="utf-8")
    assert main(["partners", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'hub.yaml'} › source agenda › langauge: unknown key" in out
    assert f"{tmp_path / 'hub.yaml'} › source agenda › language: required key is missing" in out


def test_validate_accepts_the_demo_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["partners", "validate", "partners"]) == 0
    assert "all valid" in capsys.readouterr().out


def test_run_refuses_a_broken_registry_before_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hub.yaml").write_text(BROKEN, encoding="utf-8")
    code = main(["run", "--partners", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "langauge" in capsys.readouterr().err
    assert not (tmp_path / "w.duckdb").exists()



def test_the_serve_hint_names_a_publication_folder_other_than_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bedigital run --out X` said "Serve them with: bedigital serve", which serves data/public/, not X."""
    from bedigital.commands.run import DEFAULT_OUT, _print_report
    from bedigital.runner import RunReport

    _print_report(RunReport("r1", True, True, agenda_items=4, out_dir=tmp_path / "public"), 1.0)
    assert f"Serve them with: .venv/bin/bedigital serve --out {tmp_path / 'public'} " in capsys.readouterr().out
    _print_report(RunReport("r2", True, True, agenda_items=4, out_dir=DEFAULT_OUT.resolve()), 1.0)
    assert "Serve them with: .venv/bin/bedigital serve   (" in capsys.readouterr().out


def test_the_serve_hint_names_a_warehouse_other_than_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The partner reports, /staff and /insight read the warehouse: `serve` has to be told which one."""
    from bedigital.commands.run import _print_report
    from bedigital.runner import RunReport

    _print_report(RunReport("r1", True, True, out_dir=tmp_path / "public"), 1.0, tmp_path / "w.duckdb")
    assert f"--out {tmp_path / 'public'} --warehouse {tmp_path / 'w.duckdb'} " in capsys.readouterr().out


def test_a_long_source_error_is_cut_in_the_table_and_given_in_full_below_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table cut errors at 90 characters ("HTTP 500 … after 4 atte"): the partner never read the end."""
    from bedigital.commands.run import _print_report
    from bedigital.runner import RunReport, SourceLine

    long = "HTTP 500 Internal Server Error from http://127.0.0.1:8765/code-canal/news/feed.xml after 4 attempts (retried 3 times)"
    lines = [SourceLine("code-canal", "news", "rss", 500, "error", 0, 0, 0, 0, 0, long),
             SourceLine("hub", "agenda", "ical", 404, "error", 0, 0, 0, 0, 0, "HTTP 404 Not Found")]
    _print_report(RunReport("r1", True, True, sources=lines, out_dir=tmp_path), 1.0)
    out = capsys.readouterr().out
    table, _, below = out.partition("\nErrors in full:\n")
    assert long[:89] + "…" in table and long not in table
    assert below.splitlines()[0] == f"  code-canal/news: {long}"
    assert "hub/agenda" not in below  # shown whole in the table already


def test_a_run_where_every_source_failed_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An outage (network down, every URL wrong) published an empty agenda and exited 0: a scheduler saw nothing."""
    from bedigital.commands.run import exit_code
    from bedigital.runner import RunReport, SourceLine

    down = SourceLine("hub", "agenda", "ical", None, "error", 0, 0, 0, 0, 0, "Connection to https://hub.brussels failed")
    up = SourceLine("hub", "news", "rss", 200, "fetched", 3, 3, 0, 0, 0, None)
    assert exit_code(RunReport("r1", True, True, sources=[down, down], out_dir=tmp_path)) == 1
    assert "Every source failed (2)" in capsys.readouterr().err
    assert exit_code(RunReport("r2", True, True, sources=[down, up], out_dir=tmp_path)) == 0  # one failure is reported
    assert exit_code(RunReport("r3", True, False, sources=[up], out_dir=tmp_path)) == 1  # nothing published
    assert capsys.readouterr().err == ""


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`bedigital partners validate partners | head -0` ended in a BrokenPipeError traceback."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-m", "bedigital.cli", "partners", "validate", str(root / "partners")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    child.stdout.close()  # the reader is gone before the command writes
    _, err = child.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()
    assert child.returncode == 1
