"""The server's own cost of an answer, in one process, without HTTP or a load generator (issue 11).

`python -m benchmarks.bench_served_cpu STORE TILED_FILE` on a store kept by ``bench_scale --keep`` (a copy: it
ingests update files into it). The app runs in this process (its lifespan, resident tables and warming as under
``detente serve``); requests go straight to the ASGI app, one at a time, from this thread, so on a shared machine
the figures are CPU seconds of this thread (``time.thread_time``), steadier than latency. Two measures:

- **right after a write**: the wall ms of the first alert question after each of ``--updates`` update files
  (``bench_scale.update_files``) is written on the server's writer, and of the next four: whether readers wait
  for the new version's tables;
- **distinct questions**: after ``--settle`` seconds (the warming done), the request thread's CPU ms per distinct
  timeline and trust question (``bench_scale.distinct_queries``'s dyads: the partners of USA, RUS and CHN), and
  the same with every kept series and page dropped first (``nothing kept``: each answer computed and encoded).

Run it once per code tree with ``PYTHONPATH`` (this one and, e.g., main's from ``git archive``), alternated, for a
side by side on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_scale import _last_day, update_files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store", type=Path)
    ap.add_argument("tiled", type=Path, help="The tiled file the store holds (its last day).")
    ap.add_argument("--updates", type=int, default=3)
    ap.add_argument("--settle", type=float, default=20.0)
    ap.add_argument("--salt", type=int, default=1)
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    import detente
    from detente.api import create_app
    from detente.config import Settings
    from detente.ingest import ingest_file
    from detente.store import Store

    s = Store.open(args.store)
    app = create_app(Settings(db=args.store, ops_url=f"sqlite:///{args.store.parent / 'cpu_ops.sqlite'}"), store=s)
    loop = asyncio.new_event_loop()

    def get(path: str, query: str) -> int:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "root_path": "", "query_string": query.encode(),
            "headers": [(b"cookie", b"x=1")],  # a cookie: never from the answer cache
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}, "app": app,
        }  # fmt: skip
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(m: dict[str, Any]) -> None:
            if m["type"] == "http.response.start":
                status.append(m["status"])

        loop.run_until_complete(app(scope, receive, send))
        return status[0]

    out: dict[str, Any] = {"code": str(Path(detente.__file__).parents[1])}
    files = update_files(args.store.parent, _last_day(args.tiled), n=args.updates, salt=args.salt)
    with TestClient(app) as client:
        w = app.state.writer
        w.refresh(wait=True)
        first, following = [], []
        for k, f in enumerate(files):
            with w.write() as wr:
                ingest_file(wr, f, "auto")
            t = time.perf_counter()
            assert get("/api/alerts", f"res=day&top={20 + k}&events=5") == 200
            first.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            for j in range(4):
                get("/api/alerts", f"res=week&top={10 + 5 * j + k}&events=3")
            following.append((time.perf_counter() - t) * 1000 / 4)
            w.refresh(wait=True)
        out["after_write_first_ms"] = [round(x, 1) for x in first]
        out["after_write_next_ms"] = [round(x, 1) for x in following]
        time.sleep(args.settle)
        tension = {a: client.get(f"/api/tension?actor={a}").json()["tension"] for a in ("USA", "RUS", "CHN")}
        dyads = sorted({(a, x["actor"]) for a, rows in tension.items() for x in rows})
        questions = {
            "timeline": [(f"/api/dyads/{a},{b}/index", f"res={res}&points={p}") for a, b in dyads
                         for res in ("day", "week", "month") for p in (250, 500, 1000)],
            "trust": [(f"/api/dyads/{a},{b}/trust", f"res={res}") for a, b in dyads
                      for res in ("day", "week", "month", "year")],
        }  # fmt: skip
        for qs in questions.values():
            random.Random(11).shuffle(qs)
        for label in ("after warming", "nothing kept"):  # the warmed pages first, for both
            for name, qs in questions.items():
                with w.read() as cur:
                    r = cur.served.resident
                    assert r is not None
                    if label == "nothing kept":
                        r.memo.pop("pages", None), r.memo.pop("series", None)
                t = time.thread_time()
                for path, query in qs:
                    assert get(path, query) == 200
                out[f"{name} {label} cpu_ms"] = round((time.thread_time() - t) / len(qs) * 1000, 3)
            out[f"{name} questions"] = len(qs)
    s.close()
    for f in files:
        f.unlink()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
