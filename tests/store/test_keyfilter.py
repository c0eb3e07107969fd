"""The ingest's key filter never calls a key it holds new, and calls few others held."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.store.keyfilter import MAX_BITS, MIN_BITS, KeyFilter, bits_for

u64 = st.integers(min_value=0, max_value=2**64 - 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(u64, u64), min_size=1, max_size=300), st.sampled_from([1 << 10, 1 << 16, MIN_BITS]))
def test_no_key_added_is_surely_new(keys: list[tuple[int, int]], bits: int) -> None:
    f = KeyFilter(bits)
    hi = np.array([k[0] for k in keys], dtype=np.uint64)
    lo = np.array([k[1] for k in keys], dtype=np.uint64)
    half = len(keys) // 2
    f.add(hi[:half], lo[:half])
    assert f.maybe(hi[:half], lo[:half]).all()
    f.add(hi[half:], lo[half:])
    assert f.maybe(hi, lo).all()


def test_false_positives_are_rare_at_the_sized_load() -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    f = KeyFilter(bits_for(n))
    f.add(rng.integers(0, 2**64 - 1, n, dtype=np.uint64), rng.integers(0, 2**64 - 1, n, dtype=np.uint64))
    other = f.maybe(rng.integers(0, 2**64 - 1, n, dtype=np.uint64), rng.integers(0, 2**64 - 1, n, dtype=np.uint64))
    assert other.mean() < 0.01


def test_sizes_are_bounded_powers_of_two() -> None:
    for keys in (0, 1, 10**6, 10**8, 10**10):
        b = bits_for(keys)
        assert MIN_BITS <= b <= MAX_BITS and b & (b - 1) == 0
