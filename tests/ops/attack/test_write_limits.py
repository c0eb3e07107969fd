"""A party (or a stolen token) flooding the operations API with writes.

Each session token and each party has a minute's allowance of writes, refilled evenly; past it the answer is
429 with ``Retry-After`` in the one JSON error shape, and nothing is written. Reads are not limited, refused
writes take nothing, another party is not slowed by the flood, and concurrent writes cannot overdraw. Several
processes serving one workspace share the allowance: tests/ops/attack/test_shared_limits.py.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from detente.api.ratelimit import WriteLimit
from detente.config import Settings
from detente.errors import RateLimited

from ..conftest import PASSWORD, Api, World, assert_error

BODY = {"kind": "defense_dialogue", "title": "Talks", "start_date": "2026-03-02", "end_date": "2026-03-02"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock(api: Api) -> Clock:
    c = Clock()
    api.client.app.state.write_limit = WriteLimit(per_token=5, per_party=8, clock=c)  # type: ignore[attr-defined]
    return c


def _write(api: Api, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    return api.client.post("/api/ops/engagements", json=body or BODY, headers=headers)


def _count(api: Api, user: str) -> int:
    return len(api.call("GET", "/api/ops/engagements", user, params={"limit": 500}).json())


def _second_token(api: Api, user: str) -> dict[str, str]:
    token = api.client.post("/api/ops/login", json={"username": user, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_a_token_flooding_writes_is_stopped_and_nothing_more_is_written(api: Api, world: World, clock: Clock) -> None:
    h = api.h("a_officer")
    assert [_write(api, h).status_code for _ in range(5)] == [201] * 5
    r = _write(api, h)
    assert_error(r, 429)
    assert r.json()["error"]["code"] == "rate_limited" and "this session" in r.json()["error"]["message"]
    assert r.headers["Retry-After"] == "12"  # 5 a minute: one every 12 s
    assert _count(api, "a_officer") == 5  # reads are not limited, and the refused write wrote nothing
    # invalid writes count too (a flood of bad bodies is still a flood), and refusals take nothing
    clock.now += 12
    assert _write(api, h, {"kind": "no such kind"}).status_code == 422
    assert_error(_write(api, h), 429)
    clock.now += 12
    assert _write(api, h).status_code == 201
    # a minute later the allowance is back, as a burst of at most a minute's worth
    clock.now += 600
    assert [_write(api, h).status_code for _ in range(6)] == [201] * 5 + [429]


def test_a_party_cannot_spread_a_flood_over_tokens_and_others_are_not_slowed(
    api: Api, world: World, clock: Clock
) -> None:
    tokens = [api.h("a_officer"), _second_token(api, "a_officer"), api.h("a_admin")]
    got = [_write(api, h).status_code for h in tokens for _ in range(4)]
    assert got.count(201) == 8 and got[-4:] == [429] * 4  # the party's 8 a minute, across its three tokens
    r = _write(api, tokens[2])
    assert "your party" in r.json()["error"]["message"] and int(r.headers["Retry-After"]) >= 1
    assert _write(api, api.h("b_officer")).status_code == 201  # Bland is not slowed by Aland's flood
    assert_error(api.client.post("/api/ops/engagements", json=BODY), 401)  # no token: refused before counting


def test_concurrent_writes_cannot_overdraw(world: World) -> None:
    limit = WriteLimit(per_token=5, per_party=0, clock=lambda: 1000.0)  # 0: no party limit
    ok: list[int] = []
    barrier = threading.Barrier(20)

    def one() -> None:
        barrier.wait()
        try:
            limit.take(world.db, "t", 1)
            ok.append(1)
        except RateLimited:
            pass

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ok) == 5


def test_the_limits_are_settings_and_zero_turns_them_off(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    monkeypatch.setenv("DETENTE_OPS_TOKEN_WRITES_PER_MINUTE", "0")
    s = Settings()
    assert (s.ops_token_writes_per_minute, s.ops_party_writes_per_minute) == (0, 600)
    off = WriteLimit(0, 0, clock=lambda: 0.0)
    for _ in range(1000):
        off.take(world.db, "t", 1)
    monkeypatch.setenv("DETENTE_OPS_PARTY_WRITES_PER_MINUTE", "-1")
    with pytest.raises(ValueError):
        Settings()


def test_a_flood_of_heavy_reads_draws_on_the_same_allowance(api: Api, world: World, clock: Clock) -> None:
    """Verifying a log recomputes all of it (a hotline of a few thousand entries: about a second), so a party
    that asks again and again could keep every core busy: each such read takes from the buckets like a write."""
    h = api.h("a_officer")
    ch = api.client.post("/api/ops/channels", json={"name": "A-B", "parties": [world.party["B"]]}, headers=h).json()
    heavy = [f"/api/ops/channels/{ch['id']}/verify", f"/api/ops/channels/{ch['id']}/chain"]
    got = [api.client.get(heavy[i % 2], headers=h).status_code for i in range(6)]
    assert got == [200] * 4 + [429] * 2, got  # the channel's creation took the first of the 5
    r = api.client.get(heavy[0], headers=h)
    assert_error(r, 429)
    assert "writes and checks from this session" in r.json()["error"]["message"]
    assert_error(api.client.get("/api/ops/engagements.ics", headers=h), 429)  # a whole calendar is heavy too
    # light reads are not limited, and another party's checks are not slowed
    assert all(api.client.get("/api/ops/channels", headers=h).status_code == 200 for _ in range(20))
    assert api.client.get(heavy[0], headers=api.h("b_officer")).status_code == 200
