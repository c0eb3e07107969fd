"""CBM notifications: dry-run checks, declarations, the parties' lists, acknowledgements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from detente.api.routes.ops.deps import ActorDep, Cursor, Limit, OpsDep, SignerDep, paged
from detente.ops import notifications as svc
from detente.ops import receipts
from detente.ops.access import prefetch_recipients
from detente.ops.schemas import MAX_ID, NotificationIn

router = APIRouter()
NotId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/notifications/check")
def check(body: NotificationIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """What the rule engine would find, without notifying anyone."""
    with db.session() as s:
        return {"findings": [f.to_dict() for f in svc.dry_run(s, actor, body.model_dump())]}


@router.post("/notifications", status_code=201)
def declare(body: NotificationIn, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
    """Declare a military activity: checked, stored and distributed to the entitled parties (``receipt``: the
    workspace's signature over its log as declared)."""
    with db.session() as s:
        a = svc.declare(s, actor, body.model_dump())
        return {**svc.activity_dict(s, a, actor), "receipt": receipts.issue(s, signer, svc.OT, a, actor.party_id)}


@router.get("/notifications")
def list_notifications(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    """A page of the notifications shared with your party (latest start first; next page: X-Next-Cursor)."""
    with db.session() as s:
        page = svc.page_for(s, actor, cursor, limit)
        prefetch_recipients(s, svc.OT, [a.id for a in page.items])
        return paged(request, response, page, [svc.activity_dict(s, a, actor) for a in page.items])


@router.get("/notifications/{notification_id}")
def get(notification_id: NotId, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.activity_dict(s, svc.get(s, actor, notification_id), actor)


@router.get("/notifications/{notification_id}/verify")
def verify(notification_id: NotId, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """Check the notification's tamper-evident log: the declaration as notified, its recipients and every
    acknowledgement, against the stored rows."""
    with db.session() as s:
        return svc.verify(s, actor, notification_id)


@router.post("/notifications/{notification_id}/acknowledge")
def acknowledge(notification_id: NotId, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
    """Acknowledge receipt; the answer's ``receipt`` signs the log with your acknowledgement in it."""
    with db.session() as s:
        out = svc.acknowledge(s, actor, notification_id)
        return {**out, "receipt": receipts.issue_for(s, signer, svc.OT, notification_id, actor.party_id)}
