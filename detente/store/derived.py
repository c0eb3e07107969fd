"""Derived tables the API answers from, kept up to date file by file instead of recomputed per request.

``dyad_day`` holds the directed daily sums of every dyad (:func:`detente.store.analytics.index.daily_base_expr`
computed once), ``event_days`` the days the store holds any event on, ``actor_day`` the events per actor,
dataset and day. A publish hook (registered in
:data:`detente.store.event_writer.PUBLISH_HOOKS`) adds the new events of each published file inside the
publish transaction: only the dyads and days that file touches change, and the derived tables land with the
events or not at all. ``derived_state`` records how many events they cover; a reader that finds another count
(a store written by an older detente, or by a writer that bypassed the hook) is not served from them
(:func:`base` returns None and the queries scan the events, as before), and the next publish or
:func:`ensure` rebuilds them. Both paths use the same Ibis expressions, so they give the same numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from detente.store.event_writer import PUBLISH_HOOKS, PUBLISH_PREPARE
from detente.store.warehouse import Store

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "base", "covered_days", "data_version", "ensure", "fingerprint", "fresh", "keep_compiled", "last_update",
    "precompile", "publish_file", "rebuild",
]  # fmt: skip

_SUMS = ("cooperation", "conflict", "events", "cooperative_events", "hostile_events")


_PLACEHOLDER = -7_000_000_007  # a file id no store holds: compiled once, then swapped for the real one
_SQL: dict[bool, str] = {}
_NAMES = {True: "derived.daily.file", False: "derived.daily.all"}


@cache
def fingerprint() -> str:
    """What the compiled SQL depends on: detente's code and schema (every .py and .sql file of the package)
    and the versions of Ibis, sqlglot and DuckDB. The same fingerprint compiles to the same SQL."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for f in sorted(root.rglob("*")):
        if f.suffix in (".py", ".sql") and f.is_file():
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    for dist in ("ibis-framework", "sqlglot", "duckdb"):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=;".encode())
    return h.hexdigest()


def _has_kept(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'compiled_sql'").fetchall()[0][0])


def _daily(store: Store, file_id: int | None) -> str:
    """SQL of the directed daily sums of all events, or of one file's new events (compiled once each, and kept in
    the store: a later process with the same :func:`fingerprint` reads it there and does not import Ibis)."""
    one = file_id is not None
    if one not in _SQL:
        con = store._con
        kept = (
            con.execute(
                "SELECT sql FROM compiled_sql WHERE name = ? AND fingerprint = ?", [_NAMES[one], fingerprint()]
            ).fetchall()
            if _has_kept(con)
            else []
        )
        _SQL[one] = str(kept[0][0]) if kept else _compile(store, _PLACEHOLDER if one else None)
    sql = _SQL[one]
    return sql.replace(str(_PLACEHOLDER), str(int(file_id))) if file_id is not None else sql


def _compile(store: Store, file_id: int | None) -> str:
    import ibis

    from detente.store.analytics.index import weighted_events_expr

    ev = store.ibis.table("events")
    # one file's events by their file id (appended last, so the scan skips every older row group)
    e = weighted_events_expr(store, directed=True, events=None if file_id is None else ev.filter(ev.file_id == file_id))
    w = e.weighted
    agg = e.group_by([e.a, e.b, e.date.name("day")]).aggregate(
        cooperation=ibis.ifelse(w > 0, w, 0.0).sum(),
        conflict=ibis.ifelse(w < 0, -w, 0.0).sum(),
        events=e.count(),
        cooperative_events=(w > 0).cast("int64").sum(),
        hostile_events=(w < 0).cast("int64").sum(),
    )
    return str(ibis.to_sql(agg.select("a", "b", "day", *_SUMS), dialect="duckdb"))


def _covered(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT events FROM derived_state WHERE name = 'dyad_day'").fetchall()
    return int(rows[0][0]) if rows else -1


def _actor_day(where: str) -> str:
    """SQL of the events per actor, dataset and day of the events ``where`` selects (see migration 0710)."""
    return f"""SELECT actor, dataset, date, count(*) FROM (
        SELECT source_actor AS actor, dataset, date FROM events WHERE {where} AND source_actor IS NOT NULL
        UNION ALL
        SELECT target_actor, dataset, date FROM events WHERE {where} AND target_actor IS NOT NULL
            AND (source_actor IS NULL OR target_actor <> source_actor)
    ) GROUP BY ALL"""


def rebuild(store: Store) -> int:
    """Recompute the derived tables from every event (inside the caller's transaction when one is open)."""
    con = store._con
    con.execute("DELETE FROM dyad_day")
    con.execute(f"INSERT INTO dyad_day {_daily(store, None)}")
    con.execute("DELETE FROM event_days")
    con.execute("INSERT INTO event_days SELECT date, count(*) FROM events GROUP BY date")
    con.execute("DELETE FROM actor_day")
    con.execute(f"INSERT INTO actor_day {_actor_day('true')}")
    n = int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    con.execute("UPDATE derived_state SET events = ?, built_at = now() WHERE name = 'dyad_day'", [n])
    return n


def publish_file(con: duckdb.DuckDBPyConnection, file_id: int) -> None:
    """The publish hook: add one file's new events to the derived tables (or rebuild them when they were
    not in step with the events before this file)."""
    store = Store(con, ":hook")
    new = int(con.execute("SELECT count(*) FROM events WHERE file_id = ?", [file_id]).fetchall()[0][0])
    total = int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    if _covered(con) != total - new:
        rebuild(store)
        _keep(con)
        return
    if new == 0:
        _keep(con)
        return
    add = ", ".join(f"{c} = dyad_day.{c} + excluded.{c}" for c in _SUMS)
    con.execute(f"INSERT INTO dyad_day {_daily(store, file_id)} ON CONFLICT (a, b, day) DO UPDATE SET {add}")
    con.execute(
        "INSERT INTO event_days SELECT date, count(*) FROM events WHERE file_id = ? GROUP BY date "
        "ON CONFLICT (day) DO UPDATE SET events = event_days.events + excluded.events",
        [file_id],
    )
    con.execute(
        f"INSERT INTO actor_day {_actor_day('file_id = $file_id')} "
        "ON CONFLICT (actor, dataset, day) DO UPDATE SET events = actor_day.events + excluded.events",
        {"file_id": int(file_id)},
    )
    con.execute("UPDATE derived_state SET events = events + ?, built_at = now() WHERE name = 'dyad_day'", [new])
    _keep(con)


def _keep(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the SQL this process compiled in the store, where it is not yet (in the publish's transaction)."""
    if not _SQL or not _has_kept(con):
        return
    have = {
        r[0] for r in con.execute("SELECT name FROM compiled_sql WHERE fingerprint = ?", [fingerprint()]).fetchall()
    }
    for one, sql in _SQL.items():
        if _NAMES[one] not in have:
            con.execute("INSERT OR REPLACE INTO compiled_sql VALUES (?, ?, ?)", [_NAMES[one], fingerprint(), sql])


PUBLISH_HOOKS.register("derived_tables")(publish_file)


def keep_compiled(store: Store) -> None:
    """Compile the publish query and keep it in the store now (``detente init``), not in the first ingest."""
    _daily(store, 0)
    with store.transaction() as con:
        _keep(con)


def fresh(store: Store) -> bool:
    """Whether the derived tables cover exactly the events the store holds (a lake on Spark keeps none)."""
    covered = store.derived_events()
    return covered is not None and covered == store.count("events")


def ensure(store: Store) -> bool:
    """Rebuild the derived tables when they are out of step (server start); True when it rebuilt them."""
    if fresh(store):
        return False
    try:
        with store.transaction():
            rebuild(store)
    except duckdb.Error:  # a read-only store: the queries read the events until a writer rebuilds
        return False
    return True


def precompile(store: Store) -> None:
    """Compile the publish hook's query ahead (the server does it off the request path after start, an ingest
    while it stages the file), so that the first file published does not pay for it."""
    _daily(store, 0)


PUBLISH_PREPARE.register("derived_tables")(precompile)


def base(store: Store) -> ir.Table | None:
    """The directed daily sums as the ``base`` the index, trust, tension and alert queries roll up from;
    None when the derived tables are not in step (the queries then read the events)."""
    if not fresh(store):
        return None
    t = store.ibis.table("dyad_day")
    return t.rename(period="day")


def covered_days(store: Store) -> ir.Table | None:
    """The days the store holds any event on (column ``date``), or None when not in step."""
    if not fresh(store):
        return None
    t = store.ibis.table("event_days")
    return t.select(date=t.day)


def last_update(store: Store) -> dict[str, object]:
    """Events held and when a file was last published (None before the first)."""
    events = int(store.scalar("SELECT count(*) FROM events") or 0)
    last = store.scalar("SELECT max(ingested_at) FROM files")
    return {"events": events, "last_ingest": last.isoformat() if last is not None else None}


def data_version(store: Store) -> Hashable | None:
    """What answers derived from the events depend on (:meth:`Store.data_version`); None: nothing to key on
    (an in-memory store, or a lake). A cursor of the server's writer: its generation (changes with every write)."""
    if store.served is not None:
        return store.served.version
    return store.data_version()
