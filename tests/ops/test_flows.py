"""Each instrument end to end through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import time

from sqlalchemy import text

from detente.ops import ceasefire
from detente.store import Store
from tests.direct import db_sql

from .conftest import Api, World, assert_error

TODAY = dt.date.today()


def test_cbm_notification_is_checked_distributed_and_acknowledged(api: Api, world: World) -> None:
    body = {
        "activity_type": "command_post_exercise",
        "title": "Near Miss",
        "start_date": str(TODAY + dt.timedelta(days=10)),
        "end_date": str(TODAY + dt.timedelta(days=15)),
        "troops": 8_900,
        "battle_tanks": 240,
    }
    check = api.call("POST", "/api/ops/notifications/check", "a_officer", json=body).json()
    assert {f["code"] for f in check["findings"]} == {"near_threshold"}
    r = api.call("POST", "/api/ops/notifications", "a_officer", json={**body, "troops": 9_500})
    assert r.status_code == 201
    n = r.json()
    assert {"notifiable", "late_notification"} <= {f["code"] for f in n["findings"]}
    assert {p["name"] for p in n["recipients"]} == {"Bland", "Mediators"}  # OSCE parties; not C, not the NGO
    seen = api.call("GET", "/api/ops/notifications", "b_observer").json()
    assert [x["id"] for x in seen] == [n["id"]] and "recipients" not in seen[0]
    assert api.call("GET", "/api/ops/notifications", "c_officer").json() == []
    assert_error(api.call("POST", f"/api/ops/notifications/{n['id']}/acknowledge", "b_observer"), 403)
    assert api.call("POST", f"/api/ops/notifications/{n['id']}/acknowledge", "b_officer").status_code == 200
    assert_error(api.call("POST", f"/api/ops/notifications/{n['id']}/acknowledge", "b_officer"), 409)
    mine = api.call("GET", f"/api/ops/notifications/{n['id']}", "a_officer").json()
    acks = {p["name"]: p["acknowledged_at"] for p in mine["recipients"]}
    assert acks["Bland"] and acks["Mediators"] is None
    assert any(x["kind"] == "cbm_notification" for x in api.call("GET", "/api/ops/notices", "b_officer").json())


def test_hotline_lifecycle_escalation_and_tamper_evidence(api: Api, world: World) -> None:
    c = api.call(
        "POST", "/api/ops/channels", "a_officer", json={"name": "A-B", "parties": [world.party["B"], world.party["M"]]}
    ).json()
    m1 = api.call(
        "POST",
        f"/api/ops/channels/{c['id']}/messages",
        "a_officer",
        json={"body": "Unusual movement near the border?", "reply_within_minutes": 0},
    ).json()
    m2 = api.call(
        "POST",
        f"/api/ops/channels/{c['id']}/messages",
        "a_officer",
        json={"body": "Second question", "reply_within_minutes": 600},
    ).json()
    assert m1["status"] == "sent"
    time.sleep(0.01)
    assert api.call("POST", "/api/ops/sweep", "a_officer").json() == {"escalated": 1}
    got = api.call("GET", f"/api/ops/channels/{c['id']}/messages", "b_officer").json()
    assert [m["status"] for m in got] == ["delivered", "delivered"]
    assert api.call("POST", f"/api/ops/messages/{m2['id']}/read", "b_officer").json()["status"] == "read"
    assert api.call("POST", f"/api/ops/messages/{m2['id']}/acknowledge", "b_officer").json()["status"] == "acknowledged"
    assert_error(api.call("POST", f"/api/ops/messages/{m2['id']}/read", "b_officer"), 409)
    reply = api.call(
        "POST",
        f"/api/ops/channels/{c['id']}/messages",
        "b_officer",
        json={"body": "Routine rotation.", "in_reply_to": m2["id"]},
    )
    assert reply.status_code == 201
    assert api.call("POST", "/api/ops/sweep", "a_officer").json() == {"escalated": 0}
    msgs = {m["id"]: m for m in api.call("GET", f"/api/ops/channels/{c['id']}/messages", "a_officer").json()}
    assert msgs[m1["id"]]["escalated_at"] and msgs[m1["id"]]["overdue"]
    assert msgs[m2["id"]]["status"] == "answered" and not msgs[m2["id"]]["escalated_at"]
    for user in ("a_admin", "b_admin", "m_admin"):
        assert any(n["kind"] == "escalation" for n in api.call("GET", "/api/ops/notices", user).json())
    assert "escalation" not in {n["kind"] for n in api.call("GET", "/api/ops/notices", "c_admin").json()}
    # every party verifies the chain independently, and the server agrees
    chain = api.call("GET", f"/api/ops/channels/{c['id']}/chain", "b_officer").json()
    from detente.core.hashchain import verify

    assert verify(chain["entries"]) == (True, None, "ok")
    kinds = [e["record"]["kind"] for e in chain["entries"]]
    assert kinds.count("message") == 3 and "escalated" in kinds and "answered" in kinds
    assert api.call("GET", f"/api/ops/channels/{c['id']}/verify", "m_monitor").json()["ok"]
    # editing a stored row is detected: first the message table, then the log itself
    with world.db.session() as s:
        s.execute(text("UPDATE ops_messages SET body = 'We never asked' WHERE id = :i"), {"i": m1["id"]})
    v = api.call("GET", f"/api/ops/channels/{c['id']}/verify", "b_officer").json()
    assert not v["ok"] and "differs" in v["reason"]
    with world.db.session() as s:
        s.execute(
            text("UPDATE ops_messages SET body = :b WHERE id = :i"),
            {"b": "Unusual movement near the border?", "i": m1["id"]},
        )
        rec = s.execute(
            text("SELECT record FROM ops_channel_log WHERE channel_id = :c AND seq = 2"), {"c": c["id"]}
        ).scalar_one()
        edited = json.loads(rec)
        edited["body"] = "Nothing to see"
        s.execute(
            text("UPDATE ops_channel_log SET record = :r WHERE channel_id = :c AND seq = 2"),
            {"r": json.dumps(edited), "c": c["id"]},
        )
    v = api.call("GET", f"/api/ops/channels/{c['id']}/verify", "a_officer").json()
    assert not v["ok"] and v["first_bad"] == 1
    assert not verify(api.call("GET", f"/api/ops/channels/{c['id']}/chain", "b_officer").json()["entries"])[0]


def test_ceasefire_incidents_verification_and_statistics(api: Api, world: World, store: Store) -> None:
    a = api.call(
        "POST",
        "/api/ops/agreements",
        "m_admin",
        json={
            "name": "Valley truce",
            "terms": ["No fire across the river"],
            "start_date": "2026-01-01",
            "parties": [world.party["A"], world.party["B"]],
        },
    ).json()
    assert {p["name"] for p in a["monitors"]} == {"Mediators"}
    for who in ("a_officer", "b_admin"):  # both parties accept the truce the mediator recorded
        assert api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", who).status_code == 200
    ids = []
    for day, reporter, violator in [
        ("2026-02-02", "a_officer", "B"),
        ("2026-02-03", "a_officer", "B"),
        ("2026-02-10", "b_officer", "A"),
    ]:
        r = api.call(
            "POST",
            f"/api/ops/agreements/{a['id']}/incidents",
            reporter,
            json={
                "occurred_at": f"{day}T10:00:00Z",
                "place": "Bridge",
                "latitude": 45.0,
                "longitude": 30.0,
                "violator_party_id": world.party[violator],
                "evidence": ["https://example.org/photo"],
            },
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assert_error(
        api.call(
            "POST",
            f"/api/ops/agreements/{a['id']}/incidents",
            "a_officer",
            json={"occurred_at": "2026-02-02T10:00:00", "violator_party_id": world.party["C"]},
        ),
        422,
    )
    for i in ids[:2]:
        assert (
            api.call("POST", f"/api/ops/incidents/{i}/verify", "m_monitor", json={"status": "verified"}).json()[
                "status"
            ]
            == "verified"
        )
    api.call("POST", f"/api/ops/incidents/{ids[2]}/verify", "m_monitor", json={"status": "rejected"})
    st = api.call("GET", "/api/ops/ceasefire/stats", "a_officer").json()
    assert st["per_party"] == {"BLA": 2}
    assert st["weekly"] == [
        {"week": "2026-02-02", "violator": "BLA", "reporter": "ALA", "agreement_id": a["id"], "count": 2}
    ]
    with world.db.session() as s:
        assert ceasefire.weekly_violations(s) == st["weekly"]
    # verified violations feed the escalation alerts (the store's ceasefire_violations table)
    got = db_sql(store, "SELECT day, violator, party, incidents FROM ceasefire_violations ORDER BY day").fetchall()
    assert [(str(d), v, p, n) for d, v, p, n in got] == [
        ("2026-02-02", "BLA", "ALA", 1),
        ("2026-02-03", "BLA", "ALA", 1),
    ]
    weekly = api.call("GET", "/api/alerts?res=week&top=5").json()["alerts"]
    assert [(x["a"], x["b"], x["period"], x["signals"]) for x in weekly] == [
        ("ALA", "BLA", "2026-02-02", "ceasefire_violations")
    ]


def test_engagements_calendar_ical_and_relations_index(api: Api, world: World, store: Store) -> None:
    r = api.call(
        "POST",
        "/api/ops/engagements",
        "a_officer",
        json={
            "kind": "track3_workshop",
            "track": "III",
            "title": "Youth dialogue, border towns; round 2",
            "start_date": "2026-05-04",
            "end_date": "2026-05-06",
            "place": "Geneva",
            "objectives": "Contacts across the line",
            "participants": [world.party["B"], world.party["N"]],
        },
    )
    assert r.status_code == 201, r.text
    e = r.json()
    cal = api.call("GET", "/api/ops/engagements", "b_officer", params={"start": "2026-05-01", "end": "2026-05-31"})
    assert [x["id"] for x in cal.json()] == [e["id"]]
    assert api.call("GET", "/api/ops/engagements", "b_officer", params={"start": "2026-06-01"}).json() == []
    ics = api.call("GET", "/api/ops/engagements.ics", "n_observer")
    assert ics.headers["content-type"].startswith("text/calendar")
    body = ics.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20260504" in body and "DTEND;VALUE=DATE:20260507" in body
    assert "SUMMARY:Youth dialogue\\, border towns\\; round 2" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    done = api.call(
        "PATCH",
        f"/api/ops/engagements/{e['id']}",
        "a_officer",
        json={"status": "completed", "outcomes": "Joint statement"},
    ).json()
    assert done["exported"]
    v = {"version": done["version"]}  # Bland confirms the engagement as completed, outcomes included
    assert api.call("POST", f"/api/ops/engagements/{e['id']}/confirm", "b_officer", json=v).status_code == 200
    rows = db_sql(
        store, "SELECT kind, participants, third_parties, track, source_id FROM engagements WHERE dataset = 'ops'"
    ).fetchall()
    # only actor codes leave the workspace: the NGO party has none, so it is not named
    assert rows == [("track3_workshop", ["ALA", "BLA"], [], "III", f"ops:{e['id']}")]
    again = api.call("PATCH", f"/api/ops/engagements/{e['id']}", "a_officer", json={"status": "completed"}).json()
    assert store.count("engagements") == 1 and again["version"] == done["version"]  # idempotent, still confirmed


def test_humanitarian_route_warning_from_hostile_events(api: Api, world: World, store: Store) -> None:
    db_sql(
        store,
        "INSERT INTO events (event_id, dataset, date, cameo_code, cameo_root, quad_class, latitude, longitude, "
        "file_id, line, dedup_key) VALUES "
        "(1, 't', DATE '2026-03-10', '190', 19, 4, 33.70, 35.90, 1, 1, 1),"  # ~3 km off the route
        "(2, 't', DATE '2026-03-10', '190', 19, 4, 35.00, 38.00, 1, 2, 2),"  # far away
        "(3, 't', DATE '2025-01-10', '190', 19, 4, 33.70, 35.90, 1, 3, 3),"  # too old
        "(4, 't', DATE '2026-03-10', '042', 4, 1, 33.70, 35.90, 1, 4, 4)",
    )  # cooperative
    r = api.call(
        "POST",
        "/api/ops/movements",
        "n_officer",
        json={
            "kind": "convoy",
            "name": "Convoy 9",
            "points": [[33.5, 36.3], [33.9, 35.5]],
            "window_start": "2026-03-15T06:00:00",
            "window_end": "2026-03-15T18:00:00",
            "expires_at": "2099-01-01T00:00:00",
            "notify": [world.party["A"]],
        },
    )
    assert r.status_code == 201, r.text
    mv = r.json()
    risk = api.call("GET", f"/api/ops/movements/{mv['id']}/risk", "a_officer", params={"km": 10, "days": 30}).json()
    assert [e["event_id"] for e in risk["events"]] == [1] and risk["warning"]
    assert risk["events"][0]["distance_km"] < 10
    ack = api.call("POST", f"/api/ops/movements/{mv['id']}/acknowledge", "a_officer").json()
    assert "not approval" in ack["acknowledgement_means"]
    site = {
        "kind": "site",
        "name": "Clinic",
        "points": [[33.5, 36.3]],
        "window_start": "2020-01-01T00:00:00",
        "window_end": "2020-01-02T00:00:00",
        "notify": [world.party["A"]],
    }
    refused = api.call("POST", "/api/ops/movements", "n_officer", json=site)  # already expired when created
    assert_error(refused, 422)
    assert "already have expired" in refused.json()["error"]["message"]
    old = api.call("POST", "/api/ops/movements", "n_officer", json={**site, "window_end": "2099-01-02T00:00:00"}).json()
    with world.db.session() as s:  # it lapses later: the lapse is simulated in the store
        from detente.ops.models import Movement

        s.get(Movement, old["id"]).expires_at = dt.datetime(2020, 1, 2)
    listed = [m["id"] for m in api.call("GET", "/api/ops/movements", "a_officer").json()]
    assert mv["id"] in listed and old["id"] not in listed
    assert old["id"] in [
        m["id"] for m in api.call("GET", "/api/ops/movements", "a_officer", params={"include_expired": True}).json()
    ]
    assert_error(api.call("POST", f"/api/ops/movements/{old['id']}/acknowledge", "a_officer"), 409)


def test_background_task_escalates_without_being_asked(api: Api, world: World) -> None:
    api.client.app.state.ops_sweep_seconds = 0.05  # type: ignore[attr-defined]
    c = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "A-B", "parties": [world.party["B"]]}).json()
    m = api.call(
        "POST",
        f"/api/ops/channels/{c['id']}/messages",
        "a_officer",
        json={"body": "Deadline now", "reply_within_minutes": 0},
    ).json()
    deadline = time.monotonic() + 10
    from sqlalchemy import select

    from detente.ops.models import ChannelEntry

    while time.monotonic() < deadline:
        with world.db.session() as s:
            q = select(ChannelEntry).where(ChannelEntry.message_id == m["id"], ChannelEntry.kind == "escalated")
            if s.scalars(q).first() is not None:
                break
        time.sleep(0.05)
    else:
        raise AssertionError("the background sweep did not escalate the overdue message")
