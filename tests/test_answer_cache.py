"""The answer cache: a repeated read is served from it until a write bumps the store generation; per-user
and non-store answers are never kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from detente.api import create_app
from detente.config import Settings
from detente.store import Store
from detente.store.reference import load_reference
from tests.direct import db_sql


def _client(tmp_path: Path) -> tuple[TestClient, Store]:
    s = Store.open(":memory:")
    load_reference(s)
    app = create_app(Settings(db=tmp_path / "x.duckdb", ops_url="sqlite://"), store=s)
    return TestClient(app), s


def test_a_read_is_kept_until_the_data_changes(tmp_path: Path) -> None:
    c, store = _client(tmp_path)
    with c:
        first = c.get("/api/actors", params={"q": "united"})
        again = c.get("/api/actors", params={"q": "united"})
        assert (first.headers["x-detente-cache"], again.headers["x-detente-cache"]) == ("miss", "hit")
        assert first.json() == again.json() and again.headers["x-frame-options"] == "DENY"
        assert c.get("/api/actors", params={"q": "kingdom"}).headers["x-detente-cache"] == "miss"  # another query
        assert c.get("/api/actors?kind=state&q=united").headers["x-detente-cache"] == "miss"
        sorted_again = c.get("/api/actors?q=united&kind=state")  # the same question, its parameters in another order
        assert sorted_again.headers["x-detente-cache"] == "hit"
        assert c.get("/api/actors?q=united&q=kingdom").headers["x-detente-cache"] == "miss"  # repeated: kept as is
        assert c.get("/api/actors?q=kingdom&q=united").headers["x-detente-cache"] == "miss"
        with c.app.state.writer.write() as w:  # type: ignore[attr-defined]
            db_sql(w, "UPDATE actors SET name = 'United Kingdom (changed)' WHERE actor_id = 'GBR'")
        after = c.get("/api/actors", params={"q": "united"})
        assert after.headers["x-detente-cache"] == "miss"
        assert "United Kingdom (changed)" in after.text
    store.close()


def test_errors_per_user_answers_and_job_status_are_not_kept(tmp_path: Path) -> None:
    c, store = _client(tmp_path)
    with c:
        for _ in range(2):
            assert c.get("/api/tension", params={"actor": "QQQ"}).headers["x-detente-cache"] == "miss"  # 404
            r = c.get("/api/actors", headers={"Authorization": "Bearer x"})
            assert "x-detente-cache" not in r.headers
            assert "x-detente-cache" not in c.get("/api/status").headers
        gen = c.get("/api/status").json()["generation"]
        c.post("/api/simulations", json={})  # any write outside the ops API counts as a change
        assert c.get("/api/status").json()["generation"] == gen + 1
    store.close()


def test_an_answer_kept_for_one_caller_is_never_served_to_a_caller_with_credentials(tmp_path: Path) -> None:
    """As the attacker: whatever a request with a token or a cookie gets is computed for it and kept for no one,
    and a kept public answer never goes to it either (an ops route may answer per party)."""
    c, store = _client(tmp_path)
    with c:
        c.get("/api/actors", params={"q": "united"})  # kept
        for creds in ({"Authorization": "Bearer someone-else"}, {"Cookie": "session=abc"}):
            r = c.get("/api/actors", params={"q": "united"}, headers=creds)
            assert "x-detente-cache" not in r.headers and "etag" not in r.headers
            r = c.get("/api/actors", params={"q": "kingdom"}, headers=creds)  # not kept for the next caller
            assert "x-detente-cache" not in r.headers
        assert c.get("/api/actors", params={"q": "kingdom"}).headers["x-detente-cache"] == "miss"
        for path in ("/api/ops/parties", "/api/local/run", "/api/status"):  # never kept, whoever asks
            assert "x-detente-cache" not in c.get(path).headers
    store.close()


def test_an_etag_revalidates_until_the_data_changes_and_never_matches_another_version(tmp_path: Path) -> None:
    c, store = _client(tmp_path)
    with c:
        first = c.get("/api/actors", params={"q": "united"})
        tag = first.headers["etag"]
        again = c.get("/api/actors", params={"q": "united"}, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        assert c.get("/api/actors", params={"q": "united"}, headers={"If-None-Match": '"0-x"'}).status_code == 200
        with c.app.state.writer.write() as w:  # type: ignore[attr-defined]
            db_sql(w, "UPDATE actors SET name = 'United Kingdom (changed)' WHERE actor_id = 'GBR'")
        after = c.get("/api/actors", params={"q": "united"}, headers={"If-None-Match": tag})
        assert after.status_code == 200 and "United Kingdom (changed)" in after.text  # the old tag is stale
        assert after.headers["etag"] != tag
    store.close()


def test_an_answer_computed_during_a_write_is_not_served_after_it(tmp_path: Path) -> None:
    """A read that overlaps a write may see either side of it; what it keeps is labelled with the generation
    the write started, so nothing computed before the commit is served once the write has ended."""
    c, store = _client(tmp_path)
    writer = c.app.state.writer  # type: ignore[attr-defined]
    with c:
        with writer.write() as w:
            during = c.get("/api/actors", params={"q": "united"})  # computed while the write is under way
            assert during.headers["x-detente-cache"] == "miss"
            db_sql(w, "UPDATE actors SET name = 'United Kingdom (changed)' WHERE actor_id = 'GBR'")
        after = c.get("/api/actors", params={"q": "united"})
        assert after.headers["x-detente-cache"] == "miss" and "United Kingdom (changed)" in after.text
    store.close()


def test_concurrent_requests_for_one_answer_compute_it_once(tmp_path: Path) -> None:
    import asyncio

    import httpx

    c, store = _client(tmp_path)
    app = c.app
    calls = 0

    async def count(scope: object, receive: object, send: object) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # a slow answer: the others arrive while it is computed
        await inner(scope, receive, send)

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
            return await asyncio.gather(*(h.get("/api/actors?q=united") for _ in range(8)))

    with c:
        from detente.api.cache import AnswerCacheMiddleware

        inner = app.middleware_stack  # type: ignore[attr-defined]  # built at start (the app's own cache inside)
        app.middleware_stack = AnswerCacheMiddleware(count, app.state.answers)  # type: ignore[attr-defined,arg-type]
        got = _in_own_loop(go)
        failing = AnswerCacheMiddleware(_fails, app.state.answers)  # type: ignore[attr-defined,arg-type]
        app.middleware_stack = failing  # type: ignore[attr-defined]
        errors = _in_own_loop(lambda: go_fail(app))
    assert calls == 1
    assert [r.status_code for r in got] == [200] * 8
    assert len({r.content for r in got}) == 1
    assert errors == [500] * 8 and not failing._pending  # a failed first answer: each request answered on its own
    store.close()


def _in_own_loop(make: Any) -> Any:
    """Run a coroutine on a thread of its own (a browser test may have left this thread's loop running)."""
    import asyncio
    import threading

    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(asyncio.run(make())))
    t.start()
    t.join()
    return out[0]


async def _fails(scope: object, receive: object, send: Any) -> None:
    import asyncio

    await asyncio.sleep(0.02)
    await send({"type": "http.response.start", "status": 500, "headers": []})
    await send({"type": "http.response.body", "body": b"no"})


async def go_fail(app: Any) -> list[int]:
    import asyncio

    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as h:
        got = await asyncio.gather(*(h.get("/api/actors?q=nowhere") for _ in range(8)))
    return [r.status_code for r in got]
