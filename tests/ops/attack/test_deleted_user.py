"""The token of a deleted user must not come back to life as whoever gets its id next.

Tokens name a user by id. SQLite hands a deleted row's id to the next row (an INTEGER PRIMARY KEY without
AUTOINCREMENT reuses the largest one), so when the operator removes a departed official's account and then
creates another — an admin of another party, say — the old token, still unexpired, would speak for the new
account. A token issued before its account existed is refused.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from detente.ops import parties

from ..conftest import PASSWORD, Api, World, assert_error


def test_a_deleted_users_token_does_not_speak_for_the_next_account_with_its_id(api: Api, world: World) -> None:
    with world.db.session() as s:
        gone = parties.create_user(s, world.party["C"], "c_leaver", PASSWORD, "observer").id
    r = api.client.post("/api/ops/login", json={"username": "c_leaver", "password": PASSWORD})
    old = {"Authorization": f"Bearer {r.json()['token']}"}
    assert api.client.get("/api/ops/me", headers=old).json()["username"] == "c_leaver"

    with world.db.session() as s:  # the operator removes the account (and what refers to it)
        s.execute(
            text("DELETE FROM ops_audit WHERE user_id = :u OR (object_type = 'user' AND object_id = :u)"), {"u": gone}
        )
        s.execute(text("DELETE FROM ops_users WHERE id = :u"), {"u": gone})
    time.sleep(0.01)
    with world.db.session() as s:  # ... and later creates an admin of party A
        new = parties.create_user(s, world.party["A"], "a_newadmin", PASSWORD, "admin").id
    if new != gone:  # PostgreSQL's sequence does not reuse ids: give the row the old id as SQLite would
        with world.db.session() as s:
            s.execute(text("UPDATE ops_audit SET object_id = :g WHERE object_type = 'user' AND object_id = :n"),
                      {"g": gone, "n": new})  # fmt: skip
            s.execute(text("UPDATE ops_users SET id = :g WHERE id = :n"), {"g": gone, "n": new})

    for path in ("/api/ops/me", "/api/ops/users", "/api/ops/channels"):
        assert_error(api.client.get(path, headers=old), 401)
    r = api.client.post("/api/ops/login", json={"username": "a_newadmin", "password": PASSWORD})
    fresh = {"Authorization": f"Bearer {r.json()['token']}"}
    assert api.client.get("/api/ops/me", headers=fresh).json()["username"] == "a_newadmin"
