"""Engagements listed and counted: Ibis expressions over ``engagements`` and the ``engagement_dyads`` view."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from detente.store import prepared
from detente.store.warehouse import Store

__all__ = ["PRIVATE_DATASETS", "engagement_kinds", "engagement_kinds_expr", "engagements", "engagements_expr", "public"]

# Engagements the parties of the operations workspace completed: they count in the trust index (through the
# ``engagement_dyads`` view) but no listing shows them; they are the parties' own records, not public data.
PRIVATE_DATASETS = ("ops",)


def public(t: ir.Table) -> ir.Table:
    """Only the rows of public datasets (drops the operations workspace's engagements)."""
    return t.filter(t.dataset.isnull() | ~t.dataset.isin(PRIVATE_DATASETS))


LIST_COLUMNS = [
    "engagement_id", "kind", "name", "start_date", "end_date", "participants", "third_parties", "place",
    "track", "dataset", "source_id", "attributes",
]  # fmt: skip


def engagements_expr(
    store: Store,
    actor: str | None = None,
    dyad: tuple[str, str] | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    dataset: str | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> ir.Table:
    """Engagements, newest first: of an actor (as participant or third party), of a dyad, of a kind, in a span.

    ``since``/``until`` keep engagements that overlap the span (an ongoing
    mission begun before ``since`` is kept).
    """
    t = public(store.ibis.table("engagements"))
    if actor:
        tp = t.third_parties.fill_null(ibis.literal([], type="array<string>"))
        t = t.filter(t.participants.contains(actor) | tp.contains(actor))
    if dyad:
        a, b = sorted(dyad)
        d = store.ibis.table("engagement_dyads")
        ids = d.filter((d.a == a) & (d.b == b)).select("engagement_id").distinct()
        t = t.semi_join(ids, "engagement_id")
    if kind:
        t = t.filter(t.kind == kind)
    if dataset:
        t = t.filter(t.dataset == dataset)
    if since:
        t = t.filter(ibis.coalesce(t.end_date, t.start_date) >= since)
    if until:
        t = t.filter(t.start_date <= until)
    t = t.select(*LIST_COLUMNS).order_by([ibis.desc("start_date"), "engagement_id"])
    if limit is not None:
        t = t.limit(limit, offset=offset)
    return t


def engagement_kinds_expr(store: Store) -> ir.Table:
    """Engagements per kind and public dataset, with their span."""
    t = public(store.ibis.table("engagements"))
    return (
        t.group_by(["kind", "dataset"])
        .aggregate(engagements=t.count(), first=t.start_date.min(), last=t.start_date.max())
        .order_by(["kind", "dataset"])
    )


engagements = prepared.named(engagements_expr)


engagement_kinds = prepared.named(engagement_kinds_expr)
