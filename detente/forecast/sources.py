"""What the forecasts read from the store: the peace-science panels and the engagements, as data frames.

:class:`Sources` is plain data (pandas frames in COW codes), so panel building is a pure function of it
and the no-look-ahead test can cut or perturb any year of it. UCDP uses Gleditsch–Ward codes;
:func:`gw_to_cow` maps them (the few codes that differ, per Gleditsch & Ward 1999 and the COW list).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from detente.errors import NotFound
from detente.store.panels import actor_cows, engagement_pairs, has_rows, panel, state_names
from detente.store.warehouse import Store

__all__ = ["ENGAGEMENT_KINDS", "Sources", "gw_to_cow", "load_sources", "names"]

# Engagement kinds that become features (lagged counts); the rest of the taxonomy is ignored here.
ENGAGEMENT_KINDS = (
    "joint_exercise",
    "peacekeeping",
    "agreement",
    "ceasefire",
    "mediation",
    "military_aid",
    "defense_dialogue",
)

# Gleditsch–Ward code -> COW code where they differ: (gw, first_year, last_year, cow).
_GW_COW = (
    (260, 1816, 1990, 260),
    (260, 1991, 2100, 255),  # (West) Germany: COW 255 from unification
    (678, 1816, 1989, 678),
    (678, 1990, 2100, 679),  # Yemen (Arab Republic), unified Yemen 1990
    (340, 1816, 2100, 345),
    (815, 1816, 2100, 816),  # Serbia; Vietnam
    (970, 1816, 2100, 946),
    (971, 1816, 2100, 970),
    (972, 1816, 2100, 955),
    (973, 1816, 2100, 947),
)


def gw_to_cow(gw: pd.Series, year: pd.Series) -> pd.Series:
    """COW codes for Gleditsch–Ward codes in given years (identical for all but a handful of states)."""
    g = gw.astype("int64").to_numpy()
    y = year.astype("int64").to_numpy()
    out = g.copy()
    for code, lo, hi, cow in _GW_COW:
        out[(g == code) & (y >= lo) & (y <= hi)] = cow
    return pd.Series(out, index=gw.index, dtype="int64")


@dataclass(frozen=True)
class Sources:
    """Every table the panels use, in COW codes except ``onsets``/``acd`` (Gleditsch–Ward)."""

    system: pd.DataFrame  # ccode, year
    majors: pd.DataFrame  # ccode, start_year, end_year
    contiguity: pd.DataFrame  # ccode1, ccode2, conttype, start_year, end_year
    mids: pd.DataFrame  # dispnum, ccode1, ccode2, year, disponset
    nmc: pd.DataFrame  # ccode, year, milex, tpop, cinc
    atop: pd.DataFrame  # ccode1, ccode2, year, defense, any
    acd: pd.DataFrame  # conflict_id, year, gwno_a, gwno_b, intensity_level
    onsets: pd.DataFrame  # gwcode, year, sumonset1, sumonset2
    engagements: pd.DataFrame  # ccode1, ccode2 (may equal ccode1 for one-party rows), kind, year

    def before(self, year: int) -> Sources:
        """The same sources with every row dated ``year`` or later removed (for no-look-ahead checks)."""
        out = {}
        for f in fields(self):
            df: pd.DataFrame = getattr(self, f.name)
            col = "year" if "year" in df.columns else "start_year"
            out[f.name] = df[df[col] < year].reset_index(drop=True)
        return replace(self, **out)


def _table(store: Store, name: str, cols: list[str]) -> pd.DataFrame:
    df: pd.DataFrame = panel(store, name, cols).to_pandas()
    return df


def _engagements(store: Store) -> pd.DataFrame:
    """Engagement-years between COW-coded states: one row per pair, kind and year the engagement ran."""
    empty = pd.DataFrame({"ccode1": [], "ccode2": [], "kind": [], "year": []}).astype(
        {"ccode1": "int64", "ccode2": "int64", "kind": "object", "year": "int64"}
    )
    # One exercise recorded by two datasets counts once (the store leaves the copy out).
    pairs: pd.DataFrame = engagement_pairs(store).to_pandas()
    if pairs.empty:
        return empty
    codes = actor_cows(store).to_pandas()
    cow = dict(zip(codes["actor_id"], codes["cow"].astype("int64"), strict=True))
    pairs = pairs.assign(c1=pairs["a"].map(cow), c2=pairs["b"].map(cow))
    # An organisation (no COW code) paired with a state still counts for that state alone.
    pairs["c1"] = pairs["c1"].fillna(pairs["c2"])
    pairs["c2"] = pairs["c2"].fillna(pairs["c1"])
    pairs = pairs.dropna(subset=["c1", "c2", "start_date"])
    if pairs.empty:
        return empty
    start = pd.to_datetime(pairs["start_date"]).dt.year.astype("int64")
    end = pd.to_datetime(pairs["end_date"]).dt.year.fillna(start).astype("int64").clip(lower=start, upper=start + 30)
    n = (end - start + 1).to_numpy()
    rep = np.repeat(np.arange(len(pairs)), n)
    offs = np.concatenate([np.arange(k) for k in n]) if len(n) else np.array([], dtype="int64")
    c1 = pairs["c1"].astype("int64").to_numpy()[rep]
    c2 = pairs["c2"].astype("int64").to_numpy()[rep]
    return pd.DataFrame(
        {
            "ccode1": np.minimum(c1, c2),
            "ccode2": np.maximum(c1, c2),
            "kind": pairs["kind"].astype(str).to_numpy()[rep],
            "year": start.to_numpy()[rep] + offs,
        }
    )


def load_sources(store: Store) -> Sources:
    """Read the panels from the store, or say how to load them."""
    need = ("mid_dyad_years", "ucdp_onsets")
    if not all(store.has(t) for t in need) or not has_rows(store, "cow_system_years"):
        raise NotFound("The store holds no peace-science panels.", hint="Run `detente forecast ingest` first.")
    cont = _table(store, "contiguity", ["ccode1", "ccode2", "conttype", "start_date", "end_date"])
    cont = cont.assign(
        start_year=pd.to_datetime(cont["start_date"]).dt.year.astype("int64"),
        end_year=pd.to_datetime(cont["end_date"]).dt.year.fillna(2100).astype("int64"),
    ).drop(columns=["start_date", "end_date"])
    atop = _table(
        store, "atop_dyad_years", ["ccode1", "ccode2", "year", "defense", "offense", "neutral", "nonagg", "consul"]
    )
    atop = atop.assign(
        any=(atop[["defense", "offense", "neutral", "nonagg", "consul"]].fillna(0).sum(axis=1) > 0).astype("int64")
    )[["ccode1", "ccode2", "year", "defense", "any"]]
    ints = {"ccode": "int64", "ccode1": "int64", "ccode2": "int64", "year": "int64", "gwcode": "int64"}

    def typed(df: pd.DataFrame) -> pd.DataFrame:
        return df.astype({k: v for k, v in ints.items() if k in df.columns})

    return Sources(
        system=typed(_table(store, "cow_system_years", ["ccode", "year"])),
        majors=_table(store, "cow_majors", ["ccode", "start_year", "end_year"]).astype("int64"),
        contiguity=typed(cont),
        mids=typed(_table(store, "mid_dyad_years", ["dispnum", "ccode1", "ccode2", "year", "disponset"])),
        nmc=typed(_table(store, "nmc", ["ccode", "year", "milex", "tpop", "cinc"])),
        atop=typed(atop),
        acd=_table(store, "ucdp_conflict_years", ["conflict_id", "year", "gwno_a", "gwno_b", "intensity_level"]),
        onsets=typed(_table(store, "ucdp_onsets", ["gwcode", "year", "sumonset1", "sumonset2"])),
        engagements=_engagements(store),
    )


def names(store: Store, year: int | None = None) -> dict[int, str]:
    """COW code -> state name from the packaged reference actors, preferring the state that existed in ``year``
    (COW 365 is the Soviet Union in 1980 and Russia in 2000)."""
    rows = [(r["cow"], r["name"], r["first"], r["last"]) for r in state_names(store).to_pylist()]
    out: dict[int, str] = {}
    for cow, name, lo, hi in rows:
        if year is None or lo <= year - 1 <= hi or int(cow) not in out:
            out[int(cow)] = str(name)
    return out
