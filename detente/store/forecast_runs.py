"""The ``forecast_runs`` table (migration 0300): its one writer and the query for the newest run."""

from __future__ import annotations

import datetime as dt

from detente.store.warehouse import Store

__all__ = ["add_forecast_run", "latest_forecast_manifest"]


def add_forecast_run(
    store: Store, run_id: str, tasks: list[str], created_at: dt.datetime, seed: int, manifest: str
) -> None:
    """Index one backtest run (its artefacts live in files; ``manifest`` is their JSON description)."""
    store._con.execute(
        "INSERT INTO forecast_runs VALUES (?, ?, ?, ?, ?)", [run_id, ",".join(tasks), created_at, seed, manifest]
    )


def latest_forecast_manifest(store: Store) -> str | None:
    """The JSON manifest of the newest run, None before the first."""
    if not store.has("forecast_runs"):
        return None
    t = store.ibis.table("forecast_runs")
    rows = t.order_by([t.created_at.desc(), t.run_id.desc()]).limit(1).select("manifest").to_pyarrow().to_pylist()
    return str(rows[0]["manifest"]) if rows else None
