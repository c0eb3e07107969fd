"""Reliability of probability forecasts: binned observed frequency against mean forecast."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["expected_calibration_error", "reliability_table"]


def reliability_table(
    y: npt.ArrayLike, p: npt.ArrayLike, bins: int = 10, *, quantile: bool = True
) -> list[dict[str, float]]:
    """Per bin: mean forecast, observed frequency and count (rows with no forecasts are left out).

    Quantile bins (the default) give equal counts, which suits rare events where most forecasts are small.

    >>> [r["n"] for r in reliability_table([0, 1, 0, 1], [0.1, 0.2, 0.7, 0.9], bins=2)]
    [2.0, 2.0]
    """
    yy = np.asarray(y, dtype=float).ravel()
    pp = np.asarray(p, dtype=float).ravel()
    if yy.shape != pp.shape:
        raise ValueError("outcomes and forecasts differ in length")
    if bins < 1:
        raise ValueError("bins must be at least 1")
    if yy.size == 0:
        return []
    grid = np.linspace(0.0, 1.0, bins + 1)
    edges = np.unique(np.quantile(pp, grid)) if quantile else grid
    idx = np.clip(np.searchsorted(edges, pp, side="right") - 1, 0, max(edges.size - 2, 0))
    out = []
    for b in range(max(edges.size - 1, 1)):
        m = idx == b
        if not m.any():
            continue
        out.append(
            {
                "lo": float(edges[b]),
                "hi": float(edges[min(b + 1, edges.size - 1)]),
                "mean_forecast": float(pp[m].mean()),
                "observed": float(yy[m].mean()),
                "n": float(m.sum()),
            }
        )
    return out


def expected_calibration_error(y: npt.ArrayLike, p: npt.ArrayLike, bins: int = 10) -> float:
    """Count-weighted mean |observed − forecast| over quantile bins.

    >>> expected_calibration_error([0, 1], [0.0, 1.0], bins=2)
    0.0
    """
    rows = reliability_table(y, p, bins)
    n = sum(r["n"] for r in rows)
    return float(sum(r["n"] * abs(r["observed"] - r["mean_forecast"]) for r in rows) / n) if n else float("nan")
