"""A dyad-year relations / trust series from historic data (1816-2016), for validation and the long view.

The store sums the inputs per undirected COW dyad (``c1 < c2``) and year
(:func:`detente.store.analytics.historic.historic_dense`), each weighted in :mod:`detente.core.indices.weights`:

* **alliances** - ATOP 5.1 alliance dyad-years (table ``atop_dyad_years``, loaded by
  :mod:`detente.ingest.peace_science`): ``sum(ALLIANCE_WEIGHTS[obligation])`` per year in force;
* **engagements** - the ``engagement_dyads`` view of the engagements importers (exercises, peacekeeping,
  agreements, arms transfers...), by kind, a copy recorded by a second dataset counted once;
  ``engagements="direct"`` keeps only MME exercises and SIPRI arms transfers, ``"none"`` none;
* **disputes** - COW MID 5.0 dispute dyad-years (table ``mid_dyad_years``): minus
  ``MID_HOSTILITY_WEIGHTS[max(hostlev1, hostlev2)]`` for each dispute in each year it is ongoing.

``cooperation = alliances + engagements``, ``conflict = disputes``; ``balance`` as for events;
``trust`` the stock at the end of each year (half-life TRUST_HALF_LIFE_DAYS), and
``trust_no_mid`` the same stock without the disputes (what engagements alone predict).
Every year from the dyad's first input to LAST_YEAR is present (dense), so a stock decays
through quiet years.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from detente.core.indices import balance, trust_stock_grouped
from detente.core.indices.weights import TRUST_HALF_LIFE_DAYS
from detente.errors import NotFound
from detente.store.analytics.historic import LAST_YEAR, EngagementChoice, historic_dense
from detente.store.analytics.trust import has_engagement_dyads
from detente.store.panels import has_rows
from detente.store.warehouse import Store

__all__ = ["LAST_YEAR", "YEAR_DAYS", "engagement_source", "historic_series"]

YEAR_DAYS: Final = 365.25


def engagement_source(store: Store, engagements: EngagementChoice = "importers") -> str:
    """Which engagements feed the historic series: 'engagement_dyads', 'MME and SIPRI' or 'none'."""
    if engagements == "none" or not (has_engagement_dyads(store) and has_rows(store, "engagements")):
        return "none"
    return "MME and SIPRI (engagement_dyads)" if engagements == "direct" else "engagement_dyads"


def historic_series(
    store: Store, half_life: float = TRUST_HALF_LIFE_DAYS, engagements: EngagementChoice = "importers"
) -> pd.DataFrame:
    """Dense dyad-year series with inputs, balance, trust and trust_no_mid (see module doc)."""
    for t in ("atop_dyad_years", "mid_dyad_years"):
        if not store.has(t):
            raise NotFound(f"The store has no {t} table loaded.", hint="Load the peace-science panels first.")
    df: pd.DataFrame = historic_dense(store, engagements).to_pandas()
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
