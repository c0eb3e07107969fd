"""Hotline channels of three or more parties: every recipient party has its own receipt."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from detente.core.hashchain import verify
from detente.ops.db import OpsDB

from .conftest import Api, World, assert_error


def _receipts(m: dict[str, Any]) -> dict[int, str]:
    return {r["party_id"]: r["status"] for r in m["receipts"]}


def test_each_party_moves_on_its_own_and_the_message_follows_the_slowest(api: Api, world: World) -> None:
    a, b, c, m = (world.party[k] for k in "ABCM")
    ch = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "ABC", "parties": [b, c, m]}).json()
    msg = api.call(
        "POST", f"/api/ops/channels/{ch['id']}/messages", "a_officer", json={"body": "Exercise at the border?"}
    ).json()
    assert _receipts(msg) == {b: "sent", c: "sent", m: "sent"} and msg["status"] == "sent"
    assert {r["party_id"]: r["addressee"] for r in msg["receipts"]} == {b: True, c: True, m: False}

    api.call("GET", f"/api/ops/channels/{ch['id']}/messages", "b_officer")
    got = api.call("POST", f"/api/ops/messages/{msg['id']}/acknowledge", "b_officer").json()
    assert _receipts(got) == {b: "acknowledged", c: "sent", m: "sent"}
    assert got["status"] == "sent" and got["acknowledged_at"] is None  # C has not even seen it
    assert_error(api.call("POST", f"/api/ops/messages/{msg['id']}/read", "b_officer"), 409)  # B's steps only forward

    api.call("GET", f"/api/ops/channels/{ch['id']}/messages", "c_officer")
    got = api.call("POST", f"/api/ops/messages/{msg['id']}/read", "c_officer").json()
    assert _receipts(got)[c] == "read" and got["status"] == "read"
    got = api.call("POST", f"/api/ops/messages/{msg['id']}/acknowledge", "c_officer").json()
    # the mediator follows the exchange but does not hold the message back
    assert got["status"] == "acknowledged" and _receipts(got)[m] == "sent"
    assert_error(api.call("POST", f"/api/ops/messages/{msg['id']}/acknowledge", "a_officer"), 403)
    assert a not in _receipts(got)


def test_the_deadline_escalation_names_the_silent_party(api: Api, world: World) -> None:
    b, c, m = (world.party[k] for k in "BCM")
    ch = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "ABC", "parties": [b, c, m]}).json()
    q = api.call(
        "POST",
        f"/api/ops/channels/{ch['id']}/messages",
        "a_officer",
        json={"body": "Please confirm by noon", "reply_within_minutes": 0},
    ).json()
    r = api.call(
        "POST",
        f"/api/ops/channels/{ch['id']}/messages",
        "b_officer",
        json={"body": "Confirmed", "in_reply_to": q["id"]},
    )
    assert r.status_code == 201
    time.sleep(0.01)
    assert api.call("POST", "/api/ops/sweep", "a_officer").json() == {"escalated": 1}
    msgs = {x["id"]: x for x in api.call("GET", f"/api/ops/channels/{ch['id']}/messages", "a_officer").json()}
    assert _receipts(msgs[q["id"]])[b] == "answered" and msgs[q["id"]]["answered_at"] is None
    assert msgs[q["id"]]["escalated_at"] and msgs[q["id"]]["overdue"]
    notices = [n for n in api.call("GET", "/api/ops/notices", "a_admin").json() if n["kind"] == "escalation"]
    assert len(notices) == 1 and "without an answer from Cland;" in notices[0]["text"]
    chain = api.call("GET", f"/api/ops/channels/{ch['id']}/chain", "m_monitor").json()["entries"]
    assert verify(chain) == (True, None, "ok")
    escalated = [e["record"] for e in chain if e["record"]["kind"] == "escalated"]
    assert escalated[0]["unanswered"] == [c]
    # C answers late: now every addressee has answered
    api.call(
        "POST", f"/api/ops/channels/{ch['id']}/messages", "c_officer", json={"body": "Yes", "in_reply_to": q["id"]}
    )
    late = next(
        x for x in api.call("GET", f"/api/ops/channels/{ch['id']}/messages", "b_officer").json() if x["id"] == q["id"]
    )
    assert late["status"] == "answered" and not late["overdue"]


def test_revision_0003_gives_old_messages_receipts(tmp_path: Path) -> None:
    db = OpsDB(f"sqlite:///{tmp_path / 'ops.sqlite'}")
    assert db.migrate("0002") == "0002"
    rows = [  # written as SQL: the models are newer than this schema
        "INSERT INTO ops_parties (id, name, kind, organisations, created_at) VALUES"
        " (1, 'Aland', 'state', '[]', '2026-01-01'), (2, 'Bland', 'state', '[]', '2026-01-01'),"
        " (3, 'Mediators', 'mediator', '[]', '2026-01-01')",
        "INSERT INTO ops_users (id, username, party_id, role, password_hash, active, created_at)"
        " VALUES (1, 'a', 1, 'officer', 'x', 1, '2026-01-01')",
        "INSERT INTO ops_channels (id, name, created_by_party, last_seq, last_hash, created_at)"
        " VALUES (1, 'old', 1, 1, 'h', '2026-01-01')",
        "INSERT INTO ops_shares (object_type, object_id, party_id, role) VALUES"
        " ('channel', 1, 1, 'member'), ('channel', 1, 2, 'member'), ('channel', 1, 3, 'member')",
        "INSERT INTO ops_messages (channel_id, seq, sender_party_id, sender_user_id, body, sent_at, status,"
        " delivered_at, read_at) VALUES (1, 1, 1, 1, 'hello', '2026-01-01 00:00:00', 'read',"
        " '2026-01-01 00:01:00', '2026-01-01 00:02:00')",
    ]
    with db.engine.begin() as con:
        for sql in rows:
            con.execute(text(sql))
    b, m = 2, 3
    assert db.migrate("0003") == "0003"
    with db.engine.connect() as con:
        rows = con.execute(
            text("SELECT party_id, addressee, status, read_at FROM ops_message_receipts ORDER BY party_id")
        ).all()
    assert [(r[0], bool(r[1]), r[2], str(r[3])[:19]) for r in rows] == [
        (b, True, "read", "2026-01-01 00:02:00"),
        (m, False, "read", "2026-01-01 00:02:00"),
    ]
    db.dispose()


def test_the_models_and_the_migrations_agree(ops_db: OpsDB) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from detente.ops.models import Base

    with ops_db.engine.connect() as con:
        assert compare_metadata(MigrationContext.configure(con), Base.metadata) == []


def test_a_mediator_brought_in_later_reads_the_log_and_receives_what_follows(api: Api, world: World) -> None:
    b, m = world.party["B"], world.party["M"]
    ch = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "A-B", "parties": [b]}).json()
    old = api.call("POST", f"/api/ops/channels/{ch['id']}/messages", "a_officer", json={"body": "Before"}).json()
    assert_error(api.call("GET", f"/api/ops/channels/{ch['id']}/messages", "m_monitor"), 404)  # not yet on it
    r = api.call("POST", f"/api/ops/channels/{ch['id']}/parties", "b_officer", json={"party_id": m})
    assert r.status_code == 200 and {p["id"] for p in r.json()["parties"]} == {world.party["A"], b, m}
    assert any(
        "added your party to the hotline" in n["text"] for n in api.call("GET", "/api/ops/notices", "m_admin").json()
    )
    new = api.call("POST", f"/api/ops/channels/{ch['id']}/messages", "a_officer", json={"body": "After"}).json()
    seen = {x["body"]: x for x in api.call("GET", f"/api/ops/channels/{ch['id']}/messages", "m_monitor").json()}
    assert set(seen) == {"Before", "After"}
    assert [x["party_id"] for x in seen["Before"]["receipts"]] == [b]  # sent before the mediator joined
    assert {x["party_id"]: x["status"] for x in seen["After"]["receipts"]}[m] == "delivered"
    refused = api.call("POST", f"/api/ops/messages/{old['id']}/read", "m_monitor")
    assert_error(refused, 403)
    assert "before your party joined" in refused.json()["error"]["message"]
    assert api.call("POST", f"/api/ops/messages/{new['id']}/read", "m_monitor").status_code == 200
    chain = api.call("GET", f"/api/ops/channels/{ch['id']}/chain", "m_monitor").json()["entries"]
    assert verify(chain) == (True, None, "ok")
    assert [e["record"]["party"] for e in chain if e["record"]["kind"] == "joined"] == [m]
    # bad input: already on it, unknown party, observers do not add
    assert_error(api.call("POST", f"/api/ops/channels/{ch['id']}/parties", "a_officer", json={"party_id": b}), 409)
    assert_error(api.call("POST", f"/api/ops/channels/{ch['id']}/parties", "a_officer", json={"party_id": 999}), 422)
    nope = api.call("POST", f"/api/ops/channels/{ch['id']}/parties", "a_observer", json={"party_id": world.party["C"]})
    assert_error(nope, 403)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("ops-pg")])]
)
def test_every_revision_goes_down_and_up_again(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from detente.ops.db import HEAD

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    else:
        from .conftest import fresh_pg_database

        url = fresh_pg_database(request.getfixturevalue("pg_server"))
    db = OpsDB(url)
    try:
        assert db.migrate() == HEAD
        for rev in _chain()[1:]:  # one step down at a time, to the first revision
            assert db.downgrade(rev) == rev
        assert db.downgrade("base") == ""
        assert db.migrate() == HEAD
    finally:
        db.dispose()


def _chain() -> list[str]:
    """The shipped revisions from the head down to the first (one line, no branches)."""
    from importlib.resources import as_file, files

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from detente.ops.db import HEAD

    with as_file(files("detente.ops") / "migrations") as where:
        cfg = Config()
        cfg.set_main_option("script_location", str(where))
        script = ScriptDirectory.from_config(cfg)
        assert script.get_heads() == [HEAD]
        return [r.revision for r in script.walk_revisions("base", "heads")]
