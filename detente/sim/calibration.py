"""Calibration and validation against the real record (COW MIDs, COW inter-state wars, NMC, contiguity).

* :func:`observed_rates` — MID and war-dyad onsets per dyad-year, contiguous and not, over a period;
* :func:`simulated_rates` — the same quantities from the no-policy model on a real world;
* :func:`calibrate` — multiplicative fixed-point updates of the base rates until the two agree;
* :func:`war_sizes` / :func:`fit_sizes` — battle deaths per COW inter-state war and maximum-likelihood
  power-law and log-normal fits (``powerlaw`` package: Clauset, Shalizi & Newman 2009; Alstott et al. 2014).
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detente.core.sim import Model, Params, World, variant
from detente.errors import SimulationError
from detente.sim.worlds import DataWorld

if TYPE_CHECKING:
    from detente.store import Store

__all__ = [
    "calibrate",
    "fit_sizes",
    "observed_rates",
    "report",
    "simulated_rates",
    "size_comparison",
    "war_sizes",
]


def observed_rates(store: Store, y0: int = 1946, y1: int = 2010) -> dict[str, float]:
    """Onsets per dyad-year in the COW record (the store's panels): MIDs and war dyads, contiguous (types 1-3)
    and not."""
    dw = DataWorld(store)
    sysd = dw.system()
    ct = dw.contiguity()
    ct = ct.assign(st=pd.to_datetime(ct["start_date"]).dt.year, en=pd.to_datetime(ct["end_date"]).dt.year)
    ct = ct[ct["conttype"].between(1, 3) & (ct["ccode1"] < ct["ccode2"])]
    dy = dyc = 0
    for y in range(y0, y1 + 1):
        n = int((sysd["year"] == y).sum())
        dy += n * (n - 1) // 2
        dyc += int(((ct["st"] <= y) & (ct["en"] >= y)).sum())
    keys = ["ccode1", "ccode2"]

    def onsets(df: pd.DataFrame, onset: str, ident: str) -> tuple[int, int]:
        d = df[(df[onset] == 1) & (df["ccode1"] < df["ccode2"]) & df["year"].between(y0, y1)]
        d = d.drop_duplicates([ident, *keys])
        m = d.merge(ct[[*keys, "st", "en"]], on=keys, how="left")
        m["contig"] = (m["st"] <= m["year"]) & (m["en"] >= m["year"])
        g = m.groupby([ident, *keys, "year"])["contig"].any()
        return len(g), int(g.sum())

    mids, mids_c = onsets(dw.mids(), "disponset", "dispnum")
    wars, wars_c = onsets(dw.wars(), "cowinteronset", "warnum")
    return {
        "dyad_years": float(dy),
        "dyad_years_contig": float(dyc),
        "disputes_contig": mids_c / dyc,
        "disputes_noncontig": (mids - mids_c) / (dy - dyc),
        "wars_contig": wars_c / dyc,
        "wars_noncontig": (wars - wars_c) / (dy - dyc),
    }


def simulated_rates(world: World, params: Params, *, runs: int = 20, years: int = 10, seed: int = 0) -> dict[str, Any]:
    """The no-policy model's onsets per dyad-year on ``world`` (war dyads include allies drawn in)."""
    out = Model(world, variant("none"), params, replicates=runs, seed=seed).run(years * params.steps_per_year)
    s = {k: float(v.sum()) for k, v in out.stats.items()}
    dy = float(runs * years)
    dc, dn = dy * out.dyads_contig, dy * (out.dyads - out.dyads_contig)
    return {
        "disputes_contig": s["disputes_contig"] / dc,
        "disputes_noncontig": (s["disputes"] - s["disputes_contig"]) / dn,
        "wars_contig": (s["wars_contig"] + s["joins_contig"]) / dc,
        "wars_noncontig": (s["wars"] + s["joins"] - s["wars_contig"] - s["joins_contig"]) / dn,
        "war_sizes": np.array([w[2] for w in out.wars]),
    }


def calibrate(
    world: World,
    targets: dict[str, float],
    params: Params | None = None,
    *,
    rounds: int = 6,
    runs: int = 20,
    years: int = 10,
    seed: int = 0,
) -> tuple[Params, list[dict[str, float]]]:
    """Scale onset_base, noncontig_factor and escalate_3 until dispute and contiguous-war rates match."""
    p = params or Params()
    trace = []
    for k in range(rounds):
        sim = simulated_rates(world, p, runs=runs, years=years, seed=seed + k)
        trace.append({key: float(v) for key, v in sim.items() if key != "war_sizes"})
        fc = targets["disputes_contig"] / max(sim["disputes_contig"], 1e-9)
        fn = targets["disputes_noncontig"] / max(sim["disputes_noncontig"], 1e-9)
        fw = targets["wars_contig"] / max(sim["wars_contig"], 1e-9)
        p = replace(
            p,
            onset_base=p.onset_base * fc**0.8,
            noncontig_factor=min(1.0, p.noncontig_factor * (fn / fc) ** 0.8),
            escalate_3=min(0.5, p.escalate_3 * float(np.clip(fw, 0.33, 3.0)) ** 0.6),
        )
    return p, trace


def war_sizes(store: Store) -> NDArrayF:
    """Battle deaths per COW inter-state war (v4.0, the store's ``war_participants``), summed over participants;
    unknowns (-8, -9) skipped."""
    d = DataWorld(store).war_participants()
    s = d[d["batdeath"] >= 0].groupby("warnum")["batdeath"].sum()
    return np.asarray(s[s > 0].to_numpy(dtype=np.float64))


NDArrayF = np.ndarray


def fit_sizes(sizes: NDArrayF) -> dict[str, float]:
    """Maximum-likelihood power-law (with fitted x_min) and log-normal fits, and their likelihood-ratio test."""
    import powerlaw

    x = np.asarray(sizes, dtype=np.float64)
    x = x[x > 0]
    if x.size < 10:
        raise SimulationError(f"Only {x.size} war sizes; at least 10 are needed for a fit.")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fit = powerlaw.Fit(x, verbose=False)
        r, p = fit.distribution_compare("power_law", "lognormal", normalized_ratio=True)
        tail = x[x >= fit.xmin]
    lx = np.log(x)
    return {
        "n": float(x.size),
        "median": float(np.median(x)),
        "p90": float(np.quantile(x, 0.9)),
        "max": float(x.max()),
        "alpha": float(fit.power_law.alpha),
        "alpha_se": float(fit.power_law.standard_err),
        "xmin": float(fit.xmin),
        "n_tail": float(tail.size),
        "ks_power_law": float(fit.power_law.D),
        "lognormal_mu": float(fit.lognormal.mu),
        "lognormal_sigma": float(fit.lognormal.sigma),
        "full_lognormal_mu": float(lx.mean()),
        "full_lognormal_sigma": float(lx.std(ddof=1)),
        "loglik_ratio": float(r),
        "p_value": float(p),
    }


def size_comparison(observed: NDArrayF, simulated: NDArrayF) -> dict[str, float]:
    """Two-sample Kolmogorov-Smirnov test of log war sizes, observed vs simulated."""
    from scipy.stats import ks_2samp

    res = ks_2samp(np.log(observed), np.log(simulated[simulated > 0]))
    return {"ks": float(res.statistic), "p_value": float(res.pvalue)}


COW_WAR_THRESHOLD = 1000.0  # COW counts a war from 1,000 battle deaths


def report(store: Store, *, runs: int = 100, years: int = 10, seed: int = 1) -> dict[str, Any]:
    """Every calibration and validation figure of docs/calibration.md, from the default parameters.

    Calibration: the 1980 world (issues from MIDs 1960-79) against MID and war-dyad onsets 1946-2010.
    Validation: the 2000 world against 2000-2010 alone, and war sizes (never used to fit the onset rates).
    """
    from detente.sim.scenario import DataSpec
    from detente.sim.worlds import world_from_data

    p = Params()
    out: dict[str, Any] = {
        "params": {
            k: getattr(p, k)
            for k in ("onset_base", "noncontig_factor", "escalate_3", "deaths_log_mean", "deaths_log_sd")
        }
    }
    for label, world_year, y0, y1 in (("calibration", 1980, 1946, 2010), ("validation", 2000, 2000, 2010)):
        world = world_from_data(DataSpec(year=world_year), store, index_trust=False)
        obs = observed_rates(store, y0, y1)
        sim = simulated_rates(world, p, runs=runs, years=years, seed=seed)
        keys = ("disputes_contig", "disputes_noncontig", "wars_contig", "wars_noncontig")
        out[label] = {
            "world_year": world_year,
            "states": world.n,
            "period": [y0, y1],
            "observed": {k: obs[k] for k in keys},
            "simulated": {k: float(sim[k]) for k in keys},
            "ratio": {k: float(sim[k]) / obs[k] if obs[k] else None for k in keys},
        }
        if label == "calibration":
            sizes = np.asarray(sim["war_sizes"])
    observed = war_sizes(store)
    simulated = sizes[sizes >= COW_WAR_THRESHOLD]
    out["war_sizes"] = {
        "observed": fit_sizes(observed),
        "simulated": fit_sizes(simulated),
        "ks_log_sizes": size_comparison(observed, simulated),
        "simulated_below_threshold_share": float((sizes < COW_WAR_THRESHOLD).mean()),
    }
    return out


if __name__ == "__main__":  # pragma: no cover - `python -m detente.sim.calibration DB` (panels loaded)
    import json
    import sys

    from detente.store import Store as _Store

    with _Store.open(Path(sys.argv[1] if len(sys.argv) > 1 else "detente.duckdb"), read_only=True) as db:
        print(json.dumps(report(db), indent=2))
