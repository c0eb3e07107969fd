"""Bad input through the API: truncated, wrong types, wrong encoding, empty, hostile; bad tokens. Both backends."""

from __future__ import annotations

import base64
import json

import pytest

from detente.ops.auth import issue_token

from .conftest import Api, World, assert_error

GOOD_NOTIFICATION = {"activity_type": "exercise", "start_date": "2027-05-01", "end_date": "2027-05-05", "troops": 100}
ENDPOINTS = [
    ("/api/ops/notifications", GOOD_NOTIFICATION),
    (
        "/api/ops/engagements",
        {"kind": "joint_exercise", "title": "T", "start_date": "2027-01-01", "end_date": "2027-01-02"},
    ),
    ("/api/ops/channels", {"name": "x", "parties": [2]}),
    ("/api/ops/agreements", {"name": "x", "start_date": "2027-01-01", "parties": [2], "monitors": [4]}),
    (
        "/api/ops/movements",
        {
            "kind": "site",
            "name": "x",
            "points": [[1, 2]],
            "window_start": "2027-01-01T00:00:00",
            "window_end": "2027-01-02T00:00:00",
        },
    ),
]
HOSTILE = [
    b"",  # empty
    b'{"activity_type": "exercise", "start_da',  # truncated
    b"[1, 2, 3]",  # wrong shape
    b"\xff\xfe\x00{\x00}",  # wrong encoding
    b"null",
    json.dumps({"troops": "many"}).encode(),  # wrong types
]


@pytest.mark.parametrize(("path", "good"), ENDPOINTS)
def test_hostile_bodies_are_refused_cleanly(api: Api, world: World, path: str, good: dict[str, object]) -> None:
    for raw in HOSTILE:
        r = api.call("POST", path, "a_officer", content=raw, headers={"Content-Type": "application/json"})
        assert_error(r, 422)
    for field, value in [
        ("extra_field", 1),
        *((k, None) for k in good),
        *((k, "\x00") for k in good),
        *((k, 10**30) for k in good),
        *((k, "x" * 100_001) for k in good),
    ]:
        r = api.call("POST", path, "a_officer", json={**good, field: value})
        assert_error(r, 422)
    assert api.call("POST", path, "a_officer", json=good).status_code in (201, 422)


def test_semantic_errors(api: Api, world: World) -> None:
    bad = [
        ("/api/ops/notifications", {**GOOD_NOTIFICATION, "end_date": "2027-04-01"}),
        ("/api/ops/notifications", {**GOOD_NOTIFICATION, "troops": -5}),
        ("/api/ops/notifications", {**GOOD_NOTIFICATION, "start_date": "0001-01-01"}),
        ("/api/ops/notifications", {**GOOD_NOTIFICATION, "ruleset": "warsaw_pact"}),
        (
            "/api/ops/engagements",
            {"kind": "picnic", "title": "T", "start_date": "2027-01-01", "end_date": "2027-01-02"},
        ),
        (
            "/api/ops/engagements",
            {
                "kind": "joint_exercise",
                "title": "T",
                "start_date": "2027-01-01",
                "end_date": "2027-01-02",
                "participants": [999],
            },
        ),
        ("/api/ops/channels", {"name": "x", "parties": [world.party["A"]]}),  # only itself
        ("/api/ops/agreements", {"name": "x", "start_date": "2027-01-01", "parties": [2], "monitors": [3]}),
        (
            "/api/ops/movements",
            {
                "kind": "convoy",
                "name": "x",
                "points": [[1, 2]],
                "window_start": "2027-01-01T00:00:00",
                "window_end": "2027-01-02T00:00:00",
            },
        ),
        (
            "/api/ops/movements",
            {
                "kind": "site",
                "name": "x",
                "points": [[91, 2]],
                "window_start": "2027-01-01T00:00:00",
                "window_end": "2027-01-02T00:00:00",
            },
        ),
        (
            "/api/ops/movements",
            {
                "kind": "site",
                "name": "x",
                "points": [[1, 2]],
                "window_start": "2027-01-02T00:00:00",
                "window_end": "2027-01-01T00:00:00",
            },
        ),
    ]
    for path, body in bad:
        assert_error(api.call("POST", path, "a_officer", json=body), 400, 422)
    for path in (
        "/api/ops/engagements/0",
        "/api/ops/engagements/abc",
        "/api/ops/engagements/99999999999",
        "/api/ops/channels/-1/messages",
        "/api/ops/movements/1/risk?km=0",
    ):
        assert_error(api.call("GET", path, "a_officer"), 404, 422)
    assert_error(api.call("GET", "/api/ops/engagements/12345", "a_officer"), 404)


def test_bad_credentials_and_tokens(api: Api, world: World) -> None:
    assert_error(api.call("POST", "/api/ops/login", json={"username": "a_officer", "password": "wrong"}), 401)
    assert_error(api.call("POST", "/api/ops/login", json={"username": "nobody", "password": "x"}), 401)
    assert_error(api.call("POST", "/api/ops/login", content=b"{", headers={"Content-Type": "application/json"}), 422)
    token = api.h("a_officer")["Authorization"].split()[1]
    payload, sig = token.split(".")
    forged = (
        base64.urlsafe_b64encode(json.dumps({"uid": world.user["b_admin"], "exp": 4102444800, "n": "x"}).encode())
        .rstrip(b"=")
        .decode()
    )
    expired, _ = issue_token(world.user["a_officer"], "test-secret", -1)
    other_key, _ = issue_token(world.user["a_officer"], "another-secret", 60)
    for bad in ("", "garbage", f"{forged}.{sig}", f"{payload}.{sig[:-2]}", expired, other_key, "a.b.c", "é.é"):
        r = api.call("GET", "/api/ops/me", headers={"Authorization": f"Bearer {bad}".encode("latin-1")})
        assert_error(r, 401)
    assert_error(api.call("GET", "/api/ops/me", headers={"Authorization": "Basic YTpi"}), 401)
    assert api.call("GET", "/api/ops/me", "a_officer").json()["party"]["name"] == "Aland"
