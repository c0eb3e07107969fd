"""Engagement planner: create, list, calendar (JSON and iCal), update; completion feeds the relations index."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from detente.api.deps import StoreDep
from detente.api.routes.ops.deps import ActorDep, Cursor, Limit, OpsDep, paged
from detente.ops import engagements as svc
from detente.ops.schemas import MAX_ID, ConfirmIn, Day, EngagementIn, EngagementPatch

router = APIRouter()
EngId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/engagements", status_code=201)
def create(body: EngagementIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.engagement_dict(s, svc.create(s, actor, body.model_dump()))


@router.get("/engagements")
def list_engagements(
    actor: ActorDep,
    db: OpsDep,
    request: Request,
    response: Response,
    start: Annotated[Day | None, Query()] = None,
    end: Annotated[Day | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    """A page of the engagements shared with your party, optionally overlapping [start, end] (the calendar)."""
    with db.session() as s:
        page = svc.page_for(s, actor, start, end, cursor, limit)
        return paged(request, response, page, [svc.engagement_dict(s, e) for e in page.items])


@router.get("/engagements.ics", response_class=Response)
def ical(actor: ActorDep, db: OpsDep) -> Response:
    """Your party's engagements as an iCalendar (RFC 5545) file, with each one's track and who takes part."""
    with db.session() as s:
        text = svc.calendar(s, actor)
    return Response(
        text,
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="engagements.ics"'},
    )


@router.get("/engagements/{engagement_id}")
def get(engagement_id: EngId, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.engagement_dict(s, svc.get(s, actor, engagement_id))


@router.patch("/engagements/{engagement_id}")
def update(engagement_id: EngId, body: EngagementPatch, actor: ActorDep, db: OpsDep, store: StoreDep) -> dict[str, Any]:
    """Record outcomes or status; a completed engagement is written to the relations index (DuckDB)."""
    with db.session() as s:
        return svc.engagement_dict(s, svc.update(s, actor, engagement_id, body.model_dump(), store))


@router.post("/engagements/{engagement_id}/confirm")
def confirm(engagement_id: EngId, body: ConfirmIn, actor: ActorDep, db: OpsDep, store: StoreDep) -> dict[str, Any]:
    """An invited party confirms it takes part in the ``version`` it read (409 if the engagement changed since);
    only the parties that confirmed the current version are written to the relations index."""
    with db.session() as s:
        return svc.engagement_dict(s, svc.confirm(s, actor, engagement_id, store, body.version))
