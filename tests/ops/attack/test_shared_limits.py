"""An attacker spreading a flood over the processes that serve one workspace.

A deployment runs several API workers (and the operator's CLI) on one ops database. Counted in each process's
memory, every worker would allow the full write allowance and the full login budget, so an attacker whose
requests a load balancer spreads over N workers would get N times as much. The counts therefore live in the ops
database, taken by atomic upserts: here two app instances, each with its own store object, engine, pool and lock
(nothing shared but the database, as between processes), and then real separate processes, draw on one
allowance on SQLite and PostgreSQL, with their requests racing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.api.ratelimit import WriteLimit
from detente.config import Settings
from detente.ops.auth import FREE_FAILURES
from detente.ops.db import OpsDB
from detente.ops.models import utcnow
from detente.store import Store

from ..conftest import PASSWORD, World

BODY = {"kind": "defense_dialogue", "title": "Talks", "start_date": "2026-03-02", "end_date": "2026-03-02"}
NOW = 1_000_000.0  # the write limits' clock, frozen: a slow machine cannot refill a bucket mid-test


@pytest.fixture()
def frozen_logins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The login throttle's clock, frozen (a wait cannot run out while the test runs)."""
    at = utcnow()
    monkeypatch.setattr("detente.ops.auth.utcnow", lambda: at)


@pytest.fixture()
def two_apps(world: World, ops_url: str, tmp_path: Path, store: Store) -> Iterator[list[TestClient]]:
    """Two app instances serving the same workspace, as two worker processes would: each opens its own
    :class:`OpsDB` on the same URL and keeps its own write limits object (5 a minute per token, 8 per party)."""
    from detente.api import create_app

    clients, opened = [], []
    for _ in range(2):
        app = create_app(Settings(db=tmp_path / "t.duckdb", ops_url=ops_url, secret_key="test-secret"), store=store)
        app.state.ops = OpsDB(ops_url)
        app.state.write_limit = WriteLimit(per_token=5, per_party=8, clock=lambda: NOW)
        opened.append(app.state.ops)
        clients.append(TestClient(app))
    for c in clients:
        c.__enter__()
    yield clients
    for c in clients:
        c.__exit__(None, None, None)
    for db in opened:
        db.dispose()


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at once, one thread each, released together; their results in order."""
    out: list[Any] = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def run(i: int) -> None:
        gate.wait()
        out[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def _token(client: TestClient, user: str) -> dict[str, str]:
    r = client.post("/api/ops/login", json={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_a_token_spread_over_two_workers_gets_one_allowance(two_apps: list[TestClient], world: World) -> None:
    h = _token(two_apps[0], "a_officer")  # a token works on every worker (one secret key)
    got = _together([lambda c=two_apps[i % 2]: c.post("/api/ops/engagements", json=BODY, headers=h).status_code
                     for i in range(16)])  # fmt: skip
    assert sorted(got) == [201] * 5 + [429] * 11, got
    listed = two_apps[1].get("/api/ops/engagements", params={"limit": 500}, headers=h).json()
    assert len(listed) == 5  # nothing the refusals were for was written


def test_a_party_spread_over_tokens_and_workers_gets_one_allowance(two_apps: list[TestClient], world: World) -> None:
    heads = [_token(two_apps[i % 2], user) for i, user in enumerate(["a_officer", "a_officer", "a_admin", "a_admin"])]
    got = _together([lambda c=two_apps[i % 2], h=heads[i % 4]: c.post("/api/ops/engagements", json=BODY,
                                                                      headers=h).status_code
                     for i in range(16)])  # fmt: skip
    assert got.count(201) == 8 and got.count(429) == 8, got  # the party's 8, whichever worker and token
    other = _token(two_apps[1], "b_officer")
    assert two_apps[1].post("/api/ops/engagements", json=BODY, headers=other).status_code == 201  # Bland is not slowed


def test_a_password_guesser_spread_over_two_workers_gets_one_budget(
    two_apps: list[TestClient], world: World, frozen_logins: None
) -> None:
    """Wrong passwords sent at once to both workers: each try is counted before its password is checked, so only
    the free tries and the one that earns the first wait are checked, however many race; the rest wait unchecked."""
    bad = {"username": "a_officer", "password": "not the password"}
    got = _together([lambda c=two_apps[i % 2]: c.post("/api/ops/login", json=bad).status_code for i in range(20)])
    assert got.count(401) == FREE_FAILURES + 1 and got.count(429) == 20 - FREE_FAILURES - 1, got
    # the right password from the same address waits too (the address is throttled, whoever asks)
    r = two_apps[1].post("/api/ops/login", json={"username": "a_officer", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


def test_a_right_password_does_not_count_as_a_failure(
    two_apps: list[TestClient], world: World, frozen_logins: None
) -> None:
    for _ in range(3 * FREE_FAILURES):  # many good logins from one address, on both workers
        for c in two_apps:
            _token(c, "b_officer")
    bad = {"username": "b_officer", "password": "not the password"}
    got = [two_apps[i % 2].post("/api/ops/login", json=bad).status_code for i in range(FREE_FAILURES + 2)]
    assert got == [401] * (FREE_FAILURES + 1) + [429], got


_PROCESS = """
import sys
from detente.api.ratelimit import WriteLimit
from detente.errors import RateLimited
from detente.ops.db import OpsDB
db, ok = OpsDB(sys.argv[1]), 0
limit = WriteLimit(per_token=7, per_party=0, clock=lambda: 1_000_000.0)
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[2])):
    try:
        limit.take(db, "stolen-token", 1)
        ok += 1
    except RateLimited:
        pass
print(ok, flush=True)
"""


def test_separate_processes_share_the_write_allowance(world: World, ops_url: str) -> None:
    """Three real processes take writes for one token as fast as they can: together they get its 7."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    procs = [subprocess.Popen([sys.executable, "-c", _PROCESS, ops_url, "10"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(3)]  # fmt: skip
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        for p in procs:  # released together
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        took = [int(p.communicate(timeout=120)[0].strip()) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert sum(took) == 7, took
    assert all(p.returncode == 0 for p in procs)


def test_idle_buckets_are_forgotten_and_a_refusal_takes_nothing(world: World) -> None:
    from sqlalchemy import func, select

    from detente.ops import buckets
    from detente.ops.models import WriteBucket

    limit = WriteLimit(per_token=2, per_party=3, clock=lambda: NOW)
    for token in ("t1", "t1", "t2"):
        limit.take(world.db, token, 1)
    with pytest.raises(Exception, match="your party"):
        limit.take(world.db, "t3", 1)  # the party's 3 are gone: t3's own bucket is not touched either
    with world.db.session() as s:
        left = {k: v for k, v in s.execute(select(WriteBucket.key, WriteBucket.tokens))}
        assert left == {"token:t1": 0.0, "token:t2": 1.0, "party:1": 0.0}, left
        assert buckets.forget_full(s, NOW + 30) == 0  # not idle a minute yet
        assert buckets.forget_full(s, NOW + 61) == 3
        assert s.scalar(select(func.count()).select_from(WriteBucket)) == 0


def test_a_token_ended_on_one_worker_is_dead_on_the_other(two_apps: list[TestClient], world: World) -> None:
    """Logging out (or out everywhere) on one worker ends the token on every worker: the revocation and the
    stamp are rows of the ops database, not state of the process that took the request."""
    one, other = two_apps
    h = _token(one, "b_officer")
    assert other.get("/api/ops/me", headers=h).status_code == 200
    assert one.post("/api/ops/logout", headers=h).status_code == 200
    r = other.get("/api/ops/me", headers=h)
    assert r.status_code == 401 and "logging out" in r.json()["error"]["message"]
    tokens = [_token(c, "b_officer") for c in two_apps]
    assert other.post("/api/ops/logout-everywhere", headers=tokens[1]).status_code == 200
    for c in two_apps:
        for t in tokens:
            assert c.get("/api/ops/me", headers=t).status_code == 401


def test_the_buckets_table_migrates_up_and_down(ops_at: Callable[[str], OpsDB]) -> None:
    """Alembic 0105 adds the shared buckets to a store of 0104, and takes them away again."""
    from sqlalchemy import inspect

    from detente.ops.db import HEAD

    db = ops_at("0104")
    assert "ops_write_buckets" not in inspect(db.engine).get_table_names()
    assert db.migrate() == HEAD
    WriteLimit(per_token=1, per_party=0, clock=lambda: NOW).take(db, "t", 1)
    assert db.downgrade("0104") == "0104"
    assert "ops_write_buckets" not in inspect(db.engine).get_table_names()
    assert db.migrate() == HEAD
    WriteLimit(per_token=1, per_party=0, clock=lambda: NOW).take(db, "t", 1)  # a fresh, empty table
