"""Pure maths of early warning: peace-years splines, forecast metrics, calibration, panel features."""

from __future__ import annotations

from detente.core.forecast.calibration import reliability_table
from detente.core.forecast.metrics import auroc, average_precision, brier, scores
from detente.core.forecast.splines import cubic_terms, restricted_cubic_basis, spline_knots

__all__ = [
    "auroc",
    "average_precision",
    "brier",
    "cubic_terms",
    "reliability_table",
    "restricted_cubic_basis",
    "scores",
    "spline_knots",
]
