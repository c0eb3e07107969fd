"""Rows a source lists that are not what it is loaded for: counted with their reason, never quarantined.

The one writer of the ``filtered`` table (migration 0920) and of ``files.filtered``. A row is *filtered*
when it is well formed but out of scope (a SIPRI dyad-year with no deliveries); it is *quarantined* when
it is bad (a date that does not parse). Both are counted, so a file still reconciles:
``read = stored + duplicates + filtered + quarantined``.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis.expr.types as ir
import pyarrow as pa

from detente.store.warehouse import Store

__all__ = ["FILTERED_PREFIX", "filtered_reasons", "filtered_reasons_expr", "is_filtered", "record_filtered"]

FILTERED_PREFIX = "not an engagement"  # the reason every engagement importer gives an out-of-scope row


def is_filtered(reason: str) -> bool:
    """True for a reason that marks an out-of-scope row rather than a bad one.

    >>> is_filtered("not an engagement: no deliveries this year (TIV 0)"), is_filtered("bad start date")
    (True, False)
    """
    return reason.startswith(FILTERED_PREFIX)


def record_filtered(store: Store, file_id: int, reasons: Mapping[str, int]) -> int:
    """Store the filtered counts of one file by reason (inside the caller's transaction); returns the total."""
    rows = [(file_id, r, int(n)) for r, n in sorted(reasons.items()) if n]
    if rows:
        store._con.executemany("INSERT INTO filtered VALUES (?, ?, ?)", rows)
    total = sum(n for _, _, n in rows)
    store._con.execute("UPDATE files SET filtered = ? WHERE file_id = ?", [total, file_id])
    return total


def filtered_reasons_expr(store: Store) -> ir.Table:
    """Per dataset and reason: rows filtered out (not quarantined)."""
    f = store.ibis.table("filtered")
    files = store.ibis.table("files").select("file_id", "dataset")
    j = f.join(files, "file_id")
    return j.group_by(["dataset", "reason"]).aggregate(rows=j.rows.sum()).order_by(["dataset", "reason"])


def filtered_reasons(store: Store) -> pa.Table:
    return filtered_reasons_expr(store).to_pyarrow()
