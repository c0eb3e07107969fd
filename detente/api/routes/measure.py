"""API: relations index and trust of a dyad, tension with an actor, escalation alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from detente.api.deps import StoreDep
from detente.core.actors import parse_dyad
from detente.measure import report

router = APIRouter(prefix="/api", tags=["measure"])

RES = Query("day", pattern="^(day|week|month|year)$", description="day, week, month or year")


@router.get("/dyads/{dyad}/index", summary="Relations index of a dyad (cooperation, conflict, balance, trust)")
def dyad_index(
    store: StoreDep,
    dyad: str,
    res: str = RES,
    since: dt.date | None = None,
    until: dt.date | None = None,
    points: int = Query(
        2000,
        ge=1,
        le=100_000,
        description="At most this many periods, the latest; page back with until=page.next_until",
    ),
) -> dict[str, Any]:
    a, b = parse_dyad(dyad)
    return page_series(report.dyad_report(store, a, b, res, since, until), points)


def page_series(out: dict[str, Any], points: int) -> dict[str, Any]:
    """Keep the latest ``points`` periods of a dyad report (what a chart can show); ``page`` says where the
    previous page ends (``next_until``: pass it as ``until``), or null when the series came back whole."""
    series = out["series"]
    out["page"] = None
    if len(series) > points:
        first = series[-points]["period"]
        out["series"] = series[-points:]
        out["directed"] = {k: [r for r in v if r["period"] >= first] for k, v in out["directed"].items()}
        before = dt.date.fromisoformat(first) - dt.timedelta(days=1)
        out["page"] = {"points": points, "periods": len(series), "next_until": before.isoformat()}
    return out


@router.get(
    "/dyads/{dyad}/brief",
    summary="A one-page brief on a dyad (HTML with an inline plot)",
    response_class=HTMLResponse,
)
def dyad_brief(
    store: StoreDep, dyad: str, res: str = Query("month", pattern="^(day|week|month|year)$"),
    since: dt.date | None = None, until: dt.date | None = None,
) -> HTMLResponse:  # fmt: skip
    from detente.measure.brief import brief_html

    a, b = parse_dyad(dyad)
    return HTMLResponse(brief_html(store, a, b, res, since, until))


@router.get("/dyads/{dyad}/trust", summary="Trust stock of a dyad")
def dyad_trust(store: StoreDep, dyad: str, res: str = RES) -> dict[str, Any]:
    a, b = parse_dyad(dyad)
    return report.trust_report(store, a, b, res)


@router.get("/tension", summary="Tension of every actor with one actor (for the map)")
def tension(
    store: StoreDep,
    actor: str = Query(..., min_length=1, max_length=12, description="Actor id, e.g. USA"),
    on: dt.date | None = Query(None, description="Day (default: the actor's last event)"),
) -> dict[str, Any]:
    return report.tension(store, actor, on)


@router.get("/alerts", summary="Escalation alerts, ranked, with their triggering events")
def alerts(
    store: StoreDep,
    top: int = Query(20, ge=1, le=1000),
    res: str = RES,
    since: dt.date | None = None,
    events: int = Query(5, ge=0, le=100),
) -> dict[str, Any]:
    return {"res": res, "alerts": report.alert_list(store, res, top=top, since=since, n_events=events)}
