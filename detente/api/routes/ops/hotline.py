"""Hotline channels: messages, lifecycle steps, the log, its verification and signed head receipts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from detente.api.routes.ops.deps import ActorDep, Cursor, Limit, OpsDep, paged
from detente.ops import hotline as svc
from detente.ops import keys
from detente.ops.schemas import MAX_ID, ChannelIn, ChannelPartyIn, KeyIn, MessageIn, ReceiptIn

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
CHAIN_PAGE = 1000


@router.post("/channels", status_code=201)
def create(body: ChannelIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.channel_dict(s, svc.create_channel(s, actor, body.name, body.parties))


@router.get("/channels")
def list_channels(
    actor: ActorDep, db: OpsDep, request: Request, response: Response, cursor: Cursor = None, limit: Limit = 100
) -> list[dict[str, Any]]:
    with db.session() as s:
        page = svc.list_channels(s, actor, cursor, limit)
        return paged(request, response, page, [svc.channel_dict(s, c) for c in page.items])


@router.get("/channels/{channel_id}")
def get(channel_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.channel_dict(s, svc.get_channel(s, actor, channel_id))


@router.post("/channels/{channel_id}/parties")
def add_party(channel_id: Id, body: ChannelPartyIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """Bring another party (a mediator, say) onto the hotline; it reads the log and receives new messages."""
    with db.session() as s:
        return svc.channel_dict(s, svc.add_party(s, actor, channel_id, body.party_id))


@router.get("/channels/{channel_id}/messages")
def messages(
    channel_id: Id,
    actor: ActorDep,
    db: OpsDep,
    request: Request,
    response: Response,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    """A page of the channel's messages, oldest first (marks the other parties' messages delivered; sweeps
    reply deadlines first)."""
    with db.session() as s:
        svc.sweep(s)
    with db.session() as s:
        page = svc.messages(s, actor, channel_id, cursor, limit)
        return paged(request, response, page, svc.message_dicts(s, page.items))


@router.post("/channels/{channel_id}/messages", status_code=201)
def send(channel_id: Id, body: MessageIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        m = svc.send(
            s,
            actor,
            channel_id,
            body.body,
            reply_within_minutes=body.reply_within_minutes,
            in_reply_to=body.in_reply_to,
        )
        return svc.message_dict(s, m)


@router.post("/messages/{message_id}/read")
def read(message_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.message_dict(s, svc.step(s, actor, message_id, "read"))


@router.post("/messages/{message_id}/acknowledge")
def acknowledge(message_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.message_dict(s, svc.step(s, actor, message_id, "acknowledged"))


@router.get("/channels/{channel_id}/chain")
def chain(
    channel_id: Id,
    actor: ActorDep,
    db: OpsDep,
    request: Request,
    response: Response,
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="Entries after this seq")] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = CHAIN_PAGE,
) -> dict[str, Any]:
    """The channel's tamper-evident log, ``limit`` entries after seq ``after``: verify it yourself with
    `detente ops verify-chain --file` (the next page: X-Next-Cursor is the ``after`` to pass)."""
    with db.session() as s:
        entries = svc.chain(s, actor, channel_id, after, limit + 1)
        head = svc.head(s, actor, channel_id)
    more = len(entries) > limit
    entries = entries[:limit]
    if more:
        response.headers["X-Next-Cursor"] = str(entries[-1]["seq"])
        response.headers["Link"] = f'<{request.url.include_query_params(after=entries[-1]["seq"])}>; rel="next"'
    return {
        "channel_id": channel_id,
        "algorithm": "sha256(prev_hash + canonical_json(record))",
        "genesis": "0" * 64,
        "head": head,
        "entries": entries,
    }


@router.get("/channels/{channel_id}/head")
def head(channel_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """The channel's head — sign it with your party's key (`detente ops head-receipt`) and keep the receipt."""
    with db.session() as s:
        return svc.head(s, actor, channel_id)


@router.get("/channels/{channel_id}/verify")
def verify(channel_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.verify(s, actor, channel_id)


@router.post("/channels/{channel_id}/verify")
def verify_with_receipt(channel_id: Id, body: ReceiptIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """Verify the log, and that the history a signed head receipt attests is still there unchanged."""
    with db.session() as s:
        return svc.verify(s, actor, channel_id, receipt=body.receipt)


@router.post("/parties/{party_id}/keys", status_code=201)
def register_key(
    party_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: KeyIn, actor: ActorDep, db: OpsDep
) -> dict[str, Any]:
    """A party admin registers a public key of their party (the private key stays with the party)."""
    with db.session() as s:
        k = keys.register_key(s, party_id, body.public_key, by=actor)
        return {"id": k.id, "party_id": k.party_id, "public_key": k.public_key}


@router.get("/parties/{party_id}/keys")
def party_keys(party_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """A party's registered public keys (any authenticated user: they check that party's receipts)."""
    with db.session() as s:
        return {"party_id": party_id, "public_keys": keys.party_keys(s, party_id)}
