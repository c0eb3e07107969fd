"""Analytics over the store, written once as Ibis expressions (portable to other engines)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.store.warehouse import Store

__all__ = ["actors", "dyad_daily", "dyad_events", "quarantine_reasons", "records", "sources"]


def _dyad_filter(t: ir.Table, a: str, b: str | None, directed: bool) -> ir.BooleanValue:
    if b is None:
        return (t.source_actor == a) | (t.target_actor == a)
    fwd = (t.source_actor == a) & (t.target_actor == b)
    if directed:
        return fwd
    return fwd | ((t.source_actor == b) & (t.target_actor == a))


def dyad_events(
    store: Store,
    a: str,
    b: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    directed: bool = False,
    limit: int | None = 1000,
    offset: int = 0,
) -> ir.Table:
    """Events between two actors (either direction unless ``directed``), newest first."""
    t = store.ibis.table("events")
    expr = t.filter(_dyad_filter(t, a, b, directed))
    if since:
        expr = expr.filter(expr.date >= since)
    if until:
        expr = expr.filter(expr.date <= until)
    expr = expr.order_by([ibis.desc("date"), "event_id"])
    if limit is not None:
        expr = expr.limit(limit, offset=offset)
    return expr.drop("dedup_key")


def dyad_daily(store: Store, a: str, b: str, since: dt.date | None = None, until: dt.date | None = None) -> ir.Table:
    """Daily cooperation and conflict (Goldstein sums, both directions) and event counts of a dyad."""
    t = store.ibis.table("events")
    e = t.filter(_dyad_filter(t, a, b, directed=False))
    if since:
        e = e.filter(e.date >= since)
    if until:
        e = e.filter(e.date <= until)
    g = e.goldstein.fill_null(0)
    return (
        e.group_by("date")
        .aggregate(
            cooperation=ibis.ifelse(g > 0, g, 0).sum(),
            conflict=ibis.ifelse(g < 0, -g, 0).sum(),
            events=e.count(),
            cooperative_events=(g > 0).sum(),
            hostile_events=(g < 0).sum(),
        )
        .order_by("date")
    )


def sources(store: Store) -> ir.Table:
    """Per dataset: files, rows read, stored, duplicates, filtered (out of scope), quarantined (bad), events held
    and date span. Each reconciles: read = stored + duplicates + filtered + quarantined."""
    f = store.ibis.table("files")
    e = store.ibis.table("events")
    per_file = f.group_by("dataset").aggregate(
        files=f.count(),
        read=f.read.sum(),
        stored=f.stored.sum(),
        duplicates=f.duplicates.sum(),
        filtered=f.filtered.sum(),
        quarantined=f.quarantined.sum(),
        last_ingest=f.ingested_at.max(),
    )
    per_event = e.group_by("dataset").aggregate(events=e.count(), first_date=e.date.min(), last_date=e.date.max())
    return per_file.left_join(per_event, "dataset").drop("dataset_right").order_by("dataset")


def quarantine_reasons(store: Store) -> ir.Table:
    q = store.ibis.table("quarantine")
    f = store.ibis.table("files")
    j = q.join(f, "file_id")
    # Reasons keep their first clause only, so "found 12" and "found 13" count together.
    reason = j.reason.split(":")[0]
    return j.group_by([j.dataset, reason.name("reason")]).aggregate(rows=j.count()).order_by(["dataset", "reason"])


def actors(store: Store, kind: str | None = None, q: str | None = None) -> ir.Table:
    t = store.ibis.table("actors")
    if kind:
        t = t.filter(t.kind == kind)
    if q:
        pat = f"%{q.lower()}%"
        t = t.filter(t.name.lower().like(pat) | t.actor_id.lower().like(pat))
    return t.order_by("actor_id")


def records(expr: ir.Table | pa.Table) -> list[dict[str, Any]]:
    """Execute and return JSON-friendly rows (dates as ISO strings, NaN and ±inf as None), via Arrow (no pandas).

    An Arrow table (already executed, or converted from a frame) gives its rows the same way.
    """
    table = expr if isinstance(expr, pa.Table) else expr.to_pyarrow()
    out: list[dict[str, Any]] = []
    for row in table.to_pylist():
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, float) and not math.isfinite(v):
                clean[k] = None
            elif isinstance(v, dt.date):  # datetime is a date too
                clean[k] = v.isoformat()
            else:
                clean[k] = v
        out.append(clean)
    return out
