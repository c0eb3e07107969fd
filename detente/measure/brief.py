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

__all__ = ["brief", "brief_html", "headline", "plot_png", "trust_curve"]


def brief(
    store: Store, a: str, b: str, res: str = "month", since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    """Everything the brief shows, as data (the HTML page renders this)."""
    from detente.measure.explain import trust_explain

    rep = dyad_report(store, a, b, res, since, until)
    a, b = rep["dyad"]
    evidence = dyad_evidence(store, a, b).to_pylist()
    last_day = max((r["last"] for r in evidence), default=None)
    on = until or last_day or dt.date.today()
    al = alerts(store, res, top=None, since=since, until=until)
    mine = al[((al.a == min(a, b)) & (al.b == max(a, b)))] if not al.empty else al
    return {
        **rep,
        "explain": trust_explain(store, a, b, until, limit=10),
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


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


def _num(day: dt.date) -> float:
    """Matplotlib's date number: days since its epoch, 1970-01-01."""
    return float((day - dt.date(1970, 1, 1)).days)


def trust_curve(series: list[dict[str, Any]], until: dt.date | None = None) -> tuple[list[dt.date], list[float]]:
    """The trust stock between the periods too: after each period it decays until the next input.

    A plot that joins period values with straight lines hides that decay (and the years with no
    data); this curve shows it, on a real time axis.

    >>> days, vals = trust_curve([{"period": "2020-01-01", "trust": 8.0}], until=dt.date(2022, 1, 1))
    >>> days[0], round(vals[-1], 2)
    (datetime.date(2020, 1, 1), 4.0)
    """
    from detente.core.indices import decay_factor

    pts = [(_day(r["period"]), float(r["trust"] or 0.0)) for r in series]
    days: list[dt.date] = []
    vals: list[float] = []
    for i, (d, v) in enumerate(pts):
        nxt = pts[i + 1][0] if i + 1 < len(pts) else until
        days.append(d)
        vals.append(v)
        if nxt is None or nxt <= d:
            continue
        span = (nxt - d).days
        steps = min(24, max(1, span // 30))
        for k in range(1, steps + 1):
            gap = span * k / steps
            day = d + dt.timedelta(days=gap if k < steps else span - 1)
            if day <= d:
                continue
            days.append(day)
            vals.append(v * decay_factor(float((day - d).days)))
    return days, vals


def plot_png(rep: dict[str, Any], dpi: int = 100) -> bytes:
    """Cooperation (up) and conflict (down) per period, the trust stock on a second axis, engagements ticked.

    The time axis is a real one (dates, ticks by year or month as the span asks): a gap of years between
    two periods shows as a gap, and the trust stock decays across it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    series = rep["series"]
    fig = Figure(figsize=(9, 3.6), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    if series:
        days = [_day(r["period"]) for r in series]
        x = [_num(d) for d in days]
        width = {"day": 1, "week": 5, "month": 22, "year": 250}.get(rep["res"], 1)
        ax.bar(x, [r["cooperation"] or 0 for r in series], width=width, color="#2b7bb9", label="cooperation")
        ax.bar(x, [-(r["conflict"] or 0) for r in series], width=width, color="#c0392b", label="conflict")
        ax.axhline(0, color="#555555", lw=0.6)
        loc = mdates.AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))  # type: ignore[no-untyped-call]
        ax.tick_params(axis="x", labelsize=7)
        ax.set_ylabel("weighted Goldstein")
        tw = ax.twinx()
        cd, cy = trust_curve(series, _day(rep["on"]) if rep.get("on") else None)
        cx = [_num(d) for d in cd]
        tw.plot(cx, cy, color="#e08e0b", lw=1.6, label="trust stock (decays between inputs)")
        tw.set_ylabel("trust stock")
        for e in rep["engagements"]:
            if e.get("start_date"):
                ax.axvline(_num(_day(e["start_date"])), color="#2d5a1b", lw=0.6, alpha=0.5)
        lo, hi = min(x + cx[:1]), max(x + cx[-1:])
        pad = max(15.0, (hi - lo) / 40)
        ax.set_xlim(lo - pad, hi + pad)
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


def headline(data: dict[str, Any]) -> str:
    """The brief's first line: the trust number with its date, what is left of it today, the alerts."""
    from detente.core.wording import plural

    ex = data["explain"]
    trust = f"Trust stock {ex['trust']:.2f} on {ex['on']}"
    if ex["last_input"] and ex["trust_today"] is not None and ex["today"] != ex["on"]:
        trust += f" (its last input); {ex['trust_today']:.2f} on {ex['today']} with nothing new"
    return (
        f"{trust}; {plural(len(data['alerts']), 'escalation alert')}; by {data['res']}; "
        f"generated {dt.date.today().isoformat()} by detente."
    )


def _favicon() -> str:
    from importlib.resources import files

    return base64.b64encode((files("detente.web") / "static" / "favicon.svg").read_bytes()).decode()


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


EXPLAIN_COLUMNS = ["component", "count", "weight", "input", "now", "share"]
DRIVER_COLUMNS = ["start_date", "kind", "name", "dataset", "weight", "decay_factor", "contribution"]
METHOD_NOTE = (
    "Cooperation and conflict are Goldstein scores weighted by the number of sources; the trust stock decays "
    "with a 730-day half-life (docs/measure.md). Canonical events only: repeats are folded."
)


def brief_html(
    store: Store,
    a: str,
    b: str,
    res: str = "month",
    since: dt.date | None = None,
    until: dt.date | None = None,
    pdf_href: str | None = None,
) -> str:
    """The brief as one HTML page (no external resources); ``pdf_href`` adds a link to its PDF."""
    data = brief(store, a, b, res, since, until)
    x, y = data["dyad"]
    ex = data["explain"]
    png = base64.b64encode(plot_png(data)).decode()
    latest = data["series"][-12:]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Brief: {html.escape(x)}–{html.escape(y)}</title>",
        f"<link rel='icon' href='data:image/svg+xml;base64,{_favicon()}'>",
        "<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:24px auto;color:#1f2933}"
        "table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #e3e6ea;padding:2px 8px;"
        "text-align:left}h2{font-size:16px;margin-top:22px}.none{color:#7b8794}</style></head><body>",
        f"<h1>Relations brief: {html.escape(x)}–{html.escape(y)}</h1>",
        f"<p class='headline'>{html.escape(headline(data))}</p>",
        f"<img alt='cooperation, conflict and trust of {html.escape(x)}–{html.escape(y)}' "
        f"src='data:image/png;base64,{png}' style='max-width:100%'>",
        f"<p><a id='pdf-link' href='{html.escape(pdf_href)}'>Download this brief as PDF</a></p>" if pdf_href else "",
        "<h2 id='why'>Why this trust</h2>",
        f"<p class='summary'>{html.escape(ex['summary'])}</p>",
        _table(ex["components"], EXPLAIN_COLUMNS),
        "<h3>The engagements that weigh most</h3>",
        _table(ex["engagements"], DRIVER_COLUMNS),
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
        f"<p class='none'>{html.escape(METHOD_NOTE)}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)
