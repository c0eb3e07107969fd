"""Ingest benchmark: detente's full ingest vs a pandas pipeline vs a bare DuckDB load, in one run.

usage: python -m benchmarks.bench_ingest [--file PATH | --copies 500] [--no-pandas] [--keep]

Input: ``--file`` (e.g. a tiled GDELT 2.0 export made with ../shared/tools/tile_gdelt.py), or a
``--copies``-fold tiling of the real 15-minute export made on the spot. Each side runs in its own
process, one after the other in the same run; peak = ``ru_maxrss`` of that process. detente's side
also records the time of each staged batch (the first and last three show whether the cost per
batch grows with the rows already ingested) and of the publish transaction. ``--no-pandas`` skips
pandas (it holds every column of every row as Python strings: ~2 GiB per million rows).
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
import json, sys, time
from detente.store import Store
from detente.store import event_writer as ew
from detente.store.reference import load_reference
from detente.ingest import ingest_file
from detente.config import Settings
s = Store.open(sys.argv[2], memory_limit=Settings().memory_limit); load_reference(s)
batches, publish = [], []
add, pub = ew.EventWriter.add, ew.EventWriter.publish
def timed_add(self, *a, **k):
    t = time.perf_counter(); add(self, *a, **k); batches.append(round(time.perf_counter() - t, 3))
def timed_publish(self, *a, **k):
    t = time.perf_counter(); r = pub(self, *a, **k); publish.append(round(time.perf_counter() - t, 3)); return r
ew.EventWriter.add, ew.EventWriter.publish = timed_add, timed_publish
t = time.perf_counter(); r = ingest_file(s, sys.argv[1], "gdelt2"); dt = time.perf_counter() - t
s.close()
print(dt, r.read, r.stored, r.duplicates, r.quarantined)
print(json.dumps({"batches": batches, "publish": publish[0], "unresolved": r.unresolved}))
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


def measure(code: str, csv: Path, db: Path) -> dict[str, object]:
    proc = subprocess.Popen([sys.executable, "-c", code, str(csv), str(db)], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        raise SystemExit(f"benchmark step failed: {out}")
    first, *rest = out.splitlines()
    seconds, rows, stored, duplicates, quarantined = first.split()
    result: dict[str, object] = {
        "seconds": round(float(seconds), 2),
        "rows": int(rows),
        "peak_mib": round(usage.ru_maxrss / 1024),
    }
    if rest:
        extra = json.loads(rest[0])
        b = extra["batches"]
        result.update(
            stored=int(stored), duplicates=int(duplicates), quarantined=int(quarantined),
            batches=len(b), batch_first3=b[:3], batch_last3=b[-3:], publish_s=extra["publish"],
            unresolved=extra["unresolved"], store_mib=round(db.stat().st_size / 2**20),
        )  # fmt: skip
    db.unlink(missing_ok=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", type=Path, help="an existing GDELT 2.0 export (else one is tiled)")
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    if args.file:
        csv = args.file.resolve()
    else:
        csv = work / "gdelt_tiled.export.CSV"
        t = time.perf_counter()
        subprocess.run([sys.executable, str(SHARED / "tools" / "tile_gdelt.py"), str(SAMPLE), str(args.copies),
                        str(csv)], check=True)  # fmt: skip
        print(f"tiled {csv.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    # flush the file and read it once, so no side pays for writeback or a cold cache the next finds warm
    os.sync()
    with open(csv, "rb") as f:
        while f.read(64 << 20):
            pass
    results = {"detente": measure(DETENTE, csv, work / "detente.duckdb")}
    if not args.no_pandas:
        results["pandas"] = measure(PANDAS, csv, work / "unused")
    results["duckdb_floor"] = measure(FLOOR, csv, work / "floor.duckdb")
    d, f = (float(str(results[k]["seconds"])) for k in ("detente", "duckdb_floor"))
    report: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "file": str(csv),
        "file_mib": round(csv.stat().st_size / 2**20),
        "rows": results["duckdb_floor"]["rows"],
        "results": results,
        "detente_vs_floor": round(d / f, 2),
    }
    if "pandas" in results:
        report["pandas_vs_detente"] = round(float(str(results["pandas"]["seconds"])) / d, 2)
    print(json.dumps(report, indent=2))
    if not args.keep:
        for x in work.iterdir():
            if x != csv:
                x.unlink()
        if not args.file:
            csv.unlink(missing_ok=True)
        work.rmdir()


if __name__ == "__main__":
    main()
