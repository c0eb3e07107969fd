"""A FICTIONAL demo workspace, so that a newcomer sees every instrument working (`make run`).

Parties Estonia, Russia, an OSCE monitoring mission and a humanitarian NGO, with one user each, and a
scenario built through the same services a party uses: a hotline with an unanswered question, CBM
notifications (one just under the observation threshold), a ceasefire arrangement with a verified and a
reported incident, a convoy route acknowledged by one party, and engagements on all three tracks. Every
name and text says it is fictional; dates are relative to the day it is seeded, so it never looks stale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from detente.ops import ceasefire, engagements, hotline, humanitarian, notifications, parties, schemas
from detente.ops.auth import load_actor
from detente.ops.models import Party, utcnow

__all__ = ["DEMO_PARTIES", "DEMO_PASSWORD", "FICTIONAL", "seed"]

DEMO_PASSWORD = "detente-demo"  # a local demo workspace on 127.0.0.1 only; never a deployment's password
FICTIONAL = "(fictional demo)"
DEMO_PARTIES: tuple[tuple[str, str, str | None, list[str], str, str], ...] = (  # party, kind, actor, orgs, user, role
    ("Estonia (Ministry of Defence)", "state", "EST", ["OSCE", "NATO", "EU"], "estonia", "admin"),
    ("Russia (Ministry of Defence)", "state", "RUS", ["OSCE", "CSTO"], "russia", "admin"),
    ("OSCE monitoring mission", "mediator", None, ["OSCE"], "monitor", "monitor"),
    ("Humanitarian NGO", "ngo", None, [], "ngo", "officer"),
)


def seed(s: Session) -> dict[str, Any]:
    """Create the demo parties, users and scenario once; a workspace that has parties is left alone."""
    if s.scalar(select(func.count()).select_from(Party)):
        return {"note": "kept the existing workspace"}
    ids: dict[str, int] = {}
    users: dict[str, int] = {}
    for name, kind, actor, orgs, user, role in DEMO_PARTIES:
        p = parties.create_party(s, name, kind, actor=actor, organisations=orgs)
        s.flush()
        ids[user] = p.id
        users[user] = parties.create_user(s, p.id, user, DEMO_PASSWORD, role).id
    s.flush()
    made = _scenario(s, ids, {u: load_actor(s, uid) for u, uid in users.items()})
    return {"users": ", ".join(u for *_, u, _ in DEMO_PARTIES), "password": DEMO_PASSWORD, **made}


def _scenario(s: Session, ids: dict[str, int], who: dict[str, Any]) -> dict[str, int]:
    est, rus, osce, ngo = (who[u] for u in ("estonia", "russia", "monitor", "ngo"))
    today = utcnow().date()
    now = utcnow().replace(microsecond=0)

    # Hotline: a routine notice, acknowledged; then a question awaiting Russia's answer within a day.
    ch = hotline.create_channel(s, est, f"Estonia–Russia military hotline {FICTIONAL}", [ids["russia"], ids["monitor"]])
    s.flush()
    notice = hotline.send(
        s, rus, ch.id, f"{FICTIONAL} Routine notice: a naval logistics convoy transits the Gulf of Finland "
        "tomorrow 06:00–14:00 UTC, outside Estonian territorial waters.",
    )  # fmt: skip
    s.flush()
    hotline.step(s, est, notice.id, "acknowledged")
    hotline.send(
        s, est, ch.id, f"{FICTIONAL} Border guards report an unidentified drone over Narva at 02:10 UTC. "
        "Was it yours? Please answer within 24 hours.", reply_within_minutes=24 * 60,
    )  # fmt: skip

    # CBM notifications: one just under the observation threshold (a known evasion pattern), one small.
    notifications.declare(s, rus, _in(schemas.NotificationIn, {
        "activity_type": "exercise", "title": f"Western shield {FICTIONAL}", "area": "Pskov and Leningrad regions",
        "start_date": today + dt.timedelta(days=50), "end_date": today + dt.timedelta(days=57),
        "troops": 12_800, "battle_tanks": 240, "acvs": 410, "artillery": 120, "in_annual_calendar": True,
    }))  # fmt: skip
    small = notifications.declare(s, est, _in(schemas.NotificationIn, {
        "activity_type": "exercise", "title": f"Spring storm {FICTIONAL}", "area": "Northern Estonia",
        "start_date": today + dt.timedelta(days=45), "end_date": today + dt.timedelta(days=52),
        "troops": 9_500, "battle_tanks": 20, "acvs": 150, "artillery": 40, "in_annual_calendar": True,
    }))  # fmt: skip
    s.flush()
    notifications.acknowledge(s, rus, small.id)

    # Ceasefire monitoring: an incident-prevention arrangement, one verified and one reported incident.
    ag = ceasefire.create_agreement(
        s, est, f"Narva river incident-prevention arrangement {FICTIONAL}",
        ["No live fire within 5 km of the river", "Patrol boats keep 500 m from the median line"],
        today - dt.timedelta(days=90), [ids["russia"]], [ids["monitor"]],
    )  # fmt: skip
    s.flush()
    ceasefire.confirm_agreement(s, rus, ag.id)  # both sides bound: verified violations reach the alerts
    seen = ceasefire.report(s, est, ag.id, _in(schemas.IncidentIn, {
        "occurred_at": now - dt.timedelta(days=6), "place": "Narva river, km 12", "latitude": 59.35,
        "longitude": 28.19, "violator_party_id": ids["russia"], "description": f"{FICTIONAL} Warning shots.",
        "evidence": ["photo-0412.jpg (fictional)"],
    }))  # fmt: skip
    s.flush()
    ceasefire.verify_incident(s, osce, seen.id, "verified", f"{FICTIONAL} Confirmed by the mission's patrol.")
    ceasefire.report(s, rus, ag.id, _in(schemas.IncidentIn, {
        "occurred_at": now - dt.timedelta(days=2), "place": "Narva river, km 20", "latitude": 59.30,
        "longitude": 28.10, "violator_party_id": ids["estonia"], "description": f"{FICTIONAL} A patrol boat "
        "crossed the median line.", "evidence": [],
    }))  # fmt: skip

    # Humanitarian deconfliction: a convoy route next week, notified to both states; Estonia acknowledges.
    start = (now + dt.timedelta(days=7)).replace(hour=6, minute=0, second=0)
    mv = humanitarian.create(s, ngo, _movement({
        "kind": "convoy", "name": f"Medical supplies Tartu–Narva {FICTIONAL}",
        "points": [[58.378, 26.729], [59.0, 27.5], [59.377, 28.190]],
        "window_start": start, "window_end": start + dt.timedelta(hours=10), "expires_at": None,
        "note": f"{FICTIONAL} Four trucks, white with the NGO's emblem.", "notify": [ids["estonia"], ids["russia"]],
    }))  # fmt: skip
    s.flush()
    humanitarian.acknowledge(s, est, mv.id)

    # Engagements on the three tracks; the past Track I dialogue is completed (it then feeds the trust data).
    talks = engagements.create(s, est, _in(schemas.EngagementIn, {
        "kind": "defense_dialogue", "track": "I", "title": f"Defence attachés' annual meeting {FICTIONAL}",
        "start_date": today - dt.timedelta(days=30), "end_date": today - dt.timedelta(days=30),
        "place": "Tallinn", "objectives": "Review the hotline and incident-prevention arrangement.",
        "participants": [ids["russia"]],
    }))  # fmt: skip
    s.flush()
    engagements.update(s, est, talks.id, {"status": "completed", "outcomes": f"{FICTIONAL} Joint statement."})
    # the invited party confirms this version, outcomes included (then it feeds the trust data; an edit after
    # would leave the confirmation stale)
    engagements.confirm(s, rus, talks.id)
    engagements.create(s, est, _in(schemas.EngagementIn, {
        "kind": "defense_dialogue", "track": "II", "title": f"Baltic military-risk reduction workshop {FICTIONAL}",
        "start_date": today + dt.timedelta(days=20), "end_date": today + dt.timedelta(days=21), "place": "Helsinki",
        "objectives": "Experts and retired officers on incident prevention at sea.",
        "participants": [ids["russia"]], "organisations": ["Northern Dialogue Institute (fictional)"],
    }))  # fmt: skip
    engagements.create(s, ngo, _in(schemas.EngagementIn, {
        "kind": "track3_workshop", "track": "III", "title": f"Narva–Ivangorod youth exchange {FICTIONAL}",
        "start_date": today + dt.timedelta(days=35), "end_date": today + dt.timedelta(days=37), "place": "Narva",
        "objectives": "Schools from both banks of the river.", "participants": [ids["estonia"], ids["russia"]],
        "organisations": ["Humanitarian NGO", "Narva Youth Centre (fictional)"],
    }))  # fmt: skip
    return {"channels": 1, "messages": 2, "notifications": 2, "agreements": 1, "incidents": 2, "movements": 1,
            "engagements": 3}  # fmt: skip


def _in(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """Validated as the API validates a party's input (defaults filled in)."""
    return model.model_validate(data).model_dump()


def _movement(data: dict[str, Any]) -> dict[str, Any]:
    out = _in(schemas.MovementIn, data)
    return {**out, "points": [list(p) for p in out["points"]]}
