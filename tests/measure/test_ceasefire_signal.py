"""Verified ceasefire violations as an escalation-alert signal."""

from __future__ import annotations

import datetime as dt

from detente.measure.alerts import alerts, ceasefire_violations
from detente.store import Store
from tests.direct import db_sql_many


def _violations(store: Store, rows: list[tuple[str, str, str, int]]) -> None:
    db_sql_many(
        store,
        "INSERT INTO ceasefire_violations VALUES (1, ?, ?, ?, ?, now())",
        [(dt.date.fromisoformat(d), v, p, n) for d, v, p, n in rows],
    )


def test_a_rise_in_verified_violations_alerts(store: Store) -> None:
    _violations(
        store,
        [
            ("2026-03-01", "BLA", "ALA", 1),  # one incident: below the floor
            ("2026-03-03", "BLA", "ALA", 3),  # after a day of calm: a rise
            ("2026-03-04", "ALA", "BLA", 1),  # the other way round counts for the same dyad
        ],
    )
    out = ceasefire_violations(store, "day", None, None)
    assert list(zip(out.a, out.b, out.period, out.value, strict=True)) == [("ALA", "BLA", dt.date(2026, 3, 3), 3.0)]
    # baseline: the median of 1 (Mar 1) and 0 (Mar 2, no verified violation) = 0.5; MAD floor 1 violation
    assert out.baseline.tolist() == [0.5] and out.score.tolist() == [2.5]
    # weekly: Mar 1 is a Sunday (week of Feb 23, one violation); Mar 3-4 make four in the week of Mar 2
    week = ceasefire_violations(store, "week", None, None)
    assert list(zip(week.period, week.value, week.baseline, strict=True)) == [(dt.date(2026, 3, 2), 4.0, 1.0)]
    assert ceasefire_violations(store, "day", dt.date(2026, 3, 4), None).empty
    assert ceasefire_violations(store, "day", None, dt.date(2026, 3, 2)).empty


def test_the_signal_is_merged_into_the_alerts(store: Store) -> None:
    _violations(store, [("2026-03-03", "BLA", "ALA", 4)])
    out = alerts(store, "day", top=None)
    assert list(out.signals) == ["ceasefire_violations"] and out.events.tolist() == [4]
    assert alerts(store, "day", top=None, signals=["conflict_departure"]).empty


def test_no_violations_no_alerts(store: Store) -> None:
    assert ceasefire_violations(store, "month", None, None).empty
