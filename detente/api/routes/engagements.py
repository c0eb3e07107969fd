"""API: engagements (exercises, visits, peacekeeping, agreements, mediation, arms transfers) and their kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query

from detente.api.deps import StoreDep
from detente.core.actors import parse_dyad
from detente.core.taxonomy import EngagementKind
from detente.errors import InputError
from detente.store.analytics.engagements import engagement_kinds, engagements
from detente.store.records import engagement_records

router = APIRouter(prefix="/api", tags=["engagements"])


@router.get("/engagements", summary="Engagements of an actor, a dyad or a kind")
def list_engagements(
    store: StoreDep,
    actor: str | None = Query(None, description="Actor id (participant or third party), e.g. USA", max_length=32),
    dyad: str | None = Query(None, description="Two actor ids, e.g. USA,JPN", max_length=65),
    kind: EngagementKind | None = Query(None, description="Engagement kind"),
    dataset: str | None = Query(None, description="Dataset, e.g. mme_v7, pax", max_length=64),
    since: dt.date | None = Query(None, description="Engagements ongoing on or after this day"),
    until: dt.date | None = Query(None, description="Engagements begun on or before this day"),
    limit: int = Query(100, ge=1, le=10000),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    if since and until and until < since:
        raise InputError("until is before since.", hint="Swap them.")
    expr = engagements(
        store, actor=actor.strip().upper() if actor else None, dyad=parse_dyad(dyad, distinct=True) if dyad else None,
        kind=kind.value if kind else None, since=since, until=until, dataset=dataset, limit=limit, offset=offset,
    )  # fmt: skip
    rows = engagement_records(expr)
    return {"engagements": rows, "count": len(rows), "limit": limit, "offset": offset}


@router.get("/engagements/kinds", summary="Engagements per kind and dataset")
def kinds(store: StoreDep) -> dict[str, Any]:
    rows = engagement_records(engagement_kinds(store))
    return {"kinds": rows, "total": sum(r["engagements"] for r in rows)}
