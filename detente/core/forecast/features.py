"""Panel features that look only backwards: peace years and windowed event counts before year t.

Every function takes a panel of units (key columns + ``year`` = the forecast year t) and a table of
past events (key columns + ``year``), and uses only events from years strictly before t. That is what
makes a rolling-origin backtest honest; ``tests/forecast`` proves it by perturbing later years.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["peace_years", "window_count"]


def _asof(panel: pd.DataFrame, events: pd.DataFrame, keys: Sequence[str], value: str, ref: pd.Series) -> pd.Series:
    """For each panel row, ``value`` of the last event row with year <= ref (same keys), NaN if none."""
    left = panel[list(keys)].copy()
    left["_ref"] = ref.astype("int64").to_numpy()
    left["_pos"] = np.arange(len(left))
    right = events[[*keys, "year", value]].rename(columns={"year": "_ref"}).copy()
    right["_ref"] = right["_ref"].astype("int64")
    for k in keys:  # merge_asof needs identical key dtypes
        left[k] = left[k].astype("int64")
        right[k] = right[k].astype("int64")
    left = left.sort_values("_ref", kind="mergesort")
    right = right.sort_values("_ref", kind="mergesort")
    m = pd.merge_asof(left, right, on="_ref", by=list(keys), direction="backward")
    vals = np.full(len(panel), np.nan)
    vals[m["_pos"].to_numpy()] = m[value].to_numpy(dtype="float64")
    return pd.Series(vals, index=panel.index, dtype="float64")


def peace_years(panel: pd.DataFrame, events: pd.DataFrame, keys: Sequence[str], origin: int | pd.Series) -> pd.Series:
    """Years from the last event year before t to t−1 (0 when there was one in t−1).

    With no earlier event, years since ``origin`` (the first year the unit could have had one).

    >>> panel = pd.DataFrame({"u": [1, 1, 2], "year": [2000, 2005, 2000]})
    >>> events = pd.DataFrame({"u": [1, 1], "year": [1999, 2005]})
    >>> peace_years(panel, events, ["u"], origin=1990).tolist()
    [0.0, 5.0, 9.0]
    """
    ev = events[[*keys, "year"]].drop_duplicates().assign(_last=lambda d: d["year"].astype("float64"))
    last = _asof(panel, ev, keys, "_last", panel["year"] - 1)
    t1 = (panel["year"] - 1).astype("float64")
    start = float(origin) if isinstance(origin, int) else origin.astype("float64").to_numpy()
    since = (t1 - start).clip(lower=0.0)
    return (t1 - last).where(last.notna(), since).astype("float64")


def window_count(
    panel: pd.DataFrame, events: pd.DataFrame, keys: Sequence[str], window: int, weight: str | None = None
) -> pd.Series:
    """Sum of ``weight`` (or the number) of events in years t−window … t−1.

    >>> panel = pd.DataFrame({"u": [1, 1], "year": [2000, 2003]})
    >>> events = pd.DataFrame({"u": [1, 1, 1], "year": [1995, 1999, 2003]})
    >>> window_count(panel, events, ["u"], window=5).tolist()
    [2.0, 1.0]
    """
    if window < 1:
        raise ValueError("window must be at least 1 year")
    w = events[weight].astype("float64") if weight else pd.Series(1.0, index=events.index)
    per = events[list(keys)].assign(year=events["year"].astype("int64"), _w=w.to_numpy())
    per = pd.DataFrame(per.groupby([*keys, "year"], as_index=False)["_w"].sum())
    per = per.sort_values(by=[*keys, "year"])
    per["_cum"] = per.groupby(list(keys))["_w"].cumsum()
    upto = _asof(panel, per, keys, "_cum", panel["year"] - 1).fillna(0.0)
    before = _asof(panel, per, keys, "_cum", panel["year"] - 1 - window).fillna(0.0)
    return (upto - before).astype("float64")
