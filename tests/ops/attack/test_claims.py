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
    e = api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer", json={"status": "completed"}).json()
    assert _row(store, e["id"]) == [(["ALA"], [])]  # neither Bland nor Cland is named

    # nobody confirms for another party: not the owner, not an outsider, not an observer
    url, v = f"/api/ops/engagements/{e['id']}/confirm", {"version": e["version"]}
    assert_error(api.call("POST", url, "a_officer", json=v), 403)
    assert_error(api.call("POST", url, "n_officer", json=v), 404)
    assert_error(api.call("POST", url, "b_observer", json=v), 403)

    got = api.call("POST", url, "b_officer", json=v)
    assert got.status_code == 200, got.text
    assert _row(store, e["id"]) == [(["ALA", "BLA"], [])]  # written again, with the party that confirmed
    assert_error(api.call("POST", url, "b_admin", json=v), 409)
    notice = api.call("GET", "/api/ops/notices", "a_admin").json()[0]
    assert notice["kind"] == "acknowledged" and "Bland confirms" in notice["text"]


def test_no_party_is_named_a_violator_of_a_truce_it_never_accepted(api: Api, world: World, store: Store) -> None:
    """Aland records a 'ceasefire' binding Bland, picks the monitor, reports Bland and has it verified: the
    public alerts must not show Bland violating terms it never accepted."""
    b, m = world.party["B"], world.party["M"]
    body = {"name": "Truce", "start_date": "2026-01-01", "parties": [b], "monitors": [m]}
    a = api.call("POST", "/api/ops/agreements", "a_officer", json=body).json()
    assert {p["id"]: p["confirmed"] for p in a["parties"]} == {world.party["A"]: True, b: False}
    i = api.call("POST", f"/api/ops/agreements/{a['id']}/incidents", "a_officer",
                 json={"occurred_at": "2026-02-03T10:00:00Z", "violator_party_id": b}).json()  # fmt: skip
    assert (
        api.call("POST", f"/api/ops/incidents/{i['id']}/verify", "m_monitor", json={"status": "verified"}).status_code
        == 200
    )
    assert db_sql(store, "SELECT count(*) FROM ceasefire_violations").fetchone() == (0,)

    assert_error(api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", "a_officer"), 403)  # the author
    assert_error(api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", "m_admin"), 403)  # a monitor
    assert_error(api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", "c_officer"), 404)  # an outsider
    assert_error(api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", "b_observer"), 403)
    assert api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", "b_officer").status_code == 200
    assert db_sql(store, "SELECT violator, party FROM ceasefire_violations").fetchall() == [("BLA", "ALA")]
    assert api.call("GET", f"/api/ops/agreements/{a['id']}/verify", "b_observer").json()["ok"]
