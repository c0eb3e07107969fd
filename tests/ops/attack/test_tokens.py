"""Token life cycles: a token that should be dead stays dead, for reads and writes (issue 14, finding 3)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from detente.cli import main
from detente.ops.auth import issue_token

from ..conftest import PASSWORD, Api, World, assert_error


def _works(api: Api, token: str) -> bool:
    """The token reads and writes (and is refused for both, or for neither)."""
    h = {"Authorization": f"Bearer {token}"}
    read = api.client.get("/api/ops/channels", headers=h)
    write = api.client.post("/api/ops/sweep", headers=h)
    assert (read.status_code == 200) == (write.status_code == 200), (read.text, write.text)
    if read.status_code != 200:
        assert_error(read, 401)
        assert_error(write, 401)
    return read.status_code == 200


def _login(api: Api, user: str, password: str = PASSWORD) -> str:
    r = api.client.post("/api/ops/login", json={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def test_an_expired_or_forged_token_is_refused(api: Api, world: World) -> None:
    expired, _ = issue_token(world.user["b_officer"], "test-secret", -1)
    assert not _works(api, expired)
    other_key, _ = issue_token(world.user["b_officer"], "another-secret", 60)
    assert not _works(api, other_key)
    good = _login(api, "b_officer")
    payload, sig = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["uid"] = world.user["b_admin"]  # promote oneself by editing the payload
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert not _works(api, f"{forged}.{sig}")
    assert _works(api, good)


def test_logout_and_logout_everywhere(api: Api, world: World) -> None:
    one, two = _login(api, "b_officer"), _login(api, "b_officer")
    assert api.client.post("/api/ops/logout", headers={"Authorization": f"Bearer {one}"}).status_code == 200
    assert not _works(api, one) and _works(api, two)
    three = _login(api, "b_officer")
    r = api.client.post("/api/ops/logout-everywhere", headers={"Authorization": f"Bearer {three}"})
    assert r.status_code == 200
    assert not _works(api, two) and not _works(api, three)
    assert _works(api, _login(api, "b_officer"))


@pytest.mark.parametrize("how", ["api", "cli"])
def test_disabling_ends_every_token_for_good(
    api: Api, world: World, ops_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """Issue 14, finding 3: a token issued before the user was disabled worked again once it was enabled."""
    old = _login(api, "b_officer")
    assert _works(api, old)

    def set_active(active: bool) -> None:
        if how == "api":
            r = api.call("PATCH", f"/api/ops/users/{world.user['b_officer']}", "b_admin", json={"active": active})
            assert r.status_code == 200 and r.json()["active"] is active
        else:
            flag = "--active" if active else "--disabled"
            main(["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", ops_url, "set-user", "b_officer", flag])
            capsys.readouterr()

    set_active(False)
    assert not _works(api, old)
    assert_error(api.client.post("/api/ops/login", json={"username": "b_officer", "password": PASSWORD}), 401)
    set_active(True)
    assert not _works(api, old)  # enabled again: the old token stays dead
    assert _works(api, _login(api, "b_officer"))  # a new login works


def test_a_new_password_ends_the_old_tokens(api: Api, world: World) -> None:
    old, mine = _login(api, "b_officer"), _login(api, "b_officer")
    r = api.client.post(
        "/api/ops/password",
        headers={"Authorization": f"Bearer {mine}"},
        json={"current": PASSWORD, "new": "a brand new password"},
    )
    assert r.status_code == 200
    fresh = r.json()["token"]
    assert not _works(api, old) and not _works(api, mine) and _works(api, fresh)
    # an admin resetting it ends the sessions too
    r = api.call("PATCH", f"/api/ops/users/{world.user['b_officer']}", "b_admin", json={"password": "reset by admin"})
    assert r.status_code == 200
    assert not _works(api, fresh)
    assert _works(api, _login(api, "b_officer", "reset by admin"))


def test_a_role_change_takes_effect_on_the_next_request(api: Api, world: World) -> None:
    token = _login(api, "b_officer")
    h = {"Authorization": f"Bearer {token}"}
    body: dict[str, Any] = {"name": "B-A", "parties": [world.party["A"]]}
    assert api.client.post("/api/ops/channels", headers=h, json=body).status_code == 201
    api.call("PATCH", f"/api/ops/users/{world.user['b_officer']}", "b_admin", json={"role": "observer"})
    assert_error(api.client.post("/api/ops/channels", headers=h, json=body), 403)
