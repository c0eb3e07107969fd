"""Load test of the operations workspace on loopback, on an empty workspace and again once it has grown.

Run: .venv/bin/python -m benchmarks.bench_ops [--clients 50] [--records 100000] [--seconds 30]

A real uvicorn server (its own process) on 127.0.0.1 serves the app; N client threads (one per party, each
with its own token) run a mixed load — pages of notifications, messages and notices; hotline messages and
CBM notifications — as fast as they get answers, for a fixed time. Then the workspace grows by
``--records`` stored ops records (notifications with their shares, messages with their chained log
entries) and the same load runs again on a fresh server. Afterwards every acknowledged write is counted in
the store (nothing lost) and every channel's log verifies. SQLite, then a throw-away PostgreSQL cluster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
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


def _database(server_url: str, name: str) -> str:
    """A new database on the throw-away cluster."""
    import psycopg

    with psycopg.connect(server_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def setup(url: str, n: int) -> tuple[Any, list[int], list[list[int]]]:
    """``n`` OSCE states, one officer each, and a three-party hotline per state (with its two neighbours)."""
    from detente.ops import hotline, parties
    from detente.ops.auth import load_actor, set_hash_cost
    from detente.ops.db import OpsDB

    set_hash_cost(1, 64)  # logins are not what is measured
    db = OpsDB(url)
    db.migrate()
    channels, members = [], []
    with db.session() as s:
        ids = [
            parties.create_party(
                s, f"State {i}", "state", actor=f"S{i:02d}", organisations=["OSCE"] if i < 3 else []
            ).id
            for i in range(n)
        ]
        users = [parties.create_user(s, pid, f"officer{i}", PASSWORD, "officer").id for i, pid in enumerate(ids)]
        for i in range(n):
            a = load_actor(s, users[i])
            others = [ids[(i + 1) % n], ids[(i + 2) % n]]  # three parties a channel: a receipt for each recipient
            channels.append(hotline.create_channel(s, a, f"hotline {i}", others).id)
            members.append([ids[i], *others])
    return db, channels, members


def grow(db: Any, channels: list[int], members: list[list[int]], records: int) -> float:
    """Add ``records`` stored ops records straight into the store, 40% CBM notifications (each shared with its
    owner and two recipients) and 60% hotline messages (each with its chained log entry and a delivery
    receipt, so every chain still verifies). Returns the seconds it took."""
    from sqlalchemy import func, insert, select, text

    from detente.core.hashchain import canonical, link
    from detente.ops.models import Activity, Channel, ChannelEntry, Message, Share, User

    t0 = time.perf_counter()
    n = len(channels)
    notes, msgs = int(records * 0.4), records - int(records * 0.4)
    base = dt.datetime(2026, 1, 1)
    with db.session() as s:
        party_user = dict(s.execute(select(User.party_id, User.id)).all())
        first = (s.scalar(select(func.max(Activity.id))) or 0) + 1
        day = dt.date.today() - dt.timedelta(days=3650)  # ten years of declarations, as a workspace accrues
        for lo in range(0, notes, 5000):
            rows, shares = [], []
            for k in range(lo, min(notes, lo + 5000)):
                owner = members[k % n][0]
                start = day + dt.timedelta(days=(k * 7) % 3650)
                rows.append(
                    {
                        "id": first + k,
                        "party_id": owner,
                        "created_by": party_user[owner],
                        "ruleset": "vienna_document_2011",
                        "activity_type": "exercise",
                        "title": f"grown {k}",
                        "area": "",
                        "start_date": start,
                        "end_date": start + dt.timedelta(days=2),
                        "troops": 500 + k % 900,
                        "notified_on": day,
                        "findings": [],
                    }
                )
                for pid, role in zip(members[k % n], ("owner", "recipient", "recipient"), strict=True):
                    shares.append(
                        {"object_type": "notification", "object_id": first + k, "party_id": pid, "role": role}
                    )
            s.execute(insert(Activity), rows)
            s.execute(insert(Share), shares)
        first_m = (s.scalar(select(func.max(Message.id))) or 0) + 1
        heads = {c.id: (c.last_seq, c.last_hash) for c in s.scalars(select(Channel))}
        mid = first_m
        for lo in range(0, msgs, 6000):
            mrows, erows = [], []
            for k in range(lo, min(msgs, lo + 6000)):
                ci = k % n
                ch, (seq, h) = channels[ci], heads[channels[ci]]
                sender, to = members[ci][0], sorted(members[ci][1:])
                at = (base + dt.timedelta(seconds=k)).isoformat()
                seq += 1
                rec = {
                    "kind": "message",
                    "id": mid,
                    "at": at,
                    "party": sender,
                    "user": party_user[sender],
                    "body": f"grown message {k}",
                    "reply_by": None,
                    "in_reply_to": None,
                    "to": to,
                    "copy": [],
                    "channel": ch,
                    "seq": seq,
                }
                nh = link(h, rec)
                erows.append(
                    {
                        "channel_id": ch,
                        "seq": seq,
                        "kind": "message",
                        "message_id": mid,
                        "party_id": sender,
                        "record": canonical(rec),
                        "prev_hash": h,
                        "hash": nh,
                    }
                )
                mrows.append(
                    {
                        "id": mid,
                        "channel_id": ch,
                        "seq": seq,
                        "sender_party_id": sender,
                        "sender_user_id": party_user[sender],
                        "body": rec["body"],
                        "in_reply_to": None,
                        "sent_at": dt.datetime.fromisoformat(at),
                        "reply_by": None,
                        "addressees": len(to),
                    }
                )
                h, seq = nh, seq + 1
                step = {
                    "kind": "delivered",
                    "message": mid,
                    "at": at,
                    "party": to[0],
                    "user": party_user[to[0]],
                    "channel": ch,
                    "seq": seq,
                }
                nh = link(h, step)
                erows.append(
                    {
                        "channel_id": ch,
                        "seq": seq,
                        "kind": "delivered",
                        "message_id": mid,
                        "party_id": to[0],
                        "record": canonical(step),
                        "prev_hash": h,
                        "hash": nh,
                    }
                )
                heads[ch] = (seq, nh)
                mid += 1
            s.execute(insert(Message), mrows)
            s.execute(insert(ChannelEntry), erows)
        for ch, (seq, h) in heads.items():
            s.execute(
                text("UPDATE ops_channels SET last_seq = :s, last_hash = :h WHERE id = :c"), {"s": seq, "h": h, "c": ch}
            )
        if not db.sqlite:  # explicit ids: move the sequences past them
            for table in ("ops_activities", "ops_messages"):
                s.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    if db.sqlite:
        with db.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            con.exec_driver_sql("ANALYZE")
    else:
        with db.engine.connect() as con:
            con.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - t0


def serve(url: str, port: int) -> None:
    """The server process: the app on 127.0.0.1:``port`` over the ops store ``url`` (argon2 cost lowered)."""
    import uvicorn

    from detente.api import create_app
    from detente.config import Settings
    from detente.ops.auth import set_hash_cost
    from detente.ops.db import OpsDB
    from detente.store import Store

    set_hash_cost(1, 64)
    tmp = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    # the write limits off: this measures what the server can take, not the per-token allowance
    settings = Settings(db=tmp / "b.duckdb", ops_url=url, secret_key="bench", ops_token_writes_per_minute=0,
                        ops_party_writes_per_minute=0)  # fmt: skip
    app = create_app(settings, store=Store.open(":memory:"))
    app.state.ops = OpsDB(url)
    app.state.ops_sweep_seconds = 3600.0
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", backlog=256)


@contextmanager
def server(url: str) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_ops", "--serve", url, "--port", str(port)])
    try:
        for _ in range(600):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/api/ops"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


MIX = (  # what a client does, by weight: reads of one page, and writes
    ("list notifications", 30),
    ("list messages", 20),
    ("list notices", 10),
    ("send message", 20),
    ("declare notification", 20),
)


def load(base: str, clients: int, channels: list[int], seconds: float, seed: int) -> dict[str, Any]:
    """``clients`` threads, one per party, each a loop of the mixed requests for ``seconds``."""
    import random

    lat: list[float] = []
    by_kind: dict[str, list[float]] = {m: [] for m, _ in MIX}
    writes = {"notifications": 0, "messages": 0}
    failed: list[str] = []
    lock = threading.Lock()
    start_day = dt.date.today() + dt.timedelta(days=60)
    names = [m for m, _ in MIX]
    weights = [w for _, w in MIX]
    barrier = threading.Barrier(clients + 1)
    stop = [0.0]

    def worker(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        with httpx.Client(base_url=base, timeout=60) as c:
            tok = c.post("/login", json={"username": f"officer{i}", "password": PASSWORD}).json()["token"]
            h = {"Authorization": f"Bearer {tok}"}
            barrier.wait()
            k = 0
            while time.monotonic() < stop[0]:
                what = rng.choices(names, weights)[0]
                k += 1
                if what == "list notifications":
                    req = ("GET", "/notifications", None, {"limit": 20})
                elif what == "list messages":
                    req = ("GET", f"/channels/{channels[i]}/messages", None, {"limit": 20})
                elif what == "list notices":
                    req = ("GET", "/notices", None, {"limit": 20})
                elif what == "send message":
                    req = ("POST", f"/channels/{channels[i]}/messages", {"body": f"message {seed}-{i}-{k}"}, None)
                else:
                    body = {
                        "activity_type": "exercise",
                        "title": f"ex {seed}-{i}-{k}",
                        "start_date": str(start_day),
                        "end_date": str(start_day + dt.timedelta(days=3)),
                        "troops": 1000 + k,
                    }
                    req = ("POST", "/notifications", body, None)
                method, path, body, params = req
                t0 = time.perf_counter()
                try:
                    r = c.request(method, path, json=body, params=params, headers=h)
                    good = r.status_code in (200, 201)
                    why = f"{r.status_code} {r.text[:80]}"
                except httpx.HTTPError as e:
                    good, why = False, type(e).__name__
                took = time.perf_counter() - t0
                with lock:
                    lat.append(took)
                    by_kind[what].append(took * 1000)
                    if good and method == "POST":
                        writes["notifications" if path == "/notifications" else "messages"] += 1
                    if not good:
                        failed.append(why)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop[0] = time.monotonic() + seconds + 3600  # until every client has logged in
    barrier.wait()
    t0 = time.perf_counter()
    stop[0] = time.monotonic() + seconds
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ms = sorted(x * 1000 for x in lat)
    total = len(ms)
    return {
        "requests": total,
        "failed": len(failed),
        "wall_s": round(wall, 2),
        "throughput_rps": round(total / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p99_ms": round(ms[min(total - 1, int(0.99 * total))], 1) if ms else None,
        "writes_acknowledged": dict(writes),
        "p50_ms_by_kind": {k: round(statistics.median(v), 1) for k, v in by_kind.items() if v},
        "first_failures": failed[:3],
    }


def run_backend(name: str, urls: tuple[str, str], clients: int, records: int, seconds: float) -> dict[str, Any]:
    """Two identical workspaces side by side: ``control`` stays small, ``grown`` grows by ``records`` mid-run;
    then short load phases alternate between them, so the machine's varying load falls on both alike."""
    from sqlalchemy import func, select

    from detente.ops import hotline
    from detente.ops.auth import load_actor
    from detente.ops.models import Activity, Message

    control, grown = (setup(u, clients) for u in urls)
    phases: list[dict[str, Any]] = []

    def phase(label: str, url: str, channels: list[int], seed: int) -> None:
        with server(url) as base:
            r = load(base, clients, channels, seconds, seed)
        r["workspace"] = label
        phases.append(r)
        print(
            json.dumps({k: r[k] for k in ("workspace", "requests", "throughput_rps", "p50_ms", "p99_ms")}), flush=True
        )

    counts = []
    for db, *_ in (control, grown):
        with db.session() as s:
            counts.append(
                (
                    s.scalar(select(func.count()).select_from(Activity)) or 0,
                    s.scalar(select(func.count()).select_from(Message)) or 0,
                )
            )
    phase("control", urls[0], control[1], 1)
    phase("grown", urls[1], grown[1], 2)  # still empty: the two start alike
    grew_s = grow(grown[0], grown[1], grown[2], records)
    for i in range(2):
        phase("grown", urls[1], grown[1], 10 + i)
        phase("control", urls[0], control[1], 20 + i)
    out: dict[str, Any] = {"backend": name, "clients": clients, "grown_records": records, "grow_s": round(grew_s, 1)}
    for label in ("control", "grown"):
        after = [p for p in phases[2:] if p["workspace"] == label]
        reqs = sum(p["requests"] for p in after)
        wall = sum(p["wall_s"] for p in after)
        out[label] = {
            "throughput_rps": round(reqs / wall, 1),
            "p50_ms": round(statistics.median([p["p50_ms"] for p in after]), 1),
            "p99_ms": max(p["p99_ms"] for p in after),
            "failed": sum(p["failed"] for p in after),
        }
    out["before_growth"] = {p["workspace"]: p["throughput_rps"] for p in phases[:2]}
    out["throughput_drop"] = round(1 - out["grown"]["throughput_rps"] / out["control"]["throughput_rps"], 3)
    lost = {}
    for (db, channels, _), label, (n0, m0) in zip((control, grown), ("control", "grown"), counts, strict=True):
        mine = [p for p in phases if p["workspace"] == label]
        acked_n = sum(p["writes_acknowledged"]["notifications"] for p in mine)
        acked_m = sum(p["writes_acknowledged"]["messages"] for p in mine)
        extra_n, extra_m = (int(records * 0.4), records - int(records * 0.4)) if label == "grown" else (0, 0)
        with db.session() as s:
            stored_n = s.scalar(select(func.count()).select_from(Activity)) or 0
            stored_m = s.scalar(select(func.count()).select_from(Message)) or 0
            chains = [hotline.verify(s, load_actor(s, i + 1), ch)["ok"] for i, ch in enumerate(channels)]
        db.dispose()
        lost[label] = {
            "acknowledged_writes": acked_n + acked_m,
            "stored_writes": stored_n + stored_m - extra_n - extra_m - n0 - m0,
            "chains_ok": f"{sum(chains)}/{len(chains)}",
        }
        lost[label]["nothing_lost"] = lost[label]["stored_writes"] == lost[label]["acknowledged_writes"]
    out["reconciliation"] = lost
    out["phases"] = phases
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--records", type=int, default=100_000, help="ops records the workspace grows by mid-run")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of each load phase")
    ap.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.serve, a.port)
        return
    results = []
    if a.backend in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as d:
            urls = (f"sqlite:///{d}/control.sqlite", f"sqlite:///{d}/grown.sqlite")
            results.append(run_backend("sqlite", urls, a.clients, a.records, a.seconds))
            print(json.dumps({k: v for k, v in results[-1].items() if k != "phases"}), flush=True)
    if a.backend in ("both", "postgresql"):
        with postgres() as pg:
            if pg:
                urls = (_database(pg, "control"), _database(pg, "grown"))
                results.append(run_backend("postgresql", urls, a.clients, a.records, a.seconds))
                print(json.dumps({k: v for k, v in results[-1].items() if k != "phases"}), flush=True)
            else:
                print("PostgreSQL binaries not found: skipped (install them with scripts/system-deps.sh)")
    import resource

    print({"peak_rss_mib_bench_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


if __name__ == "__main__":
    main()
