"""Escalation alerts on synthetic dyads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from detente.measure.alerts import ALERT_SIGNALS, alerts
from detente.store import Store
from measure.synth import escalation_rows, insert_events


def test_spike_alerts_and_ranks_above_a_smaller_one(store: Store) -> None:
    insert_events(store, escalation_rows("USA", "RUS"))
    rows = escalation_rows("CHN", "IND")
    small = [r if r[3] >= 0 or r[0] != "2024-02-10" else (r[0], r[1], r[2], -4.0, 1) for r in rows]
    insert_events(store, small)
    out = alerts(store, top=None)
    assert list(zip(out.a, out.b, strict=True)) == [("RUS", "USA"), ("CHN", "IND")]
    assert out.score.is_monotonic_decreasing and (out.score >= 3.5).all()
    assert (out["rank"] == [1, 2]).all()


def test_too_few_hostile_events_do_not_alert(store: Store) -> None:
    rows = [r for r in escalation_rows() if not (r[0] == "2024-02-10" and r[3] < 0)]
    rows += [("2024-02-10", "RUS", "USA", -10.0, 15)] * 4  # heavy, but only 4 hostile events
    insert_events(store, rows)
    assert alerts(store).empty


def test_coverage_gaps_are_not_calm(store: Store) -> None:
    # the store holds events on two days only: no baseline, whatever the spike
    insert_events(store, [("2024-01-01", "USA", "RUS", 1.0, 1)] + [("2024-03-01", "RUS", "USA", -10.0, 5)] * 8)
    assert alerts(store).empty


def test_a_registered_signal_is_merged(store: Store) -> None:
    insert_events(store, escalation_rows())

    def ceasefire(store: Store, res: str, since: dt.date | None, until: dt.date | None) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "a": "RUS",
                    "b": "USA",
                    "period": dt.date(2024, 2, 10),
                    "signal": "ceasefire_incidents",
                    "score": 2.0,
                    "value": 9.0,
                    "baseline": 1.0,
                    "events": 9,
                    "hostile_events": 9,
                }
            ]
        )

    ALERT_SIGNALS.add("test_ceasefire", ceasefire)
    try:
        out = alerts(store)
        assert out.iloc[0]["signals"] == "ceasefire_incidents,conflict_departure"
        assert out.iloc[0]["score"] == pytest.approx(120.0 + 2.0)
    finally:
        ALERT_SIGNALS._entries.pop("test_ceasefire")
