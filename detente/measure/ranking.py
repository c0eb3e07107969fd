"""The ranked alerts of each data version the server holds, from its resident tables, kept per dyad so that a write
re-ranks only the dyads it touched.

:func:`prepare` runs on the server's writer after it loads the resident tables of a new version and before it serves
them (:attr:`detente.store.writer.Writer.on_prepare`): every request then finds the ranked alerts of its version
ready, and none waits for a rebuild. The built-in ``conflict_departure`` signal is computed in NumPy from the
resident directed daily sums, the method of :func:`detente.measure.alerts.conflict_departure` step for step (a
dyad's periods placed on the covered periods, quiet ones as 0, the robust z against the trailing window); each
undirected dyad's alerting periods are kept (:class:`Ranking`), and the next version recomputes only

- the dyads whose daily rows changed (:func:`detente.measure.resident.changed_days`), and
- the dyads whose span [first, last period] a newly covered period falls in (a quiet period counts as 0 there).

Every other signal (ceasefire violations, plug-ins) is asked of its registered function per version (small
tables), then all are merged and ranked as :func:`detente.measure.alerts.alerts` does: score summed, the rest the
largest, signals joined; by score, value, a, b, then period. The triggering events of the head of each list
(:data:`HEAD` alerts, :data:`HEAD_EVENTS` events each) are carried from the previous version when no new event fell
in the dyad's period, else fetched once here (after a first load the server's warming fetches them). A list asked
``since`` a day is the whole list from that day on.

Sums may differ from the engine's in the last bits (another order of addition; tests compare to 1e-9).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.core.indices import robust_z, rolling_baseline
from detente.core.indices.weights import ALERT_MAD_FLOOR, ALERT_MIN_EVENTS, ALERT_MIN_HISTORY, ALERT_WINDOW, ALERT_Z
from detente.measure import resident as fast
from detente.store.resident import UNIX, Resident
from detente.store.warehouse import Store

__all__ = [
    "HEAD", "HEAD_EVENTS", "RESOLUTIONS", "WARMED", "Departures", "Ranking", "precompile", "prepare", "ranked",
    "since_list",
]  # fmt: skip

IntArray = npt.NDArray[np.int64]

#: The resolutions ranked ahead; those whose head (``HEAD`` alerts, ``HEAD_EVENTS`` triggering events each: any
#: smaller question is a slice of them, the dashboard's and the API's defaults are within) gets its events ahead.
RESOLUTIONS = ("day", "week", "month", "year")
WARMED = ("day", "week", "month")
HEAD = 50
HEAD_EVENTS = 10

_SIGNAL = "conflict_departure"
_SUMS = ("conflict", "events", "hostile_events")
#: One alerting period: period (days since 1970), score, value, baseline, events, hostile events.
Row = tuple[int, float, float, float, int, int]


@dataclass(frozen=True)
class Departures:
    """One undirected dyad's conflict departures at one resolution: its first and last period (days since 1970;
    its span on the covered periods) and its alerting periods. Only dyads that reach ALERT_MIN_EVENTS hostile
    events in some period are kept (no other can alert)."""

    first: int
    last: int
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Ranking:
    """The conflict departures of one version at one resolution: the covered periods and every candidate dyad's."""

    res: str
    covered: IntArray
    dyads: dict[tuple[str, str], Departures]


def _departures(r: Resident, lo: str, hi: str, res: str, covered: IntArray) -> Departures | None:
    """:func:`detente.measure.alerts.conflict_departure` for one undirected dyad, from the resident tables."""
    s = fast.undirected_sums(r, lo, hi, res, _SUMS)
    period = s["period"]
    if not period.size or int(s["hostile_events"].max()) < ALERT_MIN_EVENTS:
        return None
    first, last = int(period[0]), int(period[-1])
    full = covered[int(np.searchsorted(covered, first, "left")) : int(np.searchsorted(covered, last, "right"))]
    at = np.searchsorted(full, period)
    ok = (at < full.size) & (full[np.minimum(at, full.size - 1)] == period)  # a period not covered: left out
    cols = {}
    for k in _SUMS:
        v = np.zeros(full.size, dtype=s[k].dtype)
        v[at[ok]] = s[k][ok]
        cols[k] = v
    conflict = cols["conflict"]
    z = robust_z(conflict, ALERT_WINDOW, ALERT_MIN_HISTORY, ALERT_MAD_FLOOR)
    base, _ = rolling_baseline(conflict, ALERT_WINDOW, ALERT_MIN_HISTORY)
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero((z >= ALERT_Z) & (cols["hostile_events"] >= ALERT_MIN_EVENTS))
    rows = tuple(
        (int(full[i]), float(z[i]), float(conflict[i]), float(base[i]), int(cols["events"][i]),
         int(cols["hostile_events"][i]))
        for i in hit
    )  # fmt: skip
    return Departures(first, last, rows)


def ranked(r: Resident, res: str, before: Ranking | None, changed: dict[tuple[str, str], IntArray] | None) -> Ranking:
    """The conflict departures of ``r`` at ``res``: ``before``'s (the previous version's) for every dyad that neither
    changed nor has a newly covered or uncovered period in its span; computed for the rest (all without
    ``before``)."""
    covered = np.unique(fast.period_keys(r.event_days, res))
    if before is None or changed is None:
        pairs = {(min(a, b), max(a, b)) for a, b in r.directed}
        dyads: dict[tuple[str, str], Departures] = {}
    else:
        moved = np.setxor1d(covered, before.covered, assume_unique=True)
        dyads = {}
        for key, d in before.dyads.items():
            i = int(np.searchsorted(moved, d.first, "left"))
            if key not in changed and not (i < moved.size and moved[i] <= d.last):
                dyads[key] = d
        pairs = {k for k in {*before.dyads, *changed} if k not in dyads}
    for lo, hi in sorted(pairs):
        got = _departures(r, lo, hi, res, covered)
        if got is not None:
            dyads[(lo, hi)] = got
    return Ranking(res, covered, dyads)


def _nanmax(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return max(kept) if kept else math.nan


def _merged(ranking: Ranking, others: list[Any]) -> list[dict[str, Any]]:
    """Every signal's rows merged per (a, b, period) and ranked as :func:`detente.measure.alerts.alerts` does, as
    the rows :func:`detente.measure.report.alert_list` answers (without their triggering events)."""
    groups: dict[tuple[str, str, dt.date], list[tuple[str, float, float, float, int, int]]] = {}
    for (a, b), d in ranking.dyads.items():
        for day, score, value, base, events, hostile in d.rows:
            groups[(a, b, UNIX + dt.timedelta(days=day))] = [(_SIGNAL, score, value, base, events, hostile)]
    for df in others:
        for a, b, p, sig, score, value, base, events, hostile in df[
            ["a", "b", "period", "signal", "score", "value", "baseline", "events", "hostile_events"]
        ].itertuples(index=False):
            groups.setdefault((str(a), str(b), p), []).append(
                (str(sig), float(score), float(value), float(base), int(events), int(hostile))
            )
    rows = []
    for (a, b, p), g in groups.items():
        score = g[0][1]
        for x in g[1:]:
            score += x[1]
        rows.append((
            a, b, p, score, _nanmax([x[2] for x in g]), _nanmax([x[3] for x in g]), max(x[4] for x in g),
            max(x[5] for x in g), ",".join(sorted({x[0] for x in g})),
        ))  # fmt: skip
    rows.sort(key=lambda x: (x[0], x[1], x[2]))  # the engine's groups come sorted: its ties keep this order
    rows.sort(key=lambda x: (-x[3], -x[4], x[0], x[1]))
    keys = ("a", "b", "period", "score", "value", "baseline", "events", "hostile_events", "signals")
    out = []
    for i, row in enumerate(rows):
        rec: dict[str, Any] = {"rank": i + 1, **dict(zip(keys, row, strict=True))}
        rec["period"] = row[2].isoformat()
        for k in ("score", "value", "baseline"):
            if not math.isfinite(rec[k]):
                rec[k] = None
        out.append(rec)
    return out


def since_list(whole: list[dict[str, Any]], since: dt.date) -> list[dict[str, Any]]:
    """A ranked list asked from ``since`` on: the whole list's alerts of periods from that day, ranked again."""
    day = since.isoformat()
    return [{**row, "rank": i + 1} for i, row in enumerate(x for x in whole if x["period"] >= day)]


def _touched(changed: dict[tuple[str, str], IntArray], a: str, b: str, period: str, res: str) -> bool:
    """Whether a new event of the dyad fell in the period (an ISO date) at ``res``."""
    days = changed.get((a, b))
    return days is not None and bool((fast.period_keys(days, res) == (dt.date.fromisoformat(period) - UNIX).days).any())


def _heaviest(events: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    return sorted(events, key=lambda e: (e["weighted"], e["event_id"]))[:limit]


def prepare(
    store: Store, r: Resident, previous: Resident | None, changed: dict[tuple[str, str], IntArray] | None
) -> None:
    """Rank the alerts of the version ``r`` holds at every resolution into ``r.memo`` (what
    :func:`detente.measure.report.kept_alert_list` answers from). ``previous``: the version served before; its
    rankings are kept for the dyads nothing changed for, and its triggering events for the alerts no new event fell
    in. The head of the day, week and month lists gets its triggering events here: an alert a new file added events
    to merges the heaviest of them with its kept ones (events never change once stored), any other is fetched (a
    first load leaves them to the server's warming, after the tables are served). ``store``: a cursor reading the
    same data as ``r``; ``changed``: :func:`detente.measure.resident.changed_days` of the two. Nothing when the
    built-in signal was replaced (the engine ranks then)."""
    from detente.measure.alerts import ALERT_SIGNALS, conflict_departure, triggering_events

    names = ALERT_SIGNALS.names()
    if ALERT_SIGNALS.get(_SIGNAL) is not conflict_departure:
        return
    for res in RESOLUTIONS:
        before = previous.memo.get(("ranking", res)) if previous is not None else None
        ranking = ranked(r, res, before, changed)
        others = [f for f in (ALERT_SIGNALS.get(n)(store, res, None, None) for n in names if n != _SIGNAL) if len(f)]
        r.memo[("ranking", res)] = ranking
        r.memo[("alerts", res, None)] = _merged(ranking, others)
    if previous is None or changed is None:
        return
    touched: dict[Any, tuple[int, list[dict[str, Any]]]] = {}
    for key, kept in list(previous.memo.items()):
        if isinstance(key, tuple) and key[0] == "triggering":
            if _touched(changed, *key[1:]):
                touched[key] = kept
            else:
                r.memo.setdefault(key, kept)
    for res in WARMED:
        for row in r.memo[("alerts", res, None)][:HEAD]:
            key = ("triggering", row["a"], row["b"], row["period"], res)
            kept = r.memo.get(key)
            if kept is not None and kept[0] >= HEAD_EVENTS:
                continue
            period = dt.date.fromisoformat(row["period"])
            old = touched.get(key)
            if old is not None and old[0] >= HEAD_EVENTS and r.since_file is not None:  # only new files' events came
                new = triggering_events(store, row["a"], row["b"], period, res, old[0], after_file=r.since_file)
                r.memo[key] = (old[0], _heaviest([*old[1], *new], old[0]))
            else:
                r.memo[key] = (HEAD_EVENTS, triggering_events(store, row["a"], row["b"], period, res, HEAD_EVENTS))


def precompile(store: Store) -> None:
    """Compile the query of a new file's triggering events ahead (the server does it while warming), so that the
    first write's :func:`prepare` does not pay for it (a third of a second of Python)."""
    from detente.measure.alerts import triggering_events

    triggering_events(store, "", "", UNIX, "day", HEAD_EVENTS, after_file=1 << 62)
