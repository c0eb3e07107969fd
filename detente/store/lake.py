"""The Parquet lake: the store's tables as Parquet files a cluster reads, and a store that runs on it.

Layout of a lake folder (``detente lake export --to DIR``)::

    DIR/_lake.json                      manifest: format, store schema version, rows per table
    DIR/events/year=2019/month=10/*.parquet     canonical events, partitioned by year and month
    DIR/dyad_day/year=…/month=…/*.parquet       derived: directed daily sums of every dyad
    DIR/<table>/*.parquet               every other table or view (reference, engagements, …)

The writer is DuckDB's ``COPY … (FORMAT parquet, PARTITION_BY …)``; the whole lake is written into a
staging folder beside ``DIR`` and swapped in at the end, so an export that dies part-way leaves the
previous lake as it was. Column types a cluster cannot read are written as text (``UHUGEINT`` dedup keys,
``JSON``).

:class:`SparkStore` is a :class:`~detente.store.warehouse.Store` whose :attr:`ibis` is an Ibis PySpark
backend with every lake table registered as a view: the same named queries run on it unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from detente.errors import StoreError

if TYPE_CHECKING:
    import duckdb

    from detente.store.warehouse import Store

__all__ = ["LAKE_FORMAT", "PARTITIONS", "SKIP", "export_lake", "read_manifest"]

LAKE_FORMAT: Final = 1
MANIFEST: Final = "_lake.json"
#: Tables partitioned by the year and month of a date column; every other table is one folder of files.
PARTITIONS: Final[dict[str, str]] = {"events": "date", "dyad_day": "period"}
#: What stays in the store: per-row provenance of the ingests and the store's own bookkeeping.
SKIP: Final = frozenset({"event_rows", "schema_version"})
#: Derived tables written from a named expression (the directed daily base of the index) rather than copied.
DERIVED: Final = ("dyad_day",)
_TEXT_TYPES: Final = ("UHUGEINT", "HUGEINT", "JSON", "UUID", "INTERVAL")


def _sources(store: Store) -> list[str]:
    rows = store._con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND NOT internal "
        "UNION SELECT view_name FROM duckdb_views() WHERE NOT temporary AND NOT internal ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows if str(r[0]) not in SKIP and not str(r[0]).startswith("_")]


def _select(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """SELECT list of a relation with Spark-unreadable types cast to text."""
    cols = con.execute(f"DESCRIBE {relation}").fetchall()
    out = []
    for name, typ, *_ in cols:
        q = '"' + str(name).replace('"', '""') + '"'
        out.append(f"CAST({q} AS VARCHAR) AS {q}" if str(typ).upper() in _TEXT_TYPES else q)
    return ", ".join(out)


def _copy(con: duckdb.DuckDBPyConnection, relation: str, dest: Path, date_col: str | None) -> None:
    sel = _select(con, relation)
    dest.mkdir(parents=True)
    if date_col is None:
        con.execute(f"COPY (SELECT {sel} FROM {relation}) TO '{dest / 'part-0.parquet'}' (FORMAT parquet)")
        return
    d = '"' + date_col + '"'
    con.execute(
        f"COPY (SELECT {sel}, year({d}) AS year, month({d}) AS month FROM {relation}) TO '{dest}' "
        "(FORMAT parquet, PARTITION_BY (year, month), FILENAME_PATTERN 'part-{i}')"
    )


def export_lake(store: Store, to: str | Path, tables: list[str] | None = None) -> dict[str, int]:
    """Write the store's tables (all but :data:`SKIP`, or ``tables``) and the derived tables to the lake
    folder ``to``; returns rows per table. The previous lake at ``to`` is replaced only once all is written."""
    import ibis

    from detente.store.analytics.index import daily_base_expr

    dest = Path(to).expanduser().resolve()
    if dest.exists() and not (dest / MANIFEST).is_file() and any(dest.iterdir()):
        raise StoreError(f"{dest} is not empty and holds no detente lake.", hint="Pass an empty or new folder.")
    # a derived table is written from its named expression (the store may also keep its own copy of it)
    names = [n for n in _sources(store) if n not in DERIVED]
    if tables is not None:
        unknown = sorted(set(tables) - set(names) - set(DERIVED))
        if unknown:
            raise StoreError(f"No table {unknown[0]!r} in the store.", hint=f"Tables: {', '.join(names)}.")
        names = [n for n in names if n in tables]
    derived = [d for d in DERIVED if tables is None or d in tables]
    dest.parent.mkdir(parents=True, exist_ok=True)
    for old in dest.parent.glob(f".{dest.name}.staging-*"):  # left by an export that died
        shutil.rmtree(old, ignore_errors=True)
    stage = dest.parent / f".{dest.name}.staging-{os.getpid()}"
    counts: dict[str, int] = {}
    con = store._con
    try:
        for name in names:
            rel = '"' + name.replace('"', '""') + '"'
            _copy(con, rel, stage / name, PARTITIONS.get(name))
            counts[name] = int(con.execute(f"SELECT count(*) FROM {rel}").fetchall()[0][0])
        for name in derived:
            sql = ibis.to_sql(daily_base_expr(store), dialect="duckdb")
            con.execute(f'CREATE OR REPLACE TEMP VIEW "_lake_{name}" AS {sql}')
            _copy(con, f'"_lake_{name}"', stage / name, PARTITIONS.get(name))
            counts[name] = int(con.execute(f'SELECT count(*) FROM "_lake_{name}"').fetchall()[0][0])
            con.execute(f'DROP VIEW "_lake_{name}"')
        manifest = {
            "format": LAKE_FORMAT,
            "store_version": store.version(),
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tables": {n: {"rows": c, "partitioned_by": PARTITIONS.get(n)} for n, c in counts.items()},
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if dest.exists():
            old = dest.parent / f".{dest.name}.staging-{os.getpid()}-old"
            dest.rename(old)
            stage.rename(dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            stage.rename(dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return counts


def read_manifest(lake: str | Path) -> dict[str, Any]:
    """The lake's manifest; a clear error when ``lake`` holds none."""
    p = Path(lake).expanduser() / MANIFEST
    if not p.is_file():
        raise StoreError(
            f"No detente lake at {p.parent}.", hint="Write one with `detente lake export --to DIR` (or pass --lake)."
        )
    try:
        m: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(f"The lake manifest {p} is unreadable: {e}.", hint="Export the lake again.") from None
    if m.get("format") != LAKE_FORMAT or not isinstance(m.get("tables"), dict):
        raise StoreError(f"{p} is not a lake this detente reads.", hint="Export the lake again with this version.")
    return m
