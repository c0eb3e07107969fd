"""The forecast endpoints in-process: ranking, backtest, calibration plot, and the JSON error shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from detente.config import Settings
from detente.forecast.artefacts import save_run
from detente.forecast.backtest import BacktestConfig, run_backtest
from detente.forecast.sources import load_sources
from detente.store import Store

pytestmark = pytest.mark.shared

TINY = BacktestConfig(tasks=("conflict",), start=2011, end=2012, train_start=1985, iterations=15, bootstrap=3)


@pytest.fixture()
def client(panel_store: Store, settings: Settings) -> Iterator[TestClient]:
    from detente.api import create_app

    with TestClient(create_app(settings, store=panel_store)) as c:
        yield c


def _error(r: object, status: int) -> dict[str, object]:
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "status", "message", "hint"}
    assert body["error"]["status"] == status
    return dict(body["error"])


def test_backtest_and_plot_before_any_run_are_404(client: TestClient) -> None:
    assert _error(client.get("/api/forecast/backtest"), 404)["code"] == "not_found"
    assert "forecast backtest" in str(_error(client.get("/api/forecast/calibration.png"), 404)["hint"])


@pytest.mark.slow
def test_backtest_and_calibration_after_a_run(client: TestClient, panel_store: Store, settings: Settings) -> None:
    result = run_backtest(load_sources(panel_store), TINY)
    manifest = save_run(panel_store, settings.db, result)
    b = client.get("/api/forecast/backtest").json()
    assert b["run_id"] == manifest["run_id"]
    assert set(b["tasks"]["conflict"]["metrics"]) == {
        "peace_years",
        "standard",
        "logit",
        "logit_no_eng",
        "boosted",
        "selected",
    }
    png = client.get("/api/forecast/calibration.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"


@pytest.mark.slow
def test_ranking_and_cache(client: TestClient) -> None:
    r = client.get("/api/forecast", params={"year": 2012, "top": 3, "task": "conflict"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == 2012 and len(body["ranking"]) == 3 and body["ranking"][0]["drivers"]
    again = client.get("/api/forecast", params={"year": 2012, "top": 3, "task": "conflict"}).json()
    assert again == body
    assert client.get("/api/forecast/tasks").json()["tasks"][0]["name"] == "mid"


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"year": 1700}, 422, "year"),
        ({"year": "soon"}, 422, "year"),
        ({}, 422, "year"),
        ({"year": 2012, "top": 0}, 422, "top"),
        ({"year": 2012, "top": 501}, 422, "top"),
        ({"year": 2012, "task": "war"}, 422, "task"),
        ({"year": 1900, "task": "conflict"}, 422, "1900"),
        ({"year": 2040, "task": "mid"}, 422, "2040"),
        ({"year": "2012'; DROP TABLE nmc;--"}, 422, "year"),
    ],
)
def test_bad_inputs_have_the_error_shape(
    client: TestClient, params: dict[str, object], status: int, needle: str
) -> None:
    err = _error(client.get("/api/forecast", params=params), status)
    assert needle in str(err["message"])


def test_without_panels_the_ranking_says_how_to_load_them(store: Store, settings: Settings) -> None:
    from detente.api import create_app

    with TestClient(create_app(settings, store=store)) as c:
        err = _error(c.get("/api/forecast", params={"year": 2000}), 404)
    assert "forecast ingest" in str(err["hint"])
