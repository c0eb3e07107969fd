"""A flood of logins from one address — with a right password (a stolen one, or a script gone wrong), or wrong
ones under ever new names.

Every login costs an argon2 hash (memory-hard by design), so a flood of logins is a flood of CPU and memory work,
and each good one mints a token. The failure throttle does not see right passwords, and new names each get their
own free failures. Every login try from one address therefore also takes a write from that address's login
bucket (``Settings.ops_logins_per_minute``), in the ops database like the write limits, *before* any argon2
work: past it the answer is 429 with ``Retry-After``, unchecked. Other addresses are not slowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.api.ratelimit import WriteLimit
from detente.config import Settings
from detente.store import Store

from ..conftest import PASSWORD, World, assert_error

NOW = 2_000_000.0


@pytest.fixture()
def client(world: World, ops_url: str, tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from detente.api import create_app
    from detente.ops import auth

    app = create_app(Settings(db=tmp_path / "t.duckdb", ops_url=ops_url, secret_key="k"), store=store)
    app.state.ops = world.db
    clock = {"now": NOW}
    app.state.write_limit = WriteLimit(0, 0, clock=lambda: clock["now"], per_login=10)
    checks = {"n": 0}
    real = auth.verify_password

    def counted(stored: str, password: str) -> bool:
        checks["n"] += 1
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", counted)
    with TestClient(app) as c:
        c.checks, c.clock = checks, clock  # type: ignore[attr-defined]
        yield c


def test_a_flood_of_good_logins_from_one_address_is_stopped_before_any_hashing(client: Any) -> None:
    good = {"username": "a_officer", "password": PASSWORD}
    got = [client.post("/api/ops/login", json=good).status_code for _ in range(25)]
    assert got == [200] * 10 + [429] * 15, got
    assert client.checks["n"] == 10  # the refused tries cost no argon2 work
    r = client.post("/api/ops/login", json=good)
    assert_error(r, 429)
    assert r.json()["error"]["code"] == "rate_limited" and "logins from your address" in r.json()["error"]["message"]
    assert r.headers["Retry-After"] == "6"  # 10 a minute: one every 6 s
    client.clock["now"] += 6
    assert client.post("/api/ops/login", json=good).status_code == 200
    assert client.post("/api/ops/login", json=good).status_code == 429
    # the operator lifts it at once (`detente ops unlock SOURCE`)
    from detente.ops.auth import unlock

    with client.app.state.ops.session() as s:
        assert unlock(s, "testclient")
    assert client.post("/api/ops/login", json=good).status_code == 200


def test_new_names_do_not_buy_new_tries_and_other_addresses_are_not_slowed(client: Any) -> None:
    got = [client.post("/api/ops/login", json={"username": f"user{i}", "password": "wrong pass"}).status_code
           for i in range(12)]  # fmt: skip
    assert got.count(429) >= 2 and client.checks["n"] <= 10, got
    other = TestClient(client.app, client=("203.0.113.9", 50000))
    assert other.post("/api/ops/login", json={"username": "b_officer", "password": PASSWORD}).status_code == 200


def test_the_login_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().ops_logins_per_minute == 300
    monkeypatch.setenv("DETENTE_OPS_LOGINS_PER_MINUTE", "0")
    assert Settings().ops_logins_per_minute == 0
