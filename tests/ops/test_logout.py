"""Logging out ends that session token at once, on both backends; other sessions of the user live on."""

from __future__ import annotations

from tests.ops.conftest import PASSWORD, Api, World


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
