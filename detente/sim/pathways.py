"""Pathways: summarise an ensemble with uncertainty and rank mixes of mechanisms by the risk they remove.

Probabilities carry Wilson 95% intervals; means carry normal 95% intervals (1.96 standard errors).
Because every variant runs on the same random draws, risk reductions are paired run-by-run against the
baseline, which makes their intervals much tighter than the difference of two independent estimates.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from detente.core.sim import RUNGS
from detente.errors import SimulationError
from detente.sim.ensemble import Ensemble

__all__ = ["compare", "plot_png", "summarise", "wilson"]

Z = 1.959963984540054


def wilson(k: float, n: float) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials.

    >>> [round(x, 3) for x in wilson(0, 10)]
    [0.0, 0.278]
    """
    if n <= 0:
        return (float("nan"), float("nan"))
    p = k / n
    den = 1 + Z * Z / n
    mid = (p + Z * Z / (2 * n)) / den
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return (max(0.0, min(p, float(mid - half))), min(1.0, max(p, float(mid + half))))


def _mean_ci(x: pd.Series) -> tuple[float, float, float]:
    x = x.dropna()
    if x.empty:
        return (float("nan"),) * 3
    m = float(x.mean())
    se = float(x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else 0.0
    return (m, m - Z * se, m + Z * se)


def summarise(ens: Ensemble) -> pd.DataFrame:
    """One row per variant: P(each rung), P(war) with intervals, time to first crisis, harm, cost."""
    rows = []
    for v, g in ens.runs.groupby("variant", sort=False):
        n = len(g)
        row: dict[str, Any] = {"variant": v, "runs": n}
        for k in range(1, len(RUNGS)):
            hit = float((g["max_rung"] >= k).sum())
            lo, hi = wilson(hit, n)
            row[f"p_{RUNGS[k]}"], row[f"p_{RUNGS[k]}_lo"], row[f"p_{RUNGS[k]}_hi"] = hit / n, lo, hi
        for col in ("wars", "disputes", "battle_deaths", "civilian_harm", "cost", "mediated", "joins"):
            row[col], row[f"{col}_lo"], row[f"{col}_hi"] = _mean_ci(g[col])
        row["years_to_crisis"], row["years_to_crisis_lo"], row["years_to_crisis_hi"] = _mean_ci(g["years_to_crisis"])
        row["share_no_crisis"] = float(g["years_to_crisis"].isna().mean())
        rows.append(row)
    return pd.DataFrame(rows)


def compare(ens: Ensemble, baseline: str = "none") -> pd.DataFrame:
    """Rank variants by how much they lower the probability of war against ``baseline`` (paired by run)."""
    runs = ens.runs
    if baseline not in set(runs["variant"]):
        raise SimulationError(f"Baseline {baseline!r} was not run.", hint="Include it among the policies.")
    base = runs[runs["variant"] == baseline].set_index("run")
    summ: dict[Any, dict[Any, Any]] = summarise(ens).set_index("variant").to_dict("index")
    pb = float(summ[baseline]["p_war"])
    rows = []
    for v, g in runs.groupby("variant", sort=False):
        g = g.set_index("run").loc[base.index]
        dw = (base["max_rung"] >= 4).astype(float) - (g["max_rung"] >= 4).astype(float)
        red, lo, hi = _mean_ci(dw)
        harm, hlo, hhi = _mean_ci(base["civilian_harm"] - g["civilian_harm"])
        sv = summ[v]
        pw = float(sv["p_war"])
        rows.append(
            {
                "variant": v,
                "p_war": pw,
                "p_war_lo": sv["p_war_lo"],
                "p_war_hi": sv["p_war_hi"],
                "risk_reduction": red,
                "risk_reduction_lo": lo,
                "risk_reduction_hi": hi,
                "relative_reduction": (pb - pw) / pb if pb > 0 else float("nan"),
                "harm_averted": harm,
                "harm_averted_lo": hlo,
                "harm_averted_hi": hhi,
                "wars": sv["wars"],
                "cost": sv["cost"],
            }
        )
    out = pd.DataFrame(rows).sort_values(["risk_reduction", "harm_averted"], ascending=False, kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def plot_png(ens: Ensemble, baseline: str = "none") -> bytes:
    """Bars with 95% intervals: P(war) and civilian harm by variant, ranked; returns PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    summ = summarise(ens).set_index("variant")
    order = (
        compare(ens, baseline)["variant"].tolist()
        if baseline in summ.index
        else summ.sort_values("p_war").index.tolist()
    )
    s = summ.loc[order]
    fig = Figure(figsize=(9, 3.8), dpi=100)
    ax1, ax2 = fig.subplots(1, 2)
    y = np.arange(len(s))
    err = np.vstack([s["p_war"] - s["p_war_lo"], s["p_war_hi"] - s["p_war"]]).clip(min=0)
    ax1.barh(y, s["p_war"], xerr=err, color="#b5483b", capsize=3)
    ax1.set_yticks(y, order)
    ax1.invert_yaxis()
    ax1.set_xlabel("P(war) per run, 95% CI")
    herr = np.vstack([s["civilian_harm"] - s["civilian_harm_lo"], s["civilian_harm_hi"] - s["civilian_harm"]])
    ax2.barh(y, s["civilian_harm"], xerr=np.nan_to_num(herr).clip(min=0), color="#4a6fa5", capsize=3)
    ax2.set_yticks(y, [""] * len(s))
    ax2.invert_yaxis()
    ax2.set_xlabel("civilian harm proxy per run, 95% CI")
    fig.suptitle(f"Pathways · {ens.spec.world.name} · {ens.spec.runs} runs × {ens.spec.steps} months")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
