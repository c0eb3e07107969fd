"""The relations index per dyad and period: weighted events, the directed daily base, roll-ups per resolution."""

from __future__ import annotations

import datetime as dt
from typing import Final, TypeAlias

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.core.indices import INDICES
from detente.core.indices.weights import REPORT_CAP
from detente.errors import ConfigError
from detente.store import prepared
from detente.store.warehouse import Store

__all__ = [
    "RESOLUTIONS",
    "DailyBase",
    "check_resolution",
    "daily_base_expr",
    "dyad_index",
    "dyad_index_expr",
    "materialise_base",
    "period_of",
    "weighted_events_expr",
]

#: Resolution name -> Ibis truncation unit (weeks start on Monday).
RESOLUTIONS: Final[dict[str, str | None]] = {"day": None, "week": "W", "month": "M", "year": "Y"}


#: The directed daily sums materialised once (:func:`materialise_base`): an opaque handle outside the store.
DailyBase: TypeAlias = ir.Table


def check_resolution(res: str) -> str:
    if res not in RESOLUTIONS:
        raise ConfigError(f"Unknown resolution {res!r}.", hint="Use one of: day, week, month, year.")
    return res


def period_of(date: ir.DateValue, res: str) -> ir.DateValue:
    unit = RESOLUTIONS[check_resolution(res)]
    return date if unit is None else date.truncate(unit)


def weighted_events_expr(store: Store, *, directed: bool = True, events: ir.Table | None = None) -> ir.Table:
    """Canonical events between two distinct actors with their weighted Goldstein score.

    Columns: ``a``, ``b`` (source/target when directed; the pair in alphabetical order when
    not), ``date``, ``weighted`` (= goldstein * log2(1 + min(num_sources, cap))), ``event_id``.
    Each canonical event counts once: the rows folded into it (``duplicates``) add nothing.
    ``events``: a filtered ``events`` table to read instead of all of it (one published file's events).
    """
    t = store.ibis.table("events") if events is None else events
    t = t.filter(t.source_actor.notnull() & t.target_actor.notnull() & (t.source_actor != t.target_actor))
    n = t.num_sources.fill_null(1).clip(lower=1, upper=REPORT_CAP).cast("float64")
    w = t.goldstein.fill_null(0.0) * (n + 1.0).log2()
    if directed:
        a, b = t.source_actor, t.target_actor
    else:
        a, b = ibis.least(t.source_actor, t.target_actor), ibis.greatest(t.source_actor, t.target_actor)
    return t.select(a=a, b=b, date=t.date, weighted=w, event_id=t.event_id)


_SUMS = ("cooperation", "conflict", "events", "cooperative_events", "hostile_events")


def _with_indices(agg: ir.Table) -> ir.Table:
    cols = {name: agg[name] for name in _SUMS}
    extra = {name: INDICES.get(name)(cols) for name in INDICES.names() if name not in cols}
    return agg.mutate(**extra)


def daily_base_expr(store: Store) -> ir.Table:
    """Directed daily sums (a, b, period, cooperation, conflict, counts): the finest grain every
    other resolution and the undirected index roll up from. Materialise it once with
    :func:`materialise_base` when many indices are wanted from the same events."""
    e = weighted_events_expr(store, directed=True)
    w = e.weighted
    return e.group_by([e.a, e.b, e.date.name("period")]).aggregate(
        cooperation=ibis.ifelse(w > 0, w, 0.0).sum(),
        conflict=ibis.ifelse(w < 0, -w, 0.0).sum(),
        events=e.count(),
        cooperative_events=(w > 0).cast("int64").sum(),
        hostile_events=(w < 0).cast("int64").sum(),
    )


def materialise_base(store: Store, name: str = "_dyad_day") -> DailyBase:
    """:func:`daily_base_expr` computed once into a temporary table of this connection (pass it as ``base``)."""
    if not name.isidentifier():
        raise ConfigError(f"{name!r} is not a table name.", hint="Use letters, digits and underscores.")
    return store.materialise(name, daily_base_expr(store))


def dyad_index_expr(
    store: Store,
    res: str = "day",
    *,
    directed: bool = False,
    a: str | None = None,
    b: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    base: DailyBase | None = None,
) -> ir.Table:
    """Index rows (a, b, period, aggregates, every registered index) for all dyads or one.

    ``a``/``b`` select a dyad (for an undirected index in either order); ``a`` alone selects
    every dyad of that actor. ``base`` (from :func:`materialise_base`) rolls the index up from
    directed daily sums instead of scanning the events again; the result is the same.
    """
    if base is None:
        e = weighted_events_expr(store, directed=directed)
        e = e.select("a", "b", e.date.name("day"), "weighted")
    else:
        lo, hi = (base.a, base.b) if directed else (ibis.least(base.a, base.b), ibis.greatest(base.a, base.b))
        e = base.select(a=lo, b=hi, day=base.period, **{k: base[k] for k in _SUMS})
    if a is not None and b is not None:
        e = e.filter((e.a == a) & (e.b == b)) if directed else e.filter((e.a == min(a, b)) & (e.b == max(a, b)))
    elif a is not None:
        e = e.filter((e.a == a) | (e.b == a))
    if since is not None:
        e = e.filter(e.day >= since)
    if until is not None:
        e = e.filter(e.day <= until)
    keys = [e.a, e.b, period_of(e.day, res).name("period")]
    if base is None:
        w = e.weighted
        agg = e.group_by(keys).aggregate(
            cooperation=ibis.ifelse(w > 0, w, 0.0).sum(),
            conflict=ibis.ifelse(w < 0, -w, 0.0).sum(),
            events=e.count(),
            cooperative_events=(w > 0).cast("int64").sum(),
            hostile_events=(w < 0).cast("int64").sum(),
        )
    else:
        agg = e.group_by(keys).aggregate(**{k: e[k].sum() for k in _SUMS})
    return _with_indices(agg).order_by(["a", "b", "period"])


def dyad_index(
    store: Store,
    res: str = "day",
    *,
    directed: bool = False,
    a: str | None = None,
    b: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    base: DailyBase | None = None,
    columns: tuple[str, ...] | None = None,
) -> pa.Table:
    """:func:`dyad_index_expr`, run (only ``columns`` when given); compiled once per shape."""

    def build(s: Store, a: str | None, b: str | None, since: dt.date | None, until: dt.date | None) -> ir.Table:
        expr = dyad_index_expr(s, res, directed=directed, a=a, b=b, since=since, until=until, base=base)
        return expr if columns is None else expr.select(*columns)

    key = ("dyad_index", res, directed, prepared.base_key(base), columns)
    return prepared.run(store, key, build, a=a, b=b, since=since, until=until)
