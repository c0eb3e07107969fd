"""A dyad-year relations / trust series from historic data (1816-2016), for validation and the long view.

Inputs per undirected COW dyad (``c1 < c2``) and year, each weighted in
:mod:`detente.core.indices.weights`:

* **alliances** - ATOP 5.1 alliance dyad-years (table ``atop_dyad_years``, loaded by
  :mod:`detente.ingest.peace_science`): ``sum(ALLIANCE_WEIGHTS[obligation])`` per year in force;
* **engagements** - the ``engagement_dyads`` view of the engagements importer (exercises,
  peacekeeping, agreements, arms transfers...), by kind. Where that view is absent the two
  engagement sources that carry state names or COW codes are read directly: Multinational
  Military Exercises v7 (exercises ``joint_exercise``) and SIPRI arms-transfer dyad-years
  (``ARMS_WEIGHT * log1p(TIV) / log1p(100)``);
* **disputes** - COW MID 5.0 dispute dyad-years (table ``mid_dyad_years``): minus
  ``MID_HOSTILITY_WEIGHTS[max(hostlev1, hostlev2)]`` for each dispute in each year it is ongoing.

``cooperation = alliances + engagements``, ``conflict = disputes``; ``balance`` as for events;
``trust`` the stock at the end of each year (half-life TRUST_HALF_LIFE_DAYS), and
``trust_no_mid`` the same stock without the disputes (what engagements alone predict).
Every year from the dyad's first input to LAST_YEAR is present (dense), so a stock decays
through quiet years.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from detente.core.indices import balance, trust_stock_grouped
from detente.core.indices.weights import (
    ALLIANCE_WEIGHTS,
    ARMS_WEIGHT,
    ENGAGEMENT_DEFAULT_WEIGHT,
    ENGAGEMENT_WEIGHTS,
    MID_HOSTILITY_WEIGHTS,
    TRUST_HALF_LIFE_DAYS,
)
from detente.store.analytics.trust import has_engagement_dyads
from detente.store.warehouse import Store

__all__ = [
    "LAST_YEAR",
    "MME_ALIASES",
    "engagement_source",
    "historic_inputs",
    "historic_series",
    "load_direct_engagements",
]

LAST_YEAR: Final = 2016
YEAR_DAYS: Final = 365.25

#: MME spellings the packaged actor names do not cover (checked against mme_v7.csv).
MME_ALIASES: Final[dict[str, str]] = {
    "united states": "USA",
    "federal republic of germany": "DEU",
    "congo - kinshasa": "COD",
    "congo - brazzaville": "COG",
    "st. lucia": "LCA",
    "st. vincent & grenadines": "VCT",
    "st. kitts & nevis": "KNA",
    "st. christopher": "KNA",
    "trinidad & tobago": "TTO",
    "czechia": "CZE",
    "north macedonia": "MKD",
    "eswatini": "SWZ",
    "bosnia & herzegovina": "BIH",
    "timor-leste": "TLS",
    "myanmar (burma)": "MMR",
    "são tomé & príncipe": "STP",
    "côte d’ivoire": "CIV",
}


def _table_exists(store: Store, name: str) -> bool:
    return name in store.tables()


def load_direct_engagements(store: Store, data_dir: Path) -> int:
    """Fallback while no ``engagement_dyads`` view exists: MME exercises and SIPRI arms as
    table ``hist_engagements(c1, c2, year, kind, weight)``. Returns its row count."""
    mme = pd.read_csv(data_dir / "exercises" / "mme_v7.csv", encoding="utf-8", low_memory=False)
    cols = [c for c in mme.columns if c.startswith("State")]
    long = mme.melt(id_vars=["MMEID", "s.year"], value_vars=cols, value_name="name").dropna(subset=["name"])
    long["name"] = long["name"].astype(str).str.strip().str.casefold()
    codes = pd.DataFrame(
        store.con.execute(
            "SELECT code, max(a.cow) FROM actor_codes c JOIN actors a USING (actor_id) "
            "WHERE system IN ('name', 'id') AND a.cow IS NOT NULL GROUP BY code"
        ).fetchall(),
        columns=["code", "cow"],
    )
    cow_of = dict(zip(codes["code"].str.casefold(), codes["cow"], strict=True))
    id_cow = dict(store.con.execute("SELECT actor_id, cow FROM actors WHERE cow IS NOT NULL").fetchall())
    for name, actor in MME_ALIASES.items():
        if actor in id_cow:
            cow_of.setdefault(name, id_cow[actor])
    long["cow"] = long["name"].map(cow_of)
    long = long.dropna(subset=["cow"])
    pairs = long.merge(long, on=["MMEID", "s.year"])
    pairs = pairs[pairs["cow_x"] < pairs["cow_y"]].drop_duplicates(["MMEID", "cow_x", "cow_y"])
    ex = pd.DataFrame(
        {
            "c1": pairs["cow_x"].astype("int64"),
            "c2": pairs["cow_y"].astype("int64"),
            "year": pd.to_numeric(pairs["s.year"], errors="coerce"),
            "kind": "joint_exercise",
            "weight": ENGAGEMENT_WEIGHTS["joint_exercise"],
        }
    ).dropna()
    import pyreadr

    arms = next(iter(pyreadr.read_r(str(data_dir / "arms" / "sipri_dyad-year.rds")).values()))
    arms = arms[(arms["value"] > 0) & arms["ccode1"].notna() & arms["ccode2"].notna()]
    a1 = np.minimum(arms["ccode1"], arms["ccode2"]).astype("int64")
    a2 = np.maximum(arms["ccode1"], arms["ccode2"]).astype("int64")
    ar = pd.DataFrame(
        {
            "c1": a1,
            "c2": a2,
            "year": arms["year"],
            "kind": "arms_transfer",
            "weight": ARMS_WEIGHT * np.log1p(arms["value"].astype(float)) / np.log1p(100.0),
        }
    )
    ar = ar[ar["c1"] != ar["c2"]]
    out = pd.concat([ex, ar], ignore_index=True)
    out["year"] = out["year"].astype("int64")
    store.con.register("_hist_eng", out)
    try:
        store.con.execute("CREATE OR REPLACE TABLE hist_engagements AS SELECT * FROM _hist_eng")
    finally:
        store.con.unregister("_hist_eng")
    return len(out)


def _has_engagement_rows(store: Store) -> bool:
    if not has_engagement_dyads(store):
        return False
    return bool(store.con.execute("SELECT count(*) FROM (SELECT 1 FROM engagement_dyads LIMIT 1)").fetchall()[0][0])


def engagement_source(store: Store) -> str:
    """Which engagements feed the historic series: 'engagement_dyads', 'direct files' or 'none'."""
    if _has_engagement_rows(store):
        return "engagement_dyads"
    return "direct files" if _table_exists(store, "hist_engagements") else "none"


def _engagement_sql(store: Store) -> str:
    if _has_engagement_rows(store):
        cases = " ".join(f"WHEN '{k}' THEN {v}" for k, v in ENGAGEMENT_WEIGHTS.items())
        # one engagement counts once per COW dyad (two actor ids can share a COW code: RUS/SUN)
        return (
            "SELECT c1, c2, year, weight FROM (SELECT DISTINCT d.engagement_id, "
            "least(x.cow, y.cow) AS c1, greatest(x.cow, y.cow) AS c2, year(d.start_date) AS year, "
            f"CASE d.kind {cases} ELSE {ENGAGEMENT_DEFAULT_WEIGHT} END AS weight "
            "FROM engagement_dyads d "
            "JOIN actors x ON x.actor_id = d.a JOIN actors y ON y.actor_id = d.b "
            "WHERE x.cow IS NOT NULL AND y.cow IS NOT NULL AND x.cow <> y.cow)"
        )
    if _table_exists(store, "hist_engagements"):
        return "SELECT c1, c2, year, weight FROM hist_engagements"
    return "SELECT NULL::INTEGER AS c1, NULL::INTEGER AS c2, NULL::INTEGER AS year, NULL::DOUBLE AS weight LIMIT 0"


def historic_inputs(store: Store) -> str:
    """SQL for the sparse inputs per dyad-year: c1, c2, year, alliance, engagement, dispute, hostlev."""
    alliance = " + ".join(f"coalesce({k.removeprefix('atop_')}, 0) * {w}" for k, w in ALLIANCE_WEIGHTS.items())
    host = " ".join(f"WHEN {k} THEN {v}" for k, v in MID_HOSTILITY_WEIGHTS.items())
    return f"""
    WITH al AS (
        SELECT ccode1 AS c1, ccode2 AS c2, year, sum({alliance}) AS alliance
        FROM atop_dyad_years WHERE ccode1 < ccode2 GROUP BY ALL
    ), eng AS (
        SELECT c1, c2, year, sum(weight) AS engagement FROM ({_engagement_sql(store)}) GROUP BY ALL
    ), mid AS (
        SELECT c1, c2, year, sum(CASE hostlev {host} ELSE 0 END) AS dispute, max(hostlev) AS hostlev FROM (
            SELECT dispnum, least(ccode1, ccode2) AS c1, greatest(ccode1, ccode2) AS c2, year,
                   max(greatest(coalesce(hostlev1, 1), coalesce(hostlev2, 1))) AS hostlev
            FROM mid_dyad_years GROUP BY ALL) GROUP BY ALL
    )
    SELECT c1, c2, year, coalesce(sum(alliance), 0) AS alliance, coalesce(sum(engagement), 0) AS engagement,
           coalesce(sum(dispute), 0) AS dispute, coalesce(max(hostlev), 0) AS hostlev
    FROM (SELECT c1, c2, year, alliance, NULL AS engagement, NULL AS dispute, NULL AS hostlev FROM al
          UNION ALL BY NAME SELECT c1, c2, year, engagement FROM eng
          UNION ALL BY NAME SELECT c1, c2, year, dispute, hostlev FROM mid)
    WHERE year <= {LAST_YEAR}
    GROUP BY ALL
    """


def historic_series(store: Store, half_life: float = TRUST_HALF_LIFE_DAYS) -> pd.DataFrame:
    """Dense dyad-year series with inputs, balance, trust and trust_no_mid (see module doc)."""
    for t in ("atop_dyad_years", "mid_dyad_years"):
        if not _table_exists(store, t):
            from detente.errors import NotFound

            raise NotFound(f"The store has no {t} table loaded.", hint="Load the peace-science panels first.")
    sql = f"""
    WITH s AS ({historic_inputs(store)}),
    span AS (SELECT c1, c2, min(year) AS y0 FROM s GROUP BY ALL),
    dense AS (SELECT c1, c2, unnest(range(y0, {LAST_YEAR} + 1)) AS year FROM span)
    SELECT d.c1, d.c2, d.year, coalesce(alliance, 0) AS alliance, coalesce(engagement, 0) AS engagement,
           coalesce(dispute, 0) AS dispute, coalesce(hostlev, 0) AS hostlev
    FROM dense d LEFT JOIN s USING (c1, c2, year)
    ORDER BY c1, c2, year
    """
    df = store.con.execute(sql).df()
    if df.empty:
        for c in ("cooperation", "conflict", "balance", "trust", "trust_no_mid"):
            df[c] = pd.Series(dtype="float64")
        return df
    df["cooperation"] = df["alliance"] + df["engagement"]
    df["conflict"] = df["dispute"]
    df["balance"] = balance(df["cooperation"], df["conflict"])
    groups = df["c1"].to_numpy(np.int64) * 1000 + df["c2"].to_numpy(np.int64)
    days = df["year"].to_numpy(np.float64) * YEAR_DAYS
    coop = df["cooperation"].to_numpy(np.float64)
    df["trust"] = trust_stock_grouped(groups, days, coop - df["conflict"].to_numpy(np.float64), half_life)
    df["trust_no_mid"] = trust_stock_grouped(groups, days, coop, half_life)
    return df
