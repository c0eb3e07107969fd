"""The one LRU behind the kept answers, series and pages (detente.lru)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from detente.lru import LRU


def test_least_recently_used_goes_first_and_a_put_replaces() -> None:
    lru: LRU[str, bytes] = LRU(10, len)
    lru.put("a", b"1234")
    lru.put("b", b"1234")
    assert lru.get("a") == b"1234"  # a is now the most recent
    lru.put("c", b"1234")  # 12 > 10: b goes
    assert lru.get("b") is None and lru.get("a") == b"1234" and lru.get("c") == b"1234"
    lru.put("a", b"12")
    assert lru.get("a") == b"12" and lru.bytes == 6


def test_bounds_on_entries_and_on_one_item() -> None:
    lru: LRU[int, bytes] = LRU(100, len, max_entries=2, max_item=5)
    for k in range(3):
        lru.put(k, b"x")
    assert lru.get(0) is None and len(lru.items) == 2
    lru.put(9, b"123456")  # over max_item: not kept, nothing else dropped
    assert lru.get(9) is None and len(lru.items) == 2


@given(st.lists(st.tuples(st.integers(0, 5), st.binary(max_size=12))), st.integers(0, 30))
def test_held_bytes_are_counted_and_bounded(puts: list[tuple[int, bytes]], max_bytes: int) -> None:
    lru: LRU[int, bytes] = LRU(max_bytes, len)
    for k, v in puts:
        lru.put(k, v)
        assert lru.bytes == sum(len(value) for value, _ in lru.items.values()) <= max_bytes
        if len(v) <= max_bytes:
            assert lru.get(k) == v  # what was just put is kept
