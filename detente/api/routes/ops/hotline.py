"""Hotline channels: messages, lifecycle steps, the hash chain and its verification."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from detente.api.routes.ops.deps import ActorDep, OpsDep
from detente.ops import hotline as svc
from detente.ops.schemas import MAX_ID, ChannelIn, ChannelPartyIn, MessageIn

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/channels", status_code=201)
def create(body: ChannelIn, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.channel_dict(s, svc.create_channel(s, actor, body.name, body.parties))


@router.get("/channels")
def list_channels(actor: ActorDep, db: OpsDep) -> list[dict[str, Any]]:
    with db.session() as s:
        return [svc.channel_dict(s, c) for c in svc.list_channels(s, actor)]


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
def messages(channel_id: Id, actor: ActorDep, db: OpsDep) -> list[dict[str, Any]]:
    """The channel's messages (marks the other parties' messages delivered; sweeps deadlines first)."""
    with db.session() as s:
        svc.sweep(s)
    with db.session() as s:
        return [svc.message_dict(m) for m in svc.messages(s, actor, channel_id)]


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
        return svc.message_dict(m)


@router.post("/messages/{message_id}/read")
def read(message_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.message_dict(svc.step(s, actor, message_id, "read"))


@router.post("/messages/{message_id}/acknowledge")
def acknowledge(message_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.message_dict(svc.step(s, actor, message_id, "acknowledged"))


@router.get("/channels/{channel_id}/chain")
def chain(channel_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    """The channel's tamper-evident log: verify it yourself with `detente ops verify-chain --file`."""
    with db.session() as s:
        return {
            "channel_id": channel_id,
            "algorithm": "sha256(prev_hash + canonical_json(record))",
            "genesis": "0" * 64,
            "entries": svc.chain(s, actor, channel_id),
        }


@router.get("/channels/{channel_id}/verify")
def verify(channel_id: Id, actor: ActorDep, db: OpsDep) -> dict[str, Any]:
    with db.session() as s:
        return svc.verify(s, actor, channel_id)
