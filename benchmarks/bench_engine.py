"""The index build on DuckDB (the store file) vs Apache Spark local[2] (the Parquet lake), in one run.

usage: python -m benchmarks.bench_engine --db STORE.duckdb [--csv GDELT2.CSV] [--lake DIR] [--reps 2] [--spark-reps 1]

* An **ingested store** (``detente ingest FILE`` into ``--db``, no ``--csv``): opened read-only, so the
  benchmark leaves it as it is. ``--csv``: ingest this GDELT 2.0 file into ``--db`` first (timed, not part of
  the ratio). ``--direct-load``: load it with bench_index's bare ``read_csv`` instead (no validation or
  dedup; CAMEO country codes as actors), minutes faster at 10 M rows, but not what a user's store holds.
* The lake is exported from the store (``export_lake``: events by year and month plus the derived
  ``dyad_day``; timed, with its peak memory) unless ``--lake`` already holds one (``--fresh-lake``: export
  it again, whole).
* **index build**: the relations index for every directed and undirected dyad at day, week, month and year
  (8 tables, each collected to Arrow), the same named query (:func:`detente.store.analytics.index.dyad_index`)
  on both engines, from the events; best of ``--reps`` (DuckDB) and ``--spark-reps`` (Spark). Spark's
  session start is timed apart. Both sides' results are checked against each other (row counts and sums).
* **roll-up** (``--rollup``): the same 8 tables rolled up from the directed daily sums each engine keeps (the
  store's ``dyad_day``, maintained at publish; the lake's ``dyad_day``, written by the export).
* Peak memory: VmHWM of this process (DuckDB runs in it), reset before each phase, and of the Spark JVM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

RES = ("day", "week", "month", "year")


def _hwm(pid: int | None = None) -> float:
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def _reset_hwm() -> None:
    """Start this process's VmHWM afresh (Linux: writing 5 to clear_refs), so each phase reports its own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _jvm_pid() -> int | None:
    import psutil

    for child in psutil.Process().children(recursive=True):
        if "java" in child.name():
            return int(child.pid)
    return None


def build(store: Any, base: Any = None) -> dict[str, tuple[int, float]]:
    """The 8 index tables (from ``base``, directed daily sums, when given); (rows, sum of conflict) of each."""
    from detente.store.analytics.index import dyad_index

    out = {}
    for res in RES:
        for directed in (True, False):
            t = dyad_index(store, res, directed=directed, base=base)
            out[f"{res}/{'directed' if directed else 'undirected'}"] = (
                t.num_rows,
                float(sum(x for x in t.column("conflict").to_pylist() if x is not None)),
            )
    return out


def _agree(a: dict[str, tuple[int, float]], b: dict[str, tuple[int, float]]) -> None:
    """Same tables, rows and conflict sums (to 1e-6): the engines and paths answer alike."""
    assert a.keys() == b.keys(), (a.keys(), b.keys())
    for k, (n, c) in a.items():
        n2, c2 = b[k]
        assert n == n2 and abs(c - c2) <= 1e-6 * max(1.0, abs(c)), (k, a[k], b[k])


def timed(store: Any, reps: int, base: Any = None) -> tuple[float, dict[str, tuple[int, float]]]:
    best, result = float("inf"), {}
    for _ in range(reps):
        t0 = time.perf_counter()
        result = build(store, base)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, type=Path)
    ap.add_argument("--csv", type=Path, default=None)
    ap.add_argument("--direct-load", action="store_true", help="Load --csv with a bare read_csv (bench_index's).")
    ap.add_argument("--lake", type=Path, default=None)
    ap.add_argument("--reps", type=int, default=2, help="DuckDB repetitions (best of)")
    ap.add_argument("--spark-reps", type=int, default=1, help="Spark repetitions (best of)")
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--fresh-lake", action="store_true", help="Export the lake again, whole, even if --lake holds one")
    ap.add_argument("--rollup", action="store_true", help="Also time the index rolled up from the daily sums")
    a = ap.parse_args()
    from detente.store import Store, derived
    from detente.store.lake import export_lake, read_manifest

    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    out: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "uptime_before": uptime,
    }
    lake = a.lake or a.db.with_suffix(".lake")
    read_only = a.csv is None  # an ingested store is only read
    # read-only and without upgrading: a store made by another detente version is measured as it is
    kw = {"read_only": read_only, "migrate": not read_only, "memory_limit": a.memory_limit}
    with Store.open(a.db, threads=os.cpu_count() or 2, **kw) as store:
        if a.csv is not None and a.direct_load:
            from benchmarks.bench_index import LOAD_SQL

            t0 = time.perf_counter()
            cols = "{" + ", ".join(f"'column{i:02d}': 'VARCHAR'" for i in range(61)) + "}"
            store._con.execute(LOAD_SQL.format(cols=cols), [str(a.csv)])
            out["direct_load_seconds"] = round(time.perf_counter() - t0, 1)
        elif a.csv is not None:
            from detente.ingest import ingest_file

            t0 = time.perf_counter()
            s = ingest_file(store, a.csv, "gdelt2")
            out["ingest"] = {"read": s.read, "stored": s.stored, "seconds": round(time.perf_counter() - t0, 1)}
        out["events"] = store.count("events")
        out["files"] = store.count("files")
        out["ingested"] = read_only and out["files"] > 0
        try:
            read_manifest(lake)
            have_lake = not a.fresh_lake
        except Exception:
            have_lake = False
        if not have_lake:
            _reset_hwm()
            t0 = time.perf_counter()
            counts = export_lake(store, lake, full=True)
            out["lake_export"] = {
                "seconds": round(time.perf_counter() - t0, 1),
                "dyad_day": counts["dyad_day"],
                "peak_mib_process": round(_hwm()),
            }
        print("store", json.dumps(out), flush=True)
        _reset_hwm()
        t_duck, r_duck = timed(store, a.reps)
        out["duckdb"] = {"seconds": round(t_duck, 2), "peak_mib_process": round(_hwm())}
        print("duckdb", json.dumps(out["duckdb"]), flush=True)
        base = derived.base(store) if a.rollup else None
        if base is not None:
            t_roll, r_roll = timed(store, a.reps, base)
            _agree(r_duck, r_roll)
            out["duckdb_rollup"] = {"seconds": round(t_roll, 2), "from": "store dyad_day"}
            print("duckdb_rollup", json.dumps(out["duckdb_rollup"]), flush=True)

    from detente.store.engine import spark_session
    from detente.store.spark import SparkStore

    t0 = time.perf_counter()
    session = spark_session("local[2]", conf={"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "4"})
    started = time.perf_counter() - t0
    sstore = SparkStore(session, lake)
    t_spark, r_spark = timed(sstore, a.spark_reps)
    if a.rollup:
        t_sroll, r_sroll = timed(sstore, a.spark_reps, sstore.ibis.table("dyad_day"))
        _agree(r_duck, r_sroll)
        out["spark_rollup"] = {"seconds": round(t_sroll, 2), "from": "lake dyad_day"}
    jvm = _jvm_pid()
    out["spark_local2"] = {"seconds": round(t_spark, 2), "session_start_s": round(started, 1),
                           "peak_mib_jvm": round(_hwm(jvm)) if jvm else None}  # fmt: skip
    session.stop()
    _agree(r_duck, r_spark)
    out["agree"] = True
    out["tables"] = {k: v[0] for k, v in r_duck.items()}
    out["ratio_spark_over_duckdb"] = round(t_spark / t_duck, 1)
    if "duckdb_rollup" in out and "spark_rollup" in out:
        out["ratio_rollup"] = round(out["spark_rollup"]["seconds"] / max(out["duckdb_rollup"]["seconds"], 1e-3), 1)
    out["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
