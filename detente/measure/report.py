"""What the faces show: a dyad's index series with trust and engagements, tension with one actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from detente.core.indices.weights import TENSION_WINDOW_DAYS, TRUST_HALF_LIFE_DAYS
from detente.errors import InputError, NotFound
from detente.measure.frames import rows as records
from detente.measure.trust import EPOCH, trust_series
from detente.store import derived
from detente.store.analytics.dyads import actor_known, dyad_engagement_list, tension_sums
from detente.store.analytics.index import check_resolution, dyad_index
from detente.store.analytics.trust import trust_at
from detente.store.warehouse import Store

__all__ = ["alert_list", "check_actor", "dyad_engagements", "dyad_report", "tension", "trust_report"]


def check_actor(store: Store, actor: str) -> str:
    """Upper-cased actor id; NotFound if neither the reference nor any event knows it."""
    a = actor.strip().upper()
    if not a or len(a) > 12 or not all(c.isalnum() or c in "_-" for c in a):
        raise InputError(f"{actor!r} is not an actor id.", hint="Use an id such as USA, RUS or NATO.")
    if not actor_known(store, a):
        raise NotFound(f"Unknown actor {a!r}.", hint="Use an id such as USA, RUS or NATO (GET /api/actors lists them).")
    return a


def _check_dyad(store: Store, a: str, b: str) -> tuple[str, str]:
    a, b = check_actor(store, a), check_actor(store, b)
    if a == b:
        raise InputError(f"A dyad needs two different actors, got {a} twice.", hint="Example: USA RUS.")
    return a, b


def dyad_engagements(store: Store, a: str, b: str, limit: int = 20) -> list[dict[str, Any]]:
    """Latest engagements linking the two actors (from the engagements importer's view)."""
    table = dyad_engagement_list(store, a, b, limit)
    return [] if table is None else records(table)


def dyad_report(
    store: Store,
    a: str,
    b: str,
    res: str = "day",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Undirected index series with the trust stock, both directed series, and latest engagements."""
    check_resolution(res)
    a, b = _check_dyad(store, a, b)
    if since and until and since > until:
        raise InputError("since is after until.", hint="Swap them.")
    base = derived.base(store)
    tr = trust_series(store, res, a, b, until=until, base=base)
    if since is not None and not tr.empty:
        tr = tr[pd.to_datetime(tr["period"]) >= pd.Timestamp(since)]
    series = records(tr.drop(columns=["a", "b"]))
    directed = {}
    for s, t in ((a, b), (b, a)):
        directed[f"{s}->{t}"] = records(
            dyad_index(
                store, res, directed=True, a=s, b=t, since=since, until=until, base=base,
                columns=("period", "cooperation", "conflict", "balance", "events"),
            )
        )  # fmt: skip
    return {
        "dyad": [a, b],
        "res": res,
        "series": series,
        "directed": directed,
        "trust": series[-1]["trust"] if series else 0.0,
        "engagements": dyad_engagements(store, a, b),
    }


def trust_report(store: Store, a: str, b: str, res: str = "day") -> dict[str, Any]:
    check_resolution(res)
    a, b = _check_dyad(store, a, b)
    tr = trust_series(store, res, a, b, base=derived.base(store))
    cols = ["period", "trust_input", "engagements", "trust"]
    return {"dyad": [a, b], "res": res, "trust": records(tr[cols]) if not tr.empty else []}


def tension(store: Store, actor: str, on: dt.date | None = None) -> dict[str, Any]:
    """Tension of every actor with ``actor`` over the TENSION_WINDOW_DAYS up to ``on``.

    ``on`` defaults to the actor's latest day of real coverage
    (:func:`detente.store.analytics.coverage.latest_covered_day`, returned as ``default_day``), not its last
    event, which may come from a tiny demo dataset.

    ``tension`` = conflict / (cooperation + conflict) in [0, 1] over the window; ``trust`` = the
    stock on ``on``. Actors with no event with ``actor`` in the window are left out.
    """
    from detente.store.analytics.coverage import latest_covered_day

    a = check_actor(store, actor)
    coverage = None
    if on is None:  # the latest day the real data covers, not a stray event of a tiny dataset
        coverage = latest_covered_day(store, a)
        on = dt.date.fromisoformat(coverage["day"]) if coverage["day"] else dt.date.today()
    since = on - dt.timedelta(days=TENSION_WINDOW_DAYS) if on.toordinal() > TENSION_WINDOW_DAYS else dt.date.min
    base = derived.base(store)
    rows = records(tension_sums(store, a, since, on, base))
    stocks = trust_at(store, a, on, TRUST_HALF_LIFE_DAYS, base)
    trust = dict(zip(stocks.column("actor").to_pylist(), stocks.column("trust").to_pylist(), strict=True))
    for r in rows:
        r["trust"] = round(trust.get(r["actor"], 0.0), 6)
    return {
        "actor": a,
        "on": on.isoformat(),
        "window_days": TENSION_WINDOW_DAYS,
        "epoch": EPOCH.isoformat(),
        "default_day": coverage,
        "tension": rows,
    }


def alert_list(
    store: Store, res: str = "day", *, top: int | None = 20, since: dt.date | None = None, n_events: int = 5
) -> list[dict[str, Any]]:
    """Ranked alerts, each with the events that triggered it."""
    from detente.measure.alerts import alerts, triggering_events

    check_resolution(res)
    df = alerts(store, res, top=top, since=since)
    out = records(df)
    for row in out:
        row["events_triggering"] = (
            triggering_events(store, row["a"], row["b"], dt.date.fromisoformat(row["period"]), res, n_events)
            if n_events
            else []
        )
    return out
