"""A one-page brief on a pair of actors, as one self-contained HTML file (the plot inlined as PNG).

What a defense-diplomacy desk asks first about a relationship: how cooperation, conflict and the trust
stock have moved (a plot and the latest periods), what the two have done together (engagements), who is
bound to defend whom (ATOP commitments on a date), whether anything is escalating (the dyad's alerts), and
where every figure comes from (events per dataset, first and last day).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from typing import Any

from detente.errors import DetenteError
from detente.measure.alerts import alerts
from detente.measure.report import dyad_report
from detente.store.analytics.dyads import dyad_evidence
from detente.store.warehouse import Store

__all__ = ["brief", "brief_html", "plot_png"]


def brief(
    store: Store, a: str, b: str, res: str = "month", since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    """Everything the brief shows, as data (the HTML page renders this)."""
    rep = dyad_report(store, a, b, res, since, until)
    a, b = rep["dyad"]
    evidence = dyad_evidence(store, a, b).to_pylist()
    last_day = max((r["last"] for r in evidence), default=None)
    on = until or last_day or dt.date.today()
    al = alerts(store, res, top=None, since=since, until=until)
    mine = al[((al.a == min(a, b)) & (al.b == max(a, b)))] if not al.empty else al
    return {
        **rep,
        "on": on.isoformat(),
        "commitments": {x: _commitments(store, x, y, on) for x, y in ((a, b), (b, a))},
        "alerts": [
            {
                "period": str(r["period"]),
                "score": float(r["score"]),
                "signals": r["signals"],
                "events": int(r["events"]),
            }
            for r in mine.to_dict("records")
        ],
        "evidence": [
            {"dataset": r["dataset"], "events": int(r["events"]), "first": str(r["first"]), "last": str(r["last"])}
            for r in evidence
        ],
    }


def _commitments(store: Store, attacked: str, attacker: str, on: dt.date) -> dict[str, Any]:
    from detente.measure.alliances import allies_answer

    try:
        ans = allies_answer(store, attacked, on, attacker)
    except DetenteError as e:
        return {"error": e.line()}
    return {
        "defenders": sorted({d["state"] for d in ans["defenders"]}),
        "alliances": [x["alliance"] for x in ans["alliances"]],
        "shared": [x["alliance"] for x in ans["shared_alliances"]],
        "note": ans["note"],
    }


def _days(day: Any) -> float:
    return float((dt.date.fromisoformat(str(day)[:10]) - dt.date(1970, 1, 1)).days)


def plot_png(rep: dict[str, Any]) -> bytes:
    """Cooperation (up) and conflict (down) per period, the trust stock on a second axis, engagements ticked."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    series = rep["series"]
    fig = Figure(figsize=(9, 3.6), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    if series:
        x = [_days(r["period"]) for r in series]
        width = {"day": 1, "week": 5, "month": 22, "year": 250}.get(rep["res"], 1)
        ax.bar(x, [r["cooperation"] or 0 for r in series], width=width, color="#2b7bb9", label="cooperation")
        ax.bar(x, [-(r["conflict"] or 0) for r in series], width=width, color="#c0392b", label="conflict")
        ax.axhline(0, color="#555555", lw=0.6)
        step = max(1, len(series) // 8)
        ax.set_xticks(x[::step], [str(r["period"])[:10] for r in series[::step]], fontsize=7, rotation=30)
        ax.set_ylabel("weighted Goldstein")
        tw = ax.twinx()
        tw.plot(x, [r["trust"] or 0 for r in series], color="#e08e0b", lw=1.6, label="trust stock")
        tw.set_ylabel("trust stock")
        for e in rep["engagements"]:
            if e.get("start_date"):
                ax.axvline(_days(e["start_date"]), color="#2d5a1b", lw=0.6, alpha=0.5)
        lines = ax.get_legend_handles_labels()
        more = tw.get_legend_handles_labels()
        ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="upper left")
    else:
        ax.text(0.5, 0.5, "no events or engagements", ha="center", va="center", transform=ax.transAxes)
    a, b = rep["dyad"]
    ax.set_title(f"{a}–{b} by {rep['res']} (green ticks: engagements)", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    if not rows:
        return '<p class="none">None.</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(r.get(c)))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _commitment_html(x: str, y: str, c: dict[str, Any]) -> str:
    if "error" in c:
        return f"<p>If {html.escape(x)} were attacked by {html.escape(y)}: {html.escape(c['error'])}</p>"
    defenders = ", ".join(c["defenders"]) or "no one"
    shared = ", ".join(c["shared"]) or "none"
    note = f" <em>{html.escape(c['note'])}</em>" if c["note"] else ""
    return (
        f"<p>If <b>{html.escape(x)}</b> were attacked by {html.escape(y)}, bound to defend it: "
        f"{html.escape(defenders)}. Alliances the two share: {html.escape(shared)}.{note}</p>"
    )


def brief_html(
    store: Store, a: str, b: str, res: str = "month", since: dt.date | None = None, until: dt.date | None = None
) -> str:
    """The brief as one HTML page (no external resources)."""
    data = brief(store, a, b, res, since, until)
    x, y = data["dyad"]
    png = base64.b64encode(plot_png(data)).decode()
    latest = data["series"][-12:]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Brief: {html.escape(x)}–{html.escape(y)}</title>",
        "<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:24px auto;color:#1f2933}"
        "table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #e3e6ea;padding:2px 8px;"
        "text-align:left}h2{font-size:16px;margin-top:22px}.none{color:#7b8794}</style></head><body>",
        f"<h1>Relations brief: {html.escape(x)}–{html.escape(y)}</h1>",
        f"<p>Trust stock now <b>{data['trust']:.2f}</b>; {len(data['alerts'])} escalation alert(s); "
        f"by {html.escape(res)}; generated {dt.date.today().isoformat()} by detente.</p>",
        f"<img alt='cooperation, conflict and trust of {html.escape(x)}–{html.escape(y)}' "
        f"src='data:image/png;base64,{png}' style='max-width:100%'>",
        "<h2>Latest periods</h2>",
        _table(latest, ["period", "cooperation", "conflict", "balance", "events", "engagements", "trust"]),
        "<h2>Engagements</h2>",
        _table(data["engagements"], ["start_date", "kind", "name", "dataset"]),
        f"<h2>Alliance commitments on {html.escape(data['on'])} (ATOP 5.1)</h2>",
        _commitment_html(x, y, data["commitments"][x]),
        _commitment_html(y, x, data["commitments"][y]),
        "<h2>Escalation alerts</h2>",
        _table(data["alerts"], ["period", "score", "signals", "events"]),
        "<h2>Evidence</h2>",
        _table(data["evidence"], ["dataset", "events", "first", "last"]),
        "<p class='none'>Cooperation and conflict are Goldstein scores weighted by the number of sources; the trust "
        "stock decays with a 730-day half-life (docs/measure.md). Canonical events only: repeats are folded.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)
