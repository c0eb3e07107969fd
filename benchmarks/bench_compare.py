"""Two versions of the server side by side on one machine (issue 11): the API latency of a checkout of older code
(``--before``) and of this one, each serving its own copy of the same store, measured in turns in one run.

`python -m benchmarks.bench_compare --before /tmp/main-checkout --store /work/data/s10m/store.duckdb --work /tmp/x`
copies the store twice into ``--work`` (the original is never opened), serves each copy with one version
(``PYTHONPATH`` = its checkout), then for each round and endpoint measures both servers one after the other:
20 concurrent clients asking the same question, then every request a different question
(:func:`benchmarks.bench_scale.distinct_queries`), with the server's CPU milliseconds per request (steadier than
latency on a shared machine) and, at the end, each server's RSS. Without ``--updates`` no update is ingested: the
figures are those of steady serving; with it, each measurement comes right after a 15-minute file ingested through
that server (as ``bench_scale`` measures). ``--client`` picks the load generator's HTTP client (``stdlib`` by
default, ``httpx`` as up to session five).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from benchmarks.bench_scale import CLIENTS, ENDPOINTS, cpu_ms, distinct_queries, load, update_files

HERE = Path(__file__).resolve().parents[1]


def _serve(code: Path, db: Path) -> tuple[subprocess.Popen[bytes], str]:
    from detente.announcement import announced

    env = {
        **os.environ,
        "DETENTE_DB": str(db),
        "DETENTE_OPS_URL": f"sqlite:///{db}.ops.sqlite",
        "PYTHONPATH": str(code),
    }
    cmd = [sys.executable, "-c", "from detente.cli import main; main()", "serve", "--port", "0"]
    p = subprocess.Popen(cmd, env=env, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while (a := announced(db)) is None:
        if p.poll() is not None:
            raise SystemExit(f"the server of {code} stopped")
        time.sleep(0.05)
    while httpx.get(f"{a.url}/api/health").status_code != 200:
        time.sleep(0.05)
    return p, a.url


def _update(code: Path, db: Path, work: Path, url: str, salt: int) -> float:
    """One 15-minute file (escalating USA→CHN on the store's latest day) ingested through the server by the CLI of
    ``code``; the server's seconds. The measurement right after it sees the server reload what it touched."""
    import datetime as dt
    import json

    day = dt.date.fromisoformat(httpx.get(f"{url}/api/tension?actor=USA", timeout=600).json()["on"])
    (f,) = update_files(work, day, n=1, salt=salt)
    env = {
        **os.environ,
        "DETENTE_DB": str(db),
        "DETENTE_OPS_URL": f"sqlite:///{db}.ops.sqlite",
        "PYTHONPATH": str(code),
    }
    cmd = [sys.executable, "-c", "from detente.cli import main; main()", "ingest", "--json", str(f)]
    out = subprocess.run(cmd, env=env, cwd=code, capture_output=True, text=True, check=True).stdout
    f.unlink()
    return float(json.loads(out)["files"][0]["seconds"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True, help="A checkout of the older code (e.g. git worktree).")
    ap.add_argument("--store", type=Path, required=True, help="The store to copy (never opened itself).")
    ap.add_argument("--work", type=Path, required=True, help="Folder for the two copies (removed at the end).")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--client", choices=CLIENTS, default="stdlib", help="The load generator's HTTP client.")
    ap.add_argument(
        "--updates",
        action="store_true",
        help="Before each measurement, one 15-minute file ingested through the server.",
    )
    ap.add_argument("--endpoints", default=",".join(ENDPOINTS), help="Comma-separated names of ENDPOINTS.")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sides: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    codes = {"before": args.before.resolve(), "after": HERE}
    try:
        for side, code in codes.items():
            db = args.work / side / "store.duckdb"
            db.parent.mkdir(exist_ok=True)
            shutil.copyfile(args.store, db)
            sides[side] = _serve(code, db)
        time.sleep(5)  # the resident tables load
        salt = 1 + int(time.time()) % 9_000
        for rnd in range(args.rounds):
            for name in args.endpoints.split(","):
                for side, (p, url) in sides.items():
                    if args.updates:
                        salt += 1
                        secs = _update(codes[side], args.work / side / "store.duckdb", args.work, url, salt)
                        print(f"{'':14s} {side:6s} update ingested in {secs:.2f} s by the server", flush=True)
                    c0 = cpu_ms(p.pid)
                    same = load(url, ENDPOINTS[name], args.clients, 20, distinct=False, client=args.client)
                    c1 = cpu_ms(p.pid)
                    qs = distinct_queries(url, name, args.clients * 3, seed=11 + rnd)
                    c2 = cpu_ms(p.pid)
                    dist = load(url, ENDPOINTS[name], args.clients, 3, distinct=True, queries=qs, client=args.client)
                    c3 = cpu_ms(p.pid)
                    print(
                        f"{name:14s} {side:6s} same p50/p99 {same['p50']:6.1f} {same['p99']:6.1f} ms "
                        f"cpu/req {(c1 - c0) / max(1, same['n']):5.2f}  distinct p50/p99 {dist['p50']:6.1f} "
                        f"{dist['p99']:6.1f} ms cpu/req {(c3 - c2) / max(1, dist['n']):5.2f}  "
                        f"errors {same['errors'] + dist['errors']}",
                        flush=True,
                    )
        for side, (p, _) in sides.items():
            st = {ln.split(":")[0]: int(ln.split()[1]) for ln in Path(f"/proc/{p.pid}/status").read_text().splitlines()
                  if ln.startswith(("VmRSS", "VmHWM"))}  # fmt: skip
            print(f"{side}: RSS {st['VmRSS'] // 1024} MiB, peak {st['VmHWM'] // 1024} MiB")
    finally:
        for p, _ in sides.values():
            p.terminate()
            p.wait(timeout=120)
        shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
