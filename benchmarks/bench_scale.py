"""Scale benchmark (issue 11): ingest, store, server and API latency at 1 M, 10 M (and 50 M) events.

`python -m benchmarks.bench_scale /work/data/gdelt2_1m.CSV /work/data/gdelt2_10m.CSV` — per tiled GDELT 2.0
file, in one run: bare DuckDB ``read_csv`` of the file (the floor) and ``detente ingest`` of it (wall time,
peak RSS of each process), the store's size, then ``detente serve`` on the store (time to first 200, RSS),
the incremental update (five 15-minute files ingested through the CLI while the server runs: the server's
own ingest seconds and the CLI's wall time), and the API under 20 concurrent loopback clients (bounded
loops): dyad timeline, trust, tension map, alerts (with their triggering events) and event search, each
both cached (everyone asks the same question, as in a crisis) and uncached: every request a question not
asked before, with its own dyad, actor, resolution, page size, day or offset (:func:`distinct_queries`: the
dyads are the partners the tension maps of USA, RUS and CHN list), so every answer is computed; last, distinct
alert questions again the moment one more update file lands (``alerts.after_write``: a new version's ranking
right after a write). The clients are
threads of this process on one keep-alive ``http.client`` connection each (``--client httpx``: the client used up
to session five, which spends ~2 ms of CPU per request itself); beside each latency, the server's CPU ms per request.

Tiled days repeat each other, so a plain tiled file never alerts: each 15-minute update file is the real
15-minute export moved to one of the last days of the tiled range, with 300 of its rows turned into USA→CHN
use of force (CAMEO 190, Goldstein -10, five sources, a distinct source URL each), so the alert path, and its
triggering events, are measured on every size.

The floor and the ingest are interleaved in one run (floor, ingest, floor; ``--rounds N`` for more), and each
ingest's ratio is to the mean of the floors either side of it: the shared machine's load drifts within a run.
``--ingest-only`` measures the floor and the ingest alone (a short run while working on the ingest);
``--baseline DIR`` also ingests with the detente package in DIR (e.g. main's, from
``git archive main detente | tar -x -C DIR``) in the same run, between the floor and this code's ingest; with
``--served DIR`` (a store kept by ``--keep``), the server part alone, the baseline's server and this code's
alternated on that one store (``--rounds N`` pairs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

SHARED = Path(os.environ.get("DETENTE_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))
SAMPLE = SHARED / "events" / "gdelt2" / "20191024143000.export.CSV"
CLI = [sys.executable, "-c", "from detente.cli import main; main()"]

FLOOR = """
import sys, time, duckdb
c = duckdb.connect(sys.argv[2]); c.execute("SET enable_progress_bar = false")
t = time.perf_counter()
c.execute(f"CREATE TABLE e AS SELECT * FROM read_csv('{sys.argv[1]}', delim='\\t', header=false)")
print(time.perf_counter() - t, c.execute("SELECT count(*) FROM e").fetchone()[0])
"""

ENDPOINTS = {
    "dyad timeline": "/api/dyads/USA,CHN/index?res=day&points=1000",
    "trust": "/api/dyads/USA,CHN/trust?res=month",
    "tension map": "/api/tension?actor=USA",
    "alerts": "/api/alerts?res=day&top=20&events=5",
    "event search": "/api/events?dyad=USA,CHN&limit=100",
}


CPU_S: list[float] = [0.0]  # CPU seconds (user + system) of the last child process measured


def _run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of a child process (its CPU seconds in ``CPU_S``)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    CPU_S[0] = usage.ru_utime + usage.ru_stime
    out = proc.stdout.read() if proc.stdout else ""
    errs = proc.stderr.read() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd[-3:])}: {errs[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def _last_day(path: Path) -> dt.date:
    """The latest day of a tiled file: the DATEADDED day of its first copy."""
    with open(path, "rb") as f:
        added = f.readline().split(b"\t")[59].decode()
    return dt.date(int(added[:4]), int(added[4:6]), int(added[6:8]))


def update_files(work: Path, last: dt.date, n: int = 5, hostile: int = 300, salt: int = 0) -> list[Path]:
    """n 15-minute files on the last n days of the tiled range, each escalating USA→CHN."""
    rows = [line.split("\t") for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    out = []
    for k in range(n):
        day = last - dt.timedelta(days=n - 1 - k)
        stamp = day.strftime("%Y%m%d")
        at = dt.datetime(2000, 1, 1, 14, 30) + dt.timedelta(minutes=15 * k)
        p = work / f"{stamp}{at:%H%M%S}.export.CSV"
        with open(p, "w", encoding="utf-8") as f:
            for i, r in enumerate(rows):
                r = list(r)
                r[0] = str(2_000_000_000 + salt * 100_000 + k * 10_000 + i)
                r[1], r[2], r[3] = stamp, stamp[:6], stamp[:4]
                r[59] = stamp + r[59][8:]
                if i < hostile:
                    r[5], r[6], r[7] = "USA", "UNITED STATES", "USA"
                    r[15], r[16], r[17] = "CHN", "CHINA", "CHN"
                    r[26], r[27], r[28], r[29], r[30] = "190", "190", "19", "4", "-10.0"
                    r[31], r[32], r[33] = "10", "5", "10"
                    r[60] = f"https://escalation.invalid/{salt}/{stamp}/{k}/{i}"
                f.write("\t".join(r) + "\n")
        out.append(p)
    return out


def cpu_ms(pid: int) -> float:
    """CPU milliseconds (user + system) a process has used so far (Linux /proc; 10 ms ticks)."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    vals = {
        ln.split(":")[0]: int(ln.split()[1]) / 1024 for ln in status.splitlines() if ln.startswith(("VmRSS", "VmHWM"))
    }
    return vals.get("VmRSS", 0.0), vals.get("VmHWM", 0.0)


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s)) - 1))] if s else float("nan")


def distinct_queries(url: str, name: str, n: int, seed: int = 11) -> list[str]:
    """``n`` different real questions for one endpoint (no two alike, so none is answered from the cache)."""
    import random

    rng = random.Random(seed)
    dyads: list[tuple[str, str]] = []
    days: list[str] = []
    for actor in ("USA", "RUS", "CHN"):
        r = httpx.get(f"{url}/api/tension?actor={actor}", timeout=600).json()
        dyads += [(actor, row["actor"]) for row in r.get("tension", [])]
        days.append(r.get("on", "2019-10-24"))
    dyads = sorted(set(dyads)) or [("USA", "CHN")]
    actors = sorted({a for d in dyads for a in d})
    last = dt.date.fromisoformat(max(days))
    combos: list[str] = []
    if name == "dyad timeline":
        combos = [f"/api/dyads/{a},{b}/index?res={res}&points={p}" for a, b in dyads
                  for res in ("day", "week", "month") for p in (250, 500, 1000)]  # fmt: skip
    elif name == "trust":
        combos = [f"/api/dyads/{a},{b}/trust?res={res}" for a, b in dyads for res in ("day", "week", "month", "year")]
    elif name == "tension map":
        combos = [f"/api/tension?actor={a}&on={last - dt.timedelta(days=k)}" for a in actors for k in range(0, 60, 3)]
    elif name == "alerts":
        combos = [f"/api/alerts?res={res}&top={top}&events={ev}" for res in ("day", "week", "month")
                  for top in range(5, 55, 5) for ev in (0, 3, 5, 10)]  # fmt: skip
    elif name == "event search":
        combos = [f"/api/events?dyad={a},{b}&limit={lim}&offset={off}" for a, b in dyads
                  for lim in (50, 100) for off in (0, 100, 200)]  # fmt: skip
    rng.shuffle(combos)
    while len(combos) < n:  # a small store: repeat the questions with a distinct day range each time
        combos += [f"{c}&since=19{k:02d}-01-01" for k, c in enumerate(combos[: n - len(combos)])]
    return combos[:n]


#: The load generator's HTTP client: ``stdlib`` (http.client, one keep-alive connection per client thread) or
#: ``httpx`` (what sessions up to the fifth used). Both run as threads of this one Python process on the server's
#: two cores; httpx costs about 2 ms of CPU per request in the client (10-20 times what a kept answer costs the
#: server), so with 20 threads its latencies were mostly the client's own GIL queue (BENCHMARKS.md, session six).
CLIENTS = ("stdlib", "httpx")


def load(
    url: str,
    path: str,
    clients: int,
    per_client: int,
    distinct: bool,
    queries: list[str] | None = None,
    client: str = "stdlib",
) -> dict[str, float]:
    """Latency percentiles (ms) of ``path`` under ``clients`` concurrent loopback clients, bounded loops;
    ``queries``: one distinct question per request instead (``clients * per_client`` of them). Each latency is
    from sending the request to having read the whole body, on a connection opened before the clock starts."""
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)
    parts = urlsplit(url)

    def one_stdlib(c: int) -> None:
        h = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
        h.connect()
        try:
            start.wait()
            for i in range(per_client):
                q = queries[c * per_client + i] if queries else path
                t = time.perf_counter()
                h.request("GET", q)
                r = h.getresponse()
                r.read()
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    (lat.append(ms) if r.status == 200 else errors.append(f"{r.status}"))
        finally:
            h.close()

    def one_httpx(c: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as h:
            start.wait()
            for i in range(per_client):
                q = queries[c * per_client + i] if queries else path
                t = time.perf_counter()
                r = h.get(q)
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    (lat.append(ms) if r.status_code == 200 else errors.append(f"{r.status_code}"))

    one = {"stdlib": one_stdlib, "httpx": one_httpx}[client]
    t0 = time.perf_counter()
    threads = [threading.Thread(target=one, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "n": len(lat), "errors": len(errors), "p50": _pct(lat, 50), "p95": _pct(lat, 95), "p99": _pct(lat, 99),
        "req_per_s": len(lat) / wall if wall else 0.0,
    }  # fmt: skip


def _ingest(csv: Path, work: Path, db: Path, src: Path | None = None) -> dict[str, Any]:
    """``detente ingest`` of ``csv`` into a new store ``db`` in its own process; ``src``: run the detente package
    found there instead (a checkout of the code before a change, for a before/after in one run)."""
    env = {**os.environ, "DETENTE_DB": str(db), "DETENTE_OPS_URL": f"sqlite:///{work / 'ops.sqlite'}", "COLUMNS": "200"}
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    _run_measured([*CLI, "init", "--json"], env)
    wall, peak, stdout = _run_measured([*CLI, "ingest", "--json", str(csv)], env)
    summary = json.loads(stdout)
    return {
        "wall": wall, "seconds": summary["files"][0]["seconds"], "peak_mib": peak, "read": summary["read"],
        "stored": summary["stored"], "duplicates": summary["duplicates"], "quarantined": summary["quarantined"],
        "reconciles": summary["reconciles"], "cpu_s": CPU_S[0],
    }  # fmt: skip


def _floor(csv: Path, work: Path) -> dict[str, Any]:
    """Bare DuckDB ``read_csv`` of the file into a table, in its own process."""
    wall, peak, stdout = _run_measured([sys.executable, "-c", FLOOR, str(csv), str(work / "floor.duckdb")])
    (work / "floor.duckdb").unlink()
    return {
        "seconds": float(stdout.split()[0]), "wall": wall, "rows": int(stdout.split()[1]), "peak_mib": peak,
        "cpu_s": CPU_S[0],
    }  # fmt: skip


def measure(
    csv: Path,
    work: Path,
    clients: int,
    ingest_only: bool = False,
    baseline: Path | None = None,
    client: str = "stdlib",
    rounds: int = 1,
) -> dict[str, Any]:
    out: dict[str, Any] = {"file": csv.name, "bytes": csv.stat().st_size}
    db = work / "store.duckdb"
    # the floor and the ingests interleaved, each in its own process, the file read once before any: floor,
    # (baseline,) ingest, floor, ... ending on a floor, so each ingest is compared with the floors either side of it
    # (the machine's load drifts during a run: a floor measured once, before, made the ratio drift with it)
    with open(csv, "rb") as f:
        while f.read(64 << 20):
            pass
    floors: list[dict[str, Any]] = []
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "ingest": []}
    for r in range(rounds + 1):
        floors.append(_floor(csv, work))
        if r == rounds:
            break
        if baseline is not None:  # the code before the change, between the floor and the code now
            runs["baseline"].append(_ingest(csv, work, work / "baseline.duckdb", baseline))
            for p in work.glob("baseline.duckdb*"):
                p.unlink()
        for p in work.glob("store.duckdb*"):
            p.unlink()
        runs["ingest"].append(_ingest(csv, work, db))
    out["floor"] = floors[0] | {
        "wall": sum(f["wall"] for f in floors) / len(floors), "walls": [f["wall"] for f in floors],
        "cpu_s": sum(f["cpu_s"] for f in floors) / len(floors),
    }  # fmt: skip
    for name, results in runs.items():
        if not results:
            continue
        # each run against the mean of the floors just before and just after it; the median round is reported
        ratios = [x["wall"] * 2 / (floors[i]["wall"] + floors[i + 1]["wall"]) for i, x in enumerate(results)]
        mid = sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]
        out[name] = results[mid] | {"walls": [x["wall"] for x in results], "ratios": ratios}
        out[f"{name}_vs_floor"] = ratios[mid]
    out["store_mib"] = sum(p.stat().st_size for p in work.glob("store.duckdb*")) / 2**20
    if ingest_only:
        return out
    out.update(serve_and_load(csv, work, clients, client))
    return out


def serve_and_load(
    csv: Path, work: Path, clients: int, client: str = "stdlib", src: Path | None = None
) -> dict[str, Any]:
    """The server on ``work``'s store, the CLI's updates through it, and the API under load; ``src``: serve (and
    run the CLI) with the detente package found there instead (main's code, for a side-by-side run)."""
    out: dict[str, Any] = {}
    db = work / "store.duckdb"
    env = {**os.environ, "DETENTE_DB": str(db), "DETENTE_OPS_URL": f"sqlite:///{work / 'ops.sqlite'}", "COLUMNS": "200"}
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    # the server, and the CLI going through it
    t = time.perf_counter()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    from detente.announcement import announced

    while (a := announced(db)) is None:
        if server.poll() is not None:
            raise SystemExit(f"server failed: {server.stderr.read().decode() if server.stderr else ''}")
        time.sleep(0.02)
    url = a.url
    while httpx.get(f"{url}/api/health").status_code != 200:
        time.sleep(0.02)
    out["serve_first_200_s"] = time.perf_counter() - t
    try:
        t = time.perf_counter()
        with httpx.stream("GET", f"{url}/") as r:
            out["dashboard_first_byte_ms"] = (time.perf_counter() - t) * 1000
            r.read()
        updates = []
        # new event ids and source URLs per run, so a kept store (--served) stores each run's updates again
        salt = 1 + int(time.time()) % 9_999
        for f in update_files(work, _last_day(csv), salt=salt):
            wall, _, stdout = _run_measured([*CLI, "ingest", "--json", str(f)], env)
            s = json.loads(stdout)
            updates.append({"server_s": s["files"][0]["seconds"], "cli_wall_s": wall, "stored": s["stored"]})
        out["updates"] = updates
        out["update_p95_server_s"] = _pct([u["server_s"] for u in updates], 95)
        out["update_p95_cli_wall_s"] = _pct([u["cli_wall_s"] for u in updates], 95)
        # readers answer from the last published version until the new one is loaded: wait (30 s at most) for the
        # last update's escalation day to show, and record how long that took after the CLI returned
        t = time.perf_counter()
        while True:
            alerts = httpx.get(f"{url}/api/alerts?res=day&top=20&events=3", timeout=600).json()["alerts"]
            out["escalation_alerts"] = sum(1 for x in alerts if {x["a"], x["b"]} == {"USA", "CHN"})
            if out["escalation_alerts"] >= len(updates) or time.perf_counter() - t > 30:
                break
            time.sleep(0.05)
        out["last_update_visible_after_s"] = time.perf_counter() - t
        out["alerts_after_updates"] = [
            {k: x[k] for k in ("a", "b", "period", "score", "hostile_events")}
            | {"triggering": len(x["events_triggering"])}
            for x in alerts[:5]
        ]
        api: dict[str, Any] = {}
        for name, path in ENDPOINTS.items():
            t = time.perf_counter()
            r = httpx.get(f"{url}{path}", timeout=600)
            cold = (time.perf_counter() - t) * 1000
            c0 = cpu_ms(server.pid)
            cached = load(url, path, clients, 20, distinct=False, client=client)
            c1 = cpu_ms(server.pid)
            queries = distinct_queries(url, name, clients * 3)
            c2 = cpu_ms(server.pid)
            uncached = load(url, path, clients, 3, distinct=True, queries=queries, client=client)
            c3 = cpu_ms(server.pid)
            # the server's CPU per request: what an answer costs it, steadier than latency on a shared machine
            cached["server_cpu_ms"] = (c1 - c0) / max(1, cached["n"])
            uncached["server_cpu_ms"] = (c3 - c2) / max(1, uncached["n"])
            api[name] = {"cold_ms": cold, "bytes": len(r.content), "cached": cached, "uncached": uncached}
            print(f"  {name}: {json.dumps(api[name])}", file=sys.stderr, flush=True)
        # distinct alert questions arriving right after a write (one more update file): each new data version
        # needs its ranked alerts; asked before the write so that the load starts the moment the CLI returns
        queries = distinct_queries(url, "alerts", clients * 3, seed=12)
        (f,) = update_files(work, _last_day(csv), n=1, salt=salt % 9_999 + 1)
        wall, _, stdout = _run_measured([*CLI, "ingest", "--json", str(f)], env)
        c0 = cpu_ms(server.pid)
        after = load(url, "", clients, 3, distinct=True, queries=queries, client=client)
        after["server_cpu_ms"] = (cpu_ms(server.pid) - c0) / max(1, after["n"])
        api["alerts"]["after_write"] = after
        print(f"  alerts right after a write: {json.dumps(after)}", file=sys.stderr, flush=True)
        out["api"] = api
        out["server_rss_mib"], out["server_peak_rss_mib"] = _rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=120)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--work", type=Path, default=None, help="Folder for the stores (default: a temporary one).")
    ap.add_argument("--keep", action="store_true", help="Keep each size's store (its folder is printed).")
    ap.add_argument(
        "--served",
        type=Path,
        default=None,
        help="A folder kept by --keep: measure only the server, updates and API on its store (FILES: its file).",
    )
    ap.add_argument(
        "--client", choices=CLIENTS, default="stdlib", help="The load generator's HTTP client (see CLIENTS)."
    )
    ap.add_argument("--ingest-only", action="store_true", help="Measure the floor and the ingest only (no server).")
    ap.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="A source folder holding another detente package (e.g. `git archive main detente | tar -x -C DIR`): "
        "its ingest is measured too, after the floor and before this code's, for a before/after in one run; with "
        "--served, its server is measured on the same store, alternated with this code's (--rounds times).",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="Ingests per file, interleaved with the floor (floor, ingest, floor, ...): the median ratio is reported.",
    )
    args = ap.parse_args()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": os.getloadavg(),
        "client": args.client,
        "sizes": [],
    }
    for csv in args.files:
        if args.served is not None and args.baseline is not None:
            # the baseline's server and this code's on the same store, alternated ``--rounds`` times
            r = {"file": csv.name, "served_only": str(args.served), "runs": []}
            for k in range(args.rounds):
                for code, src in (("baseline", args.baseline), ("this", None)):
                    print(f"== {csv.name} served by {code}, round {k + 1}", file=sys.stderr, flush=True)
                    got = serve_and_load(csv, args.served, args.clients, args.client, src)
                    r["runs"].append({"code": code, "round": k + 1, "load_after": os.getloadavg()} | got)
            report["sizes"].append(r)
            print(json.dumps(r, indent=2), flush=True)
            continue
        if args.served is not None:
            r = {"file": csv.name, "served_only": str(args.served)} | serve_and_load(
                csv, args.served, args.clients, args.client
            )
            r["load_after"] = os.getloadavg()
            report["sizes"].append(r)
            print(json.dumps(r, indent=2), flush=True)
            continue
        work = Path(tempfile.mkdtemp(prefix="detente-scale-", dir=args.work))
        print(f"== {csv} in {work}", file=sys.stderr, flush=True)
        r = measure(csv, work, args.clients, args.ingest_only, args.baseline, args.client, args.rounds)
        r["load_after"] = os.getloadavg()
        report["sizes"].append(r)
        print(json.dumps(r, indent=2), flush=True)
        if not args.keep:
            shutil.rmtree(work)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
