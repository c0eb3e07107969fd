"""API routers, one module per resource. A new resource adds its module's router here."""

from __future__ import annotations

from fastapi import APIRouter

from detente.api.routes import (
    alliances,
    coder,
    engagements,
    events,
    forecast,
    measure,
    ops,
    reference,
    simulate,
    status,
)

ROUTERS: list[APIRouter] = [
    events.router,
    reference.router,
    alliances.router,
    engagements.router,
    measure.router,
    forecast.router,
    simulate.router,
    ops.router,
    coder.router,
    status.router,
]

__all__ = ["ROUTERS"]
