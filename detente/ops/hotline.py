"""Hotline channels: messages with a lifecycle, reply deadlines with escalation, and a verifiable log.

Lifecycle: sent → delivered (a recipient party lists the channel) → read →
acknowledged → answered (a reply names it in ``in_reply_to``). Every recipient
party moves through it on its own receipt; the message's own status is the
slowest addressee's, so on a channel of three or more parties "acknowledged"
means all of them acknowledged, and a reply deadline is met only when every
addressed party has answered (the escalation names the silent ones). A
mediator on the channel keeps a receipt too but is not an addressee.

The channel's log is the one source of truth (:mod:`detente.core.hotline`):
the channel's opening, each party joining, each message with all its fields,
each receipt step and each escalation is one entry of a SHA-256 chain, and a
message's status and receipts are derived from it, never stored beside it.
:func:`verify` checks the chain, the stored head, and that every stored copy
(message rows, members, the channel row) agrees with the log; a party's signed
head receipt (:mod:`detente.ops.keys`) shows later whether history was cut or
rewritten after it. See docs/hotline-integrity.md.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from detente.core import hashchain
from detente.core.hotline import STEPS, MessageState, Problem, check, message_state
from detente.errors import AccessDenied, Conflict, InputError
from detente.ops.access import (
    WRITERS,
    Actor,
    audit,
    get_party,
    get_shared,
    hidden,
    require_role,
    share,
    share_and_notify,
    share_of,
    shared_ids,
)
from detente.ops.models import Channel, ChannelEntry, Message, Notice, Party, Share, utcnow
from detente.ops.pages import Page, paginate

__all__ = [
    "STEPS",
    "add_party",
    "chain",
    "channel_dict",
    "create_channel",
    "get_channel",
    "head",
    "list_channels",
    "message_dict",
    "message_dicts",
    "messages",
    "send",
    "step",
    "sweep",
    "verify",
]

OT = "channel"


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


def _states(s: Session, msgs: list[Message]) -> dict[int, MessageState]:
    """The log's state of each message (one query over the entries of these messages).

    Only entries of the message's own channel's log count: that log is what :func:`verify` checks, so an entry
    naming the message in another channel's log (a planted row) changes nothing a party is shown."""
    if not msgs:
        return {}
    home = {m.id: m.channel_id for m in msgs}
    rows = s.execute(
        select(ChannelEntry.message_id, ChannelEntry.channel_id, ChannelEntry.record)
        .where(ChannelEntry.message_id.in_(list(home)), ChannelEntry.channel_id.in_(set(home.values())))
        .order_by(ChannelEntry.channel_id, ChannelEntry.seq)
    )
    own: dict[int, dict[str, Any]] = {}
    steps: dict[int, list[dict[str, Any]]] = {m.id: [] for m in msgs}
    for mid, channel_id, text in rows:
        if mid is None or home.get(mid) != channel_id:
            continue
        r = json.loads(text)
        if r.get("kind") == "message":
            own[mid] = r
        elif mid in steps:
            steps[mid].append(r)
    return {m.id: message_state(own.get(m.id, {}), steps[m.id]) for m in msgs}


def _view(m: Message, st: MessageState, now: dt.datetime) -> dict[str, Any]:
    answered = st.time_of("answered")
    return {
        "id": m.id,
        "channel_id": m.channel_id,
        "seq": m.seq,
        "sender_party_id": m.sender_party_id,
        "body": m.body,
        "in_reply_to": m.in_reply_to,
        "sent_at": _iso(m.sent_at),
        "reply_by": _iso(m.reply_by),
        "status": st.status,
        "delivered_at": st.time_of("delivered"),
        "read_at": st.time_of("read"),
        "acknowledged_at": st.time_of("acknowledged"),
        "answered_at": answered,
        "escalated_at": st.escalated_at,
        "overdue": m.reply_by is not None and answered is None and m.reply_by < now,
        "receipts": [
            {
                "party_id": r.party_id,
                "addressee": r.addressee,
                "status": r.status,
                **{f"{x}_at": r.times.get(x) for x in STEPS[1:]},
            }
            for r in st.receipts
        ],
    }


def message_dicts(s: Session, msgs: list[Message]) -> list[dict[str, Any]]:
    """Messages as the API shows them, their state derived from the log."""
    known: dict[int, MessageState] = s.info.get("hotline_states", {})
    states = {m.id: known[m.id] for m in msgs if m.id in known}
    states.update(_states(s, [m for m in msgs if m.id not in states]))
    now = utcnow()
    return [_view(m, states[m.id], now) for m in msgs]


def message_dict(s: Session, m: Message) -> dict[str, Any]:
    return message_dicts(s, [m])[0]


def create_channel(s: Session, actor: Actor, name: str, party_ids: list[int]) -> Channel:
    require_role(actor, *WRITERS)
    others = sorted(set(party_ids) - {actor.party_id})
    if not others:
        raise InputError("A hotline needs at least one other party.", hint="Pass the other parties' ids.")
    for pid in others:
        get_party(s, pid)
    c = Channel(
        name=name.strip() or "hotline", created_by_party=actor.party_id, last_seq=0, last_hash=hashchain.GENESIS
    )
    s.add(c)
    s.flush()
    share(s, OT, c.id, actor.party_id, "member")
    for pid in others:
        share(s, OT, c.id, pid, "member")
    _append(
        s,
        c,
        {
            "kind": "opened",
            "at": c.created_at.isoformat(),
            "name": c.name,
            "parties": sorted([actor.party_id, *others]),
            "party": actor.party_id,
            "user": actor.user_id,
        },
    )
    audit(s, actor, "channel.create", OT, c.id, parties=others)
    return c


def add_party(s: Session, actor: Actor, channel_id: int, party_id: int) -> Channel:
    """Bring another party onto a hotline (a mediator, say). It reads the whole log, so it can verify the chain;
    it gets receipts for the messages sent from now on."""
    c = get_channel(s, actor, channel_id)
    require_role(actor, *WRITERS)
    p = get_party(s, party_id)
    c = _lock(s, c.id)  # a party added concurrently is seen below, not added twice
    if any(m.id == p.id for m in members(s, c.id)):
        raise Conflict(f"{p.name} is already on the hotline {c.name!r}.", hint="Pick a party not yet on it.")
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


def list_channels(s: Session, actor: Actor, cursor: str | None = None, limit: int | None = None) -> Page[Channel]:
    q = select(Channel).where(Channel.id.in_(shared_ids(actor.party_id, OT)))
    return paginate(s, q, [(Channel.id, int)], cursor, limit)


def _lock(s: Session, channel_id: int) -> Channel:
    """Lock the channel for the rest of this unit of work, with its head as last committed.

    Every write takes it BEFORE reading the state its entry depends on (a receipt's current step, whether a
    message escalated already): on PostgreSQL the row lock (``SELECT … FOR UPDATE``) waits for a concurrent
    writer of the channel to commit, and what is read after it includes that writer's entries, so no step is
    written twice (a log that breaks its own rules would verify as tampered for good). No lock of this
    process is held meanwhile, so a unit of work that writes two channels cannot deadlock with one waiting
    for the first (PostgreSQL detects a cycle of row locks itself). On SQLite every unit of work is
    serialised already (:class:`~detente.ops.db.OpsDB`) and ``FOR UPDATE`` is left out.
    """
    q = select(Channel).where(Channel.id == channel_id).with_for_update()
    return s.scalars(q.execution_options(populate_existing=True)).one()  # the head as committed, not as cached


def _append(s: Session, c: Channel, record: dict[str, Any]) -> ChannelEntry:
    """Append one entry to the channel's chain (the caller took :func:`_lock` before reading what it depends on)."""
    locked = _lock(s, c.id)
    seq = locked.last_seq + 1
    record = {**record, "channel": locked.id, "seq": seq}
    kind = str(record["kind"])
    e = ChannelEntry(
        channel_id=locked.id,
        seq=seq,
        kind=kind,
        message_id=record["id"] if kind == "message" else record.get("message"),
        party_id=record.get("party"),
        record=hashchain.canonical(record),
        prev_hash=locked.last_hash,
        hash=hashchain.link(locked.last_hash, record),
    )
    locked.last_seq, locked.last_hash = seq, e.hash
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
    c = _lock(s, c.id)
    others = [p for p in members(s, c.id) if p.id != actor.party_id]
    to = sorted(p.id for p in others if p.kind != "mediator")
    copy = sorted(p.id for p in others if p.kind == "mediator")
    m = Message(
        channel_id=c.id,
        seq=0,
        sender_party_id=actor.party_id,
        sender_user_id=actor.user_id,
        body=body,
        in_reply_to=in_reply_to,
        sent_at=now,
        reply_by=reply_by,
        addressees=len(to),
    )
    s.add(m)
    s.flush()
    e = _append(
        s,
        c,
        {
            "kind": "message",
            "id": m.id,
            "at": now.isoformat(),
            "party": actor.party_id,
            "user": actor.user_id,
            "body": body,
            "reply_by": _iso(reply_by),
            "in_reply_to": in_reply_to,
            "to": to,
            "copy": copy,
        },
    )
    m.seq = e.seq
    if parent is not None:
        st = _states(s, [parent])[parent.id]
        mine = next((r for r in st.receipts if r.party_id == actor.party_id), None)
        if mine is not None and mine.status != "answered":
            _advance(s, c, parent.id, actor.party_id, mine.status, "answered", actor, now)
    audit(s, actor, "message.send", "message", m.id, channel=c.id)
    return m


def _advance(
    s: Session, c: Channel, message_id: int, party_id: int, current: str, to: str, actor: Actor, now: dt.datetime
) -> None:
    """Move one recipient party's receipt forward to ``to``: one log entry per step, skipped steps filled in."""
    for st in STEPS[STEPS.index(current) + 1 : STEPS.index(to) + 1]:
        _append(
            s,
            c,
            {"kind": st, "message": message_id, "at": now.isoformat(), "party": party_id, "user": actor.user_id},
        )


def messages(
    s: Session, actor: Actor, channel_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[Message]:
    """A page of the channel's messages, oldest first; listing marks other parties' messages delivered to the
    actor's party."""
    c = get_channel(s, actor, channel_id)
    page = paginate(s, select(Message).where(Message.channel_id == c.id), [(Message.seq, int)], cursor, limit)
    now = utcnow()
    states = _states(s, page.items)
    if any(_receipt(states[m.id], actor.party_id, "sent") for m in page.items):
        c = _lock(s, c.id)  # then read again: a concurrent listing may have marked them delivered already
        states = _states(s, page.items)
        for m in page.items:
            r = _receipt(states[m.id], actor.party_id, "sent")
            if r is not None:
                _advance(s, c, m.id, actor.party_id, "sent", "delivered", actor, now)
                r.status, r.times["delivered"] = "delivered", now.isoformat()  # what the entry just said
    s.info.setdefault("hotline_states", {}).update(states)  # message_dicts need not read them again
    return page


def _receipt(st: MessageState, party_id: int, status: str) -> Any:
    """The party's receipt of a message if it is at ``status``, else None."""
    return next((x for x in st.receipts if x.party_id == party_id and x.status == status), None)


def step(s: Session, actor: Actor, message_id: int, to: str) -> Message:
    """A recipient party marks a message read or acknowledged (for itself; other recipients keep their own state)."""
    if to not in ("read", "acknowledged"):
        raise InputError(f"Cannot mark a message {to!r}.", hint="Use read or acknowledged; answer by replying.")
    m = s.get(Message, message_id)
    if m is None or share_of(s, actor, OT, m.channel_id) is None:
        raise hidden("message", message_id)  # the same answer whether it exists or not
    c = get_channel(s, actor, m.channel_id)
    if m.sender_party_id == actor.party_id:
        raise AccessDenied("The sender's party cannot mark its own message.", hint="Recipients do.")
    require_role(actor, "admin", "officer", "monitor")
    c = _lock(s, c.id)
    r = next((x for x in _states(s, [m])[m.id].receipts if x.party_id == actor.party_id), None)
    if r is None:
        raise AccessDenied(
            "The message was sent before your party joined the hotline.", hint="Mark newer messages, or reply."
        )
    if STEPS.index(r.status) >= STEPS.index(to):
        raise Conflict(f"Your party has already {r.status} the message.", hint="Steps only move forward.")
    _advance(s, c, m.id, actor.party_id, r.status, to, actor, utcnow())
    audit(s, actor, f"message.{to}", "message", m.id)
    return m


def _due(now: dt.datetime) -> Any:
    """Messages past their reply deadline, not escalated, with fewer answers from addressees than they owe
    (counting the entries of each message's own channel's log only, as :func:`_states` does)."""
    own = (ChannelEntry.message_id == Message.id) & (ChannelEntry.channel_id == Message.channel_id)
    escalated = select(ChannelEntry.id).where(own, ChannelEntry.kind == "escalated").exists()
    answered = (
        select(func.count(ChannelEntry.id))
        .join(Party, Party.id == ChannelEntry.party_id)
        .where(own, ChannelEntry.kind == "answered", Party.kind != "mediator")
        .scalar_subquery()
    )
    # ordered by the deadline so that the reply_by index serves it (ordering by id made SQLite scan every row)
    q = select(Message).where(Message.reply_by.is_not(None), Message.reply_by < now, ~escalated)
    return q.where(answered < Message.addressees).order_by(Message.reply_by, Message.id)


def sweep(s: Session, now: dt.datetime | None = None) -> int:
    """Escalate every unanswered message whose reply deadline has passed; returns how many."""
    now = now or utcnow()
    due = list(s.scalars(_due(now)))
    if not due:
        return 0
    n = 0
    for m in due:
        c = _lock(s, m.channel_id)  # a concurrent sweep's escalation is committed and seen below
        st = _states(s, [m])[m.id]
        silent = {r.party_id for r in st.receipts if r.addressee and "answered" not in r.times}
        if st.escalated_at is not None or not silent:
            continue
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
        n += 1
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
    return n


def _entries(s: Session, channel_id: int, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    q = select(ChannelEntry).where(ChannelEntry.channel_id == channel_id, ChannelEntry.seq > after)
    q = q.order_by(ChannelEntry.seq, ChannelEntry.id)
    if limit is not None:
        q = q.limit(limit)
    return [
        {"seq": e.seq, "record": json.loads(e.record), "prev_hash": e.prev_hash, "hash": e.hash} for e in s.scalars(q)
    ]


def chain(s: Session, actor: Actor, channel_id: int, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """The channel's log as ``{seq, record, prev_hash, hash}`` entries (after seq ``after``, at most ``limit``),
    for independent verification."""
    c = get_channel(s, actor, channel_id)
    return _entries(s, c.id, after, limit)


def head(s: Session, actor: Actor, channel_id: int) -> dict[str, Any]:
    """The channel's head (what a party signs as a head receipt, see :mod:`detente.ops.keys`)."""
    c = get_channel(s, actor, channel_id)
    return {"channel_id": c.id, "seq": c.last_seq, "hash": c.last_hash}


def _stored_copies(s: Session, c: Channel, entries: list[dict[str, Any]]) -> None:
    """Check that everything stored beside the log says what the log says; raises :class:`Problem`."""
    records = [e["record"] for e in entries]
    opened = records[0]
    if (opened.get("name"), opened.get("party"), opened.get("at")) != (c.name, c.created_by_party, _iso(c.created_at)):
        raise Problem(0, "the channel's name, creator or opening time differs from its opening entry")
    logged_members = set(opened.get("parties") or []) | {r.get("party") for r in records if r["kind"] == "joined"}
    shares = list(s.scalars(select(Share).where(Share.object_type == OT, Share.object_id == c.id)))
    if {sh.party_id for sh in shares} != logged_members or len(shares) != len(logged_members):
        raise Problem(None, "the channel's member parties differ from those its log opened with and added")
    if any((sh.role, sh.acknowledged_at, sh.acknowledged_by, sh.confirmed_version) != ("member", None, None, None)
           for sh in shares):  # fmt: skip
        raise Problem(None, "a member party's share of the channel was altered")
    for row in s.scalars(select(ChannelEntry).where(ChannelEntry.channel_id == c.id).order_by(ChannelEntry.seq)):
        r = json.loads(row.record)
        want = (r.get("kind"), r.get("id") if r.get("kind") == "message" else r.get("message"), r.get("party"))
        if (row.kind, row.message_id, row.party_id) != want:
            raise Problem(row.seq - 1, f"entry {row.seq}'s index columns differ from its record")
    logged = {int(r["id"]): r for r in records if r["kind"] == "message"}
    rows = list(s.scalars(select(Message).where(Message.channel_id == c.id).order_by(Message.id)))
    seen: set[int] = set()
    for m in rows:
        r = logged.get(m.id)
        if r is None:
            raise Problem(None, f"message {m.id} is stored but its log has no entry for it")
        stored = (m.seq, m.sender_party_id, m.sender_user_id, m.body, m.in_reply_to, _iso(m.sent_at), _iso(m.reply_by))
        want_m = (r["seq"], r["party"], r["user"], r["body"], r["in_reply_to"], r["at"], r["reply_by"])
        if stored != want_m or m.addressees != len(r.get("to") or []):
            raise Problem(r["seq"] - 1, f"message {m.id} differs from its chained entry {r['seq']}")
        seen.add(m.id)
    missing = sorted(set(logged) - seen)
    if missing:
        raise Problem(logged[missing[0]]["seq"] - 1, f"message {missing[0]} is in the log but no longer stored")
    elsewhere = s.scalar(select(func.count(Message.id)).where(Message.id.in_(list(logged)), Message.channel_id != c.id))
    if elsewhere:
        raise Problem(None, "a message of this log is stored under another channel")


def verify(s: Session, actor: Actor, channel_id: int, receipt: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check the channel's log end to end: the chain, its sequence and rules, the stored head, every stored
    copy — and, given a signed head receipt, that the history it attests is still there unchanged."""
    from detente.ops.keys import check_receipt, party_keys

    c = get_channel(s, actor, channel_id)
    entries: list[dict[str, Any]] = []
    attested: dict[str, Any] | None = None
    ok, bad, reason = True, None, "ok"
    contains = None
    if receipt is not None:
        attested = check_receipt(receipt, [], channel_id=c.id)  # well formed and signed, or an InputError
        attested["key_registered"] = str(receipt["public_key"]).lower() in party_keys(s, attested["party"])
        contains = (attested["seq"], attested["hash"])
    try:
        entries = _entries(s, c.id)
        check(entries, channel_id=c.id, head=(c.last_seq, c.last_hash), contains=contains)
        _stored_copies(s, c, entries)
    except Problem as p:
        ok, bad, reason = False, p.index, p.reason
    except (ValueError, KeyError, TypeError, AttributeError) as e:  # a stored row that is not even well formed
        ok, bad, reason = False, None, f"the log or a stored copy is malformed ({type(e).__name__}: {e})"
    out: dict[str, Any] = {
        "channel_id": c.id,
        "ok": ok,
        "entries": len(entries),
        "head": entries[-1]["hash"] if entries else hashchain.GENESIS,
        "stored_head": {"seq": c.last_seq, "hash": c.last_hash},
        "first_bad": bad,
        "reason": reason,
    }
    if attested is not None:
        out["receipt"] = attested
    return out
