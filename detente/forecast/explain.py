"""Explanations: what drives each forecast, and which engagements go with lower risk across the data.

Per forecast, each feature's contribution to the log-odds (:meth:`Fitted.contributions`). Across the
data, a logit of onset on the presence of each kind of engagement in the previous five years, with the
baseline controls and the peace-years spline, and a cluster bootstrap over dyads or countries for the
uncertainty. These are associations: states choose whom to exercise with, mediators choose where to go,
and peacekeepers are sent where conflict is likely, so none of them is a causal effect.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detente.core.forecast.logit import fit_logit
from detente.core.forecast.splines import restricted_cubic_basis, spline_knots
from detente.errors import InputError
from detente.forecast.models import STANDARD, Fitted
from detente.forecast.panels import ENGAGEMENT_FEATURES
from detente.forecast.sources import ENGAGEMENT_KINDS, Sources

__all__ = ["coverage_years", "drivers", "engagement_associations", "forecast_year"]

MIN_EXPOSED = 20  # rows with an engagement needed before an association is estimated


def coverage_years(engagements: pd.DataFrame) -> tuple[int, int] | None:
    """Forecast years whose five-year engagement window every engagement kind's data covers.

    Before a dataset begins (MME 1980, PKO 1993, US visits 1992...) a zero means "not recorded", not
    "did not happen"; associations are estimated only where all kinds are observed.
    """
    span = engagements[engagements["kind"].isin(ENGAGEMENT_KINDS)].groupby("kind")["year"].agg(["min", "max"])
    if span.empty:
        return None
    lo, hi = int(span["min"].max()) + 5, int(span["max"].min()) + 1
    return (lo, hi) if lo <= hi else None


def engagement_associations(
    task: str, panel: pd.DataFrame, seed: int, bootstrap: int = 200, years: tuple[int, int] | None = None
) -> list[dict[str, Any]]:
    """Odds ratio of onset with vs without each engagement kind (t−5…t−1), 95% cluster-bootstrap interval.

    ``years`` restricts the rows to forecast years where the engagement data are complete.
    """
    from detente.forecast.backtest import TASKS

    if years is not None:
        panel = panel[panel["year"].between(*years)]
    keys = list(TASKS[task].keys)
    kinds = [(k, f) for k, f in zip(ENGAGEMENT_KINDS, ENGAGEMENT_FEATURES, strict=True)]
    exposed = {f: int((panel[f] > 0).sum()) for _, f in kinds}
    use = [(k, f) for k, f in kinds if exposed[f] >= MIN_EXPOSED and exposed[f] < len(panel)]
    out: list[dict[str, Any]] = [
        {
            "engagement": k,
            "feature": f,
            "exposed_rows": exposed[f],
            "odds_ratio": None,
            "ci_low": None,
            "ci_high": None,
            "reading": f"too few observations ({exposed[f]} rows with it)",
        }
        for k, f in kinds
        if (k, f) not in use
    ]
    if not use or panel["y"].sum() == 0:
        return out
    frame = panel[list(STANDARD[task])].astype("float64")
    controls = frame.fillna(frame.median()).fillna(0.0).to_numpy()
    spline = restricted_cubic_basis(
        panel["peace_years"].to_numpy(dtype=float), spline_knots(panel["peace_years"].to_numpy(dtype=float))
    )
    ind = np.column_stack([(panel[f] > 0).to_numpy(dtype=float) for _, f in use])
    x = np.column_stack([ind, controls, spline])
    y = panel["y"].to_numpy(dtype=float)
    fit = fit_logit(x, y)
    point = fit.raw_coef()[: len(use)]
    cluster = pd.factorize(pd.MultiIndex.from_frame(panel[keys]))[0]
    n_clusters = int(cluster.max()) + 1
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    draws = []
    for _ in range(bootstrap):
        counts = rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters))
        w = counts[cluster].astype(float)
        if (w * y).sum() == 0:
            continue
        draws.append(fit_logit(x, y, weights=w, max_iter=25).raw_coef()[: len(use)])
    boot = np.array(draws) if draws else np.full((1, len(use)), np.nan)
    for j, (k, f) in enumerate(use):
        lo, hi = np.nanpercentile(boot[:, j], [2.5, 97.5])
        reading = (
            "associated with lower risk"
            if hi < 0
            else "associated with higher risk"
            if lo > 0
            else "no clear association"
        )
        out.append(
            {
                "engagement": k,
                "feature": f,
                "exposed_rows": exposed[f],
                "exposed_events": int(y[ind[:, j] > 0].sum()),
                "odds_ratio": float(np.exp(point[j])),
                "ci_low": float(np.exp(lo)),
                "ci_high": float(np.exp(hi)),
                "bootstrap": len(draws),
                "reading": reading,
                "years": None if years is None else list(years),
            }
        )
    order = {k: i for i, k in enumerate(ENGAGEMENT_KINDS)}
    return sorted(out, key=lambda r: order[r["engagement"]])


def drivers(fitted: Fitted, rows: pd.DataFrame, n: int = 4) -> list[list[dict[str, Any]]]:
    """Per row, the ``n`` features that move its log-odds most (positive raises risk)."""
    c = fitted.contributions(rows)
    out = []
    for _, r in c.iterrows():
        top = r.reindex(r.abs().sort_values(ascending=False).index)[:n]
        out.append(
            [
                {"feature": str(k), "contribution": round(float(v), 4), "value": _val(rows, r.name, str(k))}
                for k, v in top.items()
            ]
        )
    return out


def _val(rows: pd.DataFrame, idx: Any, col: str) -> float | None:
    if col not in rows.columns:
        return None
    v = float(rows.loc[idx, col])  # type: ignore[arg-type]
    return None if np.isnan(v) else round(v, 4)


def forecast_year(
    src: Sources,
    task: str,
    year: int,
    *,
    seed: int = 0,
    top: int = 20,
    train_start: int = 1950,
    iterations: int = 100,
    names: dict[int, str] | None = None,
    model: str = "selected",
) -> dict[str, Any]:
    """Risk ranking for ``year`` from a model trained on earlier years, with the drivers of each forecast.

    The default ``selected`` model is the all-feature logit or the calibrated booster, whichever forecast
    the last five training years better; ``kind`` in the answer says which.
    """
    from detente.forecast.backtest import TASKS, build_panel, fit_all

    if task not in TASKS:
        raise InputError(f"Unknown forecast task {task!r}.", hint=f"Choose from: {', '.join(TASKS)}.")
    last = _last_year(src, task)
    if not (train_start + 10 <= year <= last + 1):
        raise InputError(
            f"No {task} forecast for {year}: the data cover {train_start + 10}–{last + 1}.",
            hint=f"Choose a year from {train_start + 10} to {last + 1}.",
        )
    spec = TASKS[task]
    panel = build_panel(src, task, train_start, year)
    train = panel[(panel["year"] < year) & panel["y"].notna()]
    rows = panel[panel["year"] == year]
    fitted = fit_all(task, train, (model,), {"seed": seed, "iterations": iterations, "cache": {}})[model]
    p = fitted.predict(rows)
    rows = rows.assign(p=p).sort_values("p", ascending=False)
    head = rows.head(top)
    why = drivers(fitted, head[list(spec.features)])
    label = names or {}
    ranking = []
    for rank, ((_, r), d) in enumerate(zip(head.iterrows(), why, strict=True), start=1):
        units = [int(r[k]) for k in spec.keys]
        ranking.append(
            {
                "rank": rank,
                "units": units,
                "ccode": int(r["ccode"]) if "ccode" in r else None,
                "names": [
                    label.get(int(r["ccode"]) if k == "gwcode" else u, str(u))
                    for k, u in zip(spec.keys, units, strict=True)
                ],
                "probability": round(float(r["p"]), 6),
                "observed": None if pd.isna(r["y"]) else int(r["y"]),
                "drivers": d,
            }
        )
    kind = "logit" if type(fitted).__name__ == "LogitModel" else "boosted"
    return {
        "task": task,
        "label": spec.label,
        "year": year,
        "model": model,
        "kind": kind,
        "seed": seed,
        "rows": len(rows),
        "expected_onsets": round(float(p.sum()), 2),
        "observed_onsets": None if rows["y"].isna().all() else int(rows["y"].sum()),
        "ranking": ranking,
    }


def _last_year(src: Sources, task: str) -> int:
    """Last year with outcome data: features for the following year can still be built."""
    df = src.mids if task == "mid" else src.onsets
    return int(df["year"].max()) if len(df) else 0
