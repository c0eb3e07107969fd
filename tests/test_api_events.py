"""REST API: events, dyad series, actors, sources, health — and the one error shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from detente.api import create_app
from detente.config import Settings
from detente.ingest import ingest_file
from detente.store import Store
from tests.ingest.test_gdelt import gdelt_row, write


@pytest.fixture()
def client(store: Store, settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    rows = [gdelt_row(1), gdelt_row(2, code="190", goldstein="-10", url="u2"), gdelt_row(3, a1="FRA", url="u3")]
    ingest_file(store, write(tmp_path, rows))
    with TestClient(create_app(settings, store=store)) as c:
        yield c


def assert_error(body: dict[str, object], status: int) -> None:
    err = body["error"]
    assert isinstance(err, dict)
    assert set(err) == {"code", "status", "message", "hint"}
    assert err["status"] == status and isinstance(err["message"], str) and "\n" not in err["message"]


def test_events_for_a_dyad(client: TestClient) -> None:
    r = client.get("/api/events", params={"dyad": "usa,rus"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert {e["cameo_code"] for e in body["events"]} == {"042", "190"}
    assert "dedup_key" not in body["events"][0]
    assert client.get("/api/events", params={"actor": "FRA"}).json()["count"] == 1
    assert client.get("/api/events", params={"dyad": "USA,RUS", "since": "2020-01-01"}).json()["count"] == 0


def test_daily_series(client: TestClient) -> None:
    days = client.get("/api/dyads/USA,RUS/daily").json()["days"]
    assert days == [
        {"date": "2019-10-24", "cooperation": 1.9, "conflict": 10.0, "events": 2, "cooperative_events": 1,
         "hostile_events": 1}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/events", 422),
        ("/api/events?dyad=USA", 422),
        ("/api/events?dyad=USA,RUS&actor=FRA", 422),
        ("/api/events?dyad=USA,RUS&since=2019-13-01", 422),
        ("/api/events?dyad=USA,RUS&limit=0", 422),
        ("/api/events?dyad=USA,RUS&limit=abc", 422),
        ("/api/dyads/USA/daily", 422),
        ("/api/actors?kind=planet", 422),
        ("/api/nowhere", 404),
    ],
)
def test_bad_requests_get_the_error_shape(client: TestClient, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status
    assert_error(r.json(), status)


def test_hostile_input_is_just_data(client: TestClient) -> None:
    r = client.get("/api/events", params={"dyad": "'; DROP TABLE events;--,<script>"})
    assert r.status_code == 200 and r.json()["count"] == 0
    assert client.get("/api/health").json()["events"] == 3


def test_actors_sources_health_settings(client: TestClient) -> None:
    actors = client.get("/api/actors", params={"q": "estonia"}).json()["actors"]
    assert [a["actor_id"] for a in actors] == ["EST"]
    src = client.get("/api/sources").json()
    assert src["sources"][0]["dataset"] == "gdelt2" and src["sources"][0]["events"] == 3
    assert client.get("/api/health").json()["status"] == "ok"
    assert "db" in client.get("/api/settings").json()


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/events", "/api/dyads/{dyad}/daily", "/api/actors", "/api/sources", "/api/health"):
        assert p in paths
