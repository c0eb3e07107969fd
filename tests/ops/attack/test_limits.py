"""Bodies over the global limit are refused before they are read (issue 14, finding 6); lists are paginated
(finding 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from detente.api.limits import MAX_BODY

from ..conftest import Api, World, assert_error


def test_a_large_body_is_refused_with_413_before_it_is_read(api: Api, world: World) -> None:
    big = b'{"username": "' + b"x" * (10 * 1024 * 1024) + b'", "password": "y"}'
    for path in ("/api/ops/login", "/api/ops/channels", "/api/simulations"):
        r = api.client.post(path, content=big, headers={"content-type": "application/json"})
        assert_error(r, 413)
        assert r.json()["error"]["code"] == "too_large"
    # streamed without a length (chunked): counted as it arrives, refused once past the limit
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"body": "'
        for _ in range(64):
            sent += 64 * 1024
            yield b"x" * (64 * 1024)
        yield b'"}'

    r = api.call("POST", "/api/ops/channels/1/messages", "a_officer", content=chunks())
    assert_error(r, 413)
    assert r.json()["error"]["code"] == "too_large"
    # a body just under the limit is parsed as usual (and refused for what it says, not its size)
    near = b'{"username": "' + b"x" * (MAX_BODY - 100) + b'", "password": "y"}'
    assert_error(api.client.post("/api/ops/login", content=near, headers={"content-type": "application/json"}), 422)
    # /api/code keeps its own, smaller limit
    r = api.client.post("/api/code", content=b'{"text": "' + b"x" * 500_000 + b'"}')
    assert_error(r, 413)


def test_every_list_pages_with_a_stable_cursor(api: Api, world: World) -> None:
    """Issue 14, finding 7: lists returned everything (374 notifications: 325 KB, 179 ms)."""
    today = dt.date.today()
    for i in range(7):
        r = api.call(
            "POST",
            "/api/ops/engagements",
            "a_officer",
            json={"kind": "defense_dialogue", "title": f"Talks {i}", "start_date": str(today), "end_date": str(today)},
        )
        assert r.status_code == 201, r.text
    c = api.call("POST", "/api/ops/channels", "a_officer", json={"name": "A-B", "parties": [world.party["B"]]}).json()
    for i in range(7):
        api.call("POST", f"/api/ops/channels/{c['id']}/messages", "a_officer", json={"body": f"m{i}"})
    for path, key in (
        ("/api/ops/engagements", "title"),
        (f"/api/ops/channels/{c['id']}/messages", "body"),
        ("/api/ops/audit", "id"),
        ("/api/ops/parties", "name"),
    ):
        seen: list[object] = []
        cursor = None
        pages = 0
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            r = api.call("GET", path, "a_admin" if path.endswith("audit") else "a_officer", params=params)
            assert r.status_code == 200, r.text
            assert len(r.json()) <= 3
            seen += [x[key] for x in r.json()]
            pages += 1
            cursor = r.headers.get("x-next-cursor")
            if cursor is None:
                break
            assert 'rel="next"' in r.headers["link"]
            # a write between pages neither repeats nor skips what was already there
            api.call("POST", "/api/ops/sweep", "a_officer")
        assert pages >= 2 and len(seen) == len(set(seen)), (path, seen)
    everything = api.call("GET", "/api/ops/engagements", "a_officer", params={"limit": 500}).json()
    assert [x["title"] for x in everything] == [f"Talks {i}" for i in range(7)]
    for bad in ({"limit": 0}, {"limit": 501}, {"cursor": "nonsense"}, {"cursor": "W10"}):
        assert_error(api.call("GET", "/api/ops/engagements", "a_officer", params=bad), 422)
