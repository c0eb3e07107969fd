"""Why a dyad's trust is what it is: components, decay, data coverage and the engagements behind it.

The stock is a decaying sum (:mod:`detente.core.indices.trust`): on day ``on`` it is exactly
``sum(input_s * 2**(-(on - s) / half_life))``. So it splits without remainder into what each input
still contributes: cooperation and conflict of the events (per day, as the index weighs them) and
each engagement (its kind's weight, on its start day). ``decay`` is what time has taken from the
inputs. The explanation is at day resolution; a coarser view (month, year) counts each input at the
start of its period, so its "trust now" can differ a little.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from detente.core.indices.weights import (
    CONFLICT_TO_TRUST,
    COOPERATION_TO_TRUST,
    ENGAGEMENT_DEFAULT_WEIGHT,
    ENGAGEMENT_WEIGHTS,
    TRUST_HALF_LIFE_DAYS,
)
from detente.errors import InputError
from detente.measure.frames import frame
from detente.measure.frames import rows as records
from detente.measure.report import check_actor
from detente.store.analytics import explain as q
from detente.store.analytics.trust import has_engagement_dyads, trust_inputs
from detente.store.warehouse import Store

__all__ = ["explain_text", "trust_explain"]


def _decay(days: Any, half_life: float) -> np.ndarray[Any, Any]:
    return np.asarray(np.exp2(-np.asarray(days, dtype=np.float64) / half_life))


def _span(first: Any, last: Any) -> str:
    f, la = str(first)[:4], str(last)[:4]
    return f if f == la else f"{f}–{la}"


def trust_explain(
    store: Store,
    a: str,
    b: str,
    on: dt.date | None = None,
    *,
    limit: int = 25,
    half_life: float = TRUST_HALF_LIFE_DAYS,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The trust of ``a``–``b`` on ``on`` (default: the day of its last input) and what makes it up."""
    a, b = check_actor(store, a), check_actor(store, b)
    if a == b:
        raise InputError(f"A dyad needs two different actors, got {a} twice.", hint="Example: EST RUS.")
    if not 0 <= limit <= 10_000:
        raise InputError(f"limit {limit} is out of range.", hint="Use 0..10000.")
    today = today or dt.date.today()
    ev = frame(trust_inputs(store, "day", a, b, until=on))
    ev = ev[(ev["cooperation"] > 0) | (ev["conflict"] > 0)] if not ev.empty else ev
    linked = records(q.dyad_engagement_inputs(store, a, b, until=on)) if has_engagement_dyads(store) else []
    eng = pd.DataFrame(linked)
    if eng.empty:
        eng = pd.DataFrame(columns=["engagement_id", "kind", "dataset", "start_date", "end_date", "role", "name"])
    days = [pd.Timestamp(d) for d in ev["period"]] + [pd.Timestamp(d) for d in eng["start_date"]]
    last_input = max(days).date() if days else None
    on = on or last_input or today
    stamp = pd.Timestamp(on)

    coop = COOPERATION_TO_TRUST * ev["cooperation"].to_numpy(dtype=np.float64)
    conf = CONFLICT_TO_TRUST * ev["conflict"].to_numpy(dtype=np.float64)
    f_ev = _decay([(stamp - pd.Timestamp(d)).days for d in ev["period"]], half_life)
    eng = eng.assign(
        weight=[float(ENGAGEMENT_WEIGHTS.get(str(k), ENGAGEMENT_DEFAULT_WEIGHT)) for k in eng["kind"]],
        days_ago=[(stamp - pd.Timestamp(d)).days for d in eng["start_date"]],
    )
    eng["decay_factor"] = _decay(eng["days_ago"], half_life)
    copies = 0
    if "duplicate_of" in eng.columns:  # the same exercise in a second dataset: the stock counts it once
        eng["duplicate_of"] = eng["duplicate_of"].astype("Int64")
        copies = int(eng["duplicate_of"].notna().sum())
        eng = eng[eng["duplicate_of"].isna()]
    eng["contribution"] = eng["weight"] * eng["decay_factor"]

    components: list[dict[str, Any]] = [
        {"component": "cooperation (events)", "kind": "cooperation", "count": int((ev["cooperation"] > 0).sum()),
         "weight": COOPERATION_TO_TRUST, "input": float(coop.sum()), "now": float((coop * f_ev).sum())},
        {"component": "conflict (events)", "kind": "conflict", "count": int((ev["conflict"] > 0).sum()),
         "weight": -CONFLICT_TO_TRUST, "input": -float(conf.sum()) or 0.0, "now": -float((conf * f_ev).sum()) or 0.0},
    ]  # fmt: skip
    for kind, g in eng.groupby("kind", sort=True):
        components.append(
            {
                "component": f"engagements: {kind}",
                "kind": str(kind),
                "count": len(g),
                "weight": float(g["weight"].iloc[0]),
                "input": float(g["weight"].sum()),
                "now": float(g["contribution"].sum()),
            }
        )
    total_input = sum(c["input"] for c in components)
    trust = sum(c["now"] for c in components)
    for c in components:
        c["share"] = round(abs(c["now"]) / sum(abs(x["now"]) for x in components), 4) if trust or total_input else 0.0
        c["count_note"] = "days with events" if c["kind"] in ("cooperation", "conflict") else "engagements"
    gap_today = (pd.Timestamp(today) - stamp).days
    out: dict[str, Any] = {
        "dyad": [a, b],
        "on": on.isoformat(),
        "last_input": last_input.isoformat() if last_input else None,
        "trust": round(trust, 6),
        "inputs_total": round(total_input, 6),
        "decay": round(trust - total_input, 6),
        "half_life_days": half_life,
        "today": today.isoformat(),
        "trust_today": round(trust * float(_decay([gap_today], half_life)[0]), 6) if gap_today >= 0 else None,
        "components": [c for c in components if c["count"] or c["kind"] in ("cooperation", "conflict")],
        "coverage": {
            "events": records(q.event_coverage(store, a, b)),
            "engagements": records(q.engagement_coverage(store, a, b)) if has_engagement_dyads(store) else [],
        },
        "engagements_total": len(eng),
        "engagement_copies_skipped": copies,
        "engagements": records(
            eng.sort_values(["contribution", "start_date"], ascending=[False, False]).head(limit)[
                ["engagement_id", "start_date", "kind", "name", "dataset", "role", "weight", "decay_factor",
                 "contribution"]
            ]
        ),
        "method": (
            f"trust on a day = sum of every input decayed by 2^(-days/{half_life:g}); inputs: "
            f"{COOPERATION_TO_TRUST:g} x weighted cooperation - {CONFLICT_TO_TRUST:g} x weighted conflict of the "
            "events, plus each engagement's kind weight on its start day (docs/measure.md)"
        ),
    }  # fmt: skip
    out["summary"] = explain_text(out)
    return out


def explain_text(x: dict[str, Any]) -> str:
    """One paragraph a reader can check against the tables: what the number is made of and how old it is."""
    a, b = x["dyad"]
    if not x["components"] or (not x["engagements_total"] and not any(c["count"] for c in x["components"])):
        return f"{a}–{b}: no events or engagements between them in the loaded data, so no trust stock (0)."
    parts = sorted(x["components"], key=lambda c: -abs(c["now"]))
    main = [c for c in parts if c["count"] and abs(c["now"]) > 0][:3]
    said = (
        "; ".join(f"{c['component']} {c['now']:+.1f} ({c['count']:,} {c['count_note']})" for c in main)
        or "nothing that still counts"
    )
    cov_e = x["coverage"]["events"]
    cov_g = x["coverage"]["engagements"]
    ev = (
        "events from " + ", ".join(f"{r['dataset']} ({r['events']:,}, {_span(r['first'], r['last'])})" for r in cov_e)
        if cov_e
        else "no events between them in the loaded event data"
    )
    en = (
        "engagements from "
        + ", ".join(f"{r['dataset']} {r['kind']} ({r['engagements']:,}, {_span(r['first'], r['last'])})" for r in cov_g)
        if cov_g
        else "no engagements"
    )
    today = ""
    if x["trust_today"] is not None and x["today"] != x["on"]:
        today = (
            f" With nothing new, it halves every {x['half_life_days']:g} days: {x['trust_today']:.2f} on {x['today']}."
        )
    dup = x.get("engagement_copies_skipped", 0)
    dups = f" {dup} copies of an exercise recorded by a second dataset are not counted again." if dup else ""
    return (
        f"{a}–{b} trust {x['trust']:.1f} on {x['on']} (last input {x['last_input']}): {said}. "
        f"Inputs add up to {x['inputs_total']:.1f}; decay has taken {-x['decay']:.1f}. "
        f"Data: {ev}; {en}.{dups}{today} Trust of two dyads compares only on the same day."
    )
