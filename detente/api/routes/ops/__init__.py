"""API of the operations workspace, under /api/ops; one module per instrument.

A background task sweeps hotline reply deadlines every ``SWEEP_SECONDS`` while
the app runs (the sweep also runs on request: POST /api/ops/sweep and whenever
a party lists its notices or a channel).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from detente.api.routes.ops import cbm, ceasefire, engagements, hotline, humanitarian, receipts, rules, session
from detente.ops import hotline as hotline_service
from detente.ops.db import OpsDB

__all__ = ["SWEEP_SECONDS", "router"]

SWEEP_SECONDS = 30.0
_sweeping = threading.Lock()  # held while a sweep runs in its worker thread


def _sweep_once(app: FastAPI) -> None:
    db: OpsDB | None = getattr(app.state, "ops", None)
    if db is not None:
        with _sweeping, db.session() as s:
            hotline_service.sweep(s)


async def _sweeper(app: FastAPI) -> None:
    """Sweep every ``app.state.ops_sweep_seconds`` (default SWEEP_SECONDS), re-reading it each second."""
    waited = 0.0
    while True:
        interval = float(getattr(app.state, "ops_sweep_seconds", SWEEP_SECONDS))
        step = min(1.0, interval)
        await asyncio.sleep(step)
        waited += step
        if waited >= interval:
            waited = 0.0
            with contextlib.suppress(Exception):  # a failed sweep is retried at the next tick
                await run_in_threadpool(_sweep_once, app)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    task = asyncio.create_task(_sweeper(app))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        db: OpsDB | None = getattr(app.state, "ops", None)
        if db is not None:
            # a sweep already running in its thread outlives the cancelled task: let it finish (and give its
            # connection back) before the pool closes, or that connection is left open
            with _sweeping:
                db.dispose()


router = APIRouter(prefix="/api/ops", tags=["ops"], lifespan=_lifespan)
for _module in (session, engagements, cbm, rules, hotline, ceasefire, humanitarian, receipts):
    router.include_router(_module.router)
