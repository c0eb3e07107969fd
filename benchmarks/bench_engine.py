"""The index build on DuckDB (the store file) vs Apache Spark local[2] (the Parquet lake), in one run.

usage: python -m benchmarks.bench_engine --db STORE.duckdb [--csv GDELT2.CSV] [--lake DIR] [--reps 2] [--spark-reps 1]

* ``--csv``: ingest this GDELT 2.0 file into ``--db`` first (timed, not part of the ratio); without it
  ``--db`` must already hold the events. ``--direct-load``: load it with bench_index's bare ``read_csv``
  instead (no validation or dedup; CAMEO country codes as actors), which is minutes faster at 10 M rows.
* The lake is exported from the store (``export_lake``: events by year and month plus the derived
  ``dyad_day``; timed) unless ``--lake`` already holds one.
* **index build**: the relations index for every directed and undirected dyad at day, week, month and year
  (8 tables, each collected to Arrow), the same named query (:func:`detente.store.analytics.index.dyad_index`)
  on both engines; best of ``--reps`` (DuckDB) and ``--spark-reps`` (Spark). Spark's session start is timed
  apart. Both sides' results are checked against each other (row counts and column sums).
* Peak memory: VmHWM of this process (DuckDB runs in it) and of the Spark JVM.
"""

from __future__ import annotations

import argparse
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


def _jvm_pid() -> int | None:
    import psutil

    for child in psutil.Process().children(recursive=True):
        if "java" in child.name():
            return int(child.pid)
    return None


def build(store: Any) -> dict[str, tuple[int, float]]:
    """The 8 index tables; (rows, sum of conflict) of each, to compare the engines."""
    from detente.store.analytics.index import dyad_index

    out = {}
    for res in RES:
        for directed in (True, False):
            t = dyad_index(store, res, directed=directed)
            out[f"{res}/{'directed' if directed else 'undirected'}"] = (
                t.num_rows,
                float(sum(x for x in t.column("conflict").to_pylist() if x is not None)),
            )
    return out


def timed(store: Any, reps: int) -> tuple[float, dict[str, tuple[int, float]]]:
    best, result = float("inf"), {}
    for _ in range(reps):
        t0 = time.perf_counter()
        result = build(store)
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
    a = ap.parse_args()
    from detente.store import Store
    from detente.store.lake import export_lake, read_manifest

    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    out: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "uptime_before": uptime,
    }
    lake = a.lake or a.db.with_suffix(".lake")
    with Store.open(a.db, memory_limit=a.memory_limit, threads=os.cpu_count() or 2) as store:
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
        try:
            read_manifest(lake)
        except Exception:
            t0 = time.perf_counter()
            counts = export_lake(store, lake)
            out["lake_export"] = {"seconds": round(time.perf_counter() - t0, 1), "dyad_day": counts["dyad_day"]}
        print("store", json.dumps(out), flush=True)
        t_duck, r_duck = timed(store, a.reps)
    out["duckdb"] = {"seconds": round(t_duck, 2), "peak_mib_process": round(_hwm())}
    print("duckdb", json.dumps(out["duckdb"]), flush=True)

    from detente.store.engine import spark_session
    from detente.store.spark import SparkStore

    t0 = time.perf_counter()
    session = spark_session("local[2]", conf={"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "4"})
    started = time.perf_counter() - t0
    sstore = SparkStore(session, lake)
    t_spark, r_spark = timed(sstore, a.spark_reps)
    jvm = _jvm_pid()
    out["spark_local2"] = {"seconds": round(t_spark, 2), "session_start_s": round(started, 1),
                           "peak_mib_jvm": round(_hwm(jvm)) if jvm else None}  # fmt: skip
    session.stop()
    for k, (n, c) in r_duck.items():
        n2, c2 = r_spark[k]
        assert n == n2 and abs(c - c2) <= 1e-6 * max(1.0, abs(c)), (k, r_duck[k], r_spark[k])
    out["agree"] = True
    out["tables"] = {k: v[0] for k, v in r_duck.items()}
    out["ratio_spark_over_duckdb"] = round(t_spark / t_duck, 1)
    out["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
