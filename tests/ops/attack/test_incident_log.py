"""Direct database edits of a ceasefire agreement's incidents are detected (its tamper-evident incident log).

The attacker edits the operations database: marks a rejected incident verified (verified violations feed the
public escalation alerts), changes the alleged violator, deletes an incident or inserts one, rewrites the
agreement's terms or its monitors. Every single-row and single-field edit of the agreement's rows (the
agreement, its log, its incidents, its parties' shares) is generated from the schema and must make
``GET /api/ops/agreements/{id}/verify`` answer ``ok: false`` to the parties and monitors still shown it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from detente.errors import NotFound
from detente.ops import ceasefire
from detente.ops.auth import load_actor
from detente.ops.db import OpsDB

from ..conftest import Api, World, assert_error, world_ids
from .tampering import single_edits, undetected

SEES = ("a_officer", "b_officer", "m_monitor")
TABLES = {
    "ops_agreements": "id = 1",
    "ops_agreement_log": "agreement_id = 1",
    "ops_incidents": "agreement_id = 1",
    "ops_shares": "object_type = 'agreement' AND object_id = 1",
}


def _seed(db: OpsDB) -> None:
    w = world_ids()
    with db.session() as s:
        act = {u: load_actor(s, w.user[u]) for u in SEES}
        a = ceasefire.create_agreement(
            s, act["a_officer"], "Line of contact", ["No artillery", "No drones"], dt.date(2026, 1, 1),
            [w.party["B"]], [w.party["M"]],
        )  # fmt: skip
        ceasefire.confirm_agreement(s, act["b_officer"], a.id)
        t = dt.datetime(2026, 2, 3, 4, 5, 6)
        i1 = ceasefire.report(s, act["a_officer"], a.id, {"occurred_at": t, "place": "Hill 12", "latitude": 45.5,
                              "longitude": 33.25, "violator_party_id": w.party["B"], "description": "Shelling",
                              "evidence": ["photo.jpg"]})  # fmt: skip
        i2 = ceasefire.report(s, act["b_officer"], a.id, {"occurred_at": t, "violator_party_id": w.party["A"]})
        i3 = ceasefire.report(s, act["m_monitor"], a.id, {"occurred_at": t, "violator_party_id": w.party["A"]})
        ceasefire.verify_incident(s, act["m_monitor"], i1.id, "verified", "Crater seen")
        ceasefire.verify_incident(s, act["m_monitor"], i2.id, "rejected")
        ceasefire.verify_incident(s, act["m_monitor"], i3.id, "verified")
        ceasefire.verify_incident(s, act["m_monitor"], i3.id, "unverified", "Second look")
        assert a.id == 1 and ceasefire.verify_agreement(s, act["a_officer"], a.id)["ok"]


@pytest.fixture()
def seeded(sqlite_template: Path, tmp_path: Path) -> Iterator[OpsDB]:
    path = tmp_path / "seeded.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = OpsDB(f"sqlite:///{path}")
    db.migrate()
    _seed(db)
    yield db
    db.dispose()


def _verdicts(s: Any) -> list[bool]:
    w = world_ids()
    out = []
    for u in SEES:
        try:
            out.append(ceasefire.verify_agreement(s, load_actor(s, w.user[u]), 1)["ok"])
        except NotFound:
            continue  # the edit hid the agreement from this party: it is told nothing false either
    return out


def test_every_single_row_and_single_field_edit_is_detected(seeded: OpsDB) -> None:
    tried, missed = undetected(seeded, single_edits(seeded, TABLES, "ops_agreements"), _verdicts)
    assert tried > 100 and not missed, (tried, missed)
    with seeded.session() as s:  # and the untouched agreement still verifies
        assert _verdicts(s) == [True, True, True]


def test_the_edits_an_attacker_wants_are_shown_to_every_side(api: Api, world: World) -> None:
    m, b = world.party["M"], world.party["B"]
    a = api.call("POST", "/api/ops/agreements", "a_officer",
                 json={"name": "Line", "start_date": "2026-01-01", "parties": [b], "monitors": [m]}).json()  # fmt: skip
    i = api.call("POST", f"/api/ops/agreements/{a['id']}/incidents", "a_officer",
                 json={"occurred_at": "2026-02-03T04:05:06", "violator_party_id": b}).json()  # fmt: skip
    assert (
        api.call("POST", f"/api/ops/incidents/{i['id']}/verify", "m_monitor", json={"status": "rejected"}).status_code
        == 200
    )
    for who in ("a_officer", "b_observer", "m_monitor"):
        assert api.call("GET", f"/api/ops/agreements/{a['id']}/verify", who).json()["ok"]
    assert_error(api.call("GET", f"/api/ops/agreements/{a['id']}/verify", "c_officer"), 404)
    for edit in (
        "UPDATE ops_incidents SET status = 'verified' WHERE id = :i",
        "UPDATE ops_incidents SET violator_party_id = reporting_party_id WHERE id = :i",
        "DELETE FROM ops_incidents WHERE id = :i",
    ):
        with world.db.session() as s:
            if edit.startswith("DELETE"):
                s.execute(
                    text("DELETE FROM ops_notices WHERE object_type = 'incident' AND object_id = :i"), {"i": i["id"]}
                )
            s.execute(text(edit), {"i": i["id"]})
            s.expire_all()
            for who in ("a_officer", "b_officer", "m_monitor"):
                got = ceasefire.verify_agreement(s, load_actor(s, world.user[who]), a["id"])
                assert not got["ok"], (edit, who, got)
            s.rollback()


def test_agreements_from_before_the_log_get_one_that_verifies(ops_at: Callable[[str], OpsDB]) -> None:
    """Alembic 0100 writes the log of every existing agreement from its rows (then edits show as above)."""
    db = ops_at("0020")
    w = world_ids()
    with db.engine.begin() as con:
        for key, name, kind in (("A", "Aland", "state"), ("B", "Bland", "state"), ("M", "Mediators", "mediator")):
            con.execute(
                text(
                    "INSERT INTO ops_parties (id, name, kind, organisations, created_at) VALUES "
                    "(:i, :n, :k, '[]', '2026-01-01 00:00:00')"
                ),
                {"i": w.party[key], "n": name, "k": kind},
            )
        con.execute(
            text(
                "INSERT INTO ops_users (id, username, party_id, role, password_hash, active, created_at) "
                "VALUES (1, 'mon', :m, 'monitor', 'x', true, '2026-01-01 00:00:00')"
            ),
            {"m": w.party["M"]},
        )
        con.execute(
            text(
                "INSERT INTO ops_agreements (id, name, terms, start_date, created_by_party, created_at) "
                "VALUES (1, 'Old', '[\"Hold fire\"]', '2026-01-01', :a, '2026-01-02 03:04:05.000000')"
            ),
            {"a": w.party["A"]},
        )
        for pid, role in ((w.party["A"], "party"), (w.party["B"], "party"), (w.party["M"], "monitor")):
            con.execute(
                text("INSERT INTO ops_shares (object_type, object_id, party_id, role) VALUES ('agreement', 1, :p, :r)"),
                {"p": pid, "r": role},
            )
        for iid, status in ((1, "reported"), (2, "verified")):
            con.execute(
                text(
                    "INSERT INTO ops_incidents (id, agreement_id, occurred_at, place, latitude, longitude, "
                    "reporting_party_id, violator_party_id, reported_by, description, evidence, status, "
                    "verified_by, verified_at, verification_note, created_at) "
                    "VALUES (:i, 1, '2026-02-01 00:00:00', 'X', 45.5, NULL, :a, :b, 1, 'd', '[\"e\"]', "
                    ":s, :vb, :va, '', '2026-02-02 00:00:00.123456')"
                ),
                {
                    "i": iid,
                    "a": w.party["A"],
                    "b": w.party["B"],
                    "s": status,
                    "vb": None if status == "reported" else 1,
                    "va": None if status == "reported" else "2026-02-03 00:00:00",
                },
            )
    assert db.migrate() != "0020"
    with db.session() as s:
        from detente.ops.access import Actor

        a = Actor(
            user_id=1, username="x", party_id=w.party["A"], party_name="Aland", party_kind="state", role="officer"
        )
        got = ceasefire.verify_agreement(s, a, 1)
        assert got["ok"] and got["entries"] == 4, got
        s.execute(text("UPDATE ops_incidents SET status = 'verified' WHERE id = 1"))
        s.expire_all()
        assert not ceasefire.verify_agreement(s, a, 1)["ok"]
        s.rollback()
