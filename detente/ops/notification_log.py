"""A CBM notification's tamper-evident log: what was declared, to whom, and who acknowledged it when.

Each declared activity has a hash chain (:mod:`detente.ops.ledger`): one ``declared`` entry with every
field of the declaration as notified — the figures, the dates, the rule set's findings and the parties it
went to — then one ``acknowledged`` entry per recipient party that acknowledged it. :func:`verify` checks
the chain and that the activity row and its shares (who it was sent to, who acknowledged and when) say what
the log says, so a database edit that lowers the declared troops after the fact, removes a violation
finding, hides a recipient or forges an acknowledgement is reported to the declarer and every recipient.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.core.rules import ACTIVITY_MEASURES
from detente.ops import ledger
from detente.ops.ledger import Bad
from detente.ops.ledger import iso as _iso
from detente.ops.models import Activity, NotificationEntry, Share

__all__ = ["acknowledged_record", "append", "declared_record", "verify"]

OT = "notification"


def declared_record(a: Activity, recipients: list[int]) -> dict[str, Any]:
    return {
        "kind": "declared",
        "at": _iso(a.created_at),
        "party": a.party_id,
        "user": a.created_by,
        "ruleset": a.ruleset,
        "activity_type": a.activity_type,
        "title": a.title,
        "area": a.area,
        "start_date": _iso(a.start_date),
        "end_date": _iso(a.end_date),
        **{m: getattr(a, m) for m in ACTIVITY_MEASURES},
        "notified_on": _iso(a.notified_on),
        "in_annual_calendar": a.in_annual_calendar,
        "calendar_submitted_on": _iso(a.calendar_submitted_on),
        "communicated_on": _iso(a.communicated_on),
        "findings": list(a.findings),
        "recipients": sorted(recipients),
    }


def acknowledged_record(sh: Share) -> dict[str, Any]:
    return {"kind": "acknowledged", "at": _iso(sh.acknowledged_at), "party": sh.party_id, "user": sh.acknowledged_by}


def append(s: Session, activity_id: int, record: dict[str, Any]) -> NotificationEntry:
    """Append one entry to the notification's log (under the activity's row lock)."""
    entry: NotificationEntry = ledger.append(
        s, Activity, activity_id, NotificationEntry, "notification_id", record, party_id=record.get("party")
    )
    return entry


def verify(s: Session, a: Activity) -> dict[str, Any]:
    """Check the notification's log and that the activity and its shares agree with it (access checked by the
    caller)."""
    ok, reason, n = True, "ok", 0
    try:
        rows, records = ledger.read(s, a, NotificationEntry, NotificationEntry.notification_id)
        n = len(rows)
        if any(e.party_id != r.get("party") for e, r in zip(rows, records, strict=True)):
            raise Bad("a log row's index columns differ from its record")
        declared, acks = records[0], records[1:]
        if declared.get("kind") != "declared":
            raise Bad("the log does not start with the declaration")
        recipients = set(declared.get("recipients") or [])
        seen: dict[int, dict[str, Any]] = {}
        for i, r in enumerate(acks, start=2):
            if r.get("kind") != "acknowledged" or r.get("party") not in recipients or r.get("party") in seen:
                raise Bad(f"entry {i}: not an acknowledgement by a recipient that had not acknowledged yet")
            seen[int(r["party"])] = r
        shares = list(s.scalars(select(Share).where(Share.object_type == OT, Share.object_id == a.id)))
        if {k: v for k, v in declared.items() if k not in ("notification", "seq")} != declared_record(
            a, [sh.party_id for sh in shares if sh.role == "recipient"]
        ):
            raise Bad("the notification or its recipients differ from what was declared")
        if sorted((sh.party_id, sh.role) for sh in shares if sh.role != "recipient") != [(a.party_id, "owner")]:
            raise Bad("the notification's declaring party or its shares were altered")
        for sh in shares:
            want = (seen[sh.party_id]["at"], seen[sh.party_id]["user"]) if sh.party_id in seen else (None, None)
            if (_iso(sh.acknowledged_at), sh.acknowledged_by) != want:
                raise Bad(f"party {sh.party_id}'s acknowledgement differs from the log")
    except Bad as e:
        ok, reason = False, str(e)
    except (ValueError, KeyError, TypeError, AttributeError) as e:  # a row that is not even well formed
        ok, reason = False, f"the log or a stored copy is malformed ({type(e).__name__}: {e})"
    return {"notification_id": a.id, "ok": ok, "entries": n, "head": a.last_hash, "reason": reason}
