"""`detente demo` (what `make run` runs): real data loaded and reconciled, or one clear line without it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from detente.cli import main; main()", "--db", str(db), *args],
        capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.mark.shared
@pytest.mark.slow
def test_demo_loads_the_real_data(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "demo.duckdb"
    r = run(db, "demo", "--data", str(shared_data), "--no-serve", "--skip", "forecast")  # forecast: its own tests
    assert r.returncode == 0, r.stderr
    src = json.loads(run(db, "sources", "--json").stdout)
    by = {s["dataset"]: s for s in src["sources"]}
    assert {"gdelt2", "icews", "ucdp-ged"} <= set(by)
    for s in by.values():
        assert s["read"] == s["stored"] + s["duplicates"] + s["filtered"] + s["quarantined"]
    assert by["gdelt2"]["events"] == 1648
    # not-engagements are filtered, not quarantined as bad rows; COW's state system is one source, cow_system
    assert by["sipri_arms_dyad_year"]["filtered"] == 67833 and by["sipri_arms_dyad_year"]["quarantined"] == 0
    assert "cow-system" not in by and "cow_system" in by
    assert src["tables"]["alliances"] > 700 and src["tables"]["engagements"] > 10_000
    again = run(db, "demo", "--data", str(shared_data), "--no-serve", "--skip", "forecast")  # idempotent: nothing new
    assert again.returncode == 0, again.stderr
    src2 = json.loads(run(db, "sources", "--json").stdout)
    assert {s["dataset"]: s["events"] for s in src2["sources"]} == {k: v["events"] for k, v in by.items()}


def test_demo_without_data_or_network_says_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as s:  # a loopback port with nothing listening: the publisher is unreachable
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run(
        tmp_path / "d.duckdb", "demo", "--data", str(tmp_path / "none"), "--no-serve",
        env={"DETENTE_GDELT_URL": f"http://127.0.0.1:{port}"},
    )  # fmt: skip
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error: No data extracts at") and "detente ingest FILE" in last
    assert "Traceback" not in r.stderr


def test_demo_rejects_unknown_steps(tmp_path: Path) -> None:
    r = run(tmp_path / "d.duckdb", "demo", "--data", str(tmp_path), "--no-serve", "--skip", "nope")
    assert r.returncode != 0 and "Unknown demo step(s): nope" in r.stderr
