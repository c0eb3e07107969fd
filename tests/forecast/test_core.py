"""Pure forecast maths against scikit-learn and brute force, with hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from detente.core.forecast.calibration import expected_calibration_error, reliability_table
from detente.core.forecast.features import peace_years, window_count
from detente.core.forecast.logit import fit_logit
from detente.core.forecast.metrics import auroc, average_precision, brier
from detente.core.forecast.splines import cubic_terms, restricted_cubic_basis, spline_knots

outcomes = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=2, max_size=80)


@settings(max_examples=60, deadline=None)
@given(outcomes)
def test_metrics_match_sklearn(rows: list[tuple[int, int]]) -> None:
    y = np.array([r[0] for r in rows], dtype=float)
    p = np.array([r[1] for r in rows], dtype=float) / 20.0  # coarse grid: many ties
    assert brier(y, p) == pytest.approx(brier_score_loss(y, p))
    if 0 < y.sum() < y.size:
        assert auroc(y, p) == pytest.approx(roc_auc_score(y, p))
        assert average_precision(y, p) == pytest.approx(average_precision_score(y, p))
    else:
        assert np.isnan(auroc(y, p))


def test_metric_input_errors() -> None:
    with pytest.raises(ValueError, match="0 or 1"):
        auroc([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="differ"):
        brier([0, 1], [0.1])
    with pytest.raises(ValueError, match="finite"):
        average_precision([0, 1], [0.1, float("nan")])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=60), st.integers(1, 12))
def test_reliability_bins_cover_every_row(p: list[float], bins: int) -> None:
    y = (np.arange(len(p)) % 2).astype(float)
    rows = reliability_table(y, p, bins)
    assert sum(r["n"] for r in rows) == len(p)
    assert all(0 <= r["observed"] <= 1 for r in rows)
    assert 0 <= expected_calibration_error(y, p, bins) <= 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 200), min_size=5, max_size=50))
def test_spline_is_linear_beyond_outer_knots(ts: list[float]) -> None:
    knots = spline_knots(ts)
    assert np.all(np.diff(knots) > 0)
    far = np.array([knots[-1] + 10, knots[-1] + 20, knots[-1] + 30])
    b = restricted_cubic_basis(far, knots)
    second = b[2] - 2 * b[1] + b[0]
    assert np.allclose(second, 0.0, atol=1e-6 * (1 + np.abs(b).max()))
    assert np.allclose(restricted_cubic_basis([knots[0] - 5], knots)[0, 1:], 0.0)


def test_spline_bad_knots_and_cubic_terms() -> None:
    with pytest.raises(ValueError, match="increasing"):
        restricted_cubic_basis([1.0], [3.0, 2.0, 1.0])
    assert cubic_terms([2.0]).tolist() == [[2.0, 0.04, 0.008]]


def test_logit_recovers_coefficients_and_handles_separation() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(20000, 2))
    y = (rng.random(20000) < 1 / (1 + np.exp(-(-2 + 1.0 * x[:, 0] - 0.5 * x[:, 1])))).astype(float)
    m = fit_logit(x, y)
    assert m.raw_coef() == pytest.approx([1.0, -0.5], abs=0.08)
    sep = fit_logit(np.r_[np.zeros(50), np.ones(50)], np.r_[np.zeros(50), np.ones(50)])
    assert np.all(np.isfinite(sep.coef)) and sep.predict([[1.0]])[0] > 0.9
    with pytest.raises(ValueError, match="finite"):
        fit_logit([[np.nan]], [1.0])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(1950, 2000)), max_size=40),
    st.lists(st.tuples(st.integers(0, 2), st.integers(1951, 2001)), min_size=1, max_size=20),
    st.integers(1, 12),
)
def test_backward_features_match_brute_force(
    events: list[tuple[int, int]], units: list[tuple[int, int]], window: int
) -> None:
    ev = pd.DataFrame(events, columns=["u", "year"], dtype="int64")
    panel = pd.DataFrame(units, columns=["u", "year"], dtype="int64")
    got_n = window_count(panel, ev, ["u"], window).tolist()
    got_p = peace_years(panel, ev, ["u"], origin=1940).tolist()
    for (u, t), n, py in zip(units, got_n, got_p, strict=True):
        mine = [y for uu, y in events if uu == u]
        assert n == sum(1 for y in mine if t - window <= y <= t - 1)
        before = [y for y in mine if y < t]
        assert py == (t - 1 - max(before) if before else max(t - 1 - 1940, 0))
