"""API: events and dyad series."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query

from detente.api.deps import ReaderDep, StoreDep, answer
from detente.api.encoded import Encoded
from detente.core.actors import parse_dyad
from detente.errors import InputError
from detente.store.analytics import events as queries
from detente.store.records import records

router = APIRouter(prefix="/api", tags=["events"])


@router.get("/events", summary="Events of an actor or a dyad", response_class=Encoded)
async def list_events(
    store: ReaderDep,
    dyad: str | None = Query(None, description="Two actor ids, e.g. USA,RUS"),
    actor: str | None = Query(None, description="One actor id: its events with anyone"),
    since: dt.date | None = None,
    until: dt.date | None = None,
    directed: bool = False,
    limit: int = Query(200, ge=1, le=10000),
    offset: int = Query(0, ge=0),
) -> Encoded:
    if (dyad is None) == (actor is None):
        raise InputError("Give exactly one of dyad= or actor=.", hint="Example: /api/events?dyad=USA,RUS")
    a, b = parse_dyad(dyad) if dyad else ((actor or "").upper(), None)
    from detente.measure.report import event_search, kept_event_search

    rows = await answer(
        kept_event_search, event_search, store, a, b, since, until, directed=directed, limit=limit, offset=offset
    )
    return Encoded({"events": rows, "count": len(rows), "limit": limit, "offset": offset})


@router.get("/dyads/{dyad}/daily", summary="Daily cooperation and conflict of a dyad")
def dyad_daily(
    store: StoreDep, dyad: str, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    a, b = parse_dyad(dyad)
    return {"dyad": [a, b], "days": records(queries.dyad_daily(store, a, b, since, until))}
