"""A store whose analytics run on Apache Spark, over the Parquet lake (see :mod:`detente.store.lake`).

:class:`SparkStore` is a :class:`~detente.store.warehouse.Store` whose :attr:`ibis` is an Ibis PySpark
backend with each lake table registered as a temporary view, so every named query of
:mod:`detente.store` runs on it unchanged. It is read-only: the lake is written from the DuckDB store
(``detente lake export``) or by a cluster job that writes the same layout.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pyarrow as pa

from detente.errors import StoreError
from detente.store.lake import PARTITIONS, read_manifest
from detente.store.warehouse import Store

__all__ = ["SparkStore", "spark_backend"]


def spark_backend(session: Any) -> Any:
    """An Ibis PySpark backend on ``session`` whose results come through Arrow.

    Ibis 12 collects PySpark results through pandas (nullable integers become floats, and pandas 3 warns);
    Spark 4 hands Arrow over directly (``DataFrame.toArrow``), for local, cluster and Spark Connect sessions.
    """
    import ibis
    from ibis.backends.pyspark import Backend
    from ibis.formats.pyarrow import PyArrowData

    class ArrowBackend(Backend):  # type: ignore[misc]
        def to_pyarrow(self, expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any) -> pa.Table:
            table_expr = expr.as_table()
            sql = self.compile(table_expr, params=params, limit=limit, **kwargs)
            self._run_pre_execute_hooks(table_expr)
            # PySpark's local collection leaves its loopback socket to the garbage collector (ResourceWarning)
            with warnings.catch_warnings(), self._safe_raw_sql(sql) as query:
                warnings.simplefilter("ignore", ResourceWarning)
                out = query.toArrow()
                gc.collect()
            out = out.rename_columns(list(table_expr.schema().names))
            return expr.__pyarrow_result__(PyArrowData.convert_table(out, table_expr.schema()))

        def execute(self, expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any) -> Any:
            table = self.to_pyarrow(expr.as_table(), params=params, limit=limit, **kwargs)
            return expr.__pandas_result__(table.to_pandas(date_as_object=True))

    _ = ibis.pyspark  # loading the backend through Ibis registers its options (ibis.options.pyspark)
    return ArrowBackend().connect(session)


class SparkStore(Store):
    """The lake at ``lake`` on the Spark ``session`` (local, cluster or Spark Connect)."""

    def __init__(self, session: Any, lake: str | Path) -> None:
        root = Path(lake).expanduser().resolve()
        self.manifest = read_manifest(root)
        self.path = str(root)
        # Its own SQL session on the shared context: its views (events, actors, …) cannot clash with another
        # lake store's in this process. Spark Connect sessions are separate already.
        try:
            self.session = session.newSession()
        except Exception:  # a Spark Connect session has no newSession
            self.session = session
        session = self.session
        self._backend = spark_backend(session)
        self._names: list[str] = sorted(self.manifest["tables"])
        self._temp: list[str] = []
        for name in self._names:
            df = session.read.parquet(str(root / name))
            if name in PARTITIONS:  # year/month are the folder layout, not columns of the table
                df = df.drop("year", "month")
            df.createOrReplaceTempView(name)

    # The DuckDB connection of a file store; a lake has none (its writers are the export and cluster jobs).
    @property  # type: ignore[override]
    def _con(self) -> Any:
        raise StoreError(
            "This store runs on Spark over a Parquet lake, which is read-only here.",
            hint="Run writes against the DuckDB store (--engine duckdb), then `detente lake export`.",
        )

    @_con.setter
    def _con(self, value: Any) -> None:  # Store.__init__ assigns it; a SparkStore never calls that
        raise StoreError("A SparkStore has no DuckDB connection.")

    @property
    def ibis(self) -> Any:
        return self._backend

    def close(self) -> None:
        """Drop this store's views; the Spark context stays (one per process, shared by every lake store)."""
        for name in [*self._names, *self._temp]:
            self.session.catalog.dropTempView(name)

    def materialise(self, name: str, expr: Any) -> Any:
        """Compute an expression once, cached in the cluster's memory, as a temporary view of this session."""
        df = self.session.sql(str(self._backend.compile(expr)))
        df.cache().createOrReplaceTempView(name)
        self._temp.append(name)
        return self._backend.table(name)

    # A lake keeps no derived tables and no data version, and its queries run as expressions (no DuckDB SQL).
    def run_named(self, key: Hashable, build: Callable[..., Any], binds: dict[str, Any]) -> pa.Table:
        out: pa.Table = build(self, **binds).to_pyarrow()
        return out

    def derived_events(self) -> int | None:
        return None

    def data_version(self) -> tuple[object, ...] | None:
        return None

    def version(self) -> int:
        return int(self.manifest.get("store_version", 0))

    def pending(self) -> list[int]:
        return []

    def tables(self) -> list[str]:
        return list(self._names)

    def has(self, name: str) -> bool:
        return name in self._names

    def count(self, table: str) -> int:
        if table not in self._names:
            raise StoreError(f"No table {table!r} in the lake {self.path}.", hint="Export the lake again.")
        t = self._backend.table(table)
        return int(self._backend.to_pyarrow(t.aggregate(n=t.count())).column(0)[0].as_py())
