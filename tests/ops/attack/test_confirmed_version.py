"""A confirmation covers one version of an engagement: the owner cannot edit under another party's name.

Bland confirms it takes part in Aland's planned exercise. Aland then marks it completed with outcomes Bland
never saw (or a database editor changes its place): Bland must drop back to unconfirmed — not named in the
relations index, told about the change — until it confirms the new version. A confirmation sent for a version
read before an edit is refused, not applied to what Bland never saw.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from detente.errors import Conflict
from detente.ops import engagements
from detente.ops.auth import load_actor
from detente.store import Store

from ..conftest import Api, World, assert_error
from .test_claims import _row

BODY = {"kind": "joint_exercise", "title": "Steel Shield", "start_date": "2026-03-02", "end_date": "2026-03-06"}


def _plan(api: Api, w: World) -> dict[str, Any]:
    e = api.call("POST", "/api/ops/engagements", "a_officer", json={**BODY, "participants": [w.party["B"]]}).json()
    assert len(e["version"]) == 64
    return dict(e)


def _confirmed(api: Api, w: World, eid: int) -> bool:
    e = api.call("GET", f"/api/ops/engagements/{eid}", "b_observer").json()
    return bool({p["id"]: p["confirmed"] for p in e["participants"]}[w.party["B"]])


def _confirm(api: Api, eid: int, version: str, who: str = "b_officer") -> Any:
    return api.call("POST", f"/api/ops/engagements/{eid}/confirm", who, json={"version": version})


def test_party_a_edits_after_b_confirmed(api: Api, world: World, store: Store) -> None:
    e = _plan(api, world)
    assert _confirm(api, e["id"], e["version"]).status_code == 200 and _confirmed(api, world, e["id"])
    done = api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer",
                    json={"status": "completed", "outcomes": "Bland agreed to host the next round"}).json()  # fmt: skip
    assert done["version"] != e["version"]
    assert not _confirmed(api, world, e["id"])  # back to unconfirmed ...
    assert _row(store, e["id"]) == [(["ALA"], [])]  # ... so the relations index does not name Bland
    notices = api.call("GET", "/api/ops/notices", "b_officer").json()
    assert "changed Steel Shield" in notices[0]["text"]
    # until Bland confirms the version it has now read
    assert _confirm(api, e["id"], done["version"]).status_code == 200
    assert _confirmed(api, world, e["id"]) and _row(store, e["id"]) == [(["ALA", "BLA"], [])]
    assert_error(_confirm(api, e["id"], done["version"], "b_admin"), 409)  # once per version
    # an edit that changes nothing keeps the confirmation
    same = api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer", json={"place": ""}).json()
    assert same["version"] == done["version"] and _confirmed(api, world, e["id"])


def test_a_confirmation_of_a_version_read_before_an_edit_is_refused(api: Api, world: World) -> None:
    e = _plan(api, world)  # Bland reads this version ...
    api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer", json={"objectives": "Live firing near Bland"})
    r = _confirm(api, e["id"], e["version"])  # ... and confirms it after Aland's edit
    assert_error(r, 409)
    assert "changed after you read it" in r.json()["error"]["message"] and not _confirmed(api, world, e["id"])
    for forged in ("f" * 64, "F" * 64, "0" * 63, "", None):  # a made-up version, or none
        assert_error(_confirm(api, e["id"], forged), 409, 422)  # type: ignore[arg-type]
    assert_error(api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "b_officer"), 422)
    assert not _confirmed(api, world, e["id"])


def test_a_direct_database_edit_drops_the_confirmations(api: Api, world: World, store: Store) -> None:
    e = _plan(api, world)
    assert _confirm(api, e["id"], e["version"]).status_code == 200
    done = api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer", json={"status": "completed"}).json()
    assert _confirm(api, e["id"], done["version"]).status_code == 200
    assert _row(store, e["id"]) == [(["ALA", "BLA"], [])]
    for edit in (
        "UPDATE ops_engagements SET place = 'Elsewhere' WHERE id = :i",
        "UPDATE ops_engagements SET end_date = '2026-03-09' WHERE id = :i",
        "UPDATE ops_shares SET confirmed_version = NULL WHERE object_type = 'engagement' AND object_id = :i",
    ):
        with world.db.session() as s:
            s.execute(text(edit), {"i": e["id"]})
        assert not _confirmed(api, world, e["id"]), edit
        with world.db.session() as s:  # the operator's next export names only the owner
            engagements.export_to_store(s, store, [engagements.get(s, load_actor(s, world.user["a_officer"]), e["id"])])
        assert _row(store, e["id"]) == [(["ALA"], [])], edit
        with world.db.session() as s:  # undo: Bland confirms the version as it is now
            s.execute(
                text("UPDATE ops_engagements SET place = '', end_date = '2026-03-06' WHERE id = :i"), {"i": e["id"]}
            )
        now = api.call("GET", f"/api/ops/engagements/{e['id']}", "b_officer").json()["version"]
        if now != done["version"] or not _confirmed(api, world, e["id"]):
            assert _confirm(api, e["id"], now).status_code == 200


@pytest.mark.parametrize("edit_first", [True, False], ids=["edit-first", "confirm-first"])
def test_an_edit_racing_a_confirmation_never_leaves_the_edit_confirmed(world: World, edit_first: bool) -> None:
    """Bland confirms the version it read while Aland's edit is under way (each in its own session, on SQLite
    and PostgreSQL), in both orders: either the confirmation waits and is refused, or it lands first and the
    edit leaves it stale. Bland never ends up confirming the edited version it never saw."""
    from .test_races import WAIT, _run

    with world.db.session() as s:
        a, b = load_actor(s, world.user["a_officer"]), load_actor(s, world.user["b_officer"])
        days = {k: dt.date.fromisoformat(BODY[k]) for k in ("start_date", "end_date")}
        e = engagements.create(s, a, {**BODY, **days, "participants": [world.party["B"]]})
        eid, seen = e.id, engagements.version(s, e)
    outcome: list[str] = []
    racing: list[tuple[threading.Thread, list[BaseException]]] = []

    def edit(then: Callable[[], None] | None = None) -> None:
        with world.db.session() as s:
            engagements.update(s, a, eid, {"outcomes": "Bland pays for everything"})
            if then is not None:
                racing.append(_run(then))  # arrives while this unit of work is not yet committed
                time.sleep(0.3)

    def confirm(then: Callable[[], None] | None = None) -> None:
        with world.db.session() as s:
            try:
                engagements.confirm(s, b, eid, seen=seen)
                outcome.append("confirmed")
            except Conflict:
                outcome.append("refused")
            if then is not None:
                racing.append(_run(then))
                time.sleep(0.3)

    t, errs = _run(lambda: edit(then=confirm)) if edit_first else _run(lambda: confirm(then=edit))
    t.join(WAIT)
    assert not t.is_alive() and not errs, errs
    racing[0][0].join(WAIT)
    assert not racing[0][0].is_alive() and not racing[0][1], racing[0][1]
    assert outcome == (["refused"] if edit_first else ["confirmed"])
    with world.db.session() as s:
        assert world.party["B"] not in engagements.confirmed(s, engagements.get(s, a, eid))
