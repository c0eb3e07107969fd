"""The DuckDB store: one file, a versioned schema, and an Ibis view of it for analytics.

Raw DuckDB SQL is used where DuckDB is the point (bulk ingest); analytics are
Ibis expressions over :attr:`Store.ibis`, so that the same query compiles to
another engine (Spark, PostgreSQL) when a deployment outgrows one file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from detente.errors import StoreError

if TYPE_CHECKING:
    import pyarrow as pa
    from ibis.backends.duckdb import Backend as IbisBackend

    from detente.store.resident import Served

__all__ = ["Store", "migrations"]


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration, in order."""
    out = []
    for f in files("detente.store.migrations").iterdir():
        m = re.match(r"^(\d{4})_(\w+)\.sql$", f.name)
        if m:
            out.append((int(m.group(1)), m.group(2), f.read_text(encoding="utf-8")))
    return sorted(out)


class Store:
    """An open detente store.

    >>> with Store.open(":memory:") as s:
    ...     s.version() >= 1
    True
    """

    #: Set on the cursors the server's writer lends (:class:`detente.store.writer.Writer`): the data version they
    #: read and the derived tables held in memory for it (:mod:`detente.store.resident`); None elsewhere.
    served: Served | None = None

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self._con = con
        self.path = path
        self._ibis: IbisBackend | None = None

    @classmethod
    def open(
        cls,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        memory_limit: str = "512MB",
        threads: int = 0,
        migrate: bool = True,
    ) -> Store:
        p = str(path)
        if p != ":memory:":
            fp = Path(p).expanduser()
            if read_only and not fp.exists():
                raise StoreError(f"No detente store at {fp}.", hint="Run `detente init` (or pass --db PATH).")
            fp.parent.mkdir(parents=True, exist_ok=True)
            p = str(fp)
        config: dict[str, Any] = {"memory_limit": memory_limit}
        if threads:
            config["threads"] = threads
        try:
            con = duckdb.connect(p, read_only=read_only, config=config)
        except duckdb.IOException as e:
            raise StoreError(
                f"Cannot open the store {p}: {str(e).splitlines()[0]}",
                hint="Close the other process using it, or pass another --db PATH.",
            ) from None
        except duckdb.Error as e:
            raise StoreError(
                f"{p} is not a usable DuckDB store: {str(e).splitlines()[0]}",
                hint="Pass another --db PATH or remove the file.",
            ) from None
        con.execute("SET enable_progress_bar = false")
        store = cls(con, p)
        if migrate and not read_only:
            store.migrate()
        elif migrate and store.version() == 0:
            store.close()
            raise StoreError(f"{p} is not a detente store.", hint="Run `detente init` to make one, or pass --db.")
        elif migrate and store.pending():
            # A store written by an older detente: upgrade it once, read-write, then open it as asked.
            store.close()
            try:
                cls.open(p, memory_limit=memory_limit, threads=threads).close()
            except StoreError:
                raise StoreError(
                    f"The store {p} was made by an older detente and needs upgrading, but it is in use.",
                    hint="Stop the process using it (e.g. `detente serve`), or run `detente init` once.",
                ) from None
            return cls.open(p, read_only=True, memory_limit=memory_limit, threads=threads)
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    def cursor(self) -> Store:
        """Another handle on the same open store, for another thread (DuckDB cursors are safe per thread)."""
        return Store(self._con.cursor(), self.path)

    # -- schema -----------------------------------------------------------------------------
    def version(self) -> int:
        try:
            v = self.scalar("SELECT max(version) FROM schema_version")
        except duckdb.CatalogException:
            return 0
        return int(v) if v is not None else 0

    def pending(self) -> list[int]:
        """Versions of the packaged migrations this store has not applied yet."""
        try:
            have = {int(r[0]) for r in self._con.execute("SELECT version FROM schema_version").fetchall()}
        except duckdb.CatalogException:
            have = set()
        return [v for v, _, _ in migrations() if v not in have]

    def migrate(self) -> list[int]:
        """Apply every migration newer than the store; returns the versions applied."""
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
        )
        have = {int(r[0]) for r in self._con.execute("SELECT version FROM schema_version").fetchall()}
        applied = []
        for version, name, sql in migrations():
            if version in have:
                continue
            with self.transaction():
                self._con.execute(sql)
                self._con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
            applied.append(version)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield self._con
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    # -- access -----------------------------------------------------------------------------
    @property
    def ibis(self) -> IbisBackend:
        """An Ibis backend over this same connection, for engine-portable analytics."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self._con)
        return self._ibis

    def scalar(self, sql: str, params: Any = None) -> Any:
        """The first value of a query's first row (None when no row). Fetches the whole result, so the
        connection is free for the next statement (DuckDB 2 refuses work while a result is unfinished)."""
        rows = self._con.execute(sql, params).fetchall() if params is not None else self._con.execute(sql).fetchall()
        return rows[0][0] if rows else None

    def count(self, table: str) -> int:
        return int(self.scalar(f'SELECT count(*) FROM "{table}"') or 0)

    def tables(self) -> list[str]:
        return [r[0] for r in self._con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]

    def materialise(self, name: str, expr: Any) -> Any:
        """Compute an Ibis expression once into a temporary table of this connection; returns that table."""
        import ibis

        # DuckDB SQL: Ibis 12's create_table(temp=True, overwrite=True) emits a DROP that DuckDB 2 rejects.
        self._con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {ibis.to_sql(expr, dialect="duckdb")}')
        return self.ibis.table(name)

    # -- what this engine keeps: the one place another engine differs (SparkStore overrides these) ---------
    def run_named(self, key: Hashable, build: Callable[..., Any], binds: dict[str, Any]) -> pa.Table:
        """A named query's Arrow result: its expression compiled once to DuckDB SQL (:mod:`.prepared`)."""
        from detente.store.prepared import run_compiled

        return run_compiled(self, key, build, binds)

    def derived_events(self) -> int | None:
        """How many events the derived tables (:mod:`.derived`) were built from; None when there are none."""
        try:
            rows = self._con.execute("SELECT events FROM derived_state WHERE name = 'dyad_day'").fetchall()
        except duckdb.CatalogException:
            return None
        return int(rows[0][0]) if rows else None

    def data_version(self) -> tuple[object, ...] | None:
        """What answers derived from the events and ceasefire violations depend on: changes whenever they
        change (a publish, a direct insert, an outbox apply). None for an in-memory store (no other writer)."""
        if self.path == ":memory:":
            return None
        ev = self._con.execute("SELECT count(*), max(event_id), sum(duplicates) FROM events").fetchall()[0]
        state = self._con.execute("SELECT events, built_at FROM derived_state").fetchall()
        cv = self._con.execute("SELECT count(*), max(exported_at) FROM ceasefire_violations").fetchall()[0]
        return (*ev, *(state[0] if state else ()), *cv)

    def has(self, name: str) -> bool:
        """Whether the store holds a table or a (non-internal) view of this name."""
        n = self.scalar(
            "SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables() "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal) WHERE n = ?",
            [name],
        )
        return bool(n)
