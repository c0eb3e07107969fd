"""Direct database edits of a humanitarian movement are detected (its tamper-evident log).

The attacker edits the operations database after parties acknowledged a convoy route: moves the route,
widens the time window, adds a party it was "notified" to, or forges an acknowledgement for a party that
never gave one (to claim later that the party knew of the convoy). Every single-row and single-field edit
of the movement's rows is generated from the schema and must make ``GET /api/ops/movements/{id}/verify``
answer ``ok: false`` to the parties still shown it.
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
from detente.ops import humanitarian
from detente.ops.auth import load_actor
from detente.ops.db import OpsDB

from ..conftest import Api, World, world_ids
from .tampering import other, single_edits, undetected

SEES = ("n_officer", "a_officer", "b_officer")
TABLES = {
    "ops_movements": "id = 1",
    "ops_movement_log": "movement_id = 1",
    "ops_shares": "object_type = 'movement' AND object_id = 1",
}


def _convoy(s: Any, notify: list[int]) -> Any:
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0) + dt.timedelta(days=2)
    data = {"kind": "convoy", "name": "Medical supplies", "points": [[45.0, 30.0], [45.5, 30.5]],
            "window_start": start, "window_end": start + dt.timedelta(hours=8), "note": "Four trucks",
            "notify": notify}  # fmt: skip
    return humanitarian.create(s, load_actor(s, world_ids().user["n_officer"]), data)


@pytest.fixture()
def seeded(sqlite_template: Path, tmp_path: Path) -> Iterator[OpsDB]:
    path = tmp_path / "seeded.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = OpsDB(f"sqlite:///{path}")
    db.migrate()
    w = world_ids()
    with db.session() as s:
        mv = _convoy(s, [w.party["A"], w.party["B"]])
        humanitarian.acknowledge(s, load_actor(s, w.user["a_officer"]), mv.id)
        assert mv.id == 1 and humanitarian.verify(s, load_actor(s, w.user["b_officer"]), 1)["ok"]
    yield db
    db.dispose()


def _value(v: Any, column: str) -> Any:
    return other(v, "terms" if column == "points" else column)  # a JSON list, mutated as the incident test's terms


def _verdicts(s: Any) -> list[bool]:
    out = []
    for u in SEES:
        try:
            out.append(humanitarian.verify(s, load_actor(s, world_ids().user[u]), 1)["ok"])
        except NotFound:
            continue  # the edit hid the movement from this party: it is told nothing false either
    return out


def test_every_single_row_and_single_field_edit_is_detected(seeded: OpsDB) -> None:
    # a copy of the movement row is a new movement shared with nobody: not an edit of this one
    tried, missed = undetected(seeded, single_edits(seeded, TABLES, "ops_movements", _value), _verdicts)
    assert tried > 40 and not missed, (tried, missed)
    with seeded.session() as s:
        assert _verdicts(s) == [True, True, True]


def test_the_edits_an_attacker_wants_are_shown_to_every_side(api: Api, world: World) -> None:
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0, tzinfo=None).isoformat()
    end = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).replace(microsecond=0, tzinfo=None).isoformat()
    body = {"kind": "convoy", "name": "Food", "points": [[45.0, 30.0], [45.2, 30.2]], "window_start": start,
            "window_end": end, "notify": [world.party["A"], world.party["B"]]}  # fmt: skip
    mv = api.call("POST", "/api/ops/movements", "n_officer", json=body).json()
    assert api.call("POST", f"/api/ops/movements/{mv['id']}/acknowledge", "a_officer").status_code == 200
    for who in ("n_officer", "a_observer", "b_observer"):
        assert api.call("GET", f"/api/ops/movements/{mv['id']}/verify", who).json()["ok"]
    assert api.call("GET", f"/api/ops/movements/{mv['id']}/verify", "c_officer").status_code == 404
    for edit in (
        "UPDATE ops_movements SET points = '[[46.0, 31.0], [46.2, 31.2]]' WHERE id = :i",
        "UPDATE ops_shares SET acknowledged_at = '2026-01-01 00:00:00', acknowledged_by = 5 "
        "WHERE object_type = 'movement' AND object_id = :i AND party_id = 2",
    ):
        with world.db.session() as s:
            s.execute(text(edit), {"i": mv["id"]})
            s.expire_all()
            for who in ("n_officer", "a_officer", "b_officer"):
                got = humanitarian.verify(s, load_actor(s, world.user[who]), mv["id"])
                assert not got["ok"], (edit, who, got)
            s.rollback()


def test_movements_from_before_the_log_get_one_that_verifies(ops_at: Callable[[str], OpsDB]) -> None:
    """Alembic 0102 writes the log of every existing movement from its rows."""
    from ..conftest import build_old_world

    db = ops_at("0101")
    build_old_world(db)
    w = world_ids()
    with db.engine.begin() as con:
        con.execute(
            text(
                "INSERT INTO ops_movements (id, party_id, kind, name, points, window_start, window_end, "
                "expires_at, note, created_at) VALUES (1, :n, 'site', 'Clinic', '[[45.5, 30.25]]', "
                "'2030-01-01 06:00:00', '2030-01-01 18:00:00', '2030-01-01 18:00:00', '', "
                "'2026-02-01 10:00:00.500000')"
            ),
            {"n": w.party["N"]},
        )
        for pid, role, at in ((w.party["N"], "owner", None), (w.party["A"], "recipient", "2026-02-02 00:00:00"),
                              (w.party["B"], "recipient", None)):  # fmt: skip
            con.execute(
                text(
                    "INSERT INTO ops_shares (object_type, object_id, party_id, role, acknowledged_at, "
                    "acknowledged_by) VALUES ('movement', 1, :p, :r, :at, :by)"
                ),
                {"p": pid, "r": role, "at": at, "by": w.user["a_officer"] if at else None},
            )
    assert db.migrate() != "0101"
    with db.session() as s:
        for who in SEES:
            got = humanitarian.verify(s, load_actor(s, w.user[who]), 1)
            assert got["ok"] and got["entries"] == 2, got
        s.execute(text("UPDATE ops_movements SET points = '[[46.0, 31.0]]' WHERE id = 1"))
        s.expire_all()
        assert not humanitarian.verify(s, load_actor(s, w.user["a_officer"]), 1)["ok"]
        s.rollback()
