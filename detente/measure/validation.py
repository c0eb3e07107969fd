"""Validation of the historic trust series against the Diehl et al. peace scale and COW MID onsets.

(a) **Peace scale.** Goertz, Diehl & Balas (2016) / Diehl, Goertz & Gallegos (2021), peace data
v3.1 (read by :mod:`detente.ingest.peace_scale`): each dyad's level (0 severe rivalry, .25 lesser
rivalry, .5 negative peace, .75 warm peace, 1 security community) over dated spans. A dyad-year takes
the level in force on 1 July (transitional spans, -9, are left out). We report the Spearman
correlation of the trust stock (end of year) with that level over all dyad-years both series cover,
and a confusion table of the a-priori trust classes (trust < 0: hostile; 0 <= trust < COMMUNITY_TRUST:
neutral; trust >= COMMUNITY_TRUST: close) against rivalry (<= .25), negative peace (.5) and warm peace /
security community (>= .75).

(b) **MID onset.** Every undirected dyad-year with a new COW MID (``disponset = 1``) in year t
(1900..LAST_YEAR) is matched with up to ``controls`` dyads of the state system without an onset
in t, in the same year (hence decade), with the same direct-contiguity class in t-1 (land / sea /
none) and the same number of major powers (0, 1, 2). Scores are taken at the end of t-1. The
difference of means (onset minus matched controls, averaged over onset cases) gets a percentile
bootstrap CI, resampling onset cases with their controls. The store draws the controls
(:func:`detente.store.analytics.historic.matched_sample`: a seeded order, the same on every engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from detente.errors import NotFound
from detente.ingest.peace_scale import read_peace_scale
from detente.measure.historic import engagement_source, historic_series
from detente.store.analytics.historic import EngagementChoice, engagement_choice
from detente.store.analytics.historic import matched_sample as sample_expr_run
from detente.store.panels import has_rows
from detente.store.warehouse import Store

__all__ = [
    "COMMUNITY_TRUST",
    "OnsetResult",
    "PeaceResult",
    "onset_test",
    "peace_scale_test",
    "prepare",
    "read_peace_scale",
    "run",
]

#: Trust at or above one year's defence pact (ALLIANCE_WEIGHTS['atop_defense']) counts as "close".
COMMUNITY_TRUST: Final = 8.0
PEACE_CLASSES: Final = ("rivalry", "negative peace", "warm/community")
TRUST_CLASSES: Final = ("hostile", "neutral", "close")


def _peace_class(p: pd.Series) -> pd.Series:
    return pd.Series(
        np.select([p <= 0.25, p >= 0.75], [PEACE_CLASSES[0], PEACE_CLASSES[2]], PEACE_CLASSES[1]), index=p.index
    )


def _trust_class(t: pd.Series) -> pd.Series:
    return pd.Series(
        np.select([t < 0, t >= COMMUNITY_TRUST], [TRUST_CLASSES[0], TRUST_CLASSES[2]], TRUST_CLASSES[1]), index=t.index
    )


@dataclass
class PeaceResult:
    dyad_years: int
    dyads: int
    spearman: dict[str, float] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    rivalry_vs_community: dict[str, dict[str, int]] = field(default_factory=dict)


def peace_scale_test(series: pd.DataFrame, peace: pd.DataFrame) -> PeaceResult:
    """Spearman rho of trust, trust_no_mid and balance with the peace level; the confusion tables."""
    j = peace.merge(series, on=["c1", "c2", "year"], how="left")
    for c in ("trust", "trust_no_mid", "balance"):
        j[c] = j[c].fillna(0.0)  # a dyad with no input yet has no stock
    res = PeaceResult(dyad_years=len(j), dyads=int(j[["c1", "c2"]].drop_duplicates().shape[0]))
    for c in ("trust", "trust_no_mid", "balance"):
        rho = spearmanr(j[c], j["peace"]).statistic
        res.spearman[c] = float(rho)
    pc, tc = _peace_class(j["peace"]), _trust_class(j["trust"])
    tab = pd.crosstab(pc, tc).reindex(index=list(PEACE_CLASSES), columns=list(TRUST_CLASSES), fill_value=0)
    res.confusion = {str(k): {str(c): int(v) for c, v in row.items()} for k, row in tab.iterrows()}
    two = j[(j["peace"] <= 0.25) | (j["peace"] >= 1.0)]
    t2 = pd.crosstab(
        np.where(two["peace"] >= 1.0, "security community", "rivalry"),
        np.where(two["trust"] >= COMMUNITY_TRUST, "close", np.where(two["trust"] < 0, "hostile", "neutral")),
    ).reindex(index=["rivalry", "security community"], columns=list(TRUST_CLASSES), fill_value=0)
    res.rivalry_vs_community = {str(k): {str(c): int(v) for c, v in row.items()} for k, row in t2.iterrows()}
    return res


@dataclass
class OnsetResult:
    onsets: int
    controls: int
    score: str
    onset_mean: float
    control_mean: float
    difference: float
    ci_low: float
    ci_high: float
    share_lower: float  # share of onset cases scoring below their controls' mean


def matched_sample(store: Store, controls: int = 5, seed: int = 0, first_year: int = 1900) -> pd.DataFrame:
    """Onset dyad-years and their matched controls: columns case, is_onset, c1, c2, year (see the module doc)."""
    needed = ("mid_dyad_years", "cow_system_years", "contiguity", "cow_majors")
    missing = [t for t in needed if not has_rows(store, t)]
    if missing:
        raise NotFound(f"The store lacks {', '.join(missing)}.", hint="Load the peace-science panels first.")
    df: pd.DataFrame = sample_expr_run(store, controls=controls, seed=seed, first_year=first_year).to_pandas()
    return df


def onset_test(
    sample: pd.DataFrame, series: pd.DataFrame, score: str = "trust", n_boot: int = 2000, seed: int = 0
) -> OnsetResult:
    """Onset cases minus their matched controls on ``score`` at the end of the year before."""
    prev = series[["c1", "c2", "year", score]].assign(year=series["year"] + 1)
    j = sample.merge(prev, on=["c1", "c2", "year"], how="left")
    j[score] = j[score].fillna(0.0)
    ctrl = j[~j["is_onset"]].groupby("case")[score].mean()
    case = j[j["is_onset"]].set_index("case")[score]
    both = pd.concat([case.rename("onset"), ctrl.rename("control")], axis=1).dropna()
    d = (both["onset"] - both["control"]).to_numpy(np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, d.size, size=(n_boot, d.size)) if d.size else np.zeros((0, 0), dtype=np.int64)
    boots = d[idx].mean(axis=1) if d.size else np.array([np.nan])
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return OnsetResult(
        onsets=int(d.size),
        controls=int((~j["is_onset"]).sum()),
        score=score,
        onset_mean=float(both["onset"].mean()),
        control_mean=float(both["control"].mean()),
        difference=float(d.mean()) if d.size else float("nan"),
        ci_low=float(lo),
        ci_high=float(hi),
        share_lower=float((d < 0).mean()) if d.size else float("nan"),
    )


def summary(peace: PeaceResult, onsets: list[OnsetResult]) -> dict[str, Any]:
    return {"peace_scale": peace.__dict__, "mid_onset": [o.__dict__ for o in onsets]}


#: The panels the validation reads, loaded by ``detente forecast ingest`` (or ``make run``).
PANELS: Final = ("mid_dyad_years", "contiguity", "cow_system_years", "cow_majors", "atop_dyad_years")


def prepare(store: Store, *, engagements: EngagementChoice = "importers") -> str:
    """Check the store holds what the validation reads; returns the engagement source used.

    ``engagements``: 'importers' (every engagements dataset, default), 'direct' (only MME and SIPRI) or
    'none'. Nothing is loaded or deleted here: the store is read, never the files.
    """
    missing = [t for t in PANELS if not has_rows(store, t)]
    if missing:
        raise NotFound(
            f"The store lacks the peace-science panels {', '.join(missing)}.",
            hint="Run `detente forecast ingest` (or `make run`) first.",
        )
    if engagements != "none" and not has_rows(store, "engagements"):
        raise NotFound(
            "The store holds no engagements.",
            hint="Run `detente engagements load`, or pass --engagements none.",
        )
    return engagement_source(store, engagements)


def run(
    store: Store,
    data_dir: Path,
    *,
    first_year: int = 1900,
    controls: int = 5,
    n_boot: int = 2000,
    seed: int = 0,
    engagements: str = "importers",
) -> dict[str, Any]:
    """The whole validation: figures for docs/validation.md (``data_dir`` holds the peace scale file)."""
    choice = engagement_choice(engagements)
    source = prepare(store, engagements=choice)
    series = historic_series(store, engagements=choice)
    peace = read_peace_scale(data_dir / "peace_scale" / "peacedata3.1.csv", first_year=first_year)
    pres = peace_scale_test(series, peace)
    sample = matched_sample(store, controls=controls, seed=seed, first_year=first_year)
    onsets = [onset_test(sample, series, s, n_boot=n_boot, seed=seed) for s in ("trust", "trust_no_mid", "balance")]
    out = summary(pres, onsets)
    out["inputs"] = {
        "engagements": source,
        "dyad_years": len(series),
        "first_year": first_year,
        "controls_per_onset": controls,
        "bootstrap": n_boot,
        "seed": seed,
    }
    return out
