"""Load test of the operations workspace on loopback: N parties post CBM notifications and hotline messages.

Run: .venv/bin/python -m benchmarks.bench_ops [--parties 8] [--per-party 25] [--seconds 60]

A real uvicorn server on 127.0.0.1 serves the app; N client threads (one per party, each with its own
token) post notifications and hotline messages as fast as they get answers, bounded in count and time.
Afterwards the counts are reconciled against the store (nothing lost) and every channel's hash chain is
verified. Runs on SQLite, then on a throw-away PostgreSQL cluster when its binaries exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "benchmark password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres() -> Iterator[str | None]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        yield None
        return
    b = Path(bins[-1])
    root = Path(tempfile.mkdtemp(prefix="detente-bench-pg-"))
    wrap: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        wrap = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C"}
    subprocess.run(
        [*wrap, str(b / "initdb"), "-D", str(root / "d"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=100"
    subprocess.run(
        [*wrap, str(b / "pg_ctl"), "-D", str(root / "d"), "-o", opts, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*wrap, str(b / "pg_ctl"), "-D", str(root / "d"), "-m", "fast", "stop"],
            capture_output=True,
            env=env,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


def setup(url: str, n: int) -> tuple[Any, list[int]]:
    from detente.ops import hotline, parties
    from detente.ops.auth import load_actor, set_hash_cost
    from detente.ops.db import OpsDB

    set_hash_cost(1, 64)  # logins are not what is measured
    db = OpsDB(url)
    db.migrate()
    channels = []
    with db.session() as s:
        ids = [
            parties.create_party(s, f"State {i}", "state", actor=f"S{i:02d}", organisations=["OSCE"]).id
            for i in range(n)
        ]
        users = [parties.create_user(s, pid, f"officer{i}", PASSWORD, "officer").id for i, pid in enumerate(ids)]
        for i in range(n):
            a = load_actor(s, users[i])
            others = [ids[(i + 1) % n], ids[(i + 2) % n]]  # three parties a channel: a receipt for each recipient
            channels.append(hotline.create_channel(s, a, f"hotline {i}", others).id)
    return db, channels


def run_backend(name: str, url: str, n: int, per_party: int, seconds: float) -> dict[str, Any]:
    import uvicorn

    from detente.api import create_app
    from detente.config import Settings
    from detente.ops import hotline
    from detente.ops.auth import load_actor
    from detente.store import Store

    db, channels = setup(url, n)
    tmp = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    store = Store.open(":memory:")
    app = create_app(Settings(db=tmp / "b.duckdb", ops_url=url, secret_key="bench"), store=store)
    app.state.ops = db
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/api/ops"
    lat: list[float] = []
    ok = {"notifications": 0, "messages": 0}
    failed: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    start_day = dt.date.today() + dt.timedelta(days=60)

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            tok = c.post("/login", json={"username": f"officer{i}", "password": PASSWORD}).json()["token"]
            h = {"Authorization": f"Bearer {tok}"}
            for k in range(per_party):
                if time.monotonic() > deadline:
                    return
                for kind in ("notifications", "messages"):
                    if kind == "notifications":
                        path, body = (
                            "/notifications",
                            {
                                "activity_type": "exercise",
                                "title": f"ex {i}-{k}",
                                "start_date": str(start_day),
                                "troops": 1000 + k,
                                "end_date": str(start_day + dt.timedelta(days=3)),
                            },
                        )
                    else:
                        path, body = (
                            f"/channels/{channels[i]}/messages",
                            {"body": f"message {i}-{k}", "reply_within_minutes": 60},
                        )
                    t0 = time.perf_counter()
                    try:
                        r = c.post(path, json=body, headers=h)
                        good = r.status_code == 201
                        why = f"{r.status_code} {r.text[:80]}"
                    except httpx.HTTPError as e:
                        good, why = False, type(e).__name__
                    dtm = time.perf_counter() - t0
                    with lock:
                        lat.append(dtm)
                        if good:
                            ok[kind] += 1
                        else:
                            failed.append(why)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    server.should_exit = True
    th.join(timeout=10)
    from sqlalchemy import func, select

    from detente.ops.models import Activity, Message, Receipt, Share

    with db.session() as s:
        stored_n = s.scalar(select(func.count()).select_from(Activity)) or 0
        stored_m = s.scalar(select(func.count()).select_from(Message)) or 0
        shares = s.scalar(select(func.count()).select_from(Share).where(Share.object_type == "notification")) or 0
        receipts = s.scalar(select(func.count()).select_from(Receipt)) or 0
        chains_ok = all(hotline.verify(s, load_actor(s, i + 1), ch)["ok"] for i, ch in enumerate(channels))
    db.dispose()
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    ms = sorted(x * 1000 for x in lat)
    total = len(ms)
    return {
        "backend": name,
        "parties": n,
        "requests": total,
        "failed": len(failed),
        "wall_s": round(wall, 2),
        "throughput_rps": round(total / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p99_ms": round(ms[min(total - 1, int(0.99 * total))], 1) if ms else None,
        "notifications_ok": ok["notifications"],
        "notifications_stored": stored_n,
        "messages_ok": ok["messages"],
        "messages_stored": stored_m,
        "shares_stored": shares,
        "shares_expected": stored_n * n,
        "receipts_stored": receipts,
        "receipts_expected": stored_m * 2,
        "reconciled": stored_n == ok["notifications"]
        and stored_m == ok["messages"]
        and shares == stored_n * n
        and receipts == stored_m * 2,
        "chains_ok": chains_ok,
        "first_failures": failed[:3],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parties", type=int, default=8)
    ap.add_argument("--per-party", type=int, default=25)
    ap.add_argument("--seconds", type=float, default=60.0)
    a = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as d:
        results.append(run_backend("sqlite", f"sqlite:///{d}/ops.sqlite", a.parties, a.per_party, a.seconds))
    with postgres() as pg:
        if pg:
            results.append(run_backend("postgresql", pg, a.parties, a.per_party, a.seconds))
        else:
            print("PostgreSQL binaries not found: skipped (install them with scripts/system-deps.sh)")
    import resource

    for r in results:
        print(r)
    print({"peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


if __name__ == "__main__":
    main()
