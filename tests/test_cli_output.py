"""Every listing prints as a table, CSV or JSON; piped output keeps whole lines; errors stay one line."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.ingest import ingest_file
from detente.ingest.engagements import load
from detente.store import Store
from detente.store.reference import load_reference
from tests.engagements.synth import make
from tests.ingest.test_gdelt import gdelt_row, write


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run(db: Path, *args: str) -> Result:
    """The CLI in this process (its output captured, so not a terminal, as in a pipe)."""
    from detente.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["--db", str(db), *args])
        except SystemExit as e:
            code = int(e.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


def run_process(db: Path, *args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-c", "from detente.cli import main; main()", "--db", str(db), *args],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "d.duckdb"
    s = Store.open(str(path))
    load_reference(s)
    s.close()
    s = Store.open(str(path))
    ingest_file(s, write(tmp_path, [gdelt_row(1), gdelt_row(2), gdelt_row(3)]), "gdelt2")
    load(s, "sipri", make("sipri", tmp_path))  # one dyad-year without deliveries: filtered, not quarantined
    s.close()
    return path


@pytest.mark.parametrize(
    "listing",
    [("events", "--dyad", "USA,RUS"), ("sources",), ("engagements", "--dataset", "sipri_arms_dyad_year"),
     ("alerts",), ("simulate", "--list-policies"), ("dyad", "USA", "RUS")],
)  # fmt: skip
def test_every_listing_has_three_formats(db: Path, listing: tuple[str, ...]) -> None:
    as_json = run(db, *listing, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    json.loads(as_json.stdout)
    as_csv = run(db, *listing, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows and all(len(r) == len(rows[0]) for r in rows)
    table = run(db, *listing, "--format", "table")
    assert table.returncode == 0 and table.stdout.strip(), table.stderr
    assert "…" not in table.stdout  # nothing cut with an ellipsis
    bad = run(db, *listing, "--format", "xml")
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "--format 'xml' is not known" in bad.stderr


def test_aliases_still_work(db: Path) -> None:
    assert json.loads(run(db, "events", "--dyad", "USA,RUS", "--json").stdout)["count"] == 1
    assert run(db, "events", "--dyad", "USA,RUS", "--csv").stdout.startswith("event_id,")
    assert run(db, "events", "--dyad", "USA,RUS", "--json", "--csv").returncode != 0


def test_piped_tables_are_never_cut_at_80_columns(db: Path) -> None:
    out = run_process(db, "sources", columns=40).stdout  # piped, and COLUMNS says 40: every row stays whole
    row = next(ln for ln in out.splitlines() if "sipri_arms_dyad_year" in ln)
    assert "sipri_arms_dyad_year" in row and len(row) > 80


def test_sources_count_filtered_apart_from_quarantined(db: Path) -> None:
    out = json.loads(run(db, "sources", "--format", "json").stdout)
    sipri = next(s for s in out["sources"] if s["dataset"] == "sipri_arms_dyad_year")
    assert sipri["filtered"] == 1 and sipri["quarantined"] == 1
    assert sipri["read"] == sipri["stored"] + sipri["duplicates"] + sipri["filtered"] + sipri["quarantined"]
    assert out["filtered"] == [
        {"dataset": "sipri_arms_dyad_year", "reason": "not an engagement: no deliveries this year (TIV 0)", "rows": 1}
    ]
    assert all(not q["reason"].startswith("not an engagement") for q in out["quarantine"])
    human = run(db, "sources").stdout
    assert "filtered sipri_arms_dyad_year: not an engagement" in human


def test_an_error_is_one_line_however_narrow_or_piped(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    long_name = "x" * 150
    r = run_process(db, "ingest", f"/no/such/{long_name}.csv", columns=40)
    lines = r.stderr.strip().splitlines()
    assert r.returncode != 0 and len(lines) == 1 and long_name in lines[0], r.stderr


def test_the_dashboard_has_a_favicon(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from detente.api import create_app
    from detente.config import Settings

    pages = sorted((Path(__file__).resolve().parents[1] / "detente" / "web" / "static").glob("*.html"))
    assert pages and all('rel="icon"' in p.read_text() for p in pages)
    with TestClient(create_app(Settings(db=tmp_path / "t.duckdb"))) as c:
        ico = c.get("/favicon.ico")
        assert ico.status_code == 200 and ico.content[:4] == b"\x00\x00\x01\x00"
        svg = c.get("/favicon.svg")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")


def test_a_usage_error_names_the_help_of_its_own_command(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.invoke import invoke

    code, _, err = invoke(capsys, "lake", "export", "/somewhere")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].endswith("See `detente lake export --help`.") and "(/somewhere)." in lines[0]
