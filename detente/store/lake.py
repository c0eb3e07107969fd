"""The Parquet lake: the store's tables as Parquet files a cluster reads, and a store that runs on it.

Layout of a lake folder (``detente lake export --to DIR``)::

    DIR/_lake.json                      manifest: format, store schema version, rows per table
    DIR/events/year=2019/month=10/*.parquet     canonical events, partitioned by year and month
    DIR/dyad_day/year=…/month=…/*.parquet       derived: directed daily sums of every dyad
    DIR/<table>/*.parquet               every other table or view (reference, engagements, …)

The writer is DuckDB's ``COPY … (FORMAT parquet, PARTITION_BY …)``. An export is incremental: the manifest
records a fingerprint of each year/month partition (its rows and a hash of their content); the next export
writes only the partitions whose fingerprint changed and keeps the others (hard links). The new lake is built
in a staging folder beside ``DIR`` and swapped in at the end, so an export that dies part-way leaves the
previous lake as it was. Column types a cluster cannot read are written as text (``JSON``; ``UHUGEINT``
dedup keys as 32 hex digits), and a derived table's 128-bit sums of counts as ``BIGINT``.

:class:`SparkStore` is a :class:`~detente.store.warehouse.Store` whose :attr:`ibis` is an Ibis PySpark
backend with every lake table registered as a view: the same named queries run on it unchanged.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import json
import os
import re
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
_TEXT_TYPES: Final = ("JSON", "UUID", "INTERVAL")
_HEX_TYPES: Final = ("UHUGEINT", "HUGEINT")  # 128-bit keys as 32 hex digits (DuckDB's decimal text is very slow)
_BIGINT_SUMS: Final = ("HUGEINT",)  # DuckDB's sum of BIGINT counts: a count a cluster reads as a number
_KEY: Final = re.compile(r"^\d{1,4}-\d{1,2}$")  # a partition key, "YYYY-M"


def _sources(store: Store) -> list[str]:
    rows = store._con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND NOT internal "
        "UNION SELECT view_name FROM duckdb_views() WHERE NOT temporary AND NOT internal ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows if str(r[0]) not in SKIP and not str(r[0]).startswith("_")]


def _select(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """SELECT list of a relation with Spark-unreadable types made readable (text, hex, BIGINT)."""
    cols = con.execute(f"DESCRIBE {relation}").fetchall()
    out = []
    for name, typ, *_ in cols:
        q = '"' + str(name).replace('"', '""') + '"'
        t = str(typ).upper()
        if t in _TEXT_TYPES:
            out.append(f"CAST({q} AS VARCHAR) AS {q}")
        elif t in _BIGINT_SUMS and relation.startswith('"_lake_'):  # a derived table's counts
            out.append(f"CAST({q} AS BIGINT) AS {q}")
        elif t in _HEX_TYPES:
            out.append(f"lpad(hex({q}), 32, '0') AS {q}")
        else:
            out.append(q)
    return ", ".join(out)


def _copy(
    con: duckdb.DuckDBPyConnection, relation: str, dest: Path, date_col: str | None, only: list[str] | None = None
) -> None:
    """Write a relation as Parquet: one file, or hive partitions by year and month of ``date_col`` (only the
    partitions ``only``, keys "YYYY-M", when given)."""
    sel = _select(con, relation)
    dest.mkdir(parents=True, exist_ok=True)
    if date_col is None:
        con.execute(f"COPY (SELECT {sel} FROM {relation}) TO '{dest / 'part-0.parquet'}' (FORMAT parquet)")
        return
    d = '"' + date_col + '"'
    where = ""
    if only is not None:
        keys = ", ".join(f"'{k}'" for k in only if _KEY.match(k))
        where = f"WHERE concat(year({d}), '-', month({d})) IN ({keys or 'NULL'})"
    con.execute(
        f"COPY (SELECT {sel}, year({d}) AS year, month({d}) AS month FROM {relation} {where}) TO '{dest}' "
        "(FORMAT parquet, PARTITION_BY (year, month), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)"
    )


def _fingerprints(con: duckdb.DuckDBPyConnection, relation: str, date_col: str, salt: str) -> dict[str, str]:
    """Per year-month partition ("YYYY-M"): rows and a hash of every row's content (any change changes it)."""
    d = '"' + date_col + '"'
    rows = con.execute(
        f"SELECT concat(year({d}), '-', month({d})), count(*), sum(hash(r)) FROM {relation} r GROUP BY 1"
    ).fetchall()
    return {str(k): hashlib.sha256(f"{salt}|{n}|{h}".encode()).hexdigest()[:32] for k, n, h in rows}


def _partition_dir(table_dir: Path, key: str) -> Path:
    y, m = key.split("-")
    return table_dir / f"year={y}" / f"month={m}"


def _link_tree(src: Path, dst: Path) -> None:
    """``src``'s files at ``dst`` as hard links (a copy where the file system cannot link)."""
    for f in src.rglob("*"):
        if f.is_file():
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(f, target)
            except OSError:
                shutil.copy2(f, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return int(fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)) == 0


def _swap_in(stage: Path, dest: Path) -> None:
    """Make ``stage`` the lake at ``dest``. Readers see the old lake or the new one: the folders are exchanged
    in one step; where the system cannot, the old lake is moved aside first and put back by the next export
    if a kill falls between the two renames (:func:`_recover`)."""
    if not dest.exists():
        stage.rename(dest)
        return
    if _exchange(stage, dest):
        shutil.rmtree(stage, ignore_errors=True)  # now the old lake
        return
    old = dest.parent / f".{dest.name}.previous-{os.getpid()}"
    dest.rename(old)
    stage.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def _recover(dest: Path) -> None:
    """Put back a lake an export moved aside and did not replace (killed between its two renames)."""
    if dest.exists():
        for old in dest.parent.glob(f".{dest.name}.previous-*"):
            shutil.rmtree(old, ignore_errors=True)
        return
    for old in sorted(dest.parent.glob(f".{dest.name}.previous-*")):
        if (old / MANIFEST).is_file():
            old.rename(dest)
            return


def _previous(dest: Path, version: int) -> dict[str, Any] | None:
    """The manifest of the lake at ``dest`` when its partitions can be kept (same format and store schema)."""
    try:
        m = read_manifest(dest)
    except StoreError:
        return None
    return m if m.get("store_version") == version else None


def export_lake(store: Store, to: str | Path, tables: list[str] | None = None, *, full: bool = False) -> dict[str, int]:
    """Write the store's tables (all but :data:`SKIP`, or ``tables``) and the derived tables to the lake
    folder ``to``; returns rows per table.

    Incremental: a partitioned table's year/month partitions whose content is unchanged since the lake at
    ``to`` was written (same fingerprint in its manifest) are kept as they are (hard links); only the others
    are written (``full``: write all). The new lake is built beside ``to`` and swapped in at the end, so an
    export that dies part-way leaves the previous lake whole.
    """
    import ibis

    from detente.store.analytics.index import daily_base_expr
    from detente.store.event_writer import _pause

    dest = Path(to).expanduser().resolve()
    _recover(dest)
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
    before = None if full else _previous(dest, store.version())
    stage = dest.parent / f".{dest.name}.staging-{os.getpid()}"
    counts: dict[str, int] = {}
    meta: dict[str, dict[str, Any]] = {}
    con = store._con
    views: list[str] = []
    try:
        relations = {n: '"' + n.replace('"', '""') + '"' for n in names}
        for name in derived:
            sql = str(ibis.to_sql(daily_base_expr(store), dialect="duckdb"))
            con.execute(f'CREATE OR REPLACE TEMP VIEW "_lake_{name}" AS {sql}')
            views.append(f'"_lake_{name}"')
            relations[name] = f'"_lake_{name}"'
        # a derived partition changes when its events' partition does, or the expression that derives it
        events_fp = (
            _fingerprints(con, '"events"', "date", _select(con, '"events"')) if "events" in relations or derived else {}
        )
        for name, rel in relations.items():
            date_col = PARTITIONS.get(name)
            if date_col is None:
                _copy(con, rel, stage / name, None)
                counts[name] = int(con.execute(f"SELECT count(*) FROM {rel}").fetchall()[0][0])
                meta[name] = {"rows": counts[name], "partitioned_by": None}
                continue
            if name in DERIVED:
                salt = hashlib.sha256(
                    str(
                        con.execute(f"SELECT sql FROM duckdb_views() WHERE view_name = '_lake_{name}'").fetchall()
                    ).encode()
                ).hexdigest()[:16]
                fp = {k: f"{salt}:{v}" for k, v in events_fp.items()}
            elif name == "events":
                fp = events_fp
            else:
                fp = _fingerprints(con, rel, date_col, _select(con, rel))
            had = ((before or {}).get("tables", {}).get(name) or {}).get("partitions") or {}
            keep = [k for k, v in fp.items() if had.get(k) == v and _partition_dir(dest / name, k).is_dir()]
            write = sorted(set(fp) - set(keep))
            for k in keep:
                _link_tree(_partition_dir(dest / name, k), _partition_dir(stage / name, k))
            if write:
                _copy(con, rel, stage / name, date_col, write if keep else None)
            (stage / name).mkdir(parents=True, exist_ok=True)
            counts[name] = int(con.execute(f"SELECT count(*) FROM {rel}").fetchall()[0][0])
            meta[name] = {"rows": counts[name], "partitioned_by": date_col, "partitions": fp, "written": len(write)}
        _pause("lake:staged")
        manifest = {
            "format": LAKE_FORMAT,
            "store_version": store.version(),
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tables": meta,
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_in(stage, dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        for v in views:
            con.execute(f"DROP VIEW IF EXISTS {v}")
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
