"""Logging out ends that session token at once, on both backends; other sessions of the user live on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import PASSWORD, Api, World, assert_error


def test_logout_revokes_only_that_token(api: Api, world: World) -> None:
    me = api.call("GET", "/api/ops/me", "a_officer")
    assert me.status_code == 200
    other = api.client.post("/api/ops/login", json={"username": "a_officer", "password": PASSWORD}).json()["token"]
    assert api.call("POST", "/api/ops/logout", "a_officer").json() == {"logged_out": True}
    gone = api.call("GET", "/api/ops/me", "a_officer")
    assert gone.status_code == 401
    assert gone.json()["error"]["message"] == "The session token was ended by logging out."
    assert api.call("POST", "/api/ops/logout", "a_officer").status_code == 401  # nothing left to end
    still = api.client.get("/api/ops/me", headers={"Authorization": f"Bearer {other}"})
    assert still.status_code == 200 and still.json()["username"] == "a_officer"


def test_logout_needs_a_session(api: Api, world: World) -> None:
    r = api.call("POST", "/api/ops/logout")
    assert r.status_code == 401 and set(r.json()["error"]) == {"code", "status", "message", "hint"}


def _login(api: Api, username: str) -> dict[str, str]:
    token = api.client.post("/api/ops/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_logout_everywhere_ends_every_token_of_the_user_and_only_those(api: Api, world: World) -> None:
    laptop, phone = _login(api, "a_officer"), _login(api, "a_officer")
    colleague = _login(api, "a_admin")
    r = api.client.post("/api/ops/logout-everywhere", headers=laptop)
    assert r.status_code == 200 and r.json()["user_id"] == world.user["a_officer"]
    for h in (laptop, phone):
        gone = api.client.get("/api/ops/me", headers=h)
        assert gone.status_code == 401
        assert gone.json()["error"]["message"] == "The session was ended by logging out everywhere."
    assert api.client.get("/api/ops/me", headers=colleague).status_code == 200
    fresh = _login(api, "a_officer")  # logging in again works at once
    assert api.client.get("/api/ops/me", headers=fresh).json()["username"] == "a_officer"
    actions = [a["action"] for a in api.client.get("/api/ops/audit", headers=colleague).json()]
    assert "user.logout_everywhere" in actions


def test_an_admin_ends_the_sessions_of_their_own_party_only(api: Api, world: World) -> None:
    victim = _login(api, "a_officer")
    r = api.call("POST", f"/api/ops/users/{world.user['a_officer']}/logout-everywhere", "a_admin")
    assert r.status_code == 200
    assert api.client.get("/api/ops/me", headers=victim).status_code == 401
    # an officer may not end a colleague's sessions; no one may touch another party's users (nor learn they exist)
    assert_error(api.call("POST", f"/api/ops/users/{world.user['a_admin']}/logout-everywhere", "a_officer"), 403)
    assert_error(api.call("POST", f"/api/ops/users/{world.user['b_officer']}/logout-everywhere", "a_admin"), 404)
    assert_error(api.call("POST", "/api/ops/users/999999/logout-everywhere", "a_admin"), 404)
    assert api.call("GET", "/api/ops/me", "b_officer").status_code == 200


def test_the_operator_ends_sessions_from_the_cli(
    world: World, ops_url: str, api: Api, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from detente.cli import main

    h = _login(api, "b_officer")
    base = ["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", ops_url, "logout-everywhere"]
    main([*base, "b_officer"])
    assert json.loads(capsys.readouterr().out)["user_id"] == world.user["b_officer"]
    assert api.client.get("/api/ops/me", headers=h).status_code == 401
    with pytest.raises(SystemExit) as e:
        main([*base, "nobody"])
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert err.startswith("error: No user 'nobody'") and err.count("\n") == 1, err


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(api: Api, world: World) -> None:
    here, elsewhere = _login(api, "c_officer"), _login(api, "c_officer")
    bad = api.client.post("/api/ops/password", headers=here, json={"current": "wrong one", "new": "a new password"})
    assert_error(bad, 403)
    assert_error(api.client.post("/api/ops/password", headers=here, json={"current": PASSWORD, "new": "short"}), 422)
    same = {"current": PASSWORD, "new": PASSWORD}
    assert_error(api.client.post("/api/ops/password", headers=here, json=same), 422)
    r = api.client.post("/api/ops/password", headers=here, json={"current": PASSWORD, "new": "a new password"})
    assert r.status_code == 200, r.text
    fresh = {"Authorization": f"Bearer {r.json()['token']}"}
    assert api.client.get("/api/ops/me", headers=fresh).status_code == 200
    for old in (here, elsewhere):
        assert api.client.get("/api/ops/me", headers=old).status_code == 401
    old_pw = api.client.post("/api/ops/login", json={"username": "c_officer", "password": PASSWORD})
    assert_error(old_pw, 401)
    new_pw = api.client.post("/api/ops/login", json={"username": "c_officer", "password": "a new password"})
    assert new_pw.status_code == 200


def _try(api: Api, username: str, password: str) -> Any:
    return api.client.post("/api/ops/login", json={"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_account_for_a_while(
    api: Api, world: World, ops_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from detente.cli import main
    from detente.ops.auth import MAX_FAILED_LOGINS
    from detente.ops.models import User

    for _ in range(MAX_FAILED_LOGINS - 1):
        assert_error(_try(api, "b_officer", "not the password"), 401)
    assert _try(api, "b_officer", PASSWORD).status_code == 200  # a success forgets the failures
    for _ in range(MAX_FAILED_LOGINS):
        assert_error(_try(api, "b_officer", "not the password"), 401)
    locked = _try(api, "b_officer", PASSWORD)  # even the right password now waits
    assert_error(locked, 429)
    assert locked.json()["error"]["message"].startswith("Too many failed logins: this account is locked until")
    assert _try(api, "b_admin", PASSWORD).status_code == 200  # other accounts are untouched
    # the operator lifts the lock
    main(["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", ops_url, "unlock", "b_officer"])
    assert json.loads(capsys.readouterr().out)["unlocked"] is True
    assert _try(api, "b_officer", PASSWORD).status_code == 200
    # and a lock lapses by itself
    for _ in range(MAX_FAILED_LOGINS):
        _try(api, "b_officer", "not the password")
    assert_error(_try(api, "b_officer", PASSWORD), 429)
    with world.db.session() as s:
        u = s.get(User, world.user["b_officer"])
        assert u is not None and u.locked_until is not None
        u.locked_until = u.locked_until.replace(year=2000)
    assert _try(api, "b_officer", PASSWORD).status_code == 200
    # unknown usernames are refused like wrong passwords, however often
    for _ in range(MAX_FAILED_LOGINS + 1):
        assert_error(_try(api, "nobody", "whatever"), 401)
