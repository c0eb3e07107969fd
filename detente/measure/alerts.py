"""Escalation alerts: a dyad's conflict departs from its own baseline.

Method (built-in signal ``conflict_departure``): per undirected dyad, the conflict intensity
of each period (see :mod:`detente.store.analytics.index`; a period in which the store holds events but
none of this dyad counts as 0, a period with no event at all is a coverage gap and is skipped) gets a
robust z-score against the median and MAD of the previous ``ALERT_WINDOW`` periods
(:func:`detente.core.indices.robust_z`). A period alerts when ``z >= ALERT_Z`` and it holds
at least ``ALERT_MIN_EVENTS`` hostile events. Alerts are ranked by z (ties: conflict).

Built-in signal ``ceasefire_violations``: verified ceasefire incidents from the operations workspace
(exported to the store's ``ceasefire_violations`` table whenever a monitor verifies one), per undirected
dyad of violator and the other party. Monitoring is continuous, so a period without a verified violation
counts as 0 between a dyad's first and last one. A period alerts when it holds at least
``CEASEFIRE_MIN_VIOLATIONS`` and more than the median of the previous ``ALERT_WINDOW`` periods (0 when
there are none); its score is the robust z against that baseline (scaled MAD floored at one violation).

Other evidence plugs in as another signal: register a function in :data:`ALERT_SIGNALS`
returning rows with the columns of :data:`ALERT_COLUMNS`; :func:`alerts` merges every signal's rows, and
a dyad-period flagged by several signals is ranked by the sum of their scores.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd

from detente.core.indices import robust_z, rolling_baseline
from detente.core.indices.robust import MAD_SCALE
from detente.core.indices.weights import (
    ALERT_MAD_FLOOR,
    ALERT_MIN_EVENTS,
    ALERT_MIN_HISTORY,
    ALERT_WINDOW,
    ALERT_Z,
    CEASEFIRE_MIN_VIOLATIONS,
)
from detente.lru import LRU
from detente.measure.frames import frame
from detente.measure.frames import rows as records
from detente.registry import Registry
from detente.store import derived
from detente.store.analytics.alerts import ceasefire_counts, conflict_candidates, covered_periods, hostile_events
from detente.store.warehouse import Store

__all__ = [
    "ALERT_COLUMNS",
    "ALERT_SIGNALS",
    "AlertSignal",
    "alerts",
    "ceasefire_violations",
    "conflict_departure",
    "triggering_events",
]

ALERT_COLUMNS: Final = ("a", "b", "period", "signal", "score", "value", "baseline", "events", "hostile_events")

#: A signal: (store, res, since, until) -> DataFrame with ALERT_COLUMNS, one row per alerting period.
AlertSignal = Callable[[Store, str, "dt.date | None", "dt.date | None"], pd.DataFrame]

ALERT_SIGNALS: Registry[AlertSignal] = Registry("alert signal")


@ALERT_SIGNALS.register("conflict_departure")
def conflict_departure(store: Store, res: str, since: dt.date | None, until: dt.date | None) -> pd.DataFrame:
    """Periods whose conflict intensity departs from the dyad's trailing median by ALERT_Z robust z."""
    # only dyads that ever reach the event floor can alert: the store prunes the rest
    df = frame(conflict_candidates(store, res, until, derived.base(store)))
    # periods the store has any event for: a dyad's quiet period there counts as 0; a period with
    # no event at all is a gap in coverage, not calm, and is left out of every baseline
    days = derived.covered_days(store) if not df.empty else None
    covered = (
        pd.DatetimeIndex(pd.to_datetime(frame(covered_periods(store, res, days))["period"])) if not df.empty else None
    )
    out: list[pd.DataFrame] = []
    for (a, b), g in df.groupby(["a", "b"], sort=False):
        assert covered is not None
        g = g.set_index(pd.to_datetime(g["period"]))
        full = covered[(covered >= g.index.min()) & (covered <= g.index.max())]
        g = g.reindex(full)
        conflict = g["conflict"].fillna(0.0).to_numpy(dtype=np.float64)
        hostile = g["hostile_events"].fillna(0).to_numpy(dtype=np.int64)
        z = robust_z(conflict, ALERT_WINDOW, ALERT_MIN_HISTORY, ALERT_MAD_FLOOR)
        base, _ = rolling_baseline(conflict, ALERT_WINDOW, ALERT_MIN_HISTORY)
        hit = (z >= ALERT_Z) & (hostile >= ALERT_MIN_EVENTS)
        if not hit.any():
            continue
        out.append(
            pd.DataFrame(
                {
                    "a": a,
                    "b": b,
                    "period": full[hit].date,
                    "signal": "conflict_departure",
                    "score": z[hit],
                    "value": conflict[hit],
                    "baseline": base[hit],
                    "events": g["events"].fillna(0).to_numpy(dtype=np.int64)[hit],
                    "hostile_events": hostile[hit],
                }
            )
        )
    return _since(out, since)


def _since(frames: list[pd.DataFrame], since: dt.date | None) -> pd.DataFrame:
    """A signal's alerting rows, one frame per dyad, joined; only periods from ``since`` on."""
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(ALERT_COLUMNS))
    if since is not None and not out.empty:
        out = out[out["period"] >= since]
    return out


_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "year": "YS"}


@ALERT_SIGNALS.register("ceasefire_violations")
def ceasefire_violations(store: Store, res: str, since: dt.date | None, until: dt.date | None) -> pd.DataFrame:
    """Periods in which verified ceasefire violations between two parties rise above their own baseline."""
    df = frame(ceasefire_counts(store, res, until))
    out: list[pd.DataFrame] = []
    for (x, y), g in df.groupby(["a", "b"], sort=False):
        g = g.set_index(pd.to_datetime(g["period"]))
        full = pd.date_range(g.index.min(), g.index.max(), freq=_FREQ[res])
        counts = g["violations"].reindex(full).fillna(0).to_numpy(dtype=np.float64)
        med, mad = rolling_baseline(counts, ALERT_WINDOW, 1)
        med, mad = np.nan_to_num(med), np.nan_to_num(mad)  # no earlier period: the baseline is no violation
        z = (counts - med) / np.maximum(MAD_SCALE * mad, 1.0)
        hit = (counts >= CEASEFIRE_MIN_VIOLATIONS) & (counts > med)
        if hit.any():
            n = counts[hit].astype(np.int64)
            out.append(
                pd.DataFrame(
                    {
                        "a": x,
                        "b": y,
                        "period": full[hit].date,
                        "signal": "ceasefire_violations",
                        "score": z[hit],
                        "value": counts[hit],
                        "baseline": med[hit],
                        "events": n,
                        "hostile_events": n,
                    }
                )
            )
    return _since(out, since)


def alerts(
    store: Store,
    res: str = "day",
    *,
    top: int | None = 20,
    since: dt.date | None = None,
    until: dt.date | None = None,
    signals: list[str] | None = None,
) -> pd.DataFrame:
    """Every signal's alerts merged and ranked (rank 1 = most anomalous).

    The ranked list is kept per data version (:func:`detente.store.derived.data_version`): every later call on
    unchanged data, whatever its ``top``, only takes the head of it.
    """
    names = tuple(signals or ALERT_SIGNALS.names())
    version = derived.data_version(store)
    key = (store.path, res, since, until, names, version)
    if version is None:
        ranked = _ranked(store, res, since, until, names)
    else:
        ranked = _kept(key, lambda: _ranked(store, res, since, until, names))
    return ranked.head(top).copy() if top is not None else ranked.copy()


def _kept(key: tuple[object, ...], compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The ranked list kept for ``key``, computed once: concurrent askers (20 users after an update) wait for it."""
    hit = _memo.get(key)
    if hit is not None:
        return hit
    with _computing:
        hit = _memo.get(key)
        if hit is None:
            hit = compute()
            _memo.put(key, hit)
        return hit


_computing = threading.Lock()
#: Ranked lists of recent data versions (the newest 64 questions, 64 MiB at most; least recently used dropped).
_memo: LRU[tuple[object, ...], pd.DataFrame] = LRU(
    64 << 20, lambda df: int(df.memory_usage(index=True, deep=True).sum()), max_entries=64
)


def _ranked(
    store: Store, res: str, since: dt.date | None, until: dt.date | None, names: tuple[str, ...]
) -> pd.DataFrame:
    frames = [ALERT_SIGNALS.get(name)(store, res, since, until) for name in names]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["rank", *[c for c in ALERT_COLUMNS if c != "signal"], "signals"])
    df = pd.concat(frames, ignore_index=True)
    merged = (
        df.groupby(["a", "b", "period"], as_index=False)
        .agg(
            score=("score", "sum"),
            value=("value", "max"),
            baseline=("baseline", "max"),
            events=("events", "max"),
            hostile_events=("hostile_events", "max"),
            signals=("signal", lambda s: ",".join(sorted(set(s)))),
        )
        .sort_values(["score", "value", "a", "b"], ascending=[False, False, True, True])
        .reset_index(drop=True)
    )
    merged.insert(0, "rank", np.arange(1, len(merged) + 1))
    return merged


def _period_end(start: dt.date, res: str) -> dt.date:
    if res == "day":
        return start
    if res == "week":
        return start + dt.timedelta(days=6)
    if res == "month":
        nxt = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(start.year, 12, 31)


def triggering_events(
    store: Store, a: str, b: str, period: dt.date, res: str, limit: int = 10, after_file: int | None = None
) -> list[dict[str, Any]]:
    """The hostile events of the dyad in the alerting period, heaviest first (then by event id); ``after_file``:
    only those of files newer than that file id."""
    return records(hostile_events(store, a, b, period, _period_end(period, res), limit, after_file))
