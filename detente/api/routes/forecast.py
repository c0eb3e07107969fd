"""API: early warning — risk rankings with their drivers, the latest backtest, its calibration plot."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from detente.api.deps import SettingsDep, StoreDep
from detente.store import Store
from detente.store.analytics.events import data_version

# the forecast stack (SciPy, scikit-learn) is imported on the first forecast request, not when the server starts

router = APIRouter(prefix="/api/forecast", tags=["forecast"])

_lock = threading.Lock()


def _cache(request: Request) -> dict[Any, Any]:
    state = request.app.state
    if not hasattr(state, "forecast_cache"):
        state.forecast_cache = {}
    cache: dict[Any, Any] = state.forecast_cache
    return cache


def _sources(request: Request, store: Store) -> tuple[Any, int]:
    """The panels, loaded once per data version (the newest file id) and reused across requests."""
    from detente.forecast.sources import load_sources

    version = data_version(store)
    cache = _cache(request)
    key = ("sources", version)
    if key not in cache:
        cache[key] = load_sources(store)
    src = cache[key]
    return src, version


@router.get("", summary="Risk ranking for a year, with the features that drive each forecast")
def ranking(
    request: Request,
    store: StoreDep,
    year: int = Query(..., ge=1800, le=2200, description="Forecast year; models are trained on earlier years"),
    top: int = Query(20, ge=1, le=500, description="How many of the riskiest rows"),
    task: str = Query("mid", description="mid (dyad-years) or conflict (country-years)", pattern="^(mid|conflict)$"),
    seed: int = Query(0, ge=0, le=2**31 - 1),
) -> dict[str, Any]:
    from detente.forecast.backtest import clean
    from detente.forecast.explain import forecast_year
    from detente.forecast.sources import names

    src, version = _sources(request, store)
    key = ("ranking", version, task, year, top, seed)
    cache = _cache(request)
    with _lock:  # one fit at a time; repeated requests are served from the cache
        if key not in cache:
            cache[key] = clean(forecast_year(src, task, year, seed=seed, top=top, names=names(store, year)))
    out: dict[str, Any] = cache[key]
    return out


@router.get("/tasks", summary="The forecast tasks")
def tasks() -> dict[str, Any]:
    from detente.forecast.backtest import TASKS

    return {"tasks": [{"name": t.name, "label": t.label, "features": list(t.features)} for t in TASKS.values()]}


@router.get("/backtest", summary="Metrics of the latest saved backtest: the model and each baseline")
def backtest(store: StoreDep, settings: SettingsDep) -> dict[str, Any]:
    import json

    from detente.forecast.artefacts import latest_run

    manifest, folder = latest_run(store, settings.db)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return {"run_id": manifest["run_id"], "manifest": manifest, **summary}


@router.get("/calibration.png", summary="Reliability plot of the latest saved backtest", response_class=FileResponse)
def calibration(store: StoreDep, settings: SettingsDep) -> FileResponse:
    from detente.forecast.artefacts import latest_run

    _, folder = latest_run(store, settings.db)
    return FileResponse(folder / "calibration.png", media_type="image/png")
