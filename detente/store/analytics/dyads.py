"""What a dyad report, the tension map and the brief read: known actors, a dyad's latest engagements,
an actor's last event day, tension sums with every partner, and the evidence per dataset."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.store import prepared
from detente.store.analytics.engagements import public
from detente.store.analytics.index import DailyBase, dyad_index_expr
from detente.store.analytics.trust import has_engagement_dyads
from detente.store.warehouse import Store

__all__ = [
    "actor_known",
    "dyad_engagement_list",
    "dyad_engagement_list_expr",
    "dyad_engagement_lists",
    "dyad_evidence",
    "dyad_evidence_expr",
    "last_event_day",
    "tension_sums",
    "tension_sums_expr",
]


def _touches(t: ir.Table, actor: str) -> ir.BooleanValue:
    return (t.source_actor == actor) | (t.target_actor == actor)


def actor_known(store: Store, actor: str) -> bool:
    """Whether the reference actors or any event know ``actor``."""

    def reference(s: Store, actor: str) -> ir.Table:
        a = s.ibis.table("actors")
        return a.filter(a.actor_id == actor).select("actor_id").limit(1)

    def events(s: Store, actor: str) -> ir.Table:
        e = s.ibis.table("events")
        return e.filter(_touches(e, actor)).select("event_id").limit(1)

    if prepared.run(store, "actor_in_reference", reference, actor=actor).num_rows:
        return True
    return bool(prepared.run(store, "actor_in_events", events, actor=actor).num_rows)


def last_event_day(store: Store, actor: str) -> dt.date | None:
    """The day of ``actor``'s latest event, None without any."""

    def build(s: Store, actor: str) -> ir.Table:
        e = s.ibis.table("events")
        return e.filter(_touches(e, actor)).aggregate(last=e.date.max())

    day = prepared.run(store, "last_event_day", build, actor=actor).column("last")[0].as_py()
    return day if isinstance(day, dt.date) else None


def dyad_engagement_list_expr(store: Store, a: str, b: str, limit: int = 20) -> ir.Table | None:
    """Latest engagements linking the two actors (engagement_id, kind, dates, name, dataset); None without
    the ``engagement_dyads`` view."""
    if not has_engagement_dyads(store):
        return None
    d = store.ibis.table("engagement_dyads")
    lo, hi = min(a, b), max(a, b)
    # a copy of an engagement recorded by another dataset is listed once, as the original
    d = d.filter((ibis.least(d.a, d.b) == lo) & (ibis.greatest(d.a, d.b) == hi) & d.duplicate_of.isnull())
    d = d.select("engagement_id", "kind", "start_date", "end_date").distinct()
    if store.has("engagements"):
        e = store.ibis.table("engagements").select("engagement_id", "name", "dataset")
        d = public(d.left_join(e, "engagement_id").drop("engagement_id_right"))  # no ops engagement listed
    return d.order_by([ibis.desc("start_date"), "engagement_id"]).limit(limit)


def dyad_engagement_list(store: Store, a: str, b: str, limit: int = 20) -> pa.Table | None:
    if not has_engagement_dyads(store):
        return None

    def build(s: Store, lo: str, hi: str) -> ir.Table:
        expr = dyad_engagement_list_expr(s, lo, hi, limit)
        assert expr is not None
        return expr

    lo, hi = min(a, b), max(a, b)
    return prepared.run(store, ("dyad_engagement_list", limit, store.has("engagements")), build, lo=lo, hi=hi)


def dyad_engagement_lists(store: Store, limit: int = 20) -> dict[tuple[str, str], list[dict[str, object]]]:
    """:func:`dyad_engagement_list` of every dyad at once, keyed by (lo, hi) (the server keeps them per data
    version); empty without the ``engagement_dyads`` view."""
    from detente.store.records import records

    if not has_engagement_dyads(store):
        return {}
    with_names = store.has("engagements")

    def build(s: Store) -> ir.Table:
        d = s.ibis.table("engagement_dyads")
        d = d.filter(d.duplicate_of.isnull()).mutate(lo=ibis.least(d.a, d.b), hi=ibis.greatest(d.a, d.b))
        d = d.select("lo", "hi", "engagement_id", "kind", "start_date", "end_date").distinct()
        if with_names:
            e = s.ibis.table("engagements").select("engagement_id", "name", "dataset")
            d = public(d.left_join(e, "engagement_id").drop("engagement_id_right"))
        order = [ibis.desc("start_date"), "engagement_id"]
        d = d.mutate(_n=ibis.row_number().over(group_by=["lo", "hi"], order_by=order))
        return d.filter(d._n < limit).order_by(["lo", "hi", *order]).drop("_n")

    out: dict[tuple[str, str], list[dict[str, object]]] = {}
    for row in records(prepared.run(store, ("dyad_engagement_lists", limit, with_names), build)):
        key = (str(row.pop("lo")), str(row.pop("hi")))
        out.setdefault(key, []).append(row)
    return out


def tension_sums_expr(
    store: Store, actor: str, since: dt.date, until: dt.date, base: DailyBase | None = None
) -> ir.Table:
    """Per partner of ``actor``: cooperation, conflict and events in [since, until], and their tension
    (conflict / (cooperation + conflict)), most tense first. ``base``: the directed daily sums to roll up."""
    idx = dyad_index_expr(store, "year", directed=False, a=actor, since=since, until=until, base=base)
    other = ibis.ifelse(idx.a == actor, idx.b, idx.a).name("actor")
    agg = idx.group_by(other).aggregate(
        cooperation=idx.cooperation.sum(), conflict=idx.conflict.sum(), events=idx.events.sum()
    )
    agg = agg.mutate(tension=agg.conflict / (agg.cooperation + agg.conflict + 1e-9))
    return agg.order_by([ibis.desc("tension"), "actor"])


def tension_sums(store: Store, actor: str, since: dt.date, until: dt.date, base: DailyBase | None = None) -> pa.Table:
    def build(s: Store, actor: str, since: dt.date, until: dt.date) -> ir.Table:
        return tension_sums_expr(s, actor, since, until, base)

    return prepared.run(store, ("tension_sums", prepared.base_key(base)), build, actor=actor, since=since, until=until)


def dyad_evidence_expr(store: Store, a: str, b: str) -> ir.Table:
    """Per dataset: the dyad's events (both directions), first and last day, most events first."""
    e = store.ibis.table("events")
    e = e.filter(((e.source_actor == a) & (e.target_actor == b)) | ((e.source_actor == b) & (e.target_actor == a)))
    agg = e.group_by("dataset").aggregate(events=e.count(), first=e.date.min(), last=e.date.max())
    return agg.order_by([ibis.desc("events"), "dataset"])


dyad_evidence = prepared.named(dyad_evidence_expr)
