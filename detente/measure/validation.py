"""Validation of the historic trust series against the Diehl et al. peace scale and COW MID onsets.

(a) **Peace scale.** Goertz, Diehl & Balas (2016) / Diehl, Goertz & Gallegos (2021), peace data
v3.1: each dyad's level (0 severe rivalry, .25 lesser rivalry, .5 negative peace, .75 warm
peace, 1 security community) over dated spans. A dyad-year takes the level in force on 1 July
(transitional spans, -9, are left out). We report the Spearman correlation of the trust stock
(end of year) with that level over all dyad-years both series cover, and a confusion table of
the a-priori trust classes (trust < 0: hostile; 0 <= trust < COMMUNITY_TRUST: neutral;
trust >= COMMUNITY_TRUST: close) against rivalry (<= .25), negative peace (.5) and warm peace /
security community (>= .75).

(b) **MID onset.** Every undirected dyad-year with a new COW MID (``disponset = 1``) in year t
(1900..LAST_YEAR) is matched with up to ``controls`` dyads of the state system without an onset
in t, in the same year (hence decade), with the same direct-contiguity class in t-1 (land / sea /
none) and the same number of major powers (0, 1, 2). Scores are taken at the end of t-1. The
difference of means (onset minus matched controls, averaged over onset cases) gets a percentile
bootstrap CI, resampling onset cases with their controls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from detente.errors import InputError
from detente.measure.historic import LAST_YEAR
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


def _ymd(s: str, *, end: bool) -> tuple[int, int, int]:
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:8])
    if m == 99 or d == 99:  # censored: 19009999 before 1900, 20209999 still running
        return (y, 12, 31) if end else (y, 1, 1)
    return y, m, d


def read_peace_scale(path: Path, first_year: int = 1900, last_year: int = LAST_YEAR) -> pd.DataFrame:
    """Peace data v3.1 (no header) -> dyad-years ``c1, c2, year, peace`` (level in force on 1 July)."""
    out: list[tuple[int, int, int, float]] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"Cannot read the peace scale file {path}: {e}", hint="Pass peacedata3.1.csv.") from None
    for n, line in enumerate(lines, 1):
        cells = [c.strip() for c in line.split(",")]
        if not cells or not cells[0]:
            continue
        code = cells[0].zfill(6)
        if not code.isdigit() or len(code) != 6:
            raise InputError(
                f"{path}:{n}: dyad code {cells[0]!r} is not two 3-digit COW codes.", hint="Check the file."
            )
        c1, c2 = sorted((int(code[:3]), int(code[3:])))
        vals = [c for c in cells[1:] if c]
        for span, level in zip(vals[0::2], vals[1::2], strict=False):
            lv = float(level)
            if lv < 0:
                continue  # -9: transitional period
            lo, hi = span.split("-")
            a, b = _ymd(lo, end=False), _ymd(hi, end=True)
            for y in range(max(a[0], first_year), min(b[0], last_year) + 1):
                if a <= (y, 7, 1) <= b:
                    out.append((c1, c2, y, lv))
    return pd.DataFrame(out, columns=["c1", "c2", "year", "peace"])


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
    """Onset dyad-years and their matched controls: columns case, is_onset, c1, c2, year."""
    needed = ("mid_dyad_years", "cow_system_years", "contiguity", "cow_majors")
    missing = [t for t in needed if t not in store.tables()]
    if missing:
        from detente.errors import NotFound

        raise NotFound(f"The store lacks {', '.join(missing)}.", hint="Load the peace-science panels first.")
    sql = f"""
    WITH onset AS (
        SELECT DISTINCT least(ccode1, ccode2) AS c1, greatest(ccode1, ccode2) AS c2, year
        FROM mid_dyad_years WHERE disponset = 1 AND year BETWEEN {first_year} AND {LAST_YEAR}
    ), sys AS (SELECT DISTINCT ccode, year FROM cow_system_years),
    pairs AS (  -- dyads of the system in both t-1 and t
        SELECT x.ccode AS c1, y.ccode AS c2, x.year + 1 AS year
        FROM sys x JOIN sys y ON x.year = y.year AND x.ccode < y.ccode
        JOIN sys x1 ON x1.ccode = x.ccode AND x1.year = x.year + 1
        JOIN sys y1 ON y1.ccode = y.ccode AND y1.year = y.year + 1
        WHERE x.year + 1 BETWEEN {first_year} AND {LAST_YEAR}
    ), cont AS (
        SELECT least(ccode1, ccode2) AS c1, greatest(ccode1, ccode2) AS c2,
               year(start_date) AS y0, coalesce(year(end_date), 9999) AS y1, min(conttype) AS conttype
        FROM contiguity GROUP BY ALL
    ), strat AS (
        SELECT p.c1, p.c2, p.year,
               CASE WHEN min(c.conttype) = 1 THEN 'land' WHEN min(c.conttype) > 1 THEN 'sea' ELSE 'none' END AS cont,
               (SELECT count(*) FROM cow_majors m
                 WHERE m.ccode = p.c1 AND p.year - 1 BETWEEN m.start_year AND m.end_year)
             + (SELECT count(*) FROM cow_majors m
                 WHERE m.ccode = p.c2 AND p.year - 1 BETWEEN m.start_year AND m.end_year) AS majors
        FROM pairs p LEFT JOIN cont c ON c.c1 = p.c1 AND c.c2 = p.c2 AND p.year - 1 BETWEEN c.y0 AND c.y1
        GROUP BY p.c1, p.c2, p.year
    ), lab AS (
        SELECT s.*, (o.c1 IS NOT NULL) AS is_onset FROM strat s LEFT JOIN onset o USING (c1, c2, year)
    ), cases AS (
        SELECT *, row_number() OVER (ORDER BY year, c1, c2) AS case_id,
               row_number() OVER (PARTITION BY year, cont, majors ORDER BY c1, c2) AS k
        FROM lab WHERE is_onset
    ), pool AS (
        SELECT *, row_number() OVER (PARTITION BY year, cont, majors ORDER BY hash(c1, c2, year, {int(seed)})) AS r
        FROM lab WHERE NOT is_onset
    )
    SELECT case_id AS "case", TRUE AS is_onset, c1, c2, year FROM cases
    UNION ALL
    SELECT cs.case_id, FALSE, p.c1, p.c2, p.year FROM cases cs JOIN pool p
      ON p.year = cs.year AND p.cont = cs.cont AND p.majors = cs.majors
     AND p.r > (cs.k - 1) * {int(controls)} AND p.r <= cs.k * {int(controls)}
    ORDER BY 1, 2 DESC, 3, 4
    """
    df: pd.DataFrame = store.con.execute(sql).df()
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


PANELS: Final = ("cow_mid_dyads", "cow_contiguity", "cow_system", "cow_majors", "atop_dyad_years")


def prepare(store: Store, data_dir: Path, *, engagements: str = "importers") -> str:
    """Load what the validation needs that the store lacks; returns the engagement source used.

    ``engagements``: 'importers' (the engagements importers' datasets, default), 'direct' (MME and
    SIPRI read directly, the fallback used before the importers landed) or 'none'.
    """
    from detente.ingest.peace_science import ingest_shared
    from detente.measure.historic import engagement_source, load_direct_engagements

    have = set(store.tables())
    tables = {
        "cow_mid_dyads": "mid_dyad_years",
        "cow_contiguity": "contiguity",
        "cow_system": "cow_system_years",
        "cow_majors": "cow_majors",
        "atop_dyad_years": "atop_dyad_years",
    }
    todo = [p for p in PANELS if tables[p] not in have or store.count(tables[p]) == 0]
    if todo:
        ingest_shared(store, data_dir, todo)
    if engagements == "importers" and store.count("engagements") == 0:
        from detente.ingest.engagements import load_all

        load_all(store, data_dir)
    elif engagements == "direct":
        load_direct_engagements(store, data_dir)
        store.con.execute("DELETE FROM engagements")
    elif engagements == "none":
        store.con.execute("DELETE FROM engagements")
        store.con.execute("DROP TABLE IF EXISTS hist_engagements")
    return engagement_source(store)


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
    """The whole validation: figures for docs/validation.md."""
    from detente.measure.historic import historic_series

    source = prepare(store, data_dir, engagements=engagements)
    series = historic_series(store)
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
