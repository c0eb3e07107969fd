"""Direct SQL on a store's database file, for tests only.

detente reaches the engine only inside :mod:`detente.store` (the connection is the store's private
``_con``). A test uses these to check what a writer stored, or to play an operator who edits the database
directly (the attacker and repair tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from detente.store import Store

__all__ = ["db_arrow", "db_rel", "db_sql", "db_sql_many"]


def db_sql(store: Store, query: str, params: Any = None) -> duckdb.DuckDBPyConnection:
    """Run one statement on the store's database; fetch its rows with ``.fetchone()``/``.fetchall()``."""
    con: duckdb.DuckDBPyConnection = store._con  # a test's direct database access
    return con.execute(query, params) if params is not None else con.execute(query)


def db_sql_many(store: Store, query: str, rows: Iterable[Sequence[Any]]) -> None:
    store._con.executemany(query, list(rows))


def db_rel(store: Store, query: str) -> duckdb.DuckDBPyRelation:
    """A query as a DuckDB relation (``.to_arrow_table()``, ``.df()``)."""
    rel: duckdb.DuckDBPyRelation = store._con.sql(query)
    return rel


def db_arrow(store: Store, query: str, **tables: pa.Table) -> pa.Table:
    """Run a query over Arrow ``tables`` registered under their names; the result as Arrow."""
    con = store._con
    for name, t in tables.items():
        con.register(name, t)
    try:
        out: pa.Table = con.sql(query).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)
    return out
