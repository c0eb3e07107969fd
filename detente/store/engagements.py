"""The ``engagements`` table's one writer: the importers' datasets and the operations workspace's exports.

Rows come as an Arrow table with :data:`ENGAGEMENT_SCHEMA`'s columns (others are ignored). An engagement is
keyed by ``(dataset, source_id)``: :func:`write_engagements` stores the rows whose key the store does not hold
yet, and returns how many. ``replace_dataset`` first drops every engagement of the dataset (a fresh import);
``update`` first drops the held rows of the same keys (a re-export of edited records).
"""

from __future__ import annotations

import pyarrow as pa

from detente.store.warehouse import Store

__all__ = ["ENGAGEMENT_SCHEMA", "write_engagements"]

ENGAGEMENT_SCHEMA = pa.schema(
    [
        ("source_id", pa.string()),
        ("kind", pa.string()),
        ("name", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("participants", pa.list_(pa.string())),
        ("third_parties", pa.list_(pa.string())),
        ("place", pa.string()),
        ("track", pa.string()),
        ("line", pa.int64()),
        ("attributes", pa.string()),  # JSON text
    ]
)

_HELD = "(SELECT source_id FROM engagements WHERE dataset = $dataset AND source_id IS NOT NULL)"


def write_engagements(
    store: Store,
    dataset: str,
    rows: pa.Table,
    *,
    file_id: int | None = None,
    replace_dataset: bool = False,
    update: bool = False,
) -> int:
    """Store the engagements of ``rows`` not held yet for ``dataset``; returns how many were stored.

    Call it inside :meth:`Store.transaction` when it is part of a larger write (an import with its file row).
    """
    table = rows.select(ENGAGEMENT_SCHEMA.names).cast(ENGAGEMENT_SCHEMA)
    con = store._con
    params = {"dataset": dataset}
    if replace_dataset:
        con.execute("DELETE FROM engagements WHERE dataset = $dataset", params)
    if table.num_rows == 0:
        return 0
    con.register("_eng", table)
    try:
        if update:
            con.execute(
                "DELETE FROM engagements WHERE dataset = $dataset AND source_id IN (SELECT source_id FROM _eng)", params
            )
        new = store.scalar(f"SELECT count(*) FROM _eng WHERE source_id NOT IN {_HELD}", params)
        con.execute(
            "INSERT INTO engagements (kind, name, start_date, end_date, participants, third_parties, place, "
            "track, dataset, source_id, file_id, line, attributes) "
            "SELECT kind, name, start_date, end_date, participants, third_parties, place, coalesce(track, 'I'), "
            f"$dataset, source_id, $file_id, line, attributes::JSON FROM _eng WHERE source_id NOT IN {_HELD} "
            "ORDER BY line NULLS LAST, source_id",
            {**params, "file_id": file_id},
        )
    finally:
        con.unregister("_eng")
    return int(new or 0)
