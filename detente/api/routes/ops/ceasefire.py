"""Ceasefire monitoring: agreements, incidents, verification by monitors, statistics."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from detente.api.deps import WriterDep
from detente.api.routes.ops.deps import ActorDep, Cursor, Limit, OpsDep, SignerDep, paged
from detente.ops import ceasefire as svc
from detente.ops import outbox, receipts
from detente.ops.schemas import MAX_ID, AgreementIn, IncidentIn, VerifyIn

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/agreements", status_code=201)
def create(body: AgreementIn, actor: ActorDep, db: OpsDep, signer: SignerDep) -> dict[str, Any]:
    """Open an agreement; the answer's ``receipt`` is the workspace's signature over its log as opened."""
    with db.session() as s:
        a = svc.create_agreement(s, actor, body.name, body.terms, body.start_date, body.parties, body.monitors)
        return {**svc.agreement_dict(s, a), "receipt": receipts.issue(s, signer, "agreement", a, actor.party_id)}


@router.get("/agreements")
def list_agreements(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    with db.session() as s:
        page = svc.page_agreements(s, actor, cursor, limit)
        return paged(request, response, page, [svc.agreement_dict(s, a) for a in page.items])


@router.get("/agreements/{agreement_id}")
def get(agreement_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.agreement_dict(s, svc.get_agreement(s, actor, agreement_id))


@router.post("/agreements/{agreement_id}/incidents", status_code=201)
def report(agreement_id: Id, body: IncidentIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.incident_dict(svc.report(s, actor, agreement_id, body.model_dump()))


@router.get("/agreements/{agreement_id}/incidents")
def incidents(
    agreement_id: Id,
    actor: ActorDep,
    db: OpsDep,
    request: Request,
    response: Response,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    with db.session() as s:
        page = svc.incidents(s, actor, agreement_id, cursor, limit)
        return paged(request, response, page, [svc.incident_dict(i) for i in page.items])


@router.post("/agreements/{agreement_id}/confirm")
def confirm(agreement_id: Id, actor: ActorDep, db: OpsDep, writer: WriterDep, signer: SignerDep) -> dict[str, Any]:
    """A party the agreement names confirms it; its verified violations reach the relations index (the public
    alerts) only once every party has. The answer's ``receipt`` signs the log with your confirmation in it."""
    with db.session() as s:
        a = svc.confirm_agreement(s, actor, agreement_id)
        out = {**svc.agreement_dict(s, a), "receipt": receipts.issue(s, signer, "agreement", a, actor.party_id)}
    with db.session() as s, writer.write() as store:
        outbox.apply(s, store)
    return out


@router.get("/agreements/{agreement_id}/verify")
def verify_log(agreement_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """Check the agreement's tamper-evident incident log: its chain, its rules, its stored head, and that the
    agreement, its parties and monitors and every incident with its verdict agree with it."""
    with db.session() as s:
        return svc.verify_agreement(s, actor, agreement_id)


@router.post("/incidents/{incident_id}/verify")
def verify(incident_id: Id, body: VerifyIn, actor: ActorDep, db: OpsDep, writer: WriterDep) -> dict[str, Any]:
    """Set the verification status (monitors of the agreement only); verified violations feed the alerts.

    The ops change and its outbox entry commit together; the store then applies the entry on the writer
    (and, should that fail, at the next server start or CLI write)."""
    with db.session() as s:
        out = svc.incident_dict(svc.verify_incident(s, actor, incident_id, body.status, body.note))
    with db.session() as s, writer.write() as store:
        outbox.apply(s, store)
    return out


@router.get("/ceasefire/stats")
def stats(actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """Verified violations per week and dyad, and per violating party, over agreements shared with you."""
    with db.session() as s:
        return svc.stats(s, actor)
