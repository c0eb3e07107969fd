"""A party admin manages the users of their own party: list, disable, re-enable, change role, reset password."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD, Api, World, assert_error


def _login(api: Api, username: str, password: str = PASSWORD) -> Any:
    return api.client.post("/api/ops/login", json={"username": username, "password": password})


def test_an_admin_manages_the_users_of_their_party(api: Api, world: World) -> None:
    users = api.call("GET", "/api/ops/users", "a_admin").json()
    assert [u["username"] for u in users] == ["a_admin", "a_observer", "a_officer"]
    uid = world.user["a_officer"]
    token = _login(api, "a_officer").json()["token"]
    # disable: the running session ends at once, and so does logging in
    r = api.call("PATCH", f"/api/ops/users/{uid}", "a_admin", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert api.client.get("/api/ops/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert_error(_login(api, "a_officer"), 401)
    # enable again, as an observer: the new role holds at once
    r = api.call("PATCH", f"/api/ops/users/{uid}", "a_admin", json={"active": True, "role": "observer"})
    assert r.json() == {**r.json(), "active": True, "role": "observer"}
    h = {"Authorization": f"Bearer {_login(api, 'a_officer').json()['token']}"}
    refused = api.client.post("/api/ops/channels", headers=h, json={"name": "x", "parties": [world.party["B"]]})
    assert_error(refused, 403)
    # a new password ends the sessions that were open
    r = api.call("PATCH", f"/api/ops/users/{uid}", "a_admin", json={"password": "a fresh password"})
    assert r.status_code == 200
    assert api.client.get("/api/ops/me", headers=h).status_code == 401
    assert _login(api, "a_officer", "a fresh password").status_code == 200
    actions = [a["action"] for a in api.call("GET", "/api/ops/audit", "a_admin").json()]
    assert actions.count("user.update") == 3


def test_user_management_is_refused_outside_its_bounds(api: Api, world: World) -> None:
    me = world.user["a_admin"]
    assert_error(api.call("GET", "/api/ops/users", "a_officer"), 403)
    assert_error(
        api.call("PATCH", f"/api/ops/users/{world.user['a_observer']}", "a_officer", json={"active": False}), 403
    )
    for body in ({"active": False}, {"role": "officer"}):  # no admin locks themself out
        r = api.call("PATCH", f"/api/ops/users/{me}", "a_admin", json=body)
        assert_error(r, 409)
    other = world.user["b_officer"]
    assert_error(api.call("PATCH", f"/api/ops/users/{other}", "a_admin", json={"active": False}), 404)
    assert_error(api.call("PATCH", "/api/ops/users/999999", "a_admin", json={"active": False}), 404)
    for bad in ({"role": "king"}, {"password": "short"}, {"active": "maybe"}, {"unknown": 1}):
        assert_error(api.call("PATCH", f"/api/ops/users/{world.user['a_officer']}", "a_admin", json=bad), 422)
    r = api.call("PATCH", f"/api/ops/users/{world.user['a_officer']}", "a_admin", json={"role": "monitor"})
    assert_error(r, 422)  # a state's users are not monitors
    assert api.call("GET", "/api/ops/me", "b_officer").status_code == 200  # B untouched


def test_the_operator_disables_and_enables_from_the_cli(
    api: Api, world: World, ops_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from detente.cli import main

    base = ["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", ops_url, "set-user", "c_officer"]
    main([*base, "--disabled"])
    assert json.loads(capsys.readouterr().out)["active"] is False
    assert_error(_login(api, "c_officer"), 401)
    main([*base, "--active", "--role", "observer"])
    assert json.loads(capsys.readouterr().out) == _user(world, "c_officer", "observer")
    assert _login(api, "c_officer").status_code == 200


def _user(world: World, username: str, role: str) -> dict[str, Any]:
    return {
        "id": world.user[username],
        "username": username,
        "party_id": world.party["C"],
        "role": role,
        "active": True,
    }
