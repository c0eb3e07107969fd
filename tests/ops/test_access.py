"""Strict party scoping: every cross-party read and write through the API is refused (both backends)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .conftest import Api, World, assert_error

TODAY = dt.date.today()


def _seed(api: Api, w: World) -> dict[str, Any]:
    """A shares one of everything with B (and the mediator M where it belongs); C gets nothing."""
    ids: dict[str, Any] = {}
    r = api.call(
        "POST",
        "/api/ops/engagements",
        "a_officer",
        json={
            "kind": "joint_exercise",
            "title": "Joint staff exercise",
            "start_date": str(TODAY),
            "end_date": str(TODAY + dt.timedelta(days=3)),
            "participants": [w.party["B"]],
        },
    )
    assert r.status_code == 201, r.text
    ids["engagement"] = r.json()["id"]
    r = api.call(
        "POST",
        "/api/ops/notifications",
        "a_officer",
        json={
            "activity_type": "field_training_exercise",
            "title": "Autumn Shield",
            "area": "North",
            "start_date": str(TODAY + dt.timedelta(days=60)),
            "end_date": str(TODAY + dt.timedelta(days=70)),
            "troops": 9500,
        },
    )
    assert r.status_code == 201, r.text
    ids["notification"] = r.json()["id"]
    r = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "A-B hotline", "parties": [w.party["B"]]})
    assert r.status_code == 201, r.text
    ids["channel"] = r.json()["id"]
    r = api.call(
        "POST",
        f"/api/ops/channels/{ids['channel']}/messages",
        "a_officer",
        json={"body": "Please confirm the exercise area.", "reply_within_minutes": 60},
    )
    assert r.status_code == 201, r.text
    ids["message"] = r.json()["id"]
    r = api.call(
        "POST",
        "/api/ops/agreements",
        "a_officer",
        json={
            "name": "Line of contact ceasefire",
            "terms": ["No artillery within 15 km"],
            "start_date": str(TODAY),
            "parties": [w.party["B"]],
            "monitors": [w.party["M"]],
        },
    )
    assert r.status_code == 201, r.text
    ids["agreement"] = r.json()["id"]
    r = api.call(
        "POST",
        f"/api/ops/agreements/{ids['agreement']}/incidents",
        "a_officer",
        json={
            "occurred_at": f"{TODAY}T06:00:00",
            "place": "Checkpoint 4",
            "violator_party_id": w.party["B"],
            "description": "Mortar fire",
            "evidence": ["photo-123"],
        },
    )
    assert r.status_code == 201, r.text
    ids["incident"] = r.json()["id"]
    r = api.call(
        "POST",
        "/api/ops/movements",
        "n_officer",
        json={
            "kind": "convoy",
            "name": "Food convoy 7",
            "points": [[33.5, 36.3], [33.9, 35.5]],
            "window_start": f"{TODAY + dt.timedelta(days=1)}T06:00:00",
            "window_end": f"{TODAY + dt.timedelta(days=1)}T18:00:00",
            "notify": [w.party["A"], w.party["B"]],
        },
    )
    assert r.status_code == 201, r.text
    ids["movement"] = r.json()["id"]
    return ids


def _cross_calls(ids: dict[str, Any], w: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    e, n, c, m = ids["engagement"], ids["notification"], ids["channel"], ids["message"]
    a, i, mv = ids["agreement"], ids["incident"], ids["movement"]
    return [
        ("GET", f"/api/ops/engagements/{e}", None),
        ("PATCH", f"/api/ops/engagements/{e}", {"status": "completed", "outcomes": "hijacked"}),
        ("GET", f"/api/ops/notifications/{n}", None),
        ("POST", f"/api/ops/notifications/{n}/acknowledge", None),
        ("GET", f"/api/ops/channels/{c}", None),
        ("GET", f"/api/ops/channels/{c}/messages", None),
        ("POST", f"/api/ops/channels/{c}/messages", {"body": "intrusion"}),
        ("POST", f"/api/ops/channels/{c}/messages", {"body": "fake answer", "in_reply_to": m}),
        ("GET", f"/api/ops/channels/{c}/chain", None),
        ("GET", f"/api/ops/channels/{c}/verify", None),
        ("POST", f"/api/ops/messages/{m}/read", None),
        ("POST", f"/api/ops/messages/{m}/acknowledge", None),
        ("GET", f"/api/ops/agreements/{a}", None),
        ("GET", f"/api/ops/agreements/{a}/incidents", None),
        (
            "POST",
            f"/api/ops/agreements/{a}/incidents",
            {"occurred_at": "2025-01-01T00:00:00", "violator_party_id": w.party["A"]},
        ),
        ("POST", f"/api/ops/incidents/{i}/verify", {"status": "verified"}),
        ("GET", f"/api/ops/movements/{mv}", None),
        ("POST", f"/api/ops/movements/{mv}/acknowledge", None),
        ("GET", f"/api/ops/movements/{mv}/risk", None),
        ("POST", f"/api/ops/parties/{w.party['A']}/users", {"username": "mole", "password": "x" * 12, "role": "admin"}),
        ("POST", f"/api/ops/users/{w.user['a_officer']}/logout-everywhere", None),
        ("POST", f"/api/ops/channels/{c}/parties", {"party_id": w.party["C"]}),
        ("PATCH", f"/api/ops/users/{w.user['a_officer']}", {"active": False}),
    ]


@pytest.mark.parametrize("intruder", ["c_admin", "c_officer", "c_observer"])
def test_every_cross_party_call_is_refused(api: Api, world: World, intruder: str) -> None:
    ids = _seed(api, world)
    for method, path, body in _cross_calls(ids, world):
        r = api.call(method, path, intruder, json=body)
        assert_error(r, 403, 404)
    # lists show nothing of A's and B's
    for path in (
        "/api/ops/engagements",
        "/api/ops/notifications",
        "/api/ops/channels",
        "/api/ops/agreements",
        "/api/ops/movements",
    ):
        r = api.call("GET", path, intruder)
        assert r.status_code == 200 and r.json() == [], (path, r.text)
    assert api.call("GET", "/api/ops/ceasefire/stats", intruder).json() == {"weekly": [], "per_party": {}}
    ical = api.call("GET", "/api/ops/engagements.ics", intruder).text
    assert "Joint staff exercise" not in ical
    notices = api.call("GET", "/api/ops/notices", intruder).json()
    assert notices == []
    # a channel of its own does not let the intruder answer (or probe) a message of another channel
    if intruder != "c_observer":
        own = api.call("POST", "/api/ops/channels", intruder, json={"name": "C-A", "parties": [world.party["A"]]})
        assert own.status_code == 201
        r = api.call(
            "POST",
            f"/api/ops/channels/{own.json()['id']}/messages",
            intruder,
            json={"body": "answer", "in_reply_to": ids["message"]},
        )
        assert_error(r, 422)
        assert "in this channel" in r.json()["error"]["message"]
    # nothing the intruder tried changed anything
    e = api.call("GET", f"/api/ops/engagements/{ids['engagement']}", "a_officer").json()
    assert e["status"] == "planned" and e["outcomes"] == ""
    msgs = api.call("GET", f"/api/ops/channels/{ids['channel']}/messages", "a_officer").json()
    assert [x["body"] for x in msgs] == ["Please confirm the exercise area."]
    assert msgs[0]["status"] == "sent" and msgs[0]["answered_at"] is None


def test_unauthenticated_calls_are_refused(api: Api, world: World) -> None:
    ids = _seed(api, world)
    for method, path, body in _cross_calls(ids, world):
        assert_error(api.call(method, path, None, json=body), 401)
    assert_error(api.call("GET", "/api/ops/parties", None), 401)


def test_roles_inside_the_sharing_parties(api: Api, world: World) -> None:
    ids = _seed(api, world)
    # B participates but does not own the engagement; an observer never writes
    assert_error(
        api.call("PATCH", f"/api/ops/engagements/{ids['engagement']}", "b_officer", json={"status": "completed"}), 403
    )
    assert_error(
        api.call("POST", f"/api/ops/channels/{ids['channel']}/messages", "b_observer", json={"body": "hi"}), 403
    )
    # only the agreement's monitor verifies; a party's officer or admin cannot
    for user in ("a_officer", "b_admin"):
        assert_error(
            api.call("POST", f"/api/ops/incidents/{ids['incident']}/verify", user, json={"status": "verified"}), 403
        )
    # a party does not acknowledge its own notification, nor mark its own message
    assert_error(api.call("POST", f"/api/ops/notifications/{ids['notification']}/acknowledge", "a_officer"), 403)
    assert_error(api.call("POST", f"/api/ops/messages/{ids['message']}/read", "a_officer"), 403)
    # admins create users of their own party only
    assert_error(
        api.call(
            "POST",
            f"/api/ops/parties/{world.party['B']}/users",
            "a_admin",
            json={"username": "x1", "password": "y" * 10, "role": "officer"},
        ),
        403,
    )
    assert_error(
        api.call(
            "POST",
            f"/api/ops/parties/{world.party['A']}/users",
            "a_officer",
            json={"username": "x2", "password": "y" * 10, "role": "officer"},
        ),
        403,
    )
    # the NGO's convoy is visible to A and B, whose acknowledgement is explicitly not approval
    mv = api.call("GET", f"/api/ops/movements/{ids['movement']}", "b_officer").json()
    assert "not approval" in mv["acknowledgement_means"]


def test_audit_log_is_party_scoped(api: Api, world: World) -> None:
    _seed(api, world)
    a_log = api.call("GET", "/api/ops/audit", "a_admin").json()
    assert {"engagement.create", "notification.declare", "channel.create", "message.send"} <= {
        x["action"] for x in a_log
    }
    c_log = api.call("GET", "/api/ops/audit", "c_admin").json()
    assert all(x["action"] == "login" for x in c_log)
    assert_error(api.call("GET", "/api/ops/audit", "a_officer"), 403)
