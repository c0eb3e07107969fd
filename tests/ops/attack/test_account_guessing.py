"""A guesser spread over many addresses, and one that tries to lock a real user out with it.

The per-address throttle cannot see a botnet: each address makes a guess or two. The account therefore keeps
a count of its own, from anywhere; past ``ACCOUNT_FREE_FAILURES`` it waits (doubling, at most
``ACCOUNT_MAX_WAIT_SECONDS``) and its tries are refused unchecked, so a guesser gets about one guess per wait.
The same wait must not become a way to lock its user out: it is bounded, forgotten after a quiet hour, and it
spares the address the user last logged in from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from detente.errors import TooManyAttempts, Unauthorized
from detente.ops.auth import ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_WAIT_SECONDS, account_key, authenticate, unlock
from detente.ops.models import LoginThrottle, utcnow

from ..conftest import PASSWORD, Api, World, assert_error

Clock = Callable[[float], None]


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The throttle's time, frozen (a slow machine cannot let a wait run out mid-test); ``clock(seconds)`` moves
    it forward."""
    base, offset = utcnow(), [0.0]
    monkeypatch.setattr("detente.ops.auth.utcnow", lambda: base + dt.timedelta(seconds=offset[0]))

    def forward(seconds: float) -> None:
        offset[0] += seconds

    yield forward


def _try(w: World, username: str, password: str, source: str) -> str:
    """One login from ``source``: "ok", "wrong" or "wait" (committed either way, as the route does)."""
    with w.db.session() as s:
        try:
            authenticate(s, username, password, source=source)
            return "ok"
        except TooManyAttempts:
            return "wait"
        except Unauthorized:
            return "wrong"


def _botnet(w: World, username: str, n: int, start: int = 0) -> list[str]:
    return [_try(w, username, f"guess-{i}", f"198.51.100.{i % 250}/{i}") for i in range(start, start + n)]


def _account_wait(w: World, username: str) -> float:
    from detente.ops import auth

    now = auth.utcnow()  # type: ignore[attr-defined]  # the frozen clock of the test
    with w.db.session() as s:
        t = s.get(LoginThrottle, account_key(username))
        return 0.0 if t is None or t.blocked_until is None else float((t.blocked_until - now).total_seconds())


def test_a_guesser_spread_over_many_addresses_is_stopped(api: Api, world: World, clock: Clock) -> None:
    got = _botnet(world, "b_officer", ACCOUNT_FREE_FAILURES + 1)  # one guess per address: no address waits
    assert got == ["wrong"] * (ACCOUNT_FREE_FAILURES + 1)
    # now the account waits: a fresh address with the right password is refused unchecked
    assert _try(world, "b_officer", PASSWORD, "203.0.113.7") == "wait"
    r = api.client.post("/api/ops/login", json={"username": "b_officer", "password": PASSWORD})
    assert_error(r, 429)
    assert "for this account" in r.json()["error"]["message"] and 1 <= int(r.headers["Retry-After"]) <= 2
    # over an hour of a steady botnet, it gets about one guess per wait (at most 5 min), not thousands
    checked = 0
    for i in range(600):
        clock(6)
        checked += _try(world, "b_officer", f"guess-x{i}", f"192.0.2.{i % 250}/{i}") == "wrong"
    assert checked <= 3600 / ACCOUNT_MAX_WAIT_SECONDS + 10, checked
    # an unknown name is throttled the same way (the answers do not tell which names exist)
    assert _botnet(world, "nobody-here", ACCOUNT_FREE_FAILURES + 2)[-2:] == ["wrong", "wait"]


def test_the_real_user_is_never_locked_out_for_good(api: Api, world: World, clock: Clock) -> None:
    assert _try(world, "a_officer", PASSWORD, "10.0.0.1") == "ok"  # the user's usual address
    got = _botnet(world, "a_officer", 200)  # a long attack from everywhere else
    assert got.count("wrong") == ACCOUNT_FREE_FAILURES + 1 and got[-1] == "wait"
    # the user's own address is spared the account's wait ...
    assert _try(world, "a_officer", PASSWORD, "10.0.0.1") == "ok"
    # ... and from a new address the wait is bounded: at most ACCOUNT_MAX_WAIT_SECONDS, whatever the attack
    for k in range(30):
        clock(_account_wait(world, "a_officer") + 0.5)
        assert _botnet(world, "a_officer", 1, start=1000 + k) == ["wrong"]
        assert 0 < _account_wait(world, "a_officer") <= ACCOUNT_MAX_WAIT_SECONDS
    # refused tries do not lengthen it
    before = _account_wait(world, "a_officer")
    assert _botnet(world, "a_officer", 20, start=2000) == ["wait"] * 20
    assert _account_wait(world, "a_officer") <= before
    clock(ACCOUNT_MAX_WAIT_SECONDS + 1)
    assert _try(world, "a_officer", PASSWORD, "203.0.113.99") == "ok"  # a new laptop, once the wait is over
    # a quiet hour forgets the count; the operator can lift the wait at once too
    _botnet(world, "a_officer", ACCOUNT_FREE_FAILURES + 1, start=500)
    assert _try(world, "a_officer", PASSWORD, "203.0.113.100") == "wait"
    with world.db.session() as s:
        assert unlock(s, account_key("a_officer"))
    assert _try(world, "a_officer", PASSWORD, "203.0.113.100") == "ok"


def test_the_address_throttle_still_stops_one_address_first(world: World, clock: Clock) -> None:
    """One address guessing many accounts waits after its own free failures, before any account does."""
    got: list[Any] = [_try(world, f"user{i}", "guess", "198.18.0.1") for i in range(8)]
    assert got[:6] == ["wrong"] * 6 and got[6:] == ["wait", "wait"]
