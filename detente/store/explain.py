"""What lies behind one dyad's trust number: its engagements and its data coverage (Ibis over the store).

Named queries for :mod:`detente.measure.explain`, which turns them into the trust explanation
(components, decay, coverage, engagements). Each returns an Ibis table, so it runs on any backend.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from detente.store.warehouse import Store

__all__ = ["dyad_engagement_inputs", "engagement_coverage", "event_coverage", "has_table"]


def has_table(store: Store, name: str) -> bool:
    """True if the store has ``name`` as a table or a view."""
    return name in store.ibis.list_tables()


def dyad_engagement_inputs(store: Store, a: str, b: str, until: dt.date | None = None) -> ir.Table:
    """Each engagement linking the (undirected) dyad once, as the trust stock counts it.

    Columns: engagement_id, kind, dataset, start_date, end_date, role (participant or third_party),
    duplicate_of (set when another dataset holds the same exercise), name. Rows with no start date
    do not enter the stock and are left out, as in :func:`detente.measure.trust.engagement_inputs`.
    """
    lo, hi = min(a, b), max(a, b)
    d = store.ibis.table("engagement_dyads")
    d = d.filter((ibis.least(d.a, d.b) == lo) & (ibis.greatest(d.a, d.b) == hi) & d.start_date.notnull())
    if until is not None:
        d = d.filter(d.start_date <= until)
    cols = ["engagement_id", "kind", "dataset", "start_date", "end_date", "role"]
    if "duplicate_of" in d.columns:
        d = d.select(*cols, "duplicate_of")
    else:
        d = d.select(*cols, duplicate_of=ibis.null("int64"))
    # one engagement linking the dyad in two roles counts once (participant first)
    d = d.order_by(["engagement_id", "role"]).distinct(on=["engagement_id"], keep="first")
    e = store.ibis.table("engagements").select("engagement_id", "name")
    return d.left_join(e, "engagement_id").drop("engagement_id_right").order_by(["start_date", "engagement_id"])


def event_coverage(store: Store, a: str, b: str) -> ir.Table:
    """Per event dataset: canonical events between the two (either direction), first and last day."""
    t = store.ibis.table("events")
    t = t.filter(((t.source_actor == a) & (t.target_actor == b)) | ((t.source_actor == b) & (t.target_actor == a)))
    return (
        t.group_by("dataset")
        .aggregate(events=t.count(), first=t.date.min(), last=t.date.max())
        .order_by([ibis.desc("events"), "dataset"])
    )


def engagement_coverage(store: Store, a: str, b: str) -> ir.Table:
    """Per engagement dataset and kind: engagements linking the two, first and last start day."""
    d = dyad_engagement_inputs(store, a, b)
    return (
        d.group_by(["dataset", "kind"])
        .aggregate(engagements=d.count(), first=d.start_date.min(), last=d.start_date.max())
        .order_by([ibis.desc("engagements"), "dataset", "kind"])
    )
