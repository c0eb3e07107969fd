"""`detente forecast` from the command line: ingest, backtest --json, --year ranking, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main

pytestmark = pytest.mark.shared


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_backtest_json_then_ranking(panel_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.duckdb"
    db.write_bytes(panel_store_path.read_bytes())
    code, out, err = _run(
        capsys,
        [
            "--db",
            str(db),
            "forecast",
            "backtest",
            "--json",
            "--task",
            "conflict",
            "--start",
            "2011",
            "--end",
            "2012",
            "--train-start",
            "1985",
            "--iterations",
            "15",
            "--bootstrap",
            "3",
            "--seed",
            "5",
        ],
    )
    assert code == 0, err
    s = json.loads(out)
    assert s["config"]["seed"] == 5 and "boosted" in s["tasks"]["conflict"]["metrics"]
    assert (tmp_path / "forecast" / s["run_id"] / "manifest.json").exists()
    code, out, err = _run(
        capsys, ["--db", str(db), "forecast", "--year", "2012", "--top", "2", "--task", "conflict", "--json"]
    )
    assert code == 0, err
    assert len(json.loads(out)["ranking"]) == 2
    code, out, err = _run(capsys, ["--db", str(db), "forecast", "--year", "2012", "--top", "2", "--task", "conflict"])
    assert code == 0 and "Armed-conflict onset" in out


def test_bare_forecast_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["forecast"])
    assert code == 0 and "backtest" in out and "--year" in out


def test_cli_errors_are_one_line(panel_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.duckdb"
    db.write_bytes(panel_store_path.read_bytes())
    code, _, err = _run(capsys, ["--db", str(db), "forecast", "--year", "1800"])
    assert code == 2 and err.startswith("error: No mid forecast for 1800") and err.count("\n") == 1
    code, _, err = _run(capsys, ["--db", str(db), "forecast", "backtest", "--task", "war"])
    assert code == 2 and "Unknown forecast task 'war'" in err
    code, _, err = _run(capsys, ["--db", str(db), "forecast", "--year", "2000", "--top", "0"])
    assert code != 0 and err.startswith("error:")
    code, _, err = _run(capsys, ["--db", str(tmp_path / "none.duckdb"), "forecast", "--year", "2000"])
    assert code != 0 and err.startswith("error:")
