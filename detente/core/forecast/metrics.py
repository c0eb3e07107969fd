"""Scores of probability forecasts of rare events: AUROC, AUPR (average precision) and the Brier score."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

__all__ = ["auroc", "average_precision", "brier", "scores"]


def _check(y: npt.ArrayLike, p: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    yy = np.asarray(y, dtype=float).ravel()
    pp = np.asarray(p, dtype=float).ravel()
    if yy.shape != pp.shape:
        raise ValueError("outcomes and forecasts differ in length")
    if yy.size and not np.all((yy == 0) | (yy == 1)):
        raise ValueError("outcomes must be 0 or 1")
    if not np.all(np.isfinite(pp)):
        raise ValueError("forecasts must be finite")
    return yy, pp


def auroc(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Area under the ROC curve (Mann–Whitney, ties count one half); NaN when only one class occurs.

    >>> auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    yy, pp = _check(y, p)
    n1 = float(yy.sum())
    n0 = yy.size - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(pp)
    return float((r[yy == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def average_precision(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Area under the precision–recall curve as average precision (step-wise, tied scores grouped).

    >>> average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.8333333333333333
    """
    yy, pp = _check(y, p)
    pos = yy.sum()
    if pos == 0:
        return float("nan")
    order = np.argsort(-pp, kind="mergesort")
    ys, ps = yy[order], pp[order]
    tp = np.cumsum(ys)
    # One threshold per distinct score: the last index of each run of ties.
    last = np.r_[np.nonzero(np.diff(ps))[0], ys.size - 1]
    tp_t = tp[last]
    precision = tp_t / (last + 1)
    recall = tp_t / pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Mean squared error of probabilities.

    >>> brier([0, 1], [0.0, 0.5])
    0.125
    """
    yy, pp = _check(y, p)
    return float(np.mean((pp - yy) ** 2)) if yy.size else float("nan")


def scores(y: npt.ArrayLike, p: npt.ArrayLike) -> dict[str, float]:
    """AUROC, AUPR, Brier, base rate and count of one set of forecasts."""
    yy, pp = _check(y, p)
    return {
        "auroc": auroc(yy, pp),
        "aupr": average_precision(yy, pp),
        "brier": brier(yy, pp),
        "base_rate": float(yy.mean()) if yy.size else float("nan"),
        "mean_forecast": float(pp.mean()) if pp.size else float("nan"),
        "n": float(yy.size),
        "events": float(yy.sum()),
    }
