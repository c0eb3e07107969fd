"""Ingest benchmark: detente's full ingest vs a pandas pipeline vs a bare DuckDB load, in one run.

usage: python -m benchmarks.bench_ingest [--copies 500] [--keep]

Builds a ~1M-row GDELT 2.0 file by tiling the real 15-minute export with
../shared/tools/tile_gdelt.py, then times each method in its own process and
records its peak resident memory (ru_maxrss of that process).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SAMPLE = SHARED / "data" / "events" / "gdelt2" / "20191024143000.export.CSV"

DETENTE = """
import sys, time
from detente.store import Store
from detente.store.reference import load_reference
from detente.ingest import ingest_file
from detente.config import Settings
s = Store.open(sys.argv[2], memory_limit=Settings().memory_limit); load_reference(s)
t = time.perf_counter(); r = ingest_file(s, sys.argv[1], "gdelt2"); dt = time.perf_counter() - t
s.close()
print(dt, r.read, r.stored, r.duplicates, r.quarantined)
"""

PANDAS = """
import sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep="\\t", header=None, dtype=str, keep_default_na=False, quoting=3)
df = df.drop_duplicates(subset=[1, 5, 15, 26, 60])
df[30] = pd.to_numeric(df[30], errors="coerce")
daily = df.groupby([1, 7, 17]).agg(goldstein=(30, "sum"), events=(30, "size"))
dt = time.perf_counter() - t
print(dt, len(df), len(daily), 0, 0)
"""

FLOOR = """
import sys, time, duckdb
c = duckdb.connect(sys.argv[2]); c.execute("SET enable_progress_bar = false")
t = time.perf_counter()
c.execute(f"CREATE TABLE e AS SELECT * FROM read_csv('{sys.argv[1]}', delim='\\t', header=false)")
dt = time.perf_counter() - t
print(dt, c.execute("SELECT count(*) FROM e").fetchone()[0], 0, 0, 0)
"""


def measure(code: str, csv: Path, db: Path) -> dict[str, float]:
    proc = subprocess.Popen([sys.executable, "-c", code, str(csv), str(db)], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"benchmark step failed: {out}")
    seconds, rows, *_ = out.split()
    return {"seconds": float(seconds), "rows": int(rows), "peak_mib": usage.ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    csv = work / "gdelt_tiled.export.CSV"
    t = time.perf_counter()
    subprocess.run([sys.executable, str(SHARED / "tools" / "tile_gdelt.py"), str(SAMPLE), str(args.copies), str(csv)],
                   check=True)  # fmt: skip
    print(f"tiled {csv.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    # the file was just written: flush it to disk and read it once, so no side pays for the writeback
    # of the tiling or for a cold cache that the next side then finds warm
    os.sync()
    with open(csv, "rb") as f:
        while f.read(64 << 20):
            pass
    results = {
        "detente": measure(DETENTE, csv, work / "detente.duckdb"),
        "pandas": measure(PANDAS, csv, work / "unused"),
        "duckdb_floor": measure(FLOOR, csv, work / "floor.duckdb"),
    }
    d, p, f = (results[k]["seconds"] for k in ("detente", "pandas", "duckdb_floor"))
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "rows": results["duckdb_floor"]["rows"],
        "results": results,
        "detente_vs_floor": round(d / f, 2),
        "pandas_vs_detente": round(p / d, 2),
    }
    print(json.dumps(report, indent=2))
    if not args.keep:
        for x in work.iterdir():
            x.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
