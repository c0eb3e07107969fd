"""The peace-science panels (COW MID, NMC, contiguity, system, majors, ATOP dyad-years, UCDP): their one
writer, and the reads the forecasts, the historic series and the simulator's worlds make of them."""

from __future__ import annotations

from typing import Final

import ibis
import pandas as pd
import pyarrow as pa

from detente.errors import ConfigError
from detente.store.warehouse import Store

__all__ = [
    "PANEL_TABLES",
    "actor_cows",
    "engagement_pairs",
    "has_rows",
    "panel",
    "panel_table",
    "replace_panel",
    "state_names",
]

#: The tables :func:`replace_panel` writes (migrations 0300 and 0500).
PANEL_TABLES: Final = frozenset(
    {"mid_disputes", "mid_dyad_years", "nmc", "contiguity", "cow_majors", "atop_dyad_years",
     "ucdp_conflict_years", "ucdp_onsets", "war_dyad_years", "war_participants"}
)  # fmt: skip


def _cow_system_years(store: Store) -> ibis.Table:
    """COW state-years as the panels name their columns, read from ``state_years``: system2016.csv has one
    reader (``ingest/cow.py``) and one table (migration 0922)."""
    t = store.ibis.table("state_years")
    return t.select(ccode=t.cow, year=t.year, stateabb=t.cowc)


#: Panels read from a table another reader writes, under the panel's name and column names: panel -> (the
#: table it reads, the expression over it).
PANEL_VIEWS: Final = {"cow_system_years": ("state_years", _cow_system_years)}


def panel_table(store: Store, name: str) -> ibis.Table:
    """The panel ``name`` as an expression: its table, or the view :data:`PANEL_VIEWS` gives for it."""
    view = PANEL_VIEWS.get(name)
    return view[1](store) if view is not None else store.ibis.table(name)


def _check(table: str) -> str:
    if table not in PANEL_TABLES:
        raise ConfigError(f"{table!r} is not a peace-science panel table.", hint=f"Use one of {sorted(PANEL_TABLES)}.")
    return table


def replace_panel(store: Store, table: str, rows: pd.DataFrame) -> int:
    """Replace everything ``table`` holds with ``rows`` (columns named as the table's); returns the rows stored.

    Call it inside :meth:`Store.transaction` with the file's provenance row."""
    t = _check(table)
    store._con.execute(f"DELETE FROM {t}")
    store._con.register("_panel", rows)
    try:
        cols = ", ".join(f'"{c}"' for c in rows.columns)
        store._con.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM _panel")
    finally:
        store._con.unregister("_panel")
    return len(rows)


def has_rows(store: Store, table: str) -> bool:
    """Whether ``table`` exists and holds at least one row."""
    if not store.has(PANEL_VIEWS[table][0] if table in PANEL_VIEWS else table):
        return False
    t = panel_table(store, table)
    return bool(t.limit(1).count().to_pyarrow().as_py())


def panel(store: Store, table: str, columns: list[str]) -> pa.Table:
    """The named columns of a whole table, as read (a panel, or the actors)."""
    return panel_table(store, table).select(*columns).to_pyarrow()


def engagement_pairs(store: Store) -> pa.Table:
    """Every dyad an engagement links (kind, a, b, start_date, end_date), a copy of an engagement recorded by
    another dataset (``duplicate_of`` set) left out so that it counts once."""
    d = store.ibis.table("engagement_dyads")
    return d.filter(d.duplicate_of.isnull()).select("kind", "a", "b", "start_date", "end_date").to_pyarrow()


def actor_cows(store: Store) -> pa.Table:
    """actor_id and COW code of every actor that has one."""
    t = store.ibis.table("actors")
    return t.filter(t.cow.notnull()).select("actor_id", "cow").to_pyarrow()


def state_names(store: Store) -> pa.Table:
    """cow, name, first and last year (0 and 9999 when open) of the reference states with a COW code, earliest
    first (a code held by two states in turn, as COW 365 by the Soviet Union and Russia, lists both)."""
    t = store.ibis.table("actors")
    t = t.filter(t.cow.notnull() & (t.kind == "state"))
    return (
        t.order_by(ibis.asc("start", nulls_first=True))
        .select(
            "cow",
            "name",
            first=t.start.year().fill_null(0),
            last=t.end.year().fill_null(9999),
        )
        .to_pyarrow()
    )
