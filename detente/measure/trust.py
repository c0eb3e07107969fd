"""The trust stock of undirected dyads: events and engagements in, exponential decay between.

The store aggregates the inputs per dyad and period (:func:`detente.store.analytics.trust.trust_inputs`);
the recursion is vectorised NumPy per dyad (:func:`detente.core.indices.trust_stock_grouped`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from detente.core.indices import trust_stock_grouped
from detente.core.indices.weights import TRUST_HALF_LIFE_DAYS
from detente.measure.frames import frame
from detente.store.analytics.index import DailyBase
from detente.store.analytics.trust import trust_inputs
from detente.store.warehouse import Store

__all__ = ["EPOCH", "trust_series"]

EPOCH = dt.date(1800, 1, 1)


def trust_series(
    store: Store,
    res: str = "day",
    a: str | None = None,
    b: str | None = None,
    until: dt.date | None = None,
    half_life: float = TRUST_HALF_LIFE_DAYS,
    base: DailyBase | None = None,
) -> pd.DataFrame:
    """The store's trust inputs plus ``trust``: the stock at the end of each period.

    ``base``: the daily base materialised once (:func:`detente.store.analytics.index.materialise_base`).
    """
    df = frame(trust_inputs(store, res, a, b, until, base))
    if df.empty:
        df["trust"] = pd.Series(dtype="float64")
        return df
    period = pd.to_datetime(df["period"])
    days = (period - pd.Timestamp(EPOCH)).dt.days.to_numpy(dtype=np.float64)
    groups = pd.factorize(df["a"].astype(str) + "|" + df["b"].astype(str))[0]
    df["trust"] = trust_stock_grouped(groups, days, df["trust_input"].to_numpy(dtype=np.float64), half_life)
    return df
