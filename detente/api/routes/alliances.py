"""API: alliance commitments from ATOP 5.1 — the collective-defense answer and the commitment graph."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query

from detente.api.deps import StoreDep
from detente.measure.alliances import alliance_graph, allies_answer

router = APIRouter(prefix="/api", tags=["alliances"])

_ACTOR_HELP = "State id (ISO3/detente id) or name"


@router.get("/allies", summary="Who must come to a state's aid on a date, under which alliance and conditions")
def allies(
    store: StoreDep,
    attacked: str = Query(..., min_length=2, max_length=60, description=_ACTOR_HELP),
    on: dt.date = Query(..., description="Date, YYYY-MM-DD"),
    attacker: str | None = Query(None, min_length=2, max_length=60, description="The attacking state, if known"),
) -> dict[str, Any]:
    return allies_answer(store, attacked, on, attacker)


@router.get("/alliances/graph", summary="Alliance commitments around a state on a date (nodes and edges)")
def graph(
    store: StoreDep,
    actor: str = Query(..., min_length=2, max_length=60, description=_ACTOR_HELP),
    on: dt.date = Query(..., description="Date, YYYY-MM-DD"),
    depth: int = Query(1, ge=1, le=2, description="Hops of commitments to include"),
) -> dict[str, Any]:
    return alliance_graph(store, actor, on, depth)
