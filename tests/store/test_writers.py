"""The store's table writers: one per table, idempotent where they say so, atomic when killed part-way."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from detente.errors import ConfigError
from detente.store import Store
from detente.store.ceasefire import replace_violations
from detente.store.engagements import ENGAGEMENT_SCHEMA, write_engagements
from detente.store.panels import replace_panel
from detente.store.quarantine import add_quarantine
from tests.direct import db_sql


def rows(*ids: str, name: str = "Exercise") -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"source_id": i, "kind": "joint_exercise", "name": f"{name} {i}", "start_date": dt.date(2020, 1, 1 + k),
             "end_date": None, "participants": ["USA", "JPN"], "third_parties": [], "place": None, "track": "I",
             "line": k + 1, "attributes": "{}"}
            for k, i in enumerate(ids)
        ],
        schema=ENGAGEMENT_SCHEMA,
    )  # fmt: skip


def names(store: Store, dataset: str) -> list[str]:
    got = db_sql(store, "SELECT name FROM engagements WHERE dataset = ? ORDER BY name", [dataset]).fetchall()
    return [r[0] for r in got]


def test_engagements_are_stored_once_per_key_and_updated_on_request(store: Store) -> None:
    assert write_engagements(store, "x", rows("a", "b")) == 2
    assert write_engagements(store, "x", rows("a", "b", "c")) == 1  # only the new key
    assert write_engagements(store, "y", rows("a")) == 1  # keys are per dataset
    assert write_engagements(store, "x", rows("b", name="Renamed"), update=True) == 1
    assert names(store, "x") == ["Exercise a", "Exercise c", "Renamed b"]
    assert write_engagements(store, "x", rows("z"), replace_dataset=True) == 1
    assert names(store, "x") == ["Exercise z"] and names(store, "y") == ["Exercise a"]
    assert write_engagements(store, "x", ENGAGEMENT_SCHEMA.empty_table(), replace_dataset=True) == 0
    assert names(store, "x") == []


def test_an_engagement_write_killed_part_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        write_engagements(s, "x", rows("a", "b", "c"))
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_writers import rows
        from detente.store import Store
        from detente.store.engagements import write_engagements
        s = Store.open({str(db)!r})
        with s.transaction():
            write_engagements(s, "x", rows("d", "e"), replace_dataset=True)
            print("inside", flush=True)
            time.sleep(60)
        """
    )
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "inside"
    finally:
        p.kill()  # SIGKILL: no rollback, no close
        p.wait()
        if p.stdout is not None:
            p.stdout.close()
    with Store.open(db, read_only=True) as s:
        assert names(s, "x") == ["Exercise a", "Exercise b", "Exercise c"]


def test_panel_writer_refuses_tables_it_does_not_own(store: Store) -> None:
    with pytest.raises(ConfigError, match="not a peace-science panel"):
        replace_panel(store, "engagements", rows("a").to_pandas())
    import pandas as pd

    assert replace_panel(store, "cow_majors", pd.DataFrame({"ccode": [2], "start_year": [1898], "end_year": [2016]}))
    assert replace_panel(store, "cow_majors", pd.DataFrame({"ccode": [365], "start_year": [1922], "end_year": [2016]}))
    assert db_sql(store, "SELECT ccode FROM cow_majors").fetchall() == [(365,)]  # replaced, not appended


def test_violations_are_replaced_whole_and_quarantine_keeps_raw_text_bounded(store: Store) -> None:
    now = dt.datetime(2026, 1, 1)
    assert replace_violations(store, [(1, dt.date(2025, 5, 1), "ARM", "AZE", 2)], now) == 1
    assert replace_violations(store, [(1, dt.date(2025, 5, 2), "AZE", "ARM", 1)], now) == 1
    assert db_sql(store, "SELECT violator, incidents FROM ceasefire_violations").fetchall() == [("AZE", 1)]
    assert add_quarantine(store, 7, [(3, "bad date", "x" * 5000), (4, "empty line", None)]) == 2
    got = db_sql(store, "SELECT line, length(raw) FROM quarantine WHERE file_id = 7 ORDER BY line").fetchall()
    assert got == [(3, 2000), (4, None)]


def test_an_older_store_loses_the_table_made_outside_the_migrations(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    Store.open(db).close()
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE hist_engagements (c1 INTEGER, c2 INTEGER, year INTEGER, kind VARCHAR, weight DOUBLE)")
    con.execute("DELETE FROM schema_version WHERE version = 501")
    con.close()
    with Store.open(db) as s:
        assert "hist_engagements" not in s.tables() and s.pending() == []
