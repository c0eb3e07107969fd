"""The trust stock: an exponentially decaying sum of what built or spent trust.

``stock_t = stock_{t-1} * 2**(-(T_t - T_{t-1}) / h) + input_t``, with ``T`` in days and
``h`` the half-life (:data:`~detente.core.indices.weights.TRUST_HALF_LIFE_DAYS`).
Closed form: ``stock_t = sum_{s<=t} input_s * 2**(-(T_t - T_s)/h)``, which NumPy
evaluates without a Python loop over rows: scale every input up by ``2**(T_s/h)``,
take a cumulative sum, scale down by ``2**(T_t/h)``. Long series are cut into spans
of at most :data:`SPAN` half-lives so the scale factors stay well inside float range.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detente.core.indices.weights import TRUST_HALF_LIFE_DAYS

__all__ = ["SPAN", "decay_factor", "trust_stock", "trust_stock_grouped"]

FloatArray = npt.NDArray[np.float64]

#: Largest span, in half-lives, evaluated in one cumulative sum (2**SPAN stays far below 1e308).
SPAN = 400.0


def decay_factor(days: float, half_life: float = TRUST_HALF_LIFE_DAYS) -> float:
    """What is left of one unit of trust after ``days``.

    >>> decay_factor(730.0, 730.0)
    0.5
    >>> decay_factor(0.0)
    1.0
    """
    return float(2.0 ** (-days / half_life))


def trust_stock(days: npt.ArrayLike, inputs: npt.ArrayLike, half_life: float = TRUST_HALF_LIFE_DAYS) -> FloatArray:
    """The stock after each input; ``days`` must be non-decreasing (e.g. days since an epoch).

    >>> trust_stock([0, 730, 1460], [8.0, 0.0, 0.0], half_life=730).tolist()
    [8.0, 4.0, 2.0]
    >>> trust_stock([0, 365, 365], [4.0, -2.0, 1.0], half_life=365).tolist()
    [4.0, 0.0, 1.0]
    """
    t = np.asarray(days, dtype=np.float64)
    x = np.asarray(inputs, dtype=np.float64)
    if t.shape != x.shape or t.ndim != 1:
        raise ValueError("days and inputs must be 1-d arrays of the same length")
    if half_life <= 0:
        raise ValueError("half_life must be positive")
    out = np.empty_like(x)
    if t.size == 0:
        return out
    if np.any(np.diff(t) < 0):
        raise ValueError("days must be non-decreasing")
    u = (t - t[0]) / half_life
    carry = 0.0  # the stock just before the span's first row, decayed to that row's day
    start = 0
    n = t.size
    while start < n:
        stop = int(np.searchsorted(u, u[start] + SPAN, side="right"))
        v = u[start:stop] - u[start]
        out[start:stop] = np.exp2(-v) * (carry + np.cumsum(x[start:stop] * np.exp2(v)))
        if stop < n:
            carry = float(out[stop - 1]) * float(np.exp2(-(u[stop] - u[stop - 1])))
        start = stop
    return out


def trust_stock_grouped(
    groups: npt.ArrayLike,
    days: npt.ArrayLike,
    inputs: npt.ArrayLike,
    half_life: float = TRUST_HALF_LIFE_DAYS,
) -> FloatArray:
    """:func:`trust_stock` for many dyads at once: rows sorted by (group, day).

    >>> trust_stock_grouped([0, 0, 1, 1], [0, 730, 0, 730], [8.0, 0.0, 2.0, 1.0], 730).tolist()
    [8.0, 4.0, 2.0, 2.0]
    """
    g = np.asarray(groups)
    t = np.asarray(days, dtype=np.float64)
    x = np.asarray(inputs, dtype=np.float64)
    if not (g.shape == t.shape == x.shape) or t.ndim != 1:
        raise ValueError("groups, days and inputs must be 1-d arrays of the same length")
    if half_life <= 0:
        raise ValueError("half_life must be positive")
    n = t.size
    if n == 0:
        return np.empty(0, dtype=np.float64)
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = g[1:] != g[:-1]
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, n))
    gid = np.repeat(np.arange(starts.size), lengths)
    pos = np.arange(n) - np.repeat(starts, lengths)
    v = (t - np.repeat(t[starts], lengths)) / half_life  # half-lives since the dyad's first row
    if np.any(np.diff(v)[~new[1:]] < 0):
        raise ValueError("rows must be sorted by group, then day")
    width = int(lengths.max())
    if float(v.max()) <= SPAN and starts.size * width <= 4 * n + 1_000_000:
        # every dyad a row of one padded matrix: one cumulative sum along the rows, no loop at all
        m = np.zeros((starts.size, width))
        m[gid, pos] = x * np.exp2(v)
        return np.asarray(np.cumsum(m, axis=1)[gid, pos] * np.exp2(-v), dtype=np.float64)
    # ragged or very long series: one vectorised pass per dyad (a contiguous slice)
    out = np.empty(n, dtype=np.float64)
    bounds = np.append(starts, n)
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        out[s:e] = trust_stock(t[s:e], x[s:e], half_life)
    return out
