"""Append-only hash chains kept beside operational records (an agreement's incidents).

A *ledger* is a table of ``{owner id, seq, record, prev_hash, hash}`` rows, one chain per owner row, whose
head (``last_seq``, ``last_hash``) is kept on the owner row. :func:`append` adds a record under the owner's
row lock; :func:`read` recomputes an owner's chain and checks its numbering and head, raising :class:`Bad`
with one line a party can act on. The record-specific rules and the comparison with the stored copies live
with each instrument (:mod:`detente.ops.incident_log`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from detente.core import hashchain

__all__ = ["Bad", "append", "iso", "lock", "read", "receipt", "verify_acknowledged"]


class Bad(Exception):
    """A ledger or a stored copy that disagrees with it (the message says where)."""


class Head(Protocol):
    id: Any
    last_seq: Any
    last_hash: Any


def iso(t: dt.datetime | dt.date | None) -> str | None:
    return t.isoformat() if t is not None else None


class Receipt(Protocol):
    party_id: Any
    acknowledged_at: Any
    acknowledged_by: Any


def receipt(kind: str, sh: Receipt) -> dict[str, Any]:
    """The record of a party's acknowledgement or confirmation of its share (``kind``), as the logs keep it."""
    return {"kind": kind, "at": iso(sh.acknowledged_at), "party": sh.party_id, "user": sh.acknowledged_by}


def lock(s: Session, model: Any, owner_id: int) -> Any:
    """The owner row locked for this unit of work (PostgreSQL), its head as last committed."""
    q = select(model).where(model.id == owner_id).with_for_update()
    return s.scalars(q.execution_options(populate_existing=True)).one()


def append(
    s: Session, model: Any, owner_id: int, entry: Any, owner_key: str, record: dict[str, Any], **index: Any
) -> Any:
    """Append ``record`` to the owner's chain (``entry`` is the ledger model, ``owner_key`` its owner column and
    the record's key for the owner); ``index`` are extra columns repeating fields of the record."""
    owner = lock(s, model, owner_id)
    seq = owner.last_seq + 1
    record = {**record, owner_key.removesuffix("_id"): owner.id, "seq": seq}
    row = entry(
        **{owner_key: owner.id},
        seq=seq,
        record=hashchain.canonical(record),
        prev_hash=owner.last_hash,
        hash=hashchain.link(owner.last_hash, record),
        **index,
    )
    owner.last_seq, owner.last_hash = seq, row.hash
    s.add(row)
    s.flush()
    return row


def read(
    s: Session, owner: Head, entry: Any, owner_col: InstrumentedAttribute[Any]
) -> tuple[list[Any], list[dict[str, Any]]]:
    """The owner's ledger rows and their records, checked: every hash recomputes, entries are numbered 1, 2, …
    and name their owner, and the chain ends at the owner's stored head."""
    rows = list(s.scalars(select(entry).where(owner_col == owner.id).order_by(entry.seq)))
    key = owner_col.key.removesuffix("_id")
    entries = [{"record": json.loads(e.record), "prev_hash": e.prev_hash, "hash": e.hash} for e in rows]
    good, bad, why = hashchain.verify(entries)
    if not good:
        raise Bad(f"entry {(bad or 0) + 1}: {why.split(': ', 1)[-1]}")
    records = [e["record"] for e in entries]
    for n, (row, r) in enumerate(zip(rows, records, strict=True), start=1):
        if row.seq != n or r.get("seq") != n or r.get(key) != owner.id:
            raise Bad(f"entry {n} is numbered {r.get('seq')} of {key} {r.get(key)}: a gap, a repeat or a move")
    last = (len(rows), rows[-1].hash if rows else hashchain.GENESIS)
    if last != (owner.last_seq, owner.last_hash):
        raise Bad(f"the log ends at entry {last[0]} but the stored head is entry {owner.last_seq}: entries were "
                  "removed, added or rewritten")  # fmt: skip
    if not records:
        raise Bad("the log is empty")
    return rows, records


def verify_acknowledged(
    s: Session,
    owner: Any,
    entry: Any,
    owner_col: InstrumentedAttribute[Any],
    object_type: str,
    first: tuple[str, Callable[[list[int]], dict[str, Any]]],
) -> dict[str, Any]:
    """Check the log of a record sent to recipient parties who acknowledge it (a CBM notification, a
    humanitarian movement): its first entry ``first[0]`` holds the record as sent (``first[1](recipients)``
    rebuilds it from the stored row), then one ``acknowledged`` entry per recipient at most; the stored row and
    its shares (owner, recipients, who acknowledged and when) must say what the log says."""
    from detente.ops.models import Share

    key = owner_col.key.removesuffix("_id")
    ok, reason, n = True, "ok", 0
    try:
        rows, records = read(s, owner, entry, owner_col)
        n = len(rows)
        if any(e.party_id != r.get("party") for e, r in zip(rows, records, strict=True)):
            raise Bad("a log row's index columns differ from its record")
        sent, acks = records[0], records[1:]
        if sent.get("kind") != first[0]:
            raise Bad(f"the log does not start with the {first[0]} entry")
        recipients = set(sent.get("recipients") or [])
        seen: dict[int, dict[str, Any]] = {}
        for i, r in enumerate(acks, start=2):
            who = r.get("party")
            if r.get("kind") != "acknowledged" or not isinstance(who, int) or who not in recipients or who in seen:
                raise Bad(f"entry {i}: not an acknowledgement by a recipient that had not acknowledged yet")
            seen[who] = r
        shares = list(s.scalars(select(Share).where(Share.object_type == object_type, Share.object_id == owner.id)))
        rebuilt = first[1]([sh.party_id for sh in shares if sh.role == "recipient"])
        if {k: v for k, v in sent.items() if k not in (key, "seq")} != rebuilt:
            raise Bad(f"the {key} or its recipients differ from its {first[0]} entry")
        if sorted((sh.party_id, sh.role) for sh in shares if sh.role != "recipient") != [(rebuilt["party"], "owner")]:
            raise Bad(f"the {key}'s owner party or its shares were altered")
        for sh in shares:
            want = (seen[sh.party_id]["at"], seen[sh.party_id]["user"]) if sh.party_id in seen else (None, None)
            if (iso(sh.acknowledged_at), sh.acknowledged_by) != want or sh.confirmed_version is not None:
                raise Bad(f"party {sh.party_id}'s acknowledgement differs from the log")
    except Bad as e:
        ok, reason = False, str(e)
    except (ValueError, KeyError, TypeError, AttributeError) as e:  # a row that is not even well formed
        ok, reason = False, f"the log or a stored copy is malformed ({type(e).__name__}: {e})"
    return {f"{key}_id": owner.id, "ok": ok, "entries": n, "head": owner.last_hash, "reason": reason}
