"""Direct database edits of a CBM notification are detected (its tamper-evident log).

The attacker edits the operations database after the fact: lowers the declared troops below a threshold,
drops a violation finding, moves the dates, hides a recipient, or forges a recipient's acknowledgement (the
declarer is shown who acknowledged). Every single-row and single-field edit of the notification's rows
(the activity, its log, its shares) is generated from the schema and must make
``GET /api/ops/notifications/{id}/verify`` answer ``ok: false`` to the declarer and the recipients still
shown it.
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
from detente.ops import notifications
from detente.ops.auth import load_actor
from detente.ops.db import OpsDB

from ..conftest import Api, World, world_ids
from .tampering import other, single_edits, undetected

SEES = ("a_officer", "b_officer", "m_admin")
TABLES = {
    "ops_activities": "id = 1",
    "ops_notification_log": "notification_id = 1",
    "ops_shares": "object_type = 'notification' AND object_id = 1",
}


def _declare(s: Any, user: str, troops: int) -> Any:
    day = dt.date.today() + dt.timedelta(days=10)  # notified late: a violation finding
    data = {"activity_type": "field_training", "title": "Spring", "area": "North", "start_date": day,
            "end_date": day + dt.timedelta(days=3), "troops": troops, "battle_tanks": 40}  # fmt: skip
    return notifications.declare(s, load_actor(s, world_ids().user[user]), data)


@pytest.fixture()
def seeded(sqlite_template: Path, tmp_path: Path) -> Iterator[OpsDB]:
    path = tmp_path / "seeded.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = OpsDB(f"sqlite:///{path}")
    db.migrate()
    with db.session() as s:
        n = _declare(s, "a_officer", 9500)
        notifications.acknowledge(s, load_actor(s, world_ids().user["b_officer"]), n.id)
        _declare(s, "a_officer", 100)
        assert n.id == 1 and notifications.verify(s, load_actor(s, world_ids().user["a_officer"]), 1)["ok"]
    yield db
    db.dispose()


def _value(v: Any, column: str) -> Any:
    return "2026-01-01" if v is None and column.endswith("_on") else other(v, _column(column))


def _column(c: str) -> str:
    return "terms" if c == "findings" else c  # a JSON list, mutated as the incident test mutates terms


def _verdicts(s: Any) -> list[bool]:
    out = []
    for u in SEES:
        try:
            out.append(notifications.verify(s, load_actor(s, world_ids().user[u]), 1)["ok"])
        except NotFound:
            continue  # the edit hid the notification from this party: it is told nothing false either
    return out


def test_every_single_row_and_single_field_edit_is_detected(seeded: OpsDB) -> None:
    # a copy of the activity row is a new notification shared with nobody: not an edit of this one
    tried, missed = undetected(seeded, single_edits(seeded, TABLES, "ops_activities", _value), _verdicts)
    assert tried > 50 and not missed, (tried, missed)
    with seeded.session() as s:
        assert _verdicts(s) == [True, True, True]


def test_the_edits_an_attacker_wants_are_shown_to_every_side(api: Api, world: World) -> None:
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    body = {"activity_type": "exercise", "start_date": day, "end_date": day, "troops": 9500}
    n = api.call("POST", "/api/ops/notifications", "a_officer", json=body).json()
    assert [f["code"] for f in n["findings"] if f["severity"] == "violation"] == ["late_notification"]
    for who in ("a_officer", "b_observer", "m_admin"):
        assert api.call("GET", f"/api/ops/notifications/{n['id']}/verify", who).json()["ok"]
    for edit in (
        "UPDATE ops_activities SET troops = 8000, findings = '[]' WHERE id = :i",
        "UPDATE ops_activities SET start_date = '2031-01-01' WHERE id = :i",
        "UPDATE ops_shares SET acknowledged_at = '2026-01-01 00:00:00', acknowledged_by = 4 "
        "WHERE object_type = 'notification' AND object_id = :i AND role = 'recipient'",
        "DELETE FROM ops_shares WHERE object_type = 'notification' AND object_id = :i AND party_id = 4",
    ):
        with world.db.session() as s:
            s.execute(text(edit), {"i": n["id"]})
            s.expire_all()
            for who in ("a_officer", "b_officer"):
                got = notifications.verify(s, load_actor(s, world.user[who]), n["id"])
                assert not got["ok"], (edit, who, got)
            s.rollback()


def test_notifications_from_before_the_log_get_one_that_verifies(ops_at: Callable[[str], OpsDB]) -> None:
    """Alembic 0101 writes the log of every existing notification from its rows."""
    from ..conftest import build_old_world

    db = ops_at("0100")
    build_old_world(db)
    w = world_ids()
    with db.engine.begin() as con:
        con.execute(
            text(
                "INSERT INTO ops_activities (id, party_id, created_by, ruleset, activity_type, title, area, "
                "start_date, end_date, troops, battle_tanks, acvs, artillery, air_sorties, amphibious_troops, "
                "airborne_troops, notified_on, in_annual_calendar, findings, created_at) VALUES (1, :a, :u, "
                "'vienna_document_2011', 'exercise', 'Old', 'North', '2026-03-01', '2026-03-02', 9500, 0, 0, 0, "
                '0, 0, 0, \'2026-02-01\', false, \'[{"code": "notifiable", "x": 1.5}]\', '
                "'2026-02-01 10:00:00.500000')"
            ),
            {"a": w.party["A"], "u": w.user["a_officer"]},
        )
        for pid, role, at in ((w.party["A"], "owner", None), (w.party["B"], "recipient", "2026-02-02 00:00:00"),
                              (w.party["M"], "recipient", None)):  # fmt: skip
            con.execute(
                text(
                    "INSERT INTO ops_shares (object_type, object_id, party_id, role, acknowledged_at, "
                    "acknowledged_by) VALUES ('notification', 1, :p, :r, :at, :by)"
                ),
                {"p": pid, "r": role, "at": at, "by": w.user["b_officer"] if at else None},
            )
    assert db.migrate() != "0100"
    with db.session() as s:
        for who in ("a_officer", "b_officer", "m_admin"):
            got = notifications.verify(s, load_actor(s, w.user[who]), 1)
            assert got["ok"] and got["entries"] == 2, got
        s.execute(text("UPDATE ops_activities SET troops = 8000 WHERE id = 1"))
        s.expire_all()
        assert not notifications.verify(s, load_actor(s, w.user["b_officer"]), 1)["ok"]
        s.rollback()
