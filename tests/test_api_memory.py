"""The read routes answer from the resident tables right on the event loop (no hop to a worker thread), and from
the engine in the thread pool when memory cannot tell: the same answers either way."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.api import create_app, deps
from detente.config import Settings
from detente.ingest import ingest_file
from detente.store import Store
from detente.store.reference import load_reference
from tests.store.test_resident import _same

PATHS = (
    "/api/dyads/USA,CHN/index?res=day&points=5",
    "/api/dyads/CHN,USA/index?res=week&since=2019-10-01",
    "/api/dyads/USA,CHN/trust?res=month",
    "/api/tension?actor=USA",
    "/api/tension?actor=CHN&on=2019-10-20",
    "/api/alerts?res=day&top=5&events=3",
    "/api/events?dyad=USA,CHN&limit=5&offset=2",
)


@pytest.fixture()
def app_on_file(tmp_path: Path, shared_data: Path) -> Iterator[tuple[Any, list[str]]]:
    s = Store.open(tmp_path / "s.duckdb")
    load_reference(s)
    ingest_file(s, shared_data / "events" / "gdelt2" / "20191024143000.export.CSV", "auto")
    app = create_app(Settings(db=tmp_path / "s.duckdb", ops_url=f"sqlite:///{tmp_path / 'ops.sqlite'}"), store=s)
    yield app, []
    s.close()


def _counting(monkeypatch: pytest.MonkeyPatch, hops: list[str]) -> None:
    real = deps.run_in_threadpool

    async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(fn.__name__)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(deps, "run_in_threadpool", counted)


def test_memory_answers_stay_on_the_loop_and_equal_the_engines(
    app_on_file: tuple[Any, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, hops = app_on_file
    _counting(monkeypatch, hops)
    writer = app.state.writer
    writer._keep = False  # no resident tables at first: every answer is the engine's, in the thread pool
    with TestClient(app) as client:
        engine = {p: client.get(p).json() for p in PATHS}
        assert len(hops) == len(PATHS)
        writer._keep = True
        writer.bump()  # the engine's answers are not kept for the memory's
        writer.refresh(wait=True)
        hops.clear()
        for p in PATHS:
            r = client.get(p)
            assert r.status_code == 200 and r.headers["x-detente-cache"] == "miss", (p, r.text)
            _same(r.json(), engine[p], p)
        assert hops == []
        # a search memory cannot answer (an actor's events with anyone): the engine's, in the thread pool
        assert client.get("/api/events?actor=USA&limit=5").status_code == 200 and hops == ["event_search"]
        # an error raised on the loop has the one error shape
        bad = client.get("/api/dyads/USA,QQQ/index")
        assert bad.status_code == 404 and bad.json()["error"]["code"]


def test_answer_runs_the_full_path_in_a_worker_thread_only_when_memory_cannot_tell() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    seen: list[str] = []
    store = Store.open(":memory:")

    def quick(s: Store, x: int) -> int | None:
        seen.append(threading.current_thread().name)
        return x if x > 0 else None

    def full(s: Store, x: int) -> int:
        seen.append(threading.current_thread().name)
        return -x

    async def both() -> tuple[str, int, int]:
        return (
            threading.current_thread().name,
            await deps.answer(quick, full, store, 3),
            await deps.answer(quick, full, store, -4),
        )

    with ThreadPoolExecutor(1) as pool:  # a loop of its own (another test's may run in this thread)
        loop, *got = pool.submit(asyncio.run, both()).result()
    store.close()
    assert got == [3, 4]
    assert seen[:3] == [loop, loop, seen[2]] and seen[2] != loop


def test_a_read_during_a_slow_publish_is_answered_from_the_version_before_without_waiting(
    app_on_file: tuple[Any, list[str]], monkeypatch: pytest.MonkeyPatch, shared_data: Path, tmp_path: Path
) -> None:
    """Readers never wait for a write: while the new version's tables load (held here until the test lets them go),
    memory answers from the version before, at once and whole, the engine answers what memory cannot from the new
    data (never mixed), and the new version replaces the old in one step once it is ready (the answer cache too)."""
    from detente.store import writer as writer_module
    from tests.store.test_resident import a_day_later

    app, hops = app_on_file
    _counting(monkeypatch, hops)
    path = "/api/dyads/USA,CHN/trust?res=day&points=3"
    new_file = a_day_later(shared_data, tmp_path, rows=100_000)
    loading, publish = threading.Event(), threading.Event()
    real_load = writer_module.load

    def held(*args: Any, **kwargs: Any) -> Any:
        loading.set()
        assert publish.wait(60), "the test never let the load go"
        return real_load(*args, **kwargs)

    with TestClient(app) as client:
        writer = app.state.writer
        writer.refresh(wait=True)
        before = client.get(path)
        alerts_before = client.get("/api/alerts?res=day&top=5&events=3").json()
        epoch = client.get("/api/status").json()["generation"]
        monkeypatch.setattr(writer_module, "load", held)
        try:
            with writer.write() as w:
                ingest_file(w, new_file, "auto")
            assert loading.wait(60)  # the new version's tables are being loaded, and held there
            hops.clear()
            during = client.get(path)  # answered now, from memory: the version before the write
            assert during.status_code == 200 and during.json() == before.json() and hops == []
            assert client.get("/api/alerts?res=day&top=5&events=3").json() == alerts_before and hops == []
            with writer.read(behind=True) as cur:
                assert cur.served is not None and cur.served.resident is not None and cur.served.behind is not None
                assert cur.served.version != cur.served.behind  # labelled with the tables' own version
            with writer.read() as cur:  # a cursor that does not ask for the version before: the engine's
                assert cur.served is not None and cur.served.resident is None
            # what memory cannot answer (an actor's events with anyone) comes from the engine, on the new data
            newest = client.get("/api/events?actor=USA&limit=1").json()["events"]
            assert hops == ["event_search"] and newest[0]["date"] == "2019-10-25"
            assert not publish.is_set() and loading.is_set()  # all of it while the load was held
        finally:
            publish.set()
        writer.refresh(wait=True)
        after = client.get(path)
        assert after.headers["x-detente-cache"] == "miss"  # what was kept from the version before is not served
        assert after.json()["trust"][-1]["period"] == "2019-10-25" != before.json()["trust"][-1]["period"]
        assert client.get("/api/status").json()["generation"] > epoch + 2  # the write's start, end and publish


_VALUES = {
    "res": st.sampled_from(["day", "week", "month", "year", "decade", "", "Day"]),
    "since": st.sampled_from(["2019-10-01", "2019-10-24", "2019-02-30", "20191001", "", "2019-10-1"]),
    "until": st.sampled_from(["2019-10-20", "2019-10-24", "2018-01-01", "soon"]),
    "on": st.sampled_from(["2019-10-20", "2019-10-24", "2030-01-01", "x"]),
    "points": st.sampled_from(["1", "3", "2000", "0", "100001", "-1", "1e3", "007"]),
    "top": st.sampled_from(["1", "5", "50", "0", "1001", "abc"]),
    "events": st.sampled_from(["0", "3", "10", "101", ""]),
    "limit": st.sampled_from(["1", "5", "100", "0", "10001"]),
    "offset": st.sampled_from(["0", "2", "300", "-1"]),
    "directed": st.sampled_from(["true", "false", "1", "0", "True", "yes", "maybe"]),
    "actor": st.sampled_from(["USA", "chn", "QQQ", "", "TOOLONGACTORID", "U S"]),
    "dyad": st.sampled_from(["USA,CHN", "chn,usa", "USA,USA", "USA", "USA,QQQ", ""]),
    "other": st.sampled_from(["1", "x"]),
}
_ROUTES = {
    "/api/dyads/{}/index": ["res", "since", "until", "points", "other"],
    "/api/dyads/{}/trust": ["res", "since", "until", "points", "other"],
    "/api/tension": ["actor", "on", "other"],
    "/api/alerts": ["top", "res", "since", "events", "other"],
    "/api/events": ["dyad", "actor", "since", "until", "directed", "limit", "offset", "other"],
}


@st.composite
def _questions(draw: st.DrawFn) -> str:
    route = draw(st.sampled_from(sorted(_ROUTES)))
    names = draw(st.lists(st.sampled_from(_ROUTES[route]), max_size=5))  # repeats too
    query = "&".join(f"{n}={draw(_VALUES[n])}" for n in names)
    path = route.format(draw(st.sampled_from(["USA,CHN", "rus,usa", "USA,QQQ", "USA,USA", "USA"])))
    return f"{path}?{query}"


def test_plain_questions_answered_from_memory_equal_the_routes(app_on_file: tuple[Any, list[str]]) -> None:
    """Any question, plain or not: the bytes, status and type the routes give, whether memory answers or not."""
    app, _ = app_on_file
    with TestClient(app) as client:
        app.state.writer.refresh(wait=True)
        answered = app.state.memory.answered

        @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(_questions())
        def check(url: str) -> None:
            app.state.memory.enabled = True
            fast = client.get(url, headers={"cookie": "x=1"})  # a cookie: never from the answer cache
            app.state.memory.enabled = False
            routed = client.get(url, headers={"cookie": "x=1"})
            assert (fast.status_code, fast.content) == (routed.status_code, routed.content), url
            assert fast.headers["content-type"] == routed.headers["content-type"], url

        check()
        assert app.state.memory.answered >= answered + 10  # many were plain and answered from memory


def test_memory_reads_each_parameter_as_its_route_declares_it() -> None:
    """One truth: the names, defaults and bounds memory reads come from the routes' own declarations."""
    from detente.api import memory

    specs = memory._specs()
    assert specs["/api/alerts"]["top"][1] == 20 and specs["/api/dyads/{dyad}/index"]["points"][1] == 2000
    assert set(specs["/api/events"]) == {"dyad", "actor", "since", "until", "directed", "limit", "offset"}
    top, points, res, actor = (
        specs["/api/alerts"]["top"][0], specs["/api/dyads/{dyad}/trust"]["points"][0],
        specs["/api/alerts"]["res"][0], specs["/api/tension"]["actor"][0],
    )  # fmt: skip
    assert top("1000") == 1000 and points("100000") == 100_000 and res("week") == "week" and actor("USA") == "USA"
    for parse, value in ((top, "1001"), (top, "0"), (points, "100001"), (res, "decade"), (res, "day\n"), (actor, "")):
        with pytest.raises(memory._Other):
            parse(value)
