"""Humanitarian deconfliction: sites and convoy routes, acknowledgements (not approvals), route risk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from detente.api.deps import StoreDep
from detente.api.routes.ops.deps import ActorDep, Cursor, Limit, OpsDep, SignerDep, paged
from detente.ops import humanitarian as svc
from detente.ops import receipts
from detente.ops.schemas import MAX_ID, Day, MovementIn

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/movements", status_code=201)
def create(body: MovementIn, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
    """Notify a site or route (``receipt``: the workspace's signature over its log as notified)."""
    data = body.model_dump()
    data["points"] = [list(p) for p in body.points]
    with db.session() as s:
        m = svc.create(s, actor, data)
        return {**svc.movement_dict(s, m, actor), "receipt": receipts.issue(s, signer, svc.OT, m, actor.party_id)}


@router.get("/movements")
def list_movements(
    actor: ActorDep,
    db: OpsDep,
    request: Request,
    response: Response,
    include_expired: bool = False,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    with db.session() as s:
        page = svc.page_for(s, actor, include_expired, cursor, limit)
        return paged(request, response, page, [svc.movement_dict(s, m, actor) for m in page.items])


@router.get("/movements/{movement_id}")
def get(movement_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.movement_dict(s, svc.get(s, actor, movement_id), actor)


@router.post("/movements/{movement_id}/acknowledge")
def acknowledge(movement_id: Id, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
    """Record receipt. Acknowledgement is not approval. The answer's ``receipt`` signs the log with your
    acknowledgement in it."""
    with db.session() as s:
        out = svc.acknowledge(s, actor, movement_id)
        return {**out, "receipt": receipts.issue_for(s, signer, svc.OT, movement_id, actor.party_id)}


@router.get("/movements/{movement_id}/verify")
def verify(movement_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """Check the movement's tamper-evident log: the site or route as notified and every acknowledgement."""
    with db.session() as s:
        return svc.verify(s, actor, movement_id)


@router.get("/movements/{movement_id}/risk")
def risk(
    movement_id: Id,
    actor: ActorDep,
    db: OpsDep,
    store: StoreDep,
    km: Annotated[float, Query(gt=0, le=500)] = 25.0,
    days: Annotated[int, Query(gt=0, le=3650)] = 30,
    as_of: Annotated[Day | None, Query()] = None,
) -> dict[str, Any]:
    """Hostile events (quad class 4) within ``km`` of the route in the ``days`` before ``as_of``."""
    with db.session() as s:
        m = svc.get(s, actor, movement_id)
        points = [list(p) for p in m.points]
        default_as_of = m.window_start.date()
    return svc.route_risk(store, movement_id, points, km=km, days=days, as_of=as_of or default_as_of)
