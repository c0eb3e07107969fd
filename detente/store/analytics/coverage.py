"""Which days the loaded data really covers: the default day of views such as the tension map.

The latest event of an actor can come from a tiny dataset (a handful of coded demo documents dated
2024-06-01) while the real coverage (GDELT, ICEWS, UCDP samples) ends years before: a map drawn on that
day is empty. A day counts as *covered* when a dataset with at least :data:`MIN_DATASET_EVENTS` events
holds at least :data:`MIN_DAY_EVENTS` events of the actor on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import ibis
import ibis.expr.types as ir

from detente.store import prepared
from detente.store.warehouse import Store

__all__ = ["MIN_DATASET_EVENTS", "MIN_DAY_EVENTS", "latest_covered_day", "latest_covered_days"]

#: A dataset smaller than this is a sample or a demo, not coverage (the coder's seed documents give 21).
MIN_DATASET_EVENTS: Final = 100
#: Events of the actor a day needs to count as covered (one stray story is not coverage).
MIN_DAY_EVENTS: Final = 3


def latest_covered_day(
    store: Store, actor: str | None = None, *, min_dataset: int = MIN_DATASET_EVENTS, min_day: int = MIN_DAY_EVENTS
) -> dict[str, Any]:
    """The latest covered day of ``actor`` (of any actor when None), with the datasets counted and left out.

    Falls back to the actor's plain latest event day (``basis: "latest event"``) when no day is covered,
    and to None when the actor has no event at all.
    """
    t = store.ibis.table("events")
    sizes = t.group_by("dataset").aggregate(n=t.count())
    size = {str(r["dataset"]): int(r["n"]) for r in sizes.to_pyarrow().to_pylist()}
    big = sorted(d for d, n in size.items() if n >= min_dataset)
    small = sorted(d for d, n in size.items() if n < min_dataset)
    mine = t if actor is None else t.filter((t.source_actor == actor) | (t.target_actor == actor))
    day: dt.date | None = None
    basis = "covered"
    if big:
        e = mine.filter(mine.dataset.isin(big))
        per_day = e.group_by("date").aggregate(n=e.count())
        day = per_day.filter(per_day.n >= min_day).date.max().to_pyarrow().as_py()
    if day is None:
        day = mine.date.max().to_pyarrow().as_py()
        basis = "latest event"
    if isinstance(day, dt.datetime):
        day = day.date()
    return {
        "day": day.isoformat() if isinstance(day, dt.date) else None,
        "basis": basis if day is not None else "no events",
        "datasets": big,
        "left_out": {d: size[d] for d in small},
        "rule": f"latest day with at least {min_day} events in datasets of at least {min_dataset} events",
        "any_actor": actor is None,
        "latest_any": _latest_any(store) if actor is not None else None,
    }


def _latest_any(store: Store) -> str | None:
    def build(s: Store) -> ir.Table:
        t = s.ibis.table("events")
        return t.aggregate(day=t.date.max())

    v = prepared.run(store, ("latest_event_day",), build).column("day")[0].as_py()
    return v.isoformat() if isinstance(v, dt.date) else None


def latest_covered_days(
    store: Store, *, min_dataset: int = MIN_DATASET_EVENTS, min_day: int = MIN_DAY_EVENTS
) -> dict[str, dict[str, Any]]:
    """:func:`latest_covered_day` of every actor an event names, from the derived ``actor_day`` table (events per
    actor, dataset and day; the caller checks it is in step, :func:`detente.store.derived.fresh`). The server
    keeps them per data version, so the tension map's default day costs no query; each query is compiled once per
    shape (the server reads them again after every write)."""

    def sizes_of(s: Store) -> ir.Table:
        t = s.ibis.table("events")
        return t.group_by("dataset").aggregate(n=t.count())

    sizes = prepared.run(store, ("dataset_sizes",), sizes_of)
    size = {str(r["dataset"]): int(r["n"]) for r in sizes.to_pylist()}
    big = sorted(d for d, n in size.items() if n >= min_dataset)
    small = sorted(d for d, n in size.items() if n < min_dataset)

    def per_actor_of(s: Store) -> ir.Table:
        ad = s.ibis.table("actor_day")
        in_big = ad.dataset.isin(big) if big else ibis.literal(False)
        per_day = ad.group_by(["actor", "day"]).aggregate(n=ibis.ifelse(in_big, ad.events, 0).sum())
        return per_day.group_by("actor").aggregate(  # none covered: null (the day column itself is never null)
            covered=per_day.day.max(where=per_day.n >= min_day).cast("date"), latest=per_day.day.max()
        )

    per_actor = prepared.run(store, ("latest_covered_days", tuple(big), min_day), per_actor_of)
    latest_any = _latest_any(store)
    out: dict[str, dict[str, Any]] = {}
    for r in per_actor.to_pylist():
        day, basis = (r["covered"], "covered") if big and r["covered"] is not None else (r["latest"], "latest event")
        if isinstance(day, dt.datetime):
            day = day.date()
        out[str(r["actor"])] = {
            "day": day.isoformat() if isinstance(day, dt.date) else None,
            "basis": basis if day is not None else "no events",
            "datasets": big,
            "left_out": {d: size[d] for d in small},
            "rule": f"latest day with at least {min_day} events in datasets of at least {min_dataset} events",
            "any_actor": False,
            "latest_any": latest_any,
        }
    return out
