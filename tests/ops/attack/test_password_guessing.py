"""A stolen session token must not become a way to guess the account's password without limit.

POST /api/ops/password checks the current password before setting a new one. With a token taken from an
unattended browser, an attacker could try passwords there as fast as argon2 allows — no login is involved,
so the login throttle never saw it — and, once right, keep the account after the token dies (or lock its
owner out). Wrong current passwords count against the source address exactly as failed logins do.
"""

from __future__ import annotations

import pytest

from detente.ops.auth import FREE_FAILURES

from ..conftest import PASSWORD, Api, World, assert_error


def test_guessing_the_current_password_with_a_stolen_token_is_throttled(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("detente.ops.auth.FIRST_WAIT_SECONDS", 60)  # the first wait outlasts a slow test machine
    for i in range(FREE_FAILURES + 1):  # the free failures, then the one that starts the wait
        r = api.call(
            "POST", "/api/ops/password", "b_officer", json={"current": f"guess-{i:04d}", "new": "n3w password"}
        )
        assert_error(r, 403)
    r = api.call("POST", "/api/ops/password", "b_officer", json={"current": "guess-9999", "new": "n3w password"})
    assert_error(r, 429)
    # while the source waits even the right password is refused unchecked (a flood costs no argon2 work)
    r = api.call("POST", "/api/ops/password", "b_officer", json={"current": PASSWORD, "new": "n3w password"})
    assert_error(r, 429)
    # ... and the failures count for logins from that source too: it is one budget per address
    assert_error(api.client.post("/api/ops/login", json={"username": "a_officer", "password": "wrong"}), 429)
