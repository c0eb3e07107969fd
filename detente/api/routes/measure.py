"""API: relations index and trust of a dyad, tension with an actor, escalation alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from detente.api.deps import ReaderDep, StoreDep, answer
from detente.api.encoded import Encoded
from detente.core.actors import parse_dyad
from detente.measure import report
from detente.store.warehouse import Store

router = APIRouter(prefix="/api", tags=["measure"])

RES = Query("day", pattern="^(day|week|month|year)$", description="day, week, month or year")
POINTS = Query(
    2000, ge=1, le=100_000, description="At most this many periods, the latest; page back with until=page.next_until"
)
#: Decimals of the floats in a served series (what a chart shows; the sums keep their full precision inside).
DIGITS = 4


# The answers below are encoded by orjson straight from the dicts the measures build (detente.api.encoded).


@router.get(
    "/dyads/{dyad}/index",
    summary="Relations index of a dyad (cooperation, conflict, balance, trust)",
    response_class=Encoded,
)
async def dyad_index(
    store: ReaderDep,
    dyad: str,
    res: str = RES,
    since: dt.date | None = None,
    until: dt.date | None = None,
    points: int = POINTS,
) -> Response:
    """The undirected series (cooperation, conflict, balance, events, engagements, trust; floats to 4 decimals),
    both directed series and the latest engagements: at most ``points`` periods, the latest up to ``until``, from
    ``since`` on. When there are more, ``page.next_until`` is the ``until`` of the previous page (else null)."""
    from detente.measure import pages

    a, b = parse_dyad(dyad)
    body = await answer(
        pages.kept_dyad_index_json, pages.dyad_index_json, store, a, b, res, since, until, points, DIGITS
    )
    return Response(body, media_type="application/json")


BRIEF_RES = Query("month", pattern="^(day|week|month|year)$", description="day, week, month or year")


@router.get(
    "/dyads/{dyad}/brief",
    summary="A one-page brief on a dyad: HTML with an inline plot, or PDF with ?format=pdf",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
def dyad_brief(
    store: StoreDep, dyad: str, res: str = BRIEF_RES, since: dt.date | None = None, until: dt.date | None = None,
    format: str = Query("html", pattern="^(html|pdf)$", description="html or pdf"),
) -> Response:  # fmt: skip
    from detente.measure.brief import brief_html

    a, b = parse_dyad(dyad)
    if format == "pdf":
        return _brief_pdf(store, a, b, res, since, until)
    q = urlencode({k: v for k, v in {"res": res, "since": since, "until": until}.items() if v is not None})
    pdf = f"/api/dyads/{quote(a + ',' + b)}/brief.pdf?{q}"
    return HTMLResponse(brief_html(store, a, b, res, since, until, pdf_href=pdf))


@router.get(
    "/dyads/{dyad}/brief.pdf",
    summary="The one-page brief on a dyad as PDF (same chart and tables, fonts embedded)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def dyad_brief_pdf(
    store: StoreDep, dyad: str, res: str = BRIEF_RES, since: dt.date | None = None, until: dt.date | None = None
) -> Response:
    a, b = parse_dyad(dyad)
    return _brief_pdf(store, a, b, res, since, until)


def _brief_pdf(store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None) -> Response:
    from detente.measure.brief_pdf import brief_pdf

    body = brief_pdf(store, a, b, res, since, until)
    name = f"brief-{a.upper()}-{b.upper()}.pdf"
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/dyads/{dyad}/trust", summary="Trust stock of a dyad", response_class=Encoded)
async def dyad_trust(
    store: ReaderDep,
    dyad: str,
    res: str = RES,
    since: dt.date | None = None,
    until: dt.date | None = None,
    points: int = POINTS,
) -> Response:
    """The trust stock per period with its input and engagements (floats to 4 decimals), paged as the dyad
    index: at most ``points`` periods, the latest up to ``until``, from ``since`` on; ``page.next_until`` is the
    ``until`` of the previous page when there are more (else null)."""
    from detente.measure import pages

    a, b = parse_dyad(dyad)
    body = await answer(pages.kept_trust_json, pages.trust_json, store, a, b, res, since, until, points, DIGITS)
    return Response(body, media_type="application/json")


@router.get(
    "/dyads/{dyad}/trust/explain",
    summary="Why a dyad's trust is what it is: components, decay, data coverage, the engagements behind it",
)
def dyad_trust_explain(
    store: StoreDep,
    dyad: str,
    on: dt.date | None = Query(None, description="Day (default: the dyad's last input)"),
    limit: int = Query(25, ge=0, le=1000, description="Engagements listed, largest contribution first"),
) -> dict[str, Any]:
    from detente.measure.explain import trust_explain

    a, b = parse_dyad(dyad)
    return trust_explain(store, a, b, on, limit=limit)


@router.get("/tension", summary="Tension of every actor with one actor (for the map)", response_class=Encoded)
async def tension(
    store: ReaderDep,
    actor: str = Query(..., min_length=1, max_length=12, description="Actor id, e.g. USA"),
    on: dt.date | None = Query(None, description="Day (default: the actor's latest day of real coverage)"),
) -> Encoded:
    return Encoded(await answer(report.kept_tension, report.tension, store, actor, on))


@router.get("/alerts", summary="Escalation alerts, ranked, with their triggering events", response_class=Encoded)
async def alerts(
    store: ReaderDep,
    top: int = Query(20, ge=1, le=1000),
    res: str = RES,
    since: dt.date | None = None,
    events: int = Query(5, ge=0, le=100),
) -> Encoded:
    rows = await answer(report.kept_alert_list, report.alert_list, store, res, top=top, since=since, n_events=events)
    return Encoded({"res": res, "alerts": rows})
