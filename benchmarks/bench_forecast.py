"""Early-warning backtest benchmark: the full rolling-origin backtest on the real panels.

usage: python -m benchmarks.bench_forecast [--db /tmp/bench_forecast.duckdb] [--start 1990] [--end 2014]
                                           [--threads-peer]

Builds (once) a store with the peace-science panels and the engagements from ../shared/data, then
times ``run_backtest`` for both tasks and every model, 1990-2014, as `detente forecast backtest` runs
it (one BLAS/OpenMP thread per fit, the calibration twin of year t reused from year t-5). Prints wall
and CPU seconds, peak memory (ru_maxrss) and the headline metrics as JSON. With ``--threads-peer`` it
also times the same backtest with scikit-learn's default threading, the setting one would start from.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import resource
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def build(db: Path) -> None:
    from detente.ingest.peace_science import ingest_shared
    from detente.store import Store
    from detente.store.reference import load_reference

    if db.exists():
        return
    with Store.open(db) as s:
        load_reference(s)
        ingest_shared(s, SHARED)
    # Engagements are optional (the backtest runs without them); their importer's JSON is not ours to print.
    with contextlib.suppress(Exception, SystemExit), contextlib.redirect_stdout(io.StringIO()):
        from detente.cli import main

        main(["--db", str(db), "load-engagements", "--data", str(SHARED), "--json"])


def run(db: Path, start: int, end: int, single_thread: bool = True) -> dict[str, Any]:
    import detente.forecast.backtest as bt
    from detente.forecast.sources import load_sources
    from detente.store import Store

    if not single_thread:
        bt._threads = contextlib.nullcontext  # type: ignore[assignment]
    with Store.open(db, read_only=True) as s:
        src = load_sources(s)
    w0, c0 = time.perf_counter(), time.process_time()
    res = bt.run_backtest(src, bt.BacktestConfig(start=start, end=end))
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    out = {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    for task, tr in res.tasks.items():
        out[task] = {
            m: {k: round(v, 4) for k, v in s.items() if k in ("auroc", "aupr", "brier", "ece")}
            for m, s in tr.metrics.items()
        }
        out[task]["aupr_gain_vs_standard"] = round(tr.summary().get("aupr_gain_vs_standard", float("nan")), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/bench_forecast.duckdb"))
    ap.add_argument("--start", type=int, default=1990)
    ap.add_argument("--end", type=int, default=2014)
    ap.add_argument("--threads-peer", action="store_true")
    a = ap.parse_args()
    build(a.db)
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "detente": run(a.db, a.start, a.end),
    }
    if a.threads_peer:
        report["default_threads"] = run(a.db, a.start, a.end, single_thread=False)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
