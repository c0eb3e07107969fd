"""The store's side of the ops outbox: apply a change and record the entries it carries, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from detente.store.warehouse import Store

__all__ = ["applied_ids", "publish_violations"]


def applied_ids(store: Store) -> set[int]:
    """Ids of the outbox entries already applied to this store."""
    return {int(r[0]) for r in store._con.execute("SELECT id FROM outbox_applied").fetchall()}


def publish_violations(
    store: Store,
    rows: Sequence[tuple[int, dt.date, str, str, int]],
    entries: Sequence[tuple[int, str]],
    now: dt.datetime,
) -> None:
    """Replace ``ceasefire_violations`` with ``rows`` (agreement, day, violator, party, incidents) and record
    the outbox ``entries`` (id, kind) as applied: both land, or neither."""
    with store.transaction() as con:
        con.execute("DELETE FROM ceasefire_violations")
        if rows:
            con.executemany("INSERT INTO ceasefire_violations VALUES (?, ?, ?, ?, ?, ?)", [(*r, now) for r in rows])
        if entries:
            con.executemany(
                "INSERT INTO outbox_applied VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [(i, k, now) for i, k in entries]
            )
