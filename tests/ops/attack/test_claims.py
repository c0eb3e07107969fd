"""A party cannot put other parties' names to an engagement they never agreed to.

Completed engagements feed the public trust index: every pair of participants becomes a dyad that trained
or talked together. The attacker, an officer of Aland, plans a "joint exercise" with Bland and Cland
(neither asked) and marks it completed: without their confirmation neither may appear in the store — or
Aland could raise its own standing with them, and make Bland and Cland look as if they trained together.
"""

from __future__ import annotations

from detente.store import Store
from tests.direct import db_sql

from ..conftest import Api, World, assert_error


def _row(store: Store, engagement_id: int) -> list[tuple[object, ...]]:
    q = f"SELECT participants, third_parties FROM engagements WHERE source_id = 'ops:{engagement_id}'"
    return [tuple(r) for r in db_sql(store, q).fetchall()]


def test_unconfirmed_invitees_are_never_written_to_the_trust_data(api: Api, world: World, store: Store) -> None:
    b, c, m = world.party["B"], world.party["C"], world.party["M"]
    e = api.call("POST", "/api/ops/engagements", "a_officer",
                 json={"kind": "joint_exercise", "title": "Steel Shield", "start_date": "2026-03-02",
                       "end_date": "2026-03-06", "participants": [b, c, m]}).json()  # fmt: skip
    assert {p["id"]: p["confirmed"] for p in e["participants"]} == {
        world.party["A"]: True,
        b: False,
        c: False,
        m: False,
    }
    api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer", json={"status": "completed"})
    assert _row(store, e["id"]) == [(["ALA"], [])]  # neither Bland nor Cland is named

    # nobody confirms for another party: not the owner, not an outsider, not an observer
    assert_error(api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "a_officer"), 403)
    assert_error(api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "n_officer"), 404)
    assert_error(api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "b_observer"), 403)

    got = api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "b_officer")
    assert got.status_code == 200, got.text
    assert _row(store, e["id"]) == [(["ALA", "BLA"], [])]  # written again, with the party that confirmed
    assert_error(api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "b_admin"), 409)
    notice = api.call("GET", "/api/ops/notices", "a_admin").json()[0]
    assert notice["kind"] == "acknowledged" and "Bland confirms" in notice["text"]
