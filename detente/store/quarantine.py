"""The ``quarantine`` table's writer: rejected source rows (file, line, reason, raw), in bulk, and their removal."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from detente.store.warehouse import Store

__all__ = ["MAX_RAW", "add_quarantine", "clear_quarantine"]

#: The raw text of a rejected row is kept up to this many characters.
MAX_RAW = 2000


def add_quarantine(store: Store, file_id: int, rows: pa.Table | Iterable[tuple[int, str, str | None]]) -> int:
    """Put rows (``line``, ``reason``, ``raw``: a table or tuples) of one file in quarantine; returns how many."""
    if not isinstance(rows, pa.Table):
        lines, reasons, raws = [], [], []
        for line, reason, raw in rows:
            lines.append(line)
            reasons.append(reason)
            raws.append(raw)
        rows = pa.table({"line": pa.array(lines, pa.int64()), "reason": pa.array(reasons, pa.string()),
                         "raw": pa.array(raws, pa.string())})  # fmt: skip
    if rows.num_rows == 0:
        return 0
    raw = [None if r is None else str(r)[:MAX_RAW] for r in rows.column("raw").to_pylist()]
    q = pa.table(
        {
            "file_id": pa.array([file_id] * rows.num_rows, pa.int64()),
            "line": rows.column("line").cast(pa.int64()),
            "reason": rows.column("reason").cast(pa.string()),
            "raw": pa.array(raw, pa.string()),
        }
    )
    store._con.register("_q", q)
    try:
        store._con.execute("INSERT INTO quarantine SELECT file_id, line, reason, raw FROM _q")
    finally:
        store._con.unregister("_q")
    return int(rows.num_rows)


def clear_quarantine(store: Store, dataset: str, keep_file_id: int | None = None) -> None:
    """Remove the quarantine of a dataset's files (but ``keep_file_id``'s): before a fresh import of it."""
    store._con.execute(
        "DELETE FROM quarantine WHERE file_id IN (SELECT file_id FROM files WHERE dataset = ? AND file_id <> ?)",
        [dataset, -1 if keep_file_id is None else keep_file_id],
    )
