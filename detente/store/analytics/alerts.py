"""What the alert signals read: candidate dyad-periods, the periods the store covers, ceasefire violation
counts, and the hostile events behind an alert (see :mod:`detente.measure.alerts` for the method)."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.core.indices.weights import ALERT_MIN_EVENTS
from detente.store import prepared
from detente.store.analytics.index import DailyBase, dyad_index_expr, period_of, weighted_events_expr
from detente.store.warehouse import Store

__all__ = [
    "ceasefire_counts",
    "ceasefire_counts_expr",
    "conflict_candidates",
    "conflict_candidates_expr",
    "covered_periods",
    "covered_periods_expr",
    "hostile_events",
    "hostile_events_expr",
]


def conflict_candidates_expr(
    store: Store, res: str, until: dt.date | None = None, base: DailyBase | None = None
) -> ir.Table:
    """Undirected index rows (a, b, period, conflict, events, hostile_events) of the dyads that ever reach
    ALERT_MIN_EVENTS hostile events in a period (only those can alert: the engine prunes the rest)."""
    idx = dyad_index_expr(store, res, directed=False, until=until, base=base)
    hot = idx.filter(idx.hostile_events >= ALERT_MIN_EVENTS).select("a", "b").distinct()
    cand = idx.semi_join(hot, ["a", "b"]).select("a", "b", "period", "conflict", "events", "hostile_events")
    return cand.order_by(["a", "b", "period"])


def conflict_candidates(
    store: Store, res: str, until: dt.date | None = None, base: DailyBase | None = None
) -> pa.Table:
    def build(s: Store, until: dt.date | None) -> ir.Table:
        return conflict_candidates_expr(s, res, until, base)

    return prepared.run(store, ("conflict_candidates", res, prepared.base_key(base)), build, until=until)


def covered_periods_expr(store: Store, res: str, days: ir.Table | None = None) -> ir.Table:
    """The periods the store holds any event in (a period with none is a gap in coverage, not calm).
    ``days``: a table of the covered days (column ``date``) to read instead of the events."""
    ev = store.ibis.table("events") if days is None else days
    return ev.select(period=period_of(ev.date, res)).distinct().order_by("period")


def covered_periods(store: Store, res: str, days: ir.Table | None = None) -> pa.Table:
    def build(s: Store) -> ir.Table:
        return covered_periods_expr(s, res, days)

    return prepared.run(store, ("covered_periods", res, prepared.base_key(days)), build)


def ceasefire_counts_expr(store: Store, res: str, until: dt.date | None = None) -> ir.Table:
    """Verified ceasefire violations per undirected dyad (violator, other party) and period."""
    t = store.ibis.table("ceasefire_violations")
    if until is not None:
        t = t.filter(t.day <= until)
    a, b = ibis.least(t.violator, t.party), ibis.greatest(t.violator, t.party)
    per = t.group_by([a.name("a"), b.name("b"), period_of(t.day, res).name("period")]).aggregate(
        violations=t.incidents.sum()
    )
    return per.order_by(["a", "b", "period"])


def ceasefire_counts(store: Store, res: str, until: dt.date | None = None) -> pa.Table:
    def build(s: Store, until: dt.date | None) -> ir.Table:
        return ceasefire_counts_expr(s, res, until)

    return prepared.run(store, ("ceasefire_counts", res), build, until=until)


def hostile_events_expr(
    store: Store, a: str, b: str, first: dt.date, last: dt.date, limit: int = 10, after_file: int | None = None
) -> ir.Table:
    """The hostile events of an undirected dyad between two days, heaviest (most negative weight) first, then by
    event id; ``after_file``: only the events of files newer than that file id."""
    ev = store.ibis.table("events")
    w = weighted_events_expr(
        store, directed=False, events=None if after_file is None else ev.filter(ev.file_id > after_file)
    )
    lo, hi = min(a, b), max(a, b)
    ids = w.filter((w.a == lo) & (w.b == hi) & (w.date >= first) & (w.date <= last) & (w.weighted < 0))
    ids = ids.order_by([ids.weighted, ids.event_id]).limit(limit)
    j = ids.join(ev, "event_id").select(
        "event_id", ev.date, "source_actor", "target_actor", "cameo_code", "goldstein", "num_sources", "weighted", "url"
    )
    return j.order_by([j.weighted, j.event_id])


def hostile_events(
    store: Store, a: str, b: str, first: dt.date, last: dt.date, limit: int = 10, after_file: int | None = None
) -> pa.Table:
    def build(s: Store, lo: str, hi: str, first: dt.date, last: dt.date, after: int | None) -> ir.Table:
        return hostile_events_expr(s, lo, hi, first, last, limit, after)

    lo, hi = min(a, b), max(a, b)
    return prepared.run(store, ("hostile_events", limit), build, lo=lo, hi=hi, first=first, last=last, after=after_file)
