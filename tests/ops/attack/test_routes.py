"""Every ops route × every role × another party's object; tokenless access to everything that shows ops data.

The routes are read from the app's OpenAPI schema, so a route added later is attacked too (and a path
parameter this suite does not know fails it until it is given an object to aim at).
"""

from __future__ import annotations

import re
from typing import Any

from detente.ops.schemas import MAX_ID

from ..conftest import PASSWORD, Api, World, assert_error
from ..test_access import _seed

PARAM_OBJECT = {
    "channel_id": "channel",
    "message_id": "message",
    "engagement_id": "engagement",
    "notification_id": "notification",
    "agreement_id": "agreement",
    "incident_id": "incident",
    "movement_id": "movement",
    "party_id": "party",
    "user_id": "user",
    "name": "ruleset",
}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/ops/channels/{channel_id}/parties"): {"party_id": 3},
    ("POST", "/api/ops/channels/{channel_id}/messages"): {"body": "intrusion"},
    ("POST", "/api/ops/channels/{channel_id}/verify"): {"receipt": {"channel": 1}},
    ("POST", "/api/ops/agreements/{agreement_id}/verify"): {"receipt": {"log": "agreement"}},
    ("POST", "/api/ops/notifications/{notification_id}/verify"): {"receipt": {"log": "notification"}},
    ("POST", "/api/ops/movements/{movement_id}/verify"): {"receipt": {"log": "movement"}},
    ("PATCH", "/api/ops/engagements/{engagement_id}"): {"status": "completed", "outcomes": "hijacked"},
    ("POST", "/api/ops/engagements/{engagement_id}/confirm"): {"version": "0" * 64},
    ("POST", "/api/ops/agreements/{agreement_id}/incidents"): {
        "occurred_at": "2025-01-01T00:00:00",
        "violator_party_id": 1,
    },
    ("POST", "/api/ops/incidents/{incident_id}/verify"): {"status": "verified"},
    ("POST", "/api/ops/parties/{party_id}/users"): {"username": "mole", "password": "x" * 12, "role": "admin"},
    ("POST", "/api/ops/parties/{party_id}/keys"): {"public_key": "ab" * 32},
    ("PATCH", "/api/ops/users/{user_id}"): {"active": False},
}
DIRECTORY = {  # shared by every authenticated user, by design: no party's object
    ("GET", "/api/ops/parties/{party_id}/keys"),
    ("GET", "/api/ops/rulesets/{name}"),
    ("POST", "/api/ops/rulesets/{name}/compare"),
}
ATTACKERS = ("c_admin", "c_officer", "c_observer", "o_monitor")  # every role, none of them party to A's objects


def _routes(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path, ops in api.client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if path.startswith("/api/ops/"):
            for method, op in ops.items():
                out.append((method.upper(), path, op))
    return out


def _fill(path: str, ids: dict[str, Any]) -> str:
    def one(m: re.Match[str]) -> str:
        assert m.group(1) in PARAM_OBJECT, f"the attack suite has no object for {{{m.group(1)}}} in {path}"
        return str(ids[PARAM_OBJECT[m.group(1)]])

    return re.sub(r"\{(\w+)\}", one, path)


def _monitor_party(world: World) -> None:
    """An organisation party with a monitor user: the monitor role, outside A's objects."""
    from detente.ops import parties

    with world.db.session() as s:
        o = parties.create_party(s, "Observers", "organisation")
        parties.create_user(s, o.id, "o_monitor", PASSWORD, "monitor")


def test_every_route_every_role_against_another_partys_object(api: Api, world: World) -> None:
    ids = _seed(api, world)
    ids.update(party=world.party["A"], user=world.user["a_officer"], ruleset="vienna_document_2011")
    _monitor_party(world)
    routes = [(m, p) for m, p, _ in _routes(api) if "{" in p]
    assert len(routes) >= 25
    missing: dict[str, Any] = {k: MAX_ID for k in ids}
    for attacker in ATTACKERS:
        for method, template in routes:
            body = BODIES.get((method, template))
            path = _fill(template, ids)
            r = api.call(method, path, attacker, json=body)
            if (method, template) in DIRECTORY:
                assert r.status_code in (200, 422), (method, template, r.text)  # 422: no YAML to compare
                continue
            assert_error(r, 403, 404)
            # a missing id gets the very same answer, up to the id it names: existence never leaks
            ghost = api.call(method, _fill(template, missing), attacker, json=body)
            if r.status_code == 404:
                assert ghost.status_code == 404, (attacker, method, template, ghost.text)
                real_id = path.rstrip("/").split("/")
                mine = r.json()["error"]
                theirs = ghost.json()["error"]
                for part in real_id:
                    if part.isdigit():
                        theirs["message"] = theirs["message"].replace(str(MAX_ID), part)
                assert mine == theirs, (attacker, method, template)
    # nothing the attackers tried changed anything of A's
    e = api.call("GET", f"/api/ops/engagements/{ids['engagement']}", "a_officer").json()
    assert e["status"] == "planned" and e["outcomes"] == ""
    msgs = api.call("GET", f"/api/ops/channels/{ids['channel']}/messages", "a_officer").json()
    assert [x["body"] for x in msgs] == ["Please confirm the exercise area."]
    assert api.call("GET", f"/api/ops/channels/{ids['channel']}/verify", "a_officer").json()["ok"] is True
    assert api.call("GET", "/api/ops/me", "a_officer").status_code == 200  # not logged out, not disabled


def test_every_list_route_shows_an_attacker_nothing_of_anothers(api: Api, world: World) -> None:
    _seed(api, world)
    _monitor_party(world)
    lists = [p for m, p, _ in _routes(api) if m == "GET" and "{" not in p]
    for attacker in ATTACKERS:
        for path in lists:
            r = api.call("GET", path, attacker)
            if r.status_code == 403:
                continue  # a role that may not list this at all (users, audit)
            assert r.status_code == 200, (attacker, path, r.text)
            for secret in ("Joint staff exercise", "Autumn Shield", "Please confirm", "Line of contact", "Mortar"):
                assert secret not in r.text, (attacker, path, secret)


def test_no_token_no_ops_data(api: Api, world: World) -> None:
    ids = _seed(api, world)
    ids.update(party=world.party["A"], user=world.user["a_officer"], ruleset="vienna_document_2011")
    routes = _routes(api)
    assert len(routes) >= 40
    for method, template, _ in routes:
        if template == "/api/ops/login":
            continue
        if template == "/api/ops/receipt-key":  # public by design: the key that checks receipts, nothing else
            assert set(api.call(method, template).json()) == {"algorithm", "domain", "key_id", "public_key"}
            continue
        if template == "/api/ops/receipt-keys":  # public by design: the keys that check receipts, nothing else
            assert set(api.call(method, template).json()) == {"algorithm", "domain", "current", "keys"}
            continue
        path = _fill(template, ids)
        body = BODIES.get((method, template))
        assert_error(api.call(method, path, None, json=body), 401)
        bad = {"Authorization": "Bearer not.a-token"}
        assert_error(api.call(method, path, None, json=body, headers=bad), 401)


PUBLIC_PARAMS = {
    "dyad": "ALA,BLA",
    "actor": "ALA",
    "attacked": "ALA",
    "on": "2026-01-01",
    "year": "2026",
    "job_id": "1",
}


def test_no_public_route_shows_ops_data(api: Api, world: World) -> None:
    """Issue 14, finding 1: a completed engagement's title, place, objectives and outcomes were public."""
    ids = _seed(api, world)
    r = api.call(
        "PATCH",
        f"/api/ops/engagements/{ids['engagement']}",
        "a_officer",
        json={"status": "completed", "outcomes": "SECRET-OUTCOME", "place": "SECRET-PLACE", "objectives": "SECRET-AIM"},
    )
    assert r.status_code == 200 and r.json()["exported"] is True
    v = {"version": r.json()["version"]}  # Bland confirms the completed version: the row names both
    assert api.call("POST", f"/api/ops/engagements/{ids['engagement']}/confirm", "b_officer", json=v).status_code == 200
    assert (
        api.call(
            "POST", f"/api/ops/incidents/{ids['incident']}/verify", "m_monitor", json={"status": "verified"}
        ).status_code
        == 200
    )
    secrets = ("SECRET-", "Joint staff exercise", "Checkpoint 4", "Mortar", "Line of contact", "Aland", "Bland")
    paths = []
    for path, ops in api.client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if "get" in ops and not path.startswith("/api/ops"):
            filled = re.sub(r"\{(\w+)\}", lambda m: PUBLIC_PARAMS[m.group(1)], path)
            query = {
                p["name"]: PUBLIC_PARAMS[p["name"]]
                for p in ops["get"].get("parameters", [])
                if p["in"] == "query" and p["name"] in PUBLIC_PARAMS
            }
            paths.append((filled, query))
    paths += [
        ("/api/engagements", {"dataset": "ops"}),
        ("/api/engagements", {"actor": "ALA"}),
        ("/api/engagements", {"dyad": "ALA,BLA"}),
        ("/api/dyads/ALA,BLA/brief", {}),
    ]
    for path, query in paths:
        r = api.client.get(path, params=query)
        assert r.status_code < 500, (path, r.text)
        for secret in secrets:
            assert secret not in r.text, (path, query, secret)
    # the ops engagement is not listed at all, but the trust index still counts it
    assert api.client.get("/api/engagements", params={"dataset": "ops"}).json()["count"] == 0
    assert api.client.get("/api/engagements", params={"actor": "ALA"}).json()["count"] == 0
    assert all(k["dataset"] != "ops" for k in api.client.get("/api/engagements/kinds").json()["kinds"])
    store = api.client.app.state.store  # type: ignore[attr-defined]
    from detente.store.analytics.explain import dyad_engagement_inputs

    counted = dyad_engagement_inputs(store, "ALA", "BLA").to_pylist()
    assert [(r["dataset"], r["name"]) for r in counted] == [("ops", "joint exercise (operations workspace)")]
