"""Synthetic events for the measure tests, inserted straight into the store events table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import pytest

from detente.store import Store
from tests.direct import db_sql

EventRow = tuple[str, str, str, float, int]  # date, source, target, goldstein, num_sources

Inserter = Callable[[Store, Sequence[EventRow]], None]


def insert_events(store: Store, rows: Sequence[EventRow], *, duplicates: int = 0) -> None:
    first = int(db_sql(store, "SELECT coalesce(max(event_id), 0) FROM events").fetchall()[0][0])
    recs: list[dict[str, Any]] = []
    for i, (day, src, tgt, g, ns) in enumerate(rows):
        code = "190" if g < 0 else "042"
        recs.append(
            {
                "event_id": first + i + 1,
                "dataset": "csv",
                "source_event_id": str(first + i + 1),
                "date": dt.date.fromisoformat(day),
                "source_actor": src,
                "target_actor": tgt,
                "cameo_code": code,
                "cameo_root": int(code[:2]),
                "quad_class": 4 if g < 0 else 1,
                "goldstein": g,
                "num_mentions": ns,
                "num_sources": ns,
                "num_articles": ns,
                "confidence": 1.0,
                "file_id": 1,
                "line": first + i + 1,
                "duplicates": duplicates,
                "dedup_key": first + i + 1,
                "url": f"https://example.org/{first + i + 1}",
            }
        )
    if not recs:
        return
    df = pd.DataFrame(recs)
    store._con.register("_measure_rows", df)
    try:
        db_sql(store, "INSERT INTO events BY NAME SELECT * FROM _measure_rows")
    finally:
        store._con.unregister("_measure_rows")


@pytest.fixture()
def add_events() -> Inserter:
    return insert_events


def escalation_rows(a: str = "USA", b: str = "RUS", start: str = "2024-01-01", days: int = 40) -> list[EventRow]:
    """A quiet month of mild talk and rare friction, then a day of heavy hostile acts."""
    d0 = dt.date.fromisoformat(start)
    rows: list[EventRow] = []
    for i in range(days):
        day = (d0 + dt.timedelta(days=i)).isoformat()
        rows.append((day, a, b, 1.0, 1))
        if i % 5 == 0:
            rows.append((day, b, a, -2.0, 1))
    spike = (d0 + dt.timedelta(days=days)).isoformat()
    rows += [(spike, b, a, -10.0, 3) for _ in range(6)]
    return rows
