"""The ops outbox: an ops change and its store side land in both or in neither, and apply exactly once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.ops import outbox
from detente.ops.db import OpsDB
from detente.store import Store

ROW = (1, dt.date(2026, 2, 1), "AAA", "BBB", 2)


def _count(store: Store, table: str) -> int:
    return store.count(table)


def test_entries_apply_once_and_a_failed_apply_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = OpsDB(f"sqlite:///{tmp_path / 'ops.sqlite'}")
    db.migrate()
    store = Store.open(":memory:")
    with db.session() as s:
        outbox.record(s, "ceasefire_violations", 7)
    # the store side fails half-way (a row the table refuses): nothing of it lands, the entry stays pending
    monkeypatch.setattr("detente.ops.ceasefire.violation_rows", lambda s: [ROW, (1, ROW[1], None, "BBB", 1)])
    with db.session() as s, pytest.raises(Exception):  # noqa: B017  DuckDB's constraint error
        outbox.apply(s, store)
    assert _count(store, "ceasefire_violations") == 0 and _count(store, "outbox_applied") == 0
    monkeypatch.setattr("detente.ops.ceasefire.violation_rows", lambda s: [ROW])
    with db.session() as s:
        assert outbox.apply(s, store) == {"entries": 1, "rows": 1}
    with db.session() as s:
        assert outbox.apply(s, store) == {"entries": 0, "rows": 0}  # replayed: nothing twice
        assert outbox.apply(s, store, force=True) == {"entries": 0, "rows": 1}
    assert _count(store, "ceasefire_violations") == 1 and _count(store, "outbox_applied") == 1
    store.close()


def test_an_ops_transaction_that_fails_leaves_no_entry(tmp_path: Path) -> None:
    db = OpsDB(f"sqlite:///{tmp_path / 'ops.sqlite'}")
    db.migrate()
    with pytest.raises(RuntimeError), db.session() as s:
        outbox.record(s, "ceasefire_violations", 1)
        raise RuntimeError("killed after the verdict, before the commit")
    with db.session() as s:
        assert s.query(outbox.OutboxEntry).count() == 0
    with pytest.raises(ValueError, match="unknown outbox kind"), db.session() as s:
        outbox.record(s, "nonsense")


def test_pending_entries_are_applied_when_the_cli_opens_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.config import Settings

    settings = Settings(db=tmp_path / "s.duckdb", ops_url=f"sqlite:///{tmp_path / 'ops.sqlite'}")
    db = OpsDB(settings.ops_database_url())
    db.migrate()
    with db.session() as s:
        outbox.record(s, "ceasefire_violations", 1)  # the ops commit happened; the store side never ran
    monkeypatch.setattr("detente.ops.ceasefire.violation_rows", lambda s: [ROW])
    with Store.open(settings.db) as store:
        assert outbox.apply_pending(store, settings) == 1
        assert outbox.apply_pending(store, settings) == 0
        assert _count(store, "ceasefire_violations") == 1
    # no ops store at all: nothing to apply, and none is created
    other = Settings(db=tmp_path / "t.duckdb", ops_url=f"sqlite:///{tmp_path / 'none.sqlite'}")
    with Store.open(other.db) as store:
        assert outbox.apply_pending(store, other) == 0
    assert not (tmp_path / "none.sqlite").exists()
