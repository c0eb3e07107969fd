"""Time dependence in binary time-series cross-section data: peace-years splines and cubic polynomials.

Beck, Katz and Tucker (1998) model the hazard of a dispute as a smooth function of the years since the
last one with a natural cubic spline; Carter and Signorino (2010) show that t, t², t³ does as well.
Both are here, as plain arrays, so any model can use them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["cubic_terms", "restricted_cubic_basis", "spline_knots"]

FloatArray = npt.NDArray[np.float64]

# Harrell's recommended knot percentiles for four knots.
KNOT_PERCENTILES = (5.0, 35.0, 65.0, 95.0)


def cubic_terms(t: npt.ArrayLike) -> FloatArray:
    """Columns t, t²/100, t³/1000 (scaled as Carter & Signorino suggest, so coefficients are comparable).

    >>> cubic_terms([0, 10]).tolist()
    [[0.0, 0.0, 0.0], [10.0, 1.0, 1.0]]
    """
    x = np.asarray(t, dtype=float)
    return np.column_stack([x, x**2 / 100.0, x**3 / 1000.0])


def spline_knots(t: npt.ArrayLike, n: int = 4) -> FloatArray:
    """Knots at Harrell's percentiles of ``t`` (distinct, sorted); fit them on training data only.

    >>> spline_knots(range(101)).tolist()
    [5.0, 35.0, 65.0, 95.0]
    """
    x = np.asarray(t, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        raise ValueError("spline_knots needs at least one finite value")
    pct = KNOT_PERCENTILES if n == 4 else tuple(np.linspace(5.0, 95.0, n))
    k = np.unique(np.round(np.percentile(x, pct), 6))  # knots closer than 1e-6 would blow up the basis
    if k.size < 3:  # too few distinct values: spread knots over the range
        lo, hi = float(x.min()), float(x.max())
        k = np.linspace(lo, hi if hi - lo > 1e-3 else lo + 1.0, 3)
    return np.asarray(k, dtype=float)


def restricted_cubic_basis(t: npt.ArrayLike, knots: npt.ArrayLike) -> FloatArray:
    """Natural (restricted) cubic spline basis: t and k−2 non-linear terms, linear beyond the outer knots.

    Harrell's truncated-power parameterisation, scaled by (last knot − first knot)².

    >>> b = restricted_cubic_basis([0.0, 50.0, 100.0], [5.0, 35.0, 65.0, 95.0])
    >>> b.shape
    (3, 3)
    >>> float(b[0, 1])
    0.0
    """
    x = np.asarray(t, dtype=float)
    k = np.asarray(knots, dtype=float)
    if k.ndim != 1 or k.size < 3 or np.any(np.diff(k) <= 0):
        raise ValueError("restricted_cubic_basis needs at least 3 increasing knots")
    last, penult = k[-1], k[-2]
    scale = (last - k[0]) ** 2

    def pos3(v: FloatArray) -> FloatArray:
        return np.maximum(v, 0.0) ** 3

    cols = [x]
    for j in range(k.size - 2):
        term = (
            pos3(x - k[j])
            - pos3(x - penult) * (last - k[j]) / (last - penult)
            + pos3(x - last) * (penult - k[j]) / (last - penult)
        )
        cols.append(term / scale)
    return np.column_stack(cols)
