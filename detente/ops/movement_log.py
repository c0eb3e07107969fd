"""A humanitarian movement's tamper-evident log: the site or route as notified, and who acknowledged it.

Each notified site or convoy route has a hash chain (:mod:`detente.ops.ledger`): one ``notified`` entry
with every field as sent — the points, the time window, the expiry, the parties notified — then one
``acknowledged`` entry per party that acknowledged receipt. ``GET /api/ops/movements/{id}/verify`` checks it
against the stored rows, so a route moved after the parties acknowledged it, or an acknowledgement forged
for a party that never gave it, is reported (acknowledgement is receipt, never approval).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from detente.ops import ledger
from detente.ops.ledger import iso as _iso
from detente.ops.models import Movement, MovementEntry

__all__ = ["append", "notified_record", "verify"]

OT = "movement"


def notified_record(m: Movement, recipients: list[int]) -> dict[str, Any]:
    return {
        "kind": "notified",
        "at": _iso(m.created_at),
        "party": m.party_id,
        "movement_kind": m.kind,
        "name": m.name,
        "points": [list(p) for p in m.points],
        "window_start": _iso(m.window_start),
        "window_end": _iso(m.window_end),
        "expires_at": _iso(m.expires_at),
        "note": m.note,
        "recipients": sorted(recipients),
    }


def append(s: Session, movement_id: int, record: dict[str, Any]) -> MovementEntry:
    """Append one entry to the movement's log (under the movement's row lock)."""
    entry: MovementEntry = ledger.append(
        s, Movement, movement_id, MovementEntry, "movement_id", record, party_id=record.get("party")
    )
    return entry


def verify(s: Session, m: Movement) -> dict[str, Any]:
    """Check the movement's log and that the movement and its shares agree with it (access checked by the
    caller)."""
    notified = ("notified", lambda recipients: notified_record(m, recipients))
    return ledger.verify_acknowledged(s, m, MovementEntry, MovementEntry.movement_id, OT, notified)
