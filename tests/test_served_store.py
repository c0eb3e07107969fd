"""One store, many users: `detente serve` runs, the CLI ingests through it, readers read meanwhile.

The real server (uvicorn, a free loopback port) and the real CLI run as subprocesses; API readers run in
threads. Checked: the CLI works on the served store (it would otherwise fail on DuckDB's file lock), the
ingest lands exactly once and is visible to the API at once, readers never fail or see a part of the file,
the CLI's reads equal the API's, and the local control endpoint refuses anyone without the server's token.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from detente.announcement import announced, path_for
from detente.store import Store
from detente.store.reference import load_reference
from tests.ops.test_cli_actions import cli as cli_ops  # noqa: F401  the ops CLI fixture (parties, users)

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-c", "from detente.cli import main; main()"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DETENTE_DB": str(tmp_path / "s.duckdb"),
        "DETENTE_OPS_URL": f"sqlite:///{tmp_path / 'ops.sqlite'}",
        "COLUMNS": "200",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from detente.cli import main; main()", *args],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


class Served:
    def __init__(self, env: dict[str, str], db: Path) -> None:
        self.db = db
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from detente.cli import main; main()", "serve", "--port", "0"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while (a := announced(db)) is None:
            assert self.proc.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not announce itself"
            time.sleep(0.05)
        self.url, self.token = a.url, a.token
        self.first_200 = httpx.get(f"{self.url}/api/events?actor=USA&limit=1").status_code
        self.startup_seconds = time.monotonic() - t0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


@pytest.fixture()
def served(tmp_path: Path) -> Any:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    srv = Served(_env(tmp_path), db)
    yield srv
    srv.stop()


def _events_file(shared_data: Path) -> Path:
    return shared_data / "events" / "gdelt2" / "20191024143000.export.CSV"


def test_cli_ingest_through_the_server_with_concurrent_readers(
    served: Served, tmp_path: Path, shared_data: Path
) -> None:
    env = _env(tmp_path)
    assert served.first_200 == 200
    assert oct(path_for(served.db).stat().st_mode & 0o777) == "0o600"
    seen: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        with httpx.Client(base_url=served.url, timeout=60) as c:
            for _ in range(400):  # bounded
                if stop.is_set():
                    return
                r = c.get("/api/events", params={"actor": "USA", "limit": 10000})
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {r.text[:200]}")
                    return
                seen.append(r.json()["count"])
                c.get("/api/dyads/USA,CHN/index", params={"res": "month"}).raise_for_status()

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    r = cli(env, "ingest", "--json", str(_events_file(shared_data)))
    after_ingest = httpx.get(f"{served.url}/api/events", params={"actor": "USA", "limit": 10000}).json()["count"]
    stop.set()
    for t in threads:
        t.join(timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["read"] == 2111 and out["reconciles"] is True
    assert not failures, failures
    # readers saw the store before the file or with all of it, never a part
    assert set(seen) <= {0, after_ingest} and after_ingest > 0
    # the CLI's reads go through the server: the same answers as the API
    src = json.loads(cli(env, "sources", "--json").stdout)
    assert src["sources"][0]["files"] == 1 and src["sources"][0]["stored"] == out["stored"]
    assert src["tables"]["events"] == out["stored"]
    ev = json.loads(cli(env, "events", "--actor", "USA", "--limit", "100000", "--json").stdout)
    assert ev["count"] == after_ingest
    # exactly once: a second ingest of the same file adds nothing
    again = json.loads(cli(env, "ingest", "--json", str(_events_file(shared_data))).stdout)
    assert again["stored"] == 0
    assert json.loads(cli(env, "sources", "--json").stdout)["tables"]["events"] == out["stored"]


def test_local_commands_need_the_servers_token(served: Served) -> None:
    body = {"argv": ["sources", "--json"], "id": "0123456789abcdef"}
    assert httpx.post(f"{served.url}/api/local/run", json=body).status_code == 401
    bad = {"Authorization": "Bearer not-the-token"}
    assert httpx.post(f"{served.url}/api/local/run", json=body, headers=bad).status_code == 401
    ok = {"Authorization": f"Bearer {served.token}"}
    lines = [json.loads(x) for x in httpx.post(f"{served.url}/api/local/run", json=body, headers=ok).text.splitlines()]
    assert lines[-1] == {"exit": 0}
    # the same command id runs once
    assert httpx.post(f"{served.url}/api/local/run", json=body, headers=ok).status_code == 409


def test_stopping_the_server_withdraws_it_and_a_stale_file_is_ignored(served: Served, tmp_path: Path) -> None:
    env = _env(tmp_path)
    served.stop()
    assert not path_for(served.db).exists()
    assert cli(env, "sources", "--json").returncode == 0  # the CLI opens the file itself again
    # a server killed with -9 leaves its file behind: a dead pid is ignored
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    path_for(served.db).write_text(
        json.dumps({"url": "http://127.0.0.1:9", "pid": int(dead.stdout), "token": "x", "db": "d"})
    )
    assert announced(served.db) is None
    assert cli(env, "sources", "--json").returncode == 0


def test_a_hung_announcement_gives_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    # a live pid (this test) but nothing listening: the CLI says so in one line
    path_for(db).write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": os.getpid(), "token": "x", "db": str(db)}))
    r = cli(_env(tmp_path), "sources")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "does not answer" in r.stderr


def test_serve_follow_keeps_the_store_current_while_the_cli_reads(tmp_path: Path, shared_data: Path) -> None:
    from tests.ingest.feed_server import Feed, FeedServer

    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    env = _env(tmp_path)
    first = __import__("datetime").datetime(2019, 10, 24, 13, 0)
    feed = Feed(_events_file(shared_data), first, 4)
    feed.latest = 1
    with FeedServer(feed) as publisher:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from detente.cli import main; main()", "serve", "--port", "0", "--follow",
             "--since", "201910241300", "--interval", "1", "--base-url", publisher.url],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while (a := announced(db)) is None:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)

            def status() -> dict[str, Any]:
                r: dict[str, Any] = httpx.get(f"{a.url}/api/status", timeout=60).json()
                return r

            while status()["events"] == 0:  # the backfill: two quarter-hours
                assert time.monotonic() < deadline, status()
                time.sleep(0.2)
            feed.latest = 3  # two more are published

            def files_via_cli() -> int:
                sources = json.loads(cli(env, "sources", "--json").stdout)["sources"]
                return int(sources[0]["files"]) if sources else 0

            while files_via_cli() < 4:
                assert time.monotonic() < deadline, status()
                time.sleep(0.5)
            st = status()
            assert st["following"] is True and "ingested" in (st["follow_last_line"] or "")
            src = json.loads(cli(env, "sources", "--json").stdout)
            assert src["tables"]["events"] == status()["events"]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)


def _paused_env(tmp_path: Path, seconds: str) -> dict[str, str]:
    return {
        **_env(tmp_path),
        "DETENTE_TEST_PAUSE": "publish",
        "DETENTE_TEST_PAUSE_FILE": str(tmp_path / "paused"),
        "DETENTE_TEST_PAUSE_SECONDS": seconds,
    }


def _wait_for(path: Path, proc: subprocess.Popen[Any] | None = None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        assert proc is None or proc.poll() is None, "the process ended first"
        time.sleep(0.05)


def test_a_client_killed_mid_write_leaves_the_write_to_land_once(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    srv = Served(_paused_env(tmp_path, "3"), db)
    try:
        client = subprocess.Popen(
            [*CLI, "ingest", "--json", str(_events_file(shared_data))],
            env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(tmp_path / "paused", client)  # the server is inside the publish transaction
        client.kill()
        client.wait()
        headers = {"Authorization": f"Bearer {srv.token}"}
        deadline = time.monotonic() + 120
        while (jobs := httpx.get(f"{srv.url}/api/local/jobs", headers=headers).json())[0]["state"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert jobs[0]["exit"] == 0
        src = json.loads(cli(_env(tmp_path), "sources", "--json").stdout)
        assert src["sources"][0]["files"] == 1 and src["tables"]["events"] == src["sources"][0]["stored"] == 1648
    finally:
        srv.stop()


def test_a_server_killed_mid_write_leaves_nothing_of_it(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    srv = Served(_paused_env(tmp_path, "60"), db)
    client = subprocess.Popen(
        [*CLI, "ingest", "--json", str(_events_file(shared_data))],
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    _wait_for(tmp_path / "paused", client)
    srv.proc.kill()  # kill -9 inside the publish transaction
    srv.proc.wait()
    _, errs = client.communicate(timeout=60)
    assert client.returncode == 1 and errs.count("\n") == 1 and "stopped before command" in errs
    env = _env(tmp_path)
    src = json.loads(cli(env, "sources", "--json").stdout)  # the stale announcement is ignored
    assert src["tables"]["events"] == 0 and src["sources"] == []
    again = json.loads(cli(env, "ingest", "--json", str(_events_file(shared_data))).stdout)
    assert again["stored"] == 1648 and again["reconciles"]


def test_verify_incident_while_served_lands_in_ops_and_store_once(tmp_path: Path, cli_ops: Any) -> None:  # noqa: F811
    """The ops change and its outbox row commit in the CLI; the server applies the row to the store, once."""
    ag = cli_ops(
        "agreement", "Valley truce", "--as", "alice", "--start", "2026-01-01", "--term", "No fire",
        "--party", "Bland", "--monitor", "Mediators",
    )  # fmt: skip
    inc = cli_ops("report", str(ag["id"]), "--as", "bob", "--at", "2026-02-01T06:00:00", "--violator", "Aland")
    db = tmp_path / "d.duckdb"
    with Store.open(db) as s:
        load_reference(s)
    env = {**_env(tmp_path), "DETENTE_DB": str(db)}
    srv = Served(env, db)
    try:
        assert cli_ops("verify-incident", str(inc["id"]), "verified", "--as", "mo")["status"] == "verified"
        assert cli_ops("export-violations") == {"exported": 1}  # through the server too: nothing new, one row
    finally:
        srv.stop()
    with Store.open(db, read_only=True) as s:
        assert s.count("ceasefire_violations") == 1 and s.count("outbox_applied") == 1


class _Node:
    me: object


def _cycle() -> tuple[_Node, Any]:
    import weakref

    node = _Node()
    node.me = node  # a cycle: only the collector frees it
    return node, weakref.ref(node)


def test_settling_after_a_load_is_cheap_and_the_full_collection_waits_for_a_quiet_moment() -> None:
    """The server freezes what is alive after each load (cli/serve.Sweeper.settle) without a full collection (it
    stopped every request for 100-300 ms); what a later load drops, even in a reference cycle, is collected by the
    sweeper once no request is in flight, not kept for the server's lifetime."""
    import gc

    from detente.api.activity import Activity
    from detente.cli.serve import Sweeper

    activity = Activity()
    sweeper = Sweeper(activity, quiet=0.2, at_most=60)
    node, ref = _cycle()
    try:
        activity.in_flight = 1  # a user's request under way
        sweeper.settle()  # a load: node is alive, so frozen
        del node
        sweeper.settle()  # the next load collects only what is not frozen
        assert gc.get_freeze_count() > 0 and ref() is not None
        time.sleep(0.8)
        assert ref() is not None and sweeper.sweeps == 0  # no full collection while a request is in flight
        activity.in_flight, activity.last = 0, time.monotonic()
        deadline = time.monotonic() + 20
        while sweeper.sweeps == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ref() is None and gc.get_freeze_count() > 0
    finally:
        sweeper.close()
        gc.unfreeze()


def test_a_server_never_quiet_is_still_swept_at_most_so_late() -> None:
    import gc

    from detente.api.activity import Activity
    from detente.cli.serve import Sweeper

    activity = Activity()
    activity.in_flight = 1
    sweeper = Sweeper(activity, quiet=0.2, at_most=0.5)
    node, ref = _cycle()
    try:
        sweeper.settle()
        del node
        sweeper.settle()
        deadline = time.monotonic() + 20
        while sweeper.sweeps == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ref() is None
    finally:
        sweeper.close()
        gc.unfreeze()


def test_activity_counts_requests_in_flight() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from detente.api.activity import Activity, _Counted

    activity = Activity()
    seen: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(activity.in_flight)

    with ThreadPoolExecutor(1) as pool:  # a loop of its own (another test's may run in this thread)
        pool.submit(asyncio.run, _Counted(app, activity)({"type": "http"}, None, None)).result()  # type: ignore[arg-type]
    assert seen == [1] and activity.in_flight == 0 and activity.quiet_for() >= 0
