"""A hotline's log as the one source of truth: what each message's state is, and whether a log is whole.

A channel's log is a hash chain (:mod:`detente.core.hashchain`) of records:

* ``opened`` (always seq 1): the channel's name and its first member parties;
* ``joined``: a party brought onto the channel later;
* ``message``: a message with its id, sender, body, times, reply deadline, the
  parties it is addressed to (``to``) and those following it (``copy``, mediators);
* ``delivered`` / ``read`` / ``acknowledged`` / ``answered``: one recipient party's
  receipt step for one message;
* ``escalated``: a reply deadline passed without every addressee answering.

Everything a party sees of a message — its status, each party's receipt and
their times — is derived from these records (:func:`derive`), so a change to
any of it is a change to the chain. :func:`check` verifies a log end to end:
the hashes, the sequence, that every step follows the rules, and optionally
that it ends at a given head and contains a given earlier head.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from detente.core import hashchain

__all__ = ["STEPS", "Problem", "ReceiptState", "check", "derive", "message_state"]

STEPS = ("sent", "delivered", "read", "acknowledged", "answered")
KINDS = ("opened", "joined", "message", *STEPS[1:], "escalated")


@dataclass
class ReceiptState:
    """One recipient party's progress on one message."""

    party_id: int
    addressee: bool
    status: str = "sent"
    times: dict[str, str] = field(default_factory=dict)  # step -> ISO time


@dataclass
class MessageState:
    """A message as the log says it is."""

    record: dict[str, Any]
    receipts: list[ReceiptState]
    escalated_at: str | None = None

    @property
    def addressed(self) -> list[ReceiptState]:
        return [r for r in self.receipts if r.addressee] or self.receipts

    @property
    def status(self) -> str:
        """The slowest addressee's step ("sent" when nobody is addressed)."""
        return STEPS[min((STEPS.index(r.status) for r in self.addressed), default=0)]

    def time_of(self, step: str) -> str | None:
        """When the slowest addressee reached ``step`` (None until every addressee has)."""
        times = [r.times.get(step) for r in self.addressed]
        if not times or any(t is None for t in times):
            return None
        return max(t for t in times if t is not None)


class Problem(Exception):
    """A log that does not hold together: ``index`` is the first bad entry (0-based)."""

    def __init__(self, index: int | None, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


def message_state(record: Mapping[str, Any], steps: Sequence[Mapping[str, Any]]) -> MessageState:
    """A message's state from its ``message`` record and its step/escalation records, in log order.

    >>> m = {"kind": "message", "id": 1, "to": [2], "copy": [3], "at": "2026-01-01T00:00:00"}
    >>> st = message_state(m, [{"kind": "delivered", "message": 1, "party": 2, "at": "2026-01-01T00:01:00"}])
    >>> st.status, [r.status for r in st.receipts]
    ('delivered', ['delivered', 'sent'])
    """
    receipts = [ReceiptState(int(p), True) for p in m_list(record, "to")]
    receipts += [ReceiptState(int(p), False) for p in m_list(record, "copy")]
    by_party = {r.party_id: r for r in receipts}
    state = MessageState(dict(record), sorted(receipts, key=lambda r: r.party_id))
    for e in steps:
        kind = e.get("kind")
        if kind == "escalated":
            state.escalated_at = state.escalated_at or str(e.get("at"))
            continue
        r = by_party.get(int(e.get("party") or 0))
        if r is None or kind not in STEPS:
            continue
        if STEPS.index(str(kind)) > STEPS.index(r.status):
            r.status = str(kind)
            r.times[str(kind)] = str(e.get("at"))
    return state


def m_list(record: Mapping[str, Any], key: str) -> list[int]:
    v = record.get(key) or []
    return [int(x) for x in v] if isinstance(v, list) else []


def derive(records: Sequence[Mapping[str, Any]]) -> dict[int, MessageState]:
    """Every message of a log (records in seq order) with its derived state, by message id."""
    out: dict[int, MessageState] = {}
    steps: dict[int, list[Mapping[str, Any]]] = {}
    for r in records:
        if r.get("kind") == "message":
            out[int(r["id"])] = message_state(r, [])
            steps[int(r["id"])] = []
        elif r.get("message") is not None and int(r["message"]) in steps:
            steps[int(r["message"])].append(r)
    return {mid: message_state(st.record, steps[mid]) for mid, st in out.items()}


def _time(v: Any, what: str, i: int) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(v))
    except ValueError:
        raise Problem(i, f"entry {i + 1}: {what} is not a time") from None


def check(
    entries: Sequence[Mapping[str, Any]],
    *,
    channel_id: int | None = None,
    head: tuple[int, str] | None = None,
    contains: tuple[int, str] | None = None,
) -> dict[int, MessageState]:
    """Verify a whole log; returns its derived messages, or raises :class:`Problem`.

    ``entries`` are ``{"seq", "record", "prev_hash", "hash"}`` in seq order. ``head`` is the (seq, hash) the
    log must end at (the stored head); ``contains`` an earlier head the log must still hold unchanged (from a
    signed head receipt): a log that was cut or rewritten at or before it fails.
    """
    if not entries:
        raise Problem(None, "the log is empty: a channel's log starts with its opening entry")
    ok, bad, reason = hashchain.verify(entries)
    if not ok:
        raise Problem(bad, reason)
    members: set[int] = set()
    messages: dict[int, dict[str, Any]] = {}
    progress: dict[tuple[int, int], str] = {}
    escalated: set[int] = set()
    for i, e in enumerate(entries):
        r = e["record"]
        n = i + 1
        if e.get("seq") != n or r.get("seq") != n:
            raise Problem(i, f"entry {n} is numbered {e.get('seq')}: the log has a gap or a duplicate")
        if channel_id is not None and r.get("channel") != channel_id:
            raise Problem(i, f"entry {n} belongs to channel {r.get('channel')}, not {channel_id}")
        kind = r.get("kind")
        if kind not in KINDS:
            raise Problem(i, f"entry {n} has an unknown kind {kind!r}")
        if (kind == "opened") != (n == 1):
            raise Problem(i, "the log does not start with the channel's opening entry")
        _time(r.get("at"), "its time", i)
        if kind == "opened":
            members = set(m_list(r, "parties"))
        elif kind == "joined":
            members.add(int(r.get("party") or 0))
        elif kind == "message":
            mid, sender = r.get("id"), r.get("party")
            if not isinstance(mid, int) or mid in messages:
                raise Problem(i, f"entry {n}: message id {mid!r} is missing or repeated")
            if sender not in members:
                raise Problem(i, f"entry {n}: the sender is not on the channel")
            if set(m_list(r, "to")) | set(m_list(r, "copy")) != members - {sender}:
                raise Problem(i, f"entry {n}: the message is not addressed to the channel's other parties")
            if r.get("in_reply_to") is not None and r["in_reply_to"] not in messages:
                raise Problem(i, f"entry {n}: it answers a message that is not earlier in this log")
            if r.get("reply_by") is not None:
                _time(r["reply_by"], "its reply deadline", i)
            messages[mid] = r
        else:
            mid = r.get("message")
            if mid not in messages:
                raise Problem(i, f"entry {n}: {kind} of a message that is not earlier in this log")
            if kind == "escalated":
                if mid in escalated:
                    raise Problem(i, f"entry {n}: message {mid} escalated twice")
                escalated.add(mid)
                continue
            party = r.get("party")
            m = messages[mid]
            if party not in set(m_list(m, "to")) | set(m_list(m, "copy")):
                raise Problem(i, f"entry {n}: party {party} holds no receipt of message {mid}")
            before = progress.get((mid, party), "sent")
            if STEPS.index(kind) != STEPS.index(before) + 1:
                raise Problem(i, f"entry {n}: a receipt went from {before} to {kind}")
            progress[(mid, party)] = kind
    if head is not None:
        seq, h = head
        last = (len(entries), str(entries[-1]["hash"]) if entries else hashchain.GENESIS)
        if last != (seq, h):
            raise Problem(
                len(entries) - 1 if entries else None,
                f"the log ends at entry {last[0]} but the channel's stored head is entry {seq}: entries were "
                "removed, added or rewritten",
            )
    if contains is not None:
        seq, h = contains
        if seq > len(entries):
            raise Problem(None, f"the receipt attests entry {seq} but the log has only {len(entries)}: history "
                          "was deleted after the receipt")  # fmt: skip
        if seq >= 1 and str(entries[seq - 1]["hash"]) != h:
            raise Problem(seq - 1, f"entry {seq} is not the one the receipt attests: history was rewritten")
    return derive([e["record"] for e in entries])
