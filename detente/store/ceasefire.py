"""The ``ceasefire_violations`` table (migration 0400): its one writer, fed by the operations workspace's
verified incidents (:func:`detente.ops.ceasefire.export_violations`); the alerts read it
(:func:`detente.store.analytics.alerts.ceasefire_counts`)."""

from __future__ import annotations

import datetime as dt
import threading

from detente.store.warehouse import Store

__all__ = ["ViolationRow", "replace_violations"]

#: (agreement_id, day, violator actor, other party's actor, verified incidents)
ViolationRow = tuple[int, dt.date, str, str, int]

_lock = threading.Lock()  # whole-table rewrites: one at a time in this process


def replace_violations(store: Store, rows: list[ViolationRow], exported_at: dt.datetime) -> int:
    """Replace the table's rows with ``rows``; returns how many."""
    with _lock, store.transaction():
        store._con.execute("DELETE FROM ceasefire_violations")
        if rows:
            store._con.executemany(
                "INSERT INTO ceasefire_violations VALUES (?, ?, ?, ?, ?, ?)", [(*r, exported_at) for r in rows]
            )
    return len(rows)
