"""Robust departure of a series from its own trailing baseline (escalation alerts).

For period ``t`` the baseline is the median ``m`` of the previous ``window`` periods and the
scale is ``s = max(1.4826 * MAD, floor)`` (1.4826 makes the MAD estimate a normal standard
deviation); the score is ``z = (x_t - m) / s`` (Iglewicz & Hoaglin's modified z-score, with a
floor so a flat baseline does not turn one event into an infinite z). Periods with fewer
than ``min_history`` previous periods get NaN.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["MAD_SCALE", "robust_z", "rolling_baseline"]

MAD_SCALE = 1.4826
FloatArray = npt.NDArray[np.float64]


def rolling_baseline(x: npt.ArrayLike, window: int, min_history: int) -> tuple[FloatArray, FloatArray]:
    """(median, MAD) of the ``window`` values before each position (fewer at the start; NaN below ``min_history``).

    >>> m, d = rolling_baseline([1, 2, 3, 4, 100], window=3, min_history=2)
    >>> m.tolist()[2:], d.tolist()[2:]
    ([1.5, 2.0, 3.0], [0.5, 1.0, 1.0])
    """
    v = np.asarray(x, dtype=np.float64)
    if window < 1 or min_history < 1:
        raise ValueError("window and min_history must be >= 1")
    n = v.size
    med = np.full(n, np.nan)
    mad = np.full(n, np.nan)
    if n == 0:
        return med, mad
    # pad with NaN in front so every position has a full (NaN-padded) trailing window
    padded = np.concatenate([np.full(window, np.nan), v])
    win = sliding_window_view(padded, window)[:n]  # win[i] = values i-window .. i-1
    have = np.minimum(np.arange(n), window)
    ok = have >= min_history
    if ok.any():
        w = win[ok]
        m = _median(w)
        med[ok] = m
        mad[ok] = _median(np.abs(w - m[:, None]))
    return med, mad


def _median(w: FloatArray) -> FloatArray:
    """``np.nanmedian(w, axis=1)``: rows without NaN (all but the first ``window``) by ``np.median``, the same
    values a third of the time (nanmedian masks every row)."""
    gaps = np.isnan(w).any(axis=1)
    if not gaps.any():
        return np.asarray(np.median(w, axis=1), dtype=np.float64)
    out = np.empty(w.shape[0], dtype=np.float64)
    out[~gaps] = np.median(w[~gaps], axis=1)
    out[gaps] = np.nanmedian(w[gaps], axis=1)
    return out


def robust_z(x: npt.ArrayLike, window: int, min_history: int, floor: float) -> FloatArray:
    """Modified z-score of each value against its trailing baseline.

    >>> z = robust_z([1, 1, 1, 1, 1, 9], window=5, min_history=3, floor=1.0)
    >>> bool(np.isnan(z[0])), float(z[-1])
    (True, 8.0)
    """
    v = np.asarray(x, dtype=np.float64)
    med, mad = rolling_baseline(v, window, min_history)
    scale = np.maximum(MAD_SCALE * mad, floor)
    return np.asarray((v - med) / scale, dtype=np.float64)
