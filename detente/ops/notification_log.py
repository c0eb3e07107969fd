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

from sqlalchemy.orm import Session

from detente.core.rules import ACTIVITY_MEASURES
from detente.ops import ledger
from detente.ops.ledger import iso as _iso
from detente.ops.models import Activity, NotificationEntry

__all__ = ["append", "declared_record", "verify"]

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


def append(s: Session, activity_id: int, record: dict[str, Any]) -> NotificationEntry:
    """Append one entry to the notification's log (under the activity's row lock)."""
    entry: NotificationEntry = ledger.append(
        s, Activity, activity_id, NotificationEntry, "notification_id", record, party_id=record.get("party")
    )
    return entry


def verify(s: Session, a: Activity) -> dict[str, Any]:
    """Check the notification's log and that the activity and its shares agree with it (access checked by the
    caller)."""
    declared = ("declared", lambda recipients: declared_record(a, recipients))
    return ledger.verify_acknowledged(s, a, NotificationEntry, NotificationEntry.notification_id, OT, declared)
