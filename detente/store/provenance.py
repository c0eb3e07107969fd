"""File provenance and quarantine rows for the readers of reference and engagement data.

The event pipeline publishes its file rows through :mod:`detente.store.event_writer`;
readers that write their own tables in one transaction (reference, engagements, peace
science) record the file here first, and its reconciled counts at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from detente.store.quarantine import MAX_RAW, add_quarantine
from detente.store.warehouse import Store

__all__ = ["MAX_RAW", "finish_file", "quarantine", "register_file"]


def register_file(store: Store, *, dataset: str, path: str, name: str, url: str | None, sha256: str, size: int) -> int:
    """Record a file being ingested and return its file_id."""
    file_id = store.scalar(
        "INSERT INTO files (dataset, path, name, url, sha256, bytes, ingested_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING file_id",
        [dataset, path, name, url, sha256, size, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )
    return int(file_id)


def finish_file(store: Store, file_id: int, *, read: int, stored: int, duplicates: int, quarantined: int) -> None:
    """Write the reconciled counts onto the file's provenance row."""
    store._con.execute(
        "UPDATE files SET read = ?, stored = ?, duplicates = ?, quarantined = ? WHERE file_id = ?",
        [read, stored, duplicates, quarantined, file_id],
    )


def quarantine(store: Store, file_id: int, rows: Iterable[tuple[int, str, str | None]]) -> int:
    """Put (line, reason, raw) rows in quarantine; returns how many (the table's writer:
    :func:`detente.store.quarantine.add_quarantine`)."""
    return add_quarantine(store, file_id, rows)
