"""CLI: init, ingest, events, sources — output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.test_gdelt import gdelt_row, write


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from detente.cli import main; main()", "--db", str(db), *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_ingest_events_sources_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    assert run(db, "init").returncode == 0
    f = write(tmp_path, [gdelt_row(1), gdelt_row(2), "bad\tline"])
    r = run(db, "ingest", "--json", str(f))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["read"], out["stored"], out["duplicates"], out["quarantined"]) == (3, 1, 1, 1)
    assert out["reconciles"] is True
    ev = json.loads(run(db, "events", "--dyad", "RUS,USA", "--json").stdout)
    assert ev["count"] == 1 and ev["events"][0]["duplicates"] == 1
    csv_out = run(db, "events", "--dyad", "USA,RUS", "--csv").stdout.splitlines()
    assert csv_out[0].startswith("event_id,") and len(csv_out) == 2
    src = json.loads(run(db, "sources", "--json").stdout)
    assert src["quarantine"] == [{"dataset": "gdelt2", "reason": "wrong number of fields", "rows": 1}]
    human = run(db, "ingest", str(f))
    assert "read 3 = stored 0 + duplicates 3 + quarantined 0" in human.stdout  # its bad row is not quarantined twice


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "/no/such/file"), "No such file"),
        (("ingest", "--format", "nope", "x"), "Unknown data source 'nope'"),
        (("events", "--dyad", "USA"), "two actor ids"),
        (("events", "--dyad", "USA,RUS", "--since", "yesterday"), "is not a date"),
        (("events",), "exactly one of"),
        (("frobnicate",), "No such command"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    db = tmp_path / "d.duckdb"
    run(db, "init")
    r = run(db, *args)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_read_only_commands_on_a_missing_store_say_what_to_do(tmp_path: Path) -> None:
    r = run(tmp_path / "none.duckdb", "sources")
    assert r.returncode != 0 and "detente init" in r.stderr and "Traceback" not in r.stderr
