"""Property tests of the pure index maths (detente.core.indices)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.core.indices import INDICES, balance, report_weight, robust_z, trust_stock, trust_stock_grouped
from detente.core.indices.relations import event_contributions

finite = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)
sources = st.integers(min_value=0, max_value=10_000)


@given(st.lists(st.tuples(finite, sources), max_size=50))
def test_balance_and_shares_are_bounded(rows: list[tuple[float, int]]) -> None:
    g = np.array([r[0] for r in rows], dtype=float)
    n = np.array([r[1] for r in rows], dtype=float)
    coop, conf = event_contributions(g, n)
    assert (coop >= 0).all() and (conf >= 0).all()
    agg = {"cooperation": coop.sum(), "conflict": conf.sum(), "events": len(rows)}
    assert -1.0 <= INDICES.get("balance")(agg) <= 1.0
    assert 0.0 <= INDICES.get("conflict_share")(agg) <= 1.0
    # a weight never exceeds the cap's log2(16) = 4 nor falls below 1
    w = report_weight(n)
    assert ((w >= 1.0) & (w <= 4.0)).all()


@given(st.floats(0, 1e6), st.floats(0, 1e6))
def test_balance_sign_follows_the_larger_side(c: float, k: float) -> None:
    b = balance(c, k)
    assert (b > 0) == (c > k) or abs(c - k) < 1e-6


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from("ABC"), finite, sources), max_size=60))
def test_undirected_sums_equal_both_directed_sums(rows: list[tuple[str, str, float, int]]) -> None:
    rows = [r for r in rows if r[0] != r[1]]
    g = np.array([r[2] for r in rows], dtype=float)
    n = np.array([r[3] for r in rows], dtype=float)
    coop, conf = event_contributions(g, n)
    for x, y in (("A", "B"), ("A", "C"), ("B", "C")):
        fwd = np.array([r[0] == x and r[1] == y for r in rows], dtype=bool)
        bwd = np.array([r[0] == y and r[1] == x for r in rows], dtype=bool)
        und = fwd | bwd
        assert coop[und].sum() == pytest.approx(coop[fwd].sum() + coop[bwd].sum())
        assert conf[und].sum() == pytest.approx(conf[fwd].sum() + conf[bwd].sum())


@settings(max_examples=60)
@given(
    st.floats(-100, 100, allow_nan=False),
    st.lists(st.floats(0.0, 5000.0), min_size=1, max_size=30),
    st.floats(1.0, 5000.0),
)
def test_without_inputs_the_stock_decays_monotonically_toward_zero(
    first: float, gaps: list[float], half_life: float
) -> None:
    days = np.concatenate([[0.0], np.cumsum(gaps)])
    inputs = np.zeros(days.size)
    inputs[0] = first
    s = trust_stock(days, inputs, half_life)
    mags = np.abs(s)
    assert (np.diff(mags) <= 1e-12 * (1 + abs(first))).all()
    assert np.sign(s[-1]) in (0.0, np.sign(first))
    expected = first * 2.0 ** (-days[-1] / half_life)
    assert s[-1] == pytest.approx(expected, rel=1e-9, abs=1e-300)


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.floats(0.0, 400.0), st.floats(-50, 50, allow_nan=False)), min_size=1, max_size=40),
    st.floats(1.0, 1000.0),
)
def test_closed_form_matches_the_recursion(steps: list[tuple[float, float]], half_life: float) -> None:
    days = np.cumsum([s[0] for s in steps])
    x = np.array([s[1] for s in steps])
    want = np.empty_like(x)
    prev = 0.0
    for i in range(x.size):
        gap = days[i] - days[i - 1] if i else 0.0
        prev = prev * 2.0 ** (-gap / half_life) + x[i]
        want[i] = prev
    assert trust_stock(days, x, half_life) == pytest.approx(want, rel=1e-7, abs=1e-7)


def test_long_series_cross_the_span_boundary_exactly() -> None:
    days = np.arange(0, 2000, dtype=float)  # 2000 half-lives at half_life=1: several spans
    x = np.ones_like(days)
    s = trust_stock(days, x, half_life=1.0)
    assert s[-1] == pytest.approx(2.0)  # geometric series 1 + 1/2 + 1/4 ...
    g = trust_stock_grouped(np.zeros(days.size, dtype=int), days, x, 1.0)
    assert g == pytest.approx(s)


@given(st.lists(st.tuples(st.integers(0, 3), st.floats(-5, 5, allow_nan=False)), min_size=1, max_size=40))
def test_grouped_equals_one_dyad_at_a_time(rows: list[tuple[int, float]]) -> None:
    rows = sorted(rows, key=lambda r: r[0])
    groups = np.array([r[0] for r in rows])
    days = np.zeros(len(rows))
    for gid in set(groups.tolist()):
        m = groups == gid
        days[m] = np.arange(m.sum()) * 30.0
    x = np.array([r[1] for r in rows])
    got = trust_stock_grouped(groups, days, x, 365.0)
    for gid in set(groups.tolist()):
        m = groups == gid
        assert got[m] == pytest.approx(trust_stock(days[m], x[m], 365.0))


def test_trust_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="non-decreasing"):
        trust_stock([2, 1], [1, 1])
    with pytest.raises(ValueError, match="same length"):
        trust_stock([1], [1, 2])
    with pytest.raises(ValueError, match="half_life"):
        trust_stock([1], [1], half_life=0)
    assert trust_stock([], []).size == 0


@given(st.lists(st.floats(0, 100), min_size=10, max_size=60), st.floats(0.5, 10))
def test_robust_z_is_scale_equivariant_and_nan_before_history(x: list[float], k: float) -> None:
    v = np.array(x)
    z = robust_z(v, window=7, min_history=3, floor=1e-9)
    assert np.isnan(z[:3]).all()
    z2 = robust_z(v * k, window=7, min_history=3, floor=1e-9 * k)
    finite_z = np.isfinite(z) & np.isfinite(z2) & (np.abs(z) < 1e6)
    assert z2[finite_z] == pytest.approx(z[finite_z], rel=1e-6, abs=1e-6)


def test_a_spike_over_a_flat_baseline_scores_high() -> None:
    z = robust_z([2.0] * 20 + [30.0], window=14, min_history=7, floor=1.0)
    assert z[-1] == pytest.approx(28.0)
    assert np.nanmax(np.abs(z[:-1])) == 0.0


def test_registry_names_the_indices() -> None:
    assert {"cooperation", "conflict", "balance", "net", "conflict_share", "volume"} <= set(INDICES.names())


@given(
    st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(float("nan"))), min_size=1, max_size=80),
    st.integers(1, 30),
    st.integers(1, 30),
)
def test_the_rolling_baseline_equals_nanmedians_of_each_trailing_window(x: list[float], window: int, need: int) -> None:
    """Windows without a gap take np.median, the rest np.nanmedian: the values of nanmedian over every window."""
    from numpy.lib.stride_tricks import sliding_window_view

    from detente.core.indices import rolling_baseline

    v = np.array(x)
    win = sliding_window_view(np.concatenate([np.full(window, np.nan), v]), window)[: v.size]
    with warnings.catch_warnings():  # a window of NaN only: "All-NaN slice", its median NaN either way
        warnings.simplefilter("ignore", RuntimeWarning)
        med, mad = rolling_baseline(v, window, need)
        want = np.nanmedian(win, axis=1)
        want_mad = np.nanmedian(np.abs(win - want[:, None]), axis=1)
    short = np.minimum(np.arange(v.size), window) < need
    want[short], want_mad[short] = np.nan, np.nan
    np.testing.assert_array_equal(med, want)
    np.testing.assert_array_equal(mad, want_mad)
