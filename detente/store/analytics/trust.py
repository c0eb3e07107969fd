"""What the trust stock reads: per undirected dyad and period, the event aggregates and the engagements.

Inputs per period (see :mod:`detente.core.indices.weights`):
``COOPERATION_TO_TRUST * cooperation - CONFLICT_TO_TRUST * conflict + sum(engagement weights)``,
where an engagement counts in the period of its start date for every dyad it links
(the ``engagement_dyads`` view of the engagements importer; absent that view, none), and a copy of an
engagement recorded by another dataset (``duplicate_of`` set, see migration 0201) does not count.
The engine aggregates the inputs; :mod:`detente.measure.trust` runs the decay recursion.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from detente.core.indices.weights import (
    CONFLICT_TO_TRUST,
    COOPERATION_TO_TRUST,
    ENGAGEMENT_DEFAULT_WEIGHT,
    ENGAGEMENT_WEIGHTS,
)
from detente.store import prepared
from detente.store.analytics.index import DailyBase, dyad_index_expr, period_of
from detente.store.warehouse import Store

__all__ = [
    "engagement_inputs_expr",
    "has_engagement_dyads",
    "trust_at",
    "trust_at_expr",
    "trust_inputs",
    "trust_inputs_expr",
]


def has_engagement_dyads(store: Store) -> bool:
    """Whether the store has the ``engagement_dyads`` view (a store made before the engagements has none)."""
    return store.has("engagement_dyads")


def engagement_inputs_expr(
    store: Store, res: str, a: str | None = None, b: str | None = None, until: dt.date | None = None
) -> ir.Table | None:
    """Per undirected dyad and period: engagements started and the trust they add."""
    if not has_engagement_dyads(store):
        return None
    d = store.ibis.table("engagement_dyads")
    # an exercise recorded by two datasets (a JME copy of an MME exercise) counts once: its copy is skipped
    d = d.filter(d.a.notnull() & d.b.notnull() & (d.a != d.b) & d.start_date.notnull() & d.duplicate_of.isnull())
    lo, hi = ibis.least(d.a, d.b), ibis.greatest(d.a, d.b)
    d = d.mutate(a=lo, b=hi)
    if a is not None and b is not None:
        d = d.filter((d.a == min(a, b)) & (d.b == max(a, b)))
    elif a is not None:
        d = d.filter((d.a == a) | (d.b == a))
    # an engagement planned for the future adds no trust before it happens, whatever the period asked for
    today = dt.date.today()
    d = d.filter(d.start_date <= (min(until, today) if until is not None else today))
    weight = d.kind.substitute(ENGAGEMENT_WEIGHTS, else_=ENGAGEMENT_DEFAULT_WEIGHT).cast("float64")
    d = d.mutate(period=period_of(d.start_date.cast("date"), res), w=weight)
    # one engagement linking the same dyad twice (two roles) counts once
    d = d.distinct(on=["engagement_id", "a", "b"], keep="first")
    return d.group_by(["a", "b", "period"]).aggregate(engagements=d.count(), engagement_trust=d.w.sum())


def trust_inputs_expr(
    store: Store,
    res: str,
    a: str | None = None,
    b: str | None = None,
    until: dt.date | None = None,
    base: DailyBase | None = None,
) -> ir.Table:
    """Per undirected dyad and period: event aggregates, engagements and the trust input, in dyad order."""
    idx = dyad_index_expr(store, res, directed=False, a=a, b=b, until=until, base=base)
    ev = idx.select("a", "b", "period", "cooperation", "conflict", "events", "balance")
    eng = engagement_inputs_expr(store, res, a, b, until)
    if eng is not None:
        j = ev.outer_join(eng, ["a", "b", "period"])
        j = j.select(
            a=ibis.coalesce(j.a, j.a_right),
            b=ibis.coalesce(j.b, j.b_right),
            period=ibis.coalesce(j.period, j.period_right),
            cooperation=j.cooperation.fill_null(0.0),
            conflict=j.conflict.fill_null(0.0),
            events=j.events.fill_null(0),
            balance=j.balance.fill_null(0.0),
            engagements=j.engagements.fill_null(0),
            engagement_trust=j.engagement_trust.fill_null(0.0),
        )
    else:
        j = ev.mutate(engagements=ibis.literal(0), engagement_trust=ibis.literal(0.0))
    j = j.mutate(trust_input=COOPERATION_TO_TRUST * j.cooperation - CONFLICT_TO_TRUST * j.conflict + j.engagement_trust)
    return j.order_by(["a", "b", "period"])


def trust_inputs(
    store: Store,
    res: str,
    a: str | None = None,
    b: str | None = None,
    until: dt.date | None = None,
    base: DailyBase | None = None,
) -> pa.Table:
    """:func:`trust_inputs_expr`, run; compiled once per shape."""

    def build(s: Store, a: str | None, b: str | None, until: dt.date | None) -> ir.Table:
        return trust_inputs_expr(s, res, a, b, until, base)

    key = ("trust_inputs", res, has_engagement_dyads(store), prepared.base_key(base))
    return prepared.run(store, key, build, a=a, b=b, until=until)


def trust_at_expr(store: Store, actor: str, on: dt.date, half_life: float, base: DailyBase | None = None) -> ir.Table:
    """Per partner of ``actor``: the trust stock on day ``on``, in one pass.

    The stock decays by half every ``half_life`` days between inputs, so on ``on`` it is the sum of every
    daily input up to ``on`` times ``0.5 ** ((on - day) / half_life)``: the same number the day-by-day
    recursion (:func:`detente.core.indices.trust_stock_grouped`) reaches, without building the series.
    """
    t = trust_inputs_expr(store, "day", a=actor, until=on, base=base)
    age = ibis.literal(on).delta(t.period, unit="day").cast("float64")
    t = t.mutate(
        actor=ibis.ifelse(t.a == actor, t.b, t.a), left=t.trust_input * (ibis.literal(0.5) ** (age / half_life))
    )
    return t.group_by("actor").aggregate(trust=t.left.sum())


def trust_at(store: Store, actor: str, on: dt.date, half_life: float, base: DailyBase | None = None) -> pa.Table:
    """:func:`trust_at_expr`, run; compiled once per shape."""

    def build(s: Store, actor: str, on: dt.date) -> ir.Table:
        return trust_at_expr(s, actor, on, half_life, base)

    key = ("trust_at", half_life, has_engagement_dyads(store), prepared.base_key(base))
    return prepared.run(store, key, build, actor=actor, on=on)
