"""A store made by an older detente is upgraded when opened, also when opened read-only; clear errors otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from detente.errors import StoreError
from detente.store import Store
from tests.direct import db_sql


def _older(path: Path) -> None:
    """A store as the detente before migration 0400 left it."""
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE ceasefire_violations")
    con.execute("DELETE FROM schema_version WHERE version = 400")
    con.close()


def test_read_only_open_upgrades_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _older(path)
    with Store.open(path, read_only=True) as s:
        assert s.pending() == [] and "ceasefire_violations" in s.tables()
        with pytest.raises(duckdb.Error):  # and it is read-only as asked
            db_sql(s, "CREATE TABLE x (a INTEGER)")


def test_an_older_store_in_use_elsewhere_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _older(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError) as e:
            Store.open(path, read_only=True)
        assert "needs upgrading, but it is in use" in e.value.line() or "Cannot open the store" in e.value.line()
        assert "\n" not in e.value.line()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_foreign_duckdb_file_is_not_taken_over_read_only(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE mine (a INTEGER)")
    con.close()
    with pytest.raises(StoreError) as e:
        Store.open(path, read_only=True)
    assert e.value.line().startswith(f"{path} is not a detente store.")
    con = duckdb.connect(str(path), read_only=True)
    assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["mine"]  # untouched
    con.close()


def test_0922_keeps_the_cow_state_years_a_store_held_only_as_a_panel(tmp_path: Path) -> None:
    # before 0922, system2016.csv had two readers; a store loaded only by the panel one keeps its rows
    path = tmp_path / "old.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE cow_system_years (ccode INTEGER, year INTEGER, stateabb VARCHAR, file_id BIGINT)")
    con.execute("INSERT INTO cow_system_years VALUES (2, 1990, 'USA', 1), (365, 1990, 'RUS', 1)")
    con.execute("DELETE FROM schema_version WHERE version = 922")
    con.close()
    from detente.store.panels import has_rows, panel

    with Store.open(path) as s:
        assert "cow_system_years" not in s.tables()
        assert has_rows(s, "cow_system_years")
        assert panel(s, "cow_system_years", ["ccode", "year", "stateabb"]).to_pylist() == [
            {"ccode": 2, "year": 1990, "stateabb": "USA"},
            {"ccode": 365, "year": 1990, "stateabb": "RUS"},
        ]
