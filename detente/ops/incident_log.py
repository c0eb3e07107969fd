"""The ceasefire incident log: each agreement's tamper-evident record of its terms, incidents and verdicts.

Like a hotline (docs/hotline-integrity.md), every agreement has one append-only SHA-256 hash chain
(:mod:`detente.core.hashchain`): ``opened`` (the agreement as created: name, terms, start, parties,
monitors), one ``reported`` entry per incident with every field, and one ``verification`` entry per
verdict a monitor sets. The agreement row keeps the head (``last_seq``, ``last_hash``). :func:`verify`
recomputes the chain, checks its numbering and rules (a violator is a party to the agreement, a verdict
comes from a monitor party and names an incident reported earlier), that it ends at the stored head, and
that every stored copy — the agreement row, its parties and monitors, each incident row with its current
verdict — says what the log says. A direct database edit of any one row or field (an incident's status set
to ``verified``, its violator changed, an incident deleted or inserted) is therefore reported to every party
and monitor of the agreement. An operator who rewrites everything consistently is caught by the receipts
the workspace signed for the parties (:mod:`detente.ops.receipts`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.ops import ledger
from detente.ops.ledger import Bad
from detente.ops.ledger import iso as _iso
from detente.ops.models import Agreement, AgreementEntry, Incident, Share

__all__ = ["append", "opened_record", "reported_record", "verdict_record", "verify"]

OT = "agreement"
KINDS = ("opened", "confirmed", "reported", "verification")


def opened_record(a: Agreement, parties: list[int], monitors: list[int]) -> dict[str, Any]:
    return {
        "kind": "opened",
        "at": _iso(a.created_at),
        "name": a.name,
        "terms": list(a.terms),
        "start_date": _iso(a.start_date),
        "parties": sorted(parties),
        "monitors": sorted(monitors),
        "party": a.created_by_party,
    }


def reported_record(i: Incident) -> dict[str, Any]:
    return {
        "kind": "reported",
        "incident": i.id,
        "at": _iso(i.created_at),
        "occurred_at": _iso(i.occurred_at),
        "place": i.place,
        "latitude": i.latitude,
        "longitude": i.longitude,
        "party": i.reporting_party_id,
        "user": i.reported_by,
        "violator": i.violator_party_id,
        "description": i.description,
        "evidence": list(i.evidence),
    }


def verdict_record(i: Incident, party_id: int) -> dict[str, Any]:
    return {
        "kind": "verification",
        "incident": i.id,
        "at": _iso(i.verified_at),
        "status": i.status,
        "note": i.verification_note,
        "party": party_id,
        "user": i.verified_by,
    }


def append(s: Session, agreement_id: int, record: dict[str, Any]) -> AgreementEntry:
    """Append one entry to the agreement's log and move its head (under the agreement's row lock)."""
    entry: AgreementEntry = ledger.append(
        s, Agreement, agreement_id, AgreementEntry, "agreement_id", record, incident_id=record.get("incident")
    )
    return entry


def _check(records: list[dict[str, Any]], agreement_id: int) -> tuple[dict[str, Any], dict[int, Any], dict[int, Any]]:
    """The log's rules; returns the opening record, each incident's reported record with its last verdict, and
    each party's confirmation."""
    if not records or records[0].get("kind") != "opened":
        raise Bad("the log does not start with the agreement's opening entry")
    opened = records[0]
    parties, monitors = set(opened.get("parties") or []), set(opened.get("monitors") or [])
    incidents: dict[int, dict[str, Any]] = {}
    confirmations: dict[int, dict[str, Any]] = {}
    for n, r in enumerate(records, start=1):
        if r.get("seq") != n or r.get("agreement") != agreement_id:
            raise Bad(f"entry {n} is numbered {r.get('seq')} of agreement {r.get('agreement')}: a gap or a move")
        kind = r.get("kind")
        if kind not in KINDS or (kind == "opened") != (n == 1):
            raise Bad(f"entry {n} has an unexpected kind {kind!r}")
        if kind == "confirmed":
            who = r.get("party")
            if not isinstance(who, int) or who not in parties or who == opened.get("party") or who in confirmations:
                raise Bad(f"entry {n}: a confirmation by party {who}, which is not one that confirms it (once)")
            confirmations[who] = r
        elif kind == "reported":
            iid = r.get("incident")
            if not isinstance(iid, int) or iid in incidents:
                raise Bad(f"entry {n}: incident {iid!r} is missing or reported twice")
            if r.get("party") not in parties | monitors or r.get("violator") not in parties - {r.get("party")}:
                raise Bad(f"entry {n}: the reporter or the alleged violator is not allowed by the agreement")
            incidents[iid] = {"reported": r, "verdict": None}
        elif kind == "verification":
            iid = r.get("incident")
            if iid not in incidents:
                raise Bad(f"entry {n}: a verdict on incident {iid!r}, which is not reported earlier in this log")
            if r.get("party") not in monitors:
                raise Bad(f"entry {n}: the verdict does not come from a monitor of the agreement")
            incidents[iid]["verdict"] = r
    return opened, incidents, confirmations


def verify(s: Session, a: Agreement) -> dict[str, Any]:
    """Check the agreement's log end to end and every stored copy against it (the caller checked access)."""
    ok, reason, n = True, "ok", 0
    try:
        rows, records = ledger.read(s, a, AgreementEntry, AgreementEntry.agreement_id)
        n = len(rows)
        if any(e.incident_id != r.get("incident") for e, r in zip(rows, records, strict=True)):
            raise Bad("a log row's index columns differ from its record")
        opened, incidents, confirmations = _check(records, a.id)
        _stored_copies(s, a, opened, incidents, confirmations)
    except Bad as e:
        ok, reason = False, str(e)
    except (ValueError, KeyError, TypeError, AttributeError) as e:  # a row that is not even well formed
        ok, reason = False, f"the log or a stored copy is malformed ({type(e).__name__}: {e})"
    return {"agreement_id": a.id, "ok": ok, "entries": n, "head": a.last_hash, "reason": reason}


def _stored_copies(
    s: Session, a: Agreement, opened: dict[str, Any], incidents: dict[int, Any], confirmations: dict[int, Any]
) -> None:
    sides = list(s.scalars(select(Share).where(Share.object_type == OT, Share.object_id == a.id)))
    row = opened_record(
        a, [sh.party_id for sh in sides if sh.role == "party"], [sh.party_id for sh in sides if sh.role == "monitor"]
    )
    if {k: v for k, v in opened.items() if k not in ("agreement", "seq")} != row or len(sides) != len(
        set(row["parties"]) | set(row["monitors"])
    ):
        raise Bad("the agreement, its parties or its monitors differ from its opening entry")
    for sh in sides:
        c = confirmations.get(sh.party_id) if sh.role == "party" else None
        given = (c["at"], c["user"]) if c else (None, None)
        if (_iso(sh.acknowledged_at), sh.acknowledged_by) != given or sh.confirmed_version is not None:
            raise Bad(f"party {sh.party_id}'s confirmation of the agreement differs from the log")
    stored = {i.id: i for i in s.scalars(select(Incident).where(Incident.agreement_id == a.id))}
    if set(stored) != set(incidents):
        extra, gone = sorted(set(stored) - set(incidents)), sorted(set(incidents) - set(stored))
        raise Bad(f"incidents stored but not logged {extra}, logged but not stored {gone}")
    for iid, i in stored.items():
        logged, verdict = incidents[iid]["reported"], incidents[iid]["verdict"]
        if {k: v for k, v in logged.items() if k not in ("agreement", "seq")} != reported_record(i):
            raise Bad(f"incident {iid} differs from its reported entry")
        now = (i.status, i.verification_note, _iso(i.verified_at), i.verified_by)
        want = (
            (verdict["status"], verdict["note"], verdict["at"], verdict["user"])
            if verdict
            else ("reported", "", None, None)
        )
        if now != want:
            raise Bad(f"incident {iid}'s verification differs from its log")
