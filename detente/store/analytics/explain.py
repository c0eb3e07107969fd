"""What lies behind one dyad's trust number: its engagements and its data coverage.

Expressions (``*_expr``) and named queries (Arrow) for :mod:`detente.measure.explain`, which turns them
into the trust explanation (components, decay, coverage, engagements).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from detente.store import prepared
from detente.store.warehouse import Store

__all__ = [
    "dyad_engagement_inputs",
    "dyad_engagement_inputs_expr",
    "engagement_coverage",
    "engagement_coverage_expr",
    "event_coverage",
    "event_coverage_expr",
]


def dyad_engagement_inputs_expr(store: Store, a: str, b: str, until: dt.date | None = None) -> ir.Table:
    """Each engagement linking the (undirected) dyad once, as the trust stock counts it.

    Columns: engagement_id, kind, dataset, start_date, end_date, role (participant or third_party),
    duplicate_of (set when another dataset holds the same exercise: the stock skips it), name. Rows with no
    start date do not enter the stock and are left out, as in
    :func:`detente.store.analytics.trust.engagement_inputs_expr`.
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


dyad_engagement_inputs = prepared.named(dyad_engagement_inputs_expr)


def event_coverage_expr(store: Store, a: str, b: str) -> ir.Table:
    """Per event dataset: canonical events between the two (either direction), first and last day."""
    t = store.ibis.table("events")
    t = t.filter(((t.source_actor == a) & (t.target_actor == b)) | ((t.source_actor == b) & (t.target_actor == a)))
    return (
        t.group_by("dataset")
        .aggregate(events=t.count(), first=t.date.min(), last=t.date.max())
        .order_by([ibis.desc("events"), "dataset"])
    )


event_coverage = prepared.named(event_coverage_expr)


def engagement_coverage_expr(store: Store, a: str, b: str) -> ir.Table:
    """Per engagement dataset and kind: engagements linking the two, first and last start day (copies of an
    exercise already held by another dataset are left out, as the stock leaves them out)."""
    d = dyad_engagement_inputs_expr(store, a, b)
    d = d.filter(d.duplicate_of.isnull())  # the inputs always carry the column (null where the view has none)
    return (
        d.group_by(["dataset", "kind"])
        .aggregate(engagements=d.count(), first=d.start_date.min(), last=d.start_date.max())
        .order_by([ibis.desc("engagements"), "dataset", "kind"])
    )


engagement_coverage = prepared.named(engagement_coverage_expr)
