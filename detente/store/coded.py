"""Named query: events the text coder stored (dataset 'coder'), with their evidence sentences."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.store.warehouse import Store

__all__ = ["coded_events", "coded_events_expr"]


def coded_events(store: Store, actor: str | None = None, *, limit: int = 200, offset: int = 0) -> pa.Table:
    """:func:`coded_events_expr`, run."""
    return coded_events_expr(store, actor, limit=limit, offset=offset).to_pyarrow()


def coded_events_expr(store: Store, actor: str | None = None, *, limit: int = 200, offset: int = 0) -> ir.Table:
    """Coded events, newest first; ``actor`` keeps those it is the source or the target of."""
    t = store.ibis.table("events")
    expr = t.filter(t.dataset == "coder")
    if actor:
        expr = expr.filter((expr.source_actor == actor) | (expr.target_actor == actor))
    cols = [
        c
        for c in ("event_id", "date", "source_actor", "source_sector", "cameo_code", "target_actor", "target_sector",
                  "plover_type", "goldstein", "confidence", "evidence", "file_id", "line")
        if c in expr.columns
    ]  # fmt: skip
    return expr.order_by([ibis.desc("date"), "event_id"]).select(cols).limit(limit, offset=offset)
