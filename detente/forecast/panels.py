"""The two forecast panels, built only from what was known before each year t.

* ``mid``: politically relevant non-directed dyad-years (contiguous by land or by ≤150 miles of water in
  t−1, or including a COW major power in t−1; both states in the system in t−1); outcome: onset of a new
  militarized interstate dispute between them in t (COW MID 5.0).
* ``conflict``: country-years (Gleditsch–Ward states of the UCDP onset data present in t−1); outcome: an
  armed-conflict onset in t after at least two years without that conflict (UCDP ``sumonset2``).

Every feature is lagged: it uses data of years ≤ t−1 only (``tests/forecast`` proves it). Labels are NaN
for years beyond the outcome data (those rows are true forecasts).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from detente.core.forecast.features import peace_years, window_count
from detente.forecast.sources import ENGAGEMENT_KINDS, Sources, gw_to_cow

__all__ = ["COUNTRY_FEATURES", "DYAD_FEATURES", "ENGAGEMENT_FEATURES", "country_panel", "dyad_panel"]

ENGAGEMENT_FEATURES = tuple(f"eng_{k}_5y" for k in ENGAGEMENT_KINDS)
DYAD_FEATURES = (
    "peace_years",
    "mid_prev",
    "mids_10y",
    "state_mids_max",
    "state_mids_min",
    "cont_land",
    "cont_sea",
    "majors",
    "cap_ratio",
    "cinc_sum",
    "ally_defense",
    "ally_any",
    *ENGAGEMENT_FEATURES,
)
COUNTRY_FEATURES = (
    "peace_years",
    "conflict_prev",
    "war_prev",
    "onsets_10y",
    "log_pop",
    "log_cinc",
    "log_milex_pc",
    "major",
    "neighbours",
    "neighbours_in_conflict",
    "allies_defense",
    "mids_5y",
    *ENGAGEMENT_FEATURES,
)


def _years(df: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """Span rows (start_year..end_year) expanded to one row per year within [lo, hi]."""
    s = df["start_year"].clip(lower=lo).to_numpy()
    e = df["end_year"].clip(upper=hi).to_numpy()
    n = np.maximum(e - s + 1, 0)
    rep = np.repeat(np.arange(len(df)), n)
    offs = np.concatenate([np.arange(k) for k in n]) if len(n) else np.array([], dtype="int64")
    out = df.iloc[rep].drop(columns=["start_year", "end_year"]).reset_index(drop=True)
    out["year"] = (s[rep] + offs).astype("int64")
    return out


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    a, b = df["ccode1"].to_numpy(), df["ccode2"].to_numpy()
    return df.assign(a=np.minimum(a, b), b=np.maximum(a, b))


def _lag(
    panel: pd.DataFrame, table: pd.DataFrame, on: dict[str, str], cols: list[str], prefix: str = ""
) -> pd.DataFrame:
    """Columns of ``table`` from year t−1, joined on panel keys (mapping panel column -> table column)."""
    keys = [*on.values(), "year"]
    right = table[[*keys, *cols]].drop_duplicates(keys).rename(columns={c: prefix + c for c in cols})
    right = right.rename(columns={v: k for k, v in on.items()}).assign(year=lambda d: d["year"] + 1)
    return panel.merge(right, on=[*on.keys(), "year"], how="left")


def _engagement_counts(panel: pd.DataFrame, eng: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    for kind, col in zip(ENGAGEMENT_KINDS, ENGAGEMENT_FEATURES, strict=True):
        ev = eng[eng["kind"] == kind]
        panel[col] = np.log1p(window_count(panel, ev, keys, 5)) if len(ev) else 0.0
    return panel


def dyad_panel(src: Sources, years: Sequence[int]) -> pd.DataFrame:
    """Politically relevant dyad-years for the forecast years ``years`` with lagged features and outcome."""
    ys = sorted({int(y) for y in years})
    lo, hi = ys[0] - 1, ys[-1] - 1
    members = src.system[(src.system["year"] >= lo) & (src.system["year"] <= hi)][["ccode", "year"]]
    majors = _years(src.majors[["ccode", "start_year", "end_year"]], lo, hi)
    spans = _norm(_years(src.contiguity[src.contiguity["conttype"] <= 4], lo, hi))
    cont = pd.DataFrame(spans.groupby(["a", "b", "year"], as_index=False)["conttype"].min())
    # Pairs at risk in t, from t−1: contiguous pairs, and each major power with every other member.
    m1 = members.rename(columns={"ccode": "a"})
    m2 = members.rename(columns={"ccode": "b"})
    cpairs = cont.merge(m1, on=["a", "year"]).merge(m2, on=["b", "year"])[["a", "b", "year"]]
    mp = majors.merge(members, on=["ccode", "year"]).rename(columns={"ccode": "m"})
    mpairs = mp.merge(members, on="year")
    mpairs = mpairs[mpairs["m"] != mpairs["ccode"]]
    mpairs = pd.DataFrame(
        {
            "a": np.minimum(mpairs["m"], mpairs["ccode"]),
            "b": np.maximum(mpairs["m"], mpairs["ccode"]),
            "year": mpairs["year"],
        }
    )
    prev = pd.concat([cpairs, mpairs]).drop_duplicates().reset_index(drop=True)
    prev = prev[prev["year"].isin([y - 1 for y in ys])]
    panel = prev.assign(year=prev["year"] + 1).sort_values(["year", "a", "b"]).reset_index(drop=True)

    mids: pd.DataFrame = _norm(src.mids)
    ongoing = mids[["a", "b", "year"]].drop_duplicates()
    onset = mids[mids["disponset"] == 1][["a", "b", "year"]].drop_duplicates()
    last_outcome_year = int(src.mids["year"].max()) if len(src.mids) else -1
    y = panel.merge(onset.assign(_y=1.0), on=["a", "b", "year"], how="left")["_y"].fillna(0.0)
    panel["y"] = y.where(panel["year"] <= last_outcome_year).to_numpy()

    first = src.system.groupby("ccode")["year"].min()
    origin = pd.Series(
        np.maximum(
            panel["a"].map(first).fillna(1816).to_numpy(dtype=float),
            panel["b"].map(first).fillna(1816).to_numpy(dtype=float),
        ),
        index=panel.index,
    )
    panel["peace_years"] = peace_years(panel, ongoing, ["a", "b"], origin)
    panel["mid_prev"] = (window_count(panel, ongoing, ["a", "b"], 1) > 0).astype("float64")
    panel["mids_10y"] = np.log1p(window_count(panel, onset, ["a", "b"], 10))
    st = src.mids[src.mids["disponset"] == 1][["ccode1", "dispnum", "year"]].drop_duplicates()
    st = st.rename(columns={"ccode1": "c"})
    sa = window_count(panel.rename(columns={"a": "c"}), st, ["c"], 5)
    sb = window_count(panel.rename(columns={"b": "c"}), st, ["c"], 5)
    panel["state_mids_max"] = np.log1p(np.maximum(sa, sb))
    panel["state_mids_min"] = np.log1p(np.minimum(sa, sb))

    panel = _lag(panel, cont, {"a": "a", "b": "b"}, ["conttype"])
    panel["cont_land"] = (panel["conttype"] == 1).astype("float64")
    panel["cont_sea"] = panel["conttype"].between(2, 4).astype("float64")
    mj = majors.assign(_m=1.0)
    panel = _lag(panel, mj, {"a": "ccode"}, ["_m"], "a").pipe(_lag, mj, {"b": "ccode"}, ["_m"], "b")
    panel["majors"] = panel["a_m"].fillna(0.0) + panel["b_m"].fillna(0.0)
    nmc3: pd.DataFrame = src.nmc[["ccode", "year", "cinc"]]
    panel = _lag(panel, nmc3, {"a": "ccode"}, ["cinc"], "a_").pipe(_lag, nmc3, {"b": "ccode"}, ["cinc"], "b_")
    ca, cb = panel["a_cinc"].clip(lower=1e-7), panel["b_cinc"].clip(lower=1e-7)
    panel["cap_ratio"] = np.log(np.maximum(ca, cb) / np.minimum(ca, cb))
    panel["cinc_sum"] = np.log(ca + cb)
    atop = _norm(src.atop).groupby(["a", "b", "year"], as_index=False)[["defense", "any"]].max()
    panel = _lag(panel, atop, {"a": "a", "b": "b"}, ["defense", "any"], "ally_")
    panel["ally_defense"] = panel["ally_defense"].fillna(0.0).astype("float64")
    panel["ally_any"] = panel["ally_any"].fillna(0.0).astype("float64")
    eng = src.engagements.rename(columns={"ccode1": "a", "ccode2": "b"})
    panel = _engagement_counts(panel, eng, ["a", "b"])
    return panel[["a", "b", "year", "y", *DYAD_FEATURES]]


def country_panel(src: Sources, years: Sequence[int]) -> pd.DataFrame:
    """Country-years (Gleditsch–Ward) for the forecast years with lagged features and conflict onset."""
    ys = sorted({int(y) for y in years})
    on = src.onsets
    prev = on[on["year"].isin([y - 1 for y in ys])][["gwcode", "year"]]
    panel = prev.assign(year=prev["year"] + 1).sort_values(["year", "gwcode"]).reset_index(drop=True)
    panel["ccode"] = gw_to_cow(panel["gwcode"], panel["year"] - 1)
    last_outcome_year = int(on["year"].max()) if len(on) else -1
    lab = on.assign(_y=(on["sumonset2"] > 0).astype("float64")).groupby(["gwcode", "year"], as_index=False)["_y"].max()
    y = panel.merge(lab, on=["gwcode", "year"], how="left")["_y"].fillna(0.0)
    panel["y"] = y.where(panel["year"] <= last_outcome_year).to_numpy()

    acd = src.acd
    parts = pd.concat(
        [
            acd[["gwno_a", "year", "intensity_level"]].rename(columns={"gwno_a": "gwcode"}),
            acd[["gwno_b", "year", "intensity_level"]].rename(columns={"gwno_b": "gwcode"}),
        ]
    )
    active = parts.dropna(subset=["gwcode"]).astype({"gwcode": "int64", "year": "int64"})
    active = pd.DataFrame(active.groupby(["gwcode", "year"], as_index=False)["intensity_level"].max())
    first = on.groupby("gwcode")["year"].min()
    panel["peace_years"] = peace_years(panel, active, ["gwcode"], panel["gwcode"].map(first).fillna(1946))
    panel["conflict_prev"] = (window_count(panel, active, ["gwcode"], 1) > 0).astype("float64")
    panel["war_prev"] = (window_count(panel, active[active["intensity_level"] >= 2], ["gwcode"], 1) > 0).astype(float)
    panel["onsets_10y"] = np.log1p(window_count(panel, on, ["gwcode"], 10, weight="sumonset1"))

    nmc = src.nmc
    panel = _lag(panel, nmc, {"ccode": "ccode"}, ["milex", "tpop", "cinc"])
    panel["log_pop"] = np.log1p(panel["tpop"])
    panel["log_cinc"] = np.log(panel["cinc"].clip(lower=1e-7))
    panel["log_milex_pc"] = np.log1p(panel["milex"] / panel["tpop"].clip(lower=1.0))
    majors = _years(src.majors[["ccode", "start_year", "end_year"]], ys[0] - 1, ys[-1] - 1).assign(major=1.0)
    panel = _lag(panel, majors, {"ccode": "ccode"}, ["major"])
    panel["major"] = panel["major"].fillna(0.0)

    cont = _years(src.contiguity[src.contiguity["conttype"] == 1], ys[0] - 1, ys[-1] - 1)
    cont = cont[["ccode1", "ccode2", "year"]].drop_duplicates()
    nb = cont.groupby(["ccode1", "year"], as_index=False).size().rename(columns={"size": "neighbours"})
    panel = _lag(panel, nb, {"ccode": "ccode1"}, ["neighbours"])
    act_cow = active.assign(c=gw_to_cow(active["gwcode"], active["year"]))[["c", "year"]].drop_duplicates()
    nic = cont.merge(act_cow, left_on=["ccode2", "year"], right_on=["c", "year"])
    nic = nic.groupby(["ccode1", "year"], as_index=False).size().rename(columns={"size": "neighbours_in_conflict"})
    panel = _lag(panel, nic, {"ccode": "ccode1"}, ["neighbours_in_conflict"])
    for c in ("neighbours", "neighbours_in_conflict"):
        panel[c] = panel[c].fillna(0.0).astype("float64")
    allies = src.atop[src.atop["defense"] > 0].groupby(["ccode1", "year"], as_index=False).size()
    panel = _lag(panel, allies.rename(columns={"size": "allies_defense"}), {"ccode": "ccode1"}, ["allies_defense"])
    panel["allies_defense"] = np.log1p(panel["allies_defense"].fillna(0.0).astype("float64"))
    st = src.mids[src.mids["disponset"] == 1][["ccode1", "dispnum", "year"]].drop_duplicates()
    panel["mids_5y"] = np.log1p(window_count(panel, st.rename(columns={"ccode1": "ccode"}), ["ccode"], 5))
    e = src.engagements
    both = pd.concat(
        [
            e[["ccode1", "kind", "year"]].rename(columns={"ccode1": "ccode"}),
            e[e["ccode2"] != e["ccode1"]][["ccode2", "kind", "year"]].rename(columns={"ccode2": "ccode"}),
        ]
    )
    panel = _engagement_counts(panel, both, ["ccode"])
    return panel[["gwcode", "ccode", "year", "y", *COUNTRY_FEATURES]]
