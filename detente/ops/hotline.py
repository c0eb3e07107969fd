"""Hotline channels: messages with a lifecycle, reply deadlines with escalation, and a hash-chained log.

Lifecycle: sent → delivered (a recipient party lists the channel) → read →
acknowledged → answered (a reply names it in ``in_reply_to``). Every recipient
party moves through it on its own receipt; the message's own status is the
slowest addressee's, so on a channel of three or more parties "acknowledged"
means all of them acknowledged, and a reply deadline is met only when every
addressed party has answered (the escalation names the silent ones). A
mediator on the channel keeps a receipt too but is not an addressee: it
neither owes an answer nor holds the message back. Each step
and each message is one entry of the channel's log, chained with SHA-256
(:mod:`detente.core.hashchain`), so any party can verify the log independently.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core import hashchain
from detente.errors import AccessDenied, Conflict, InputError
from detente.ops.access import (
    WRITERS,
    Actor,
    audit,
    get_party,
    get_shared,
    require_role,
    share,
    share_and_notify,
    shared_ids,
)
from detente.ops.models import Channel, ChannelEntry, Message, Notice, Party, Receipt, Share, utcnow

__all__ = [
    "STEPS",
    "add_party",
    "chain",
    "channel_dict",
    "create_channel",
    "get_channel",
    "list_channels",
    "message_dict",
    "messages",
    "send",
    "step",
    "sweep",
    "verify",
]

OT = "channel"
STEPS = ("sent", "delivered", "read", "acknowledged", "answered")
_append_lock = threading.Lock()


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def members(s: Session, channel_id: int) -> list[Party]:
    ids = select(Share.party_id).where(Share.object_type == OT, Share.object_id == channel_id)
    return list(s.scalars(select(Party).where(Party.id.in_(ids)).order_by(Party.name)))


def channel_dict(s: Session, c: Channel) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "created_by_party": c.created_by_party,
        "entries": c.last_seq,
        "head": c.last_hash,
        "parties": [{"id": p.id, "name": p.name} for p in members(s, c.id)],
    }


def message_dict(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "channel_id": m.channel_id,
        "seq": m.seq,
        "sender_party_id": m.sender_party_id,
        "body": m.body,
        "in_reply_to": m.in_reply_to,
        "sent_at": _iso(m.sent_at),
        "reply_by": _iso(m.reply_by),
        "status": m.status,
        "delivered_at": _iso(m.delivered_at),
        "read_at": _iso(m.read_at),
        "acknowledged_at": _iso(m.acknowledged_at),
        "answered_at": _iso(m.answered_at),
        "escalated_at": _iso(m.escalated_at),
        "overdue": _overdue(m, utcnow()),
        "receipts": [
            {
                "party_id": r.party_id,
                "addressee": r.addressee,
                "status": r.status,
                "delivered_at": _iso(r.delivered_at),
                "read_at": _iso(r.read_at),
                "acknowledged_at": _iso(r.acknowledged_at),
                "answered_at": _iso(r.answered_at),
            }
            for r in m.receipts
        ],
    }


def _overdue(m: Message, now: dt.datetime) -> bool:
    return m.reply_by is not None and m.answered_at is None and m.reply_by < now


def create_channel(s: Session, actor: Actor, name: str, party_ids: list[int]) -> Channel:
    require_role(actor, *WRITERS)
    others = sorted(set(party_ids) - {actor.party_id})
    if not others:
        raise InputError("A hotline needs at least one other party.", hint="Pass the other parties' ids.")
    for pid in others:
        get_party(s, pid)
    c = Channel(name=name.strip() or "hotline", created_by_party=actor.party_id)
    s.add(c)
    s.flush()
    share(s, OT, c.id, actor.party_id, "member")
    for pid in others:
        share(s, OT, c.id, pid, "member")
    audit(s, actor, "channel.create", OT, c.id, parties=others)
    return c


def add_party(s: Session, actor: Actor, channel_id: int, party_id: int) -> Channel:
    """Bring another party onto a hotline (a mediator, say). It reads the whole log, so it can verify the chain;
    it gets receipts for the messages sent from now on."""
    c = get_channel(s, actor, channel_id)
    require_role(actor, *WRITERS)
    p = get_party(s, party_id)
    if any(m.id == p.id for m in members(s, c.id)):
        raise Conflict(f"{p.name} is already on the hotline {c.name!r}.", hint="Pick a party not yet on it.")
    with _append_lock:
        _append(
            s,
            c,
            {"kind": "joined", "at": utcnow().isoformat(), "party": p.id, "by": actor.party_id, "user": actor.user_id},
        )
    share_and_notify(
        s,
        OT,
        c.id,
        p.id,
        "member",
        "channel",
        f"{actor.party_name} added your party to the hotline {c.name!r}: its log is open to you, and new "
        "messages await your receipt.",
    )
    audit(s, actor, "channel.add_party", OT, c.id, party=p.id)
    return c


def get_channel(s: Session, actor: Actor, channel_id: int) -> Channel:
    return get_shared(s, actor, Channel, OT, channel_id)


def list_channels(s: Session, actor: Actor) -> list[Channel]:
    return list(s.scalars(select(Channel).where(Channel.id.in_(shared_ids(actor.party_id, OT))).order_by(Channel.id)))


def _append(s: Session, c: Channel, record: dict[str, Any]) -> ChannelEntry:
    """Append one entry to the channel's chain (row-locked on PostgreSQL, process-locked on SQLite)."""
    locked = s.scalars(select(Channel).where(Channel.id == c.id).with_for_update()).one()
    seq = locked.last_seq + 1
    record = {**record, "channel": locked.id, "seq": seq}
    text = hashchain.canonical(record)
    h = hashchain.link(locked.last_hash, record)
    e = ChannelEntry(channel_id=locked.id, seq=seq, record=text, prev_hash=locked.last_hash, hash=h)
    locked.last_seq, locked.last_hash = seq, h
    s.add(e)
    s.flush()
    return e


def send(
    s: Session,
    actor: Actor,
    channel_id: int,
    body: str,
    *,
    reply_within_minutes: int | None = None,
    in_reply_to: int | None = None,
) -> Message:
    c = get_channel(s, actor, channel_id)
    require_role(actor, *WRITERS)
    if not body.strip():
        raise InputError("The message is empty.", hint="Write something.")
    now = utcnow()
    reply_by = now + dt.timedelta(minutes=reply_within_minutes) if reply_within_minutes is not None else None
    parent = None
    if in_reply_to is not None:
        parent = s.get(Message, in_reply_to)
        if parent is None or parent.channel_id != c.id:
            raise InputError(f"No message {in_reply_to} in this channel.", hint="Reply to a message of this channel.")
    with _append_lock:
        e = _append(
            s,
            c,
            {
                "kind": "message",
                "at": now.isoformat(),
                "party": actor.party_id,
                "user": actor.user_id,
                "body": body,
                "reply_by": _iso(reply_by),
                "in_reply_to": in_reply_to,
            },
        )
        m = Message(
            channel_id=c.id,
            seq=e.seq,
            sender_party_id=actor.party_id,
            sender_user_id=actor.user_id,
            body=body,
            in_reply_to=in_reply_to,
            sent_at=now,
            reply_by=reply_by,
            status="sent",
        )
        m.receipts = [
            Receipt(party_id=p.id, addressee=p.kind != "mediator", status="sent")
            for p in members(s, c.id)
            if p.id != actor.party_id
        ]
        s.add(m)
        s.flush()
        mine = _receipt(parent, actor.party_id) if parent is not None else None
        if parent is not None and mine is not None and mine.answered_at is None:
            _advance(s, c, parent, mine, "answered", actor, now)
    audit(s, actor, "message.send", "message", m.id, channel=c.id)
    return m


def _receipt(m: Message, party_id: int) -> Receipt | None:
    return next((r for r in m.receipts if r.party_id == party_id), None)


def _advance(s: Session, c: Channel, m: Message, r: Receipt, to: str, actor: Actor, now: dt.datetime) -> None:
    """Move one recipient's receipt forward to ``to``, filling skipped steps; never backwards.

    Each step is chained; the message's status then follows its slowest addressee.
    """
    for st in STEPS[STEPS.index(r.status) + 1 : STEPS.index(to) + 1]:
        setattr(r, f"{st}_at", now)
        r.status = st
        _append(
            s,
            c,
            {"kind": st, "message": m.id, "at": now.isoformat(), "party": r.party_id, "user": actor.user_id},
        )
    addressed = [x for x in m.receipts if x.addressee] or m.receipts
    slowest = min((STEPS.index(x.status) for x in addressed), default=STEPS.index(m.status))
    for st in STEPS[STEPS.index(m.status) + 1 : slowest + 1]:
        setattr(m, f"{st}_at", now)
        m.status = st


def messages(s: Session, actor: Actor, channel_id: int) -> list[Message]:
    """The channel's messages; listing marks other parties' messages delivered to the actor's party."""
    c = get_channel(s, actor, channel_id)
    rows = list(s.scalars(select(Message).where(Message.channel_id == c.id).order_by(Message.seq)))
    now = utcnow()
    with _append_lock:
        for m in rows:
            r = _receipt(m, actor.party_id)
            if r is not None and r.status == "sent":
                _advance(s, c, m, r, "delivered", actor, now)
    return rows


def step(s: Session, actor: Actor, message_id: int, to: str) -> Message:
    """A recipient party marks a message read or acknowledged (for itself; other recipients keep their own state)."""
    if to not in ("read", "acknowledged"):
        raise InputError(f"Cannot mark a message {to!r}.", hint="Use read or acknowledged; answer by replying.")
    m = s.get(Message, message_id)
    c = get_channel(s, actor, m.channel_id if m else -1)
    assert m is not None
    r = _receipt(m, actor.party_id)
    if m.sender_party_id == actor.party_id:
        raise AccessDenied("The sender's party cannot mark its own message.", hint="Recipients do.")
    if r is None:
        raise AccessDenied(
            "The message was sent before your party joined the hotline.", hint="Mark newer messages, or reply."
        )
    require_role(actor, "admin", "officer", "monitor")
    if STEPS.index(r.status) >= STEPS.index(to):
        raise Conflict(f"Your party has already {r.status} the message.", hint="Steps only move forward.")
    with _append_lock:
        _advance(s, c, m, r, to, actor, utcnow())
    audit(s, actor, f"message.{to}", "message", m.id)
    return m


def sweep(s: Session, now: dt.datetime | None = None) -> int:
    """Escalate every unanswered message whose reply deadline has passed; returns how many."""
    now = now or utcnow()
    due = list(
        s.scalars(
            select(Message)
            .where(Message.reply_by < now, Message.answered_at.is_(None), Message.escalated_at.is_(None))
            .order_by(Message.id)
        )
    )
    for m in due:
        c = s.get(Channel, m.channel_id)
        assert c is not None
        m.escalated_at = now
        silent = {r.party_id for r in m.receipts if r.addressee and r.answered_at is None}
        with _append_lock:
            _append(
                s,
                c,
                {
                    "kind": "escalated",
                    "message": m.id,
                    "at": now.isoformat(),
                    "party": None,
                    "user": None,
                    "deadline": _iso(m.reply_by),
                    "unanswered": sorted(silent),
                },
            )
        parties = members(s, c.id)
        names = ", ".join(p.name for p in parties if p.id in silent)
        mediators = " and mediators" if any(p.kind == "mediator" for p in parties) else ""
        for p in parties:
            s.add(
                Notice(
                    party_id=p.id,
                    kind="escalation",
                    object_type="message",
                    object_id=m.id,
                    text=f"Hotline {c.name!r}: message {m.id} passed its reply deadline "
                    f"({m.reply_by:%Y-%m-%d %H:%M} UTC) without an answer from {names or 'a recipient'}; "
                    f"escalated to party admins{mediators}.",
                )
            )
        audit(s, None, "message.escalate", "message", m.id, channel=c.id)
    return len(due)


def chain(s: Session, actor: Actor, channel_id: int) -> list[dict[str, Any]]:
    """The channel's log as ``{seq, record, prev_hash, hash}`` entries, for independent verification."""
    c = get_channel(s, actor, channel_id)
    rows = s.scalars(select(ChannelEntry).where(ChannelEntry.channel_id == c.id).order_by(ChannelEntry.seq))
    return [{"seq": e.seq, "record": json.loads(e.record), "prev_hash": e.prev_hash, "hash": e.hash} for e in rows]


def verify(s: Session, actor: Actor, channel_id: int) -> dict[str, Any]:
    """Recompute the chain and check that every stored message matches its chained entry."""
    entries = chain(s, actor, channel_id)
    ok, bad, reason = hashchain.verify(entries)
    if ok:
        sent = {e["seq"]: e["record"] for e in entries if e["record"].get("kind") == "message"}
        for m in s.scalars(select(Message).where(Message.channel_id == channel_id).order_by(Message.seq)):
            r = sent.get(m.seq)
            if r is None or r.get("body") != m.body or r.get("party") != m.sender_party_id:
                ok, bad, reason = False, m.seq - 1, f"message {m.id} differs from its chained entry {m.seq}"
                break
    head = entries[-1]["hash"] if entries else hashchain.GENESIS
    return {
        "channel_id": channel_id,
        "ok": ok,
        "entries": len(entries),
        "head": head,
        "first_bad": bad,
        "reason": reason,
    }
