"""A Bloom filter over 128-bit dedup keys (or 64-bit hashes), in NumPy: the ingest's "surely new" test.

The event writer asks it, per batch, which rows' keys it has *surely* never seen (in this file so far, or in the
store); those rows are written straight to ``events``. A "maybe" (a key seen, or a false positive) is decided
exactly later, by the publish, so the filter only decides which path a row takes, never what it becomes.
Keys are md5 halves, already uniform: the bit positions are the top bits of ``lo + i * hi`` (double hashing).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["KeyFilter", "bits_for"]

U64 = npt.NDArray[np.uint64]
HASHES = 4
MIN_BITS, MAX_BITS = 1 << 23, 1 << 28  # 1 MiB .. 32 MiB (the ingest's memory budget is 1 GiB in all)


def bits_for(keys: int, per_key: int = 8) -> int:
    """A power of two of bits for about ``keys`` keys (4-8 bits each: 2.4-16% false positives at that load; a
    false positive costs a staged row, nothing more), bounded. The ingest over-estimates its keys (a row of 256
    bytes, no repeats): GDELT 2.0 has ~400 bytes a row, 78% of them new, so ~2.5x the bits per key it names."""
    want = max(MIN_BITS, keys * per_key)
    return min(MAX_BITS, 1 << (want.bit_length() - 1))


class KeyFilter:
    """Bloom filter of ``bits`` bits (a power of two) over (hi, lo) pairs of uint64."""

    def __init__(self, bits: int) -> None:
        if bits & (bits - 1):
            raise ValueError("bits must be a power of two")
        self.shift = np.uint64(64 - (bits.bit_length() - 1))
        self.words = np.zeros(bits >> 6, dtype=np.uint64)
        self.keys = 0

    def _positions(self, hi: U64, lo: U64) -> list[U64]:
        step = hi | np.uint64(1)
        with np.errstate(over="ignore"):
            return [(lo + np.uint64(i) * step) >> self.shift for i in range(HASHES)]

    def maybe(self, hi: U64, lo: U64) -> npt.NDArray[np.bool_]:
        """Per key: False when it was surely never added, True when it may have been."""
        out = np.ones(len(hi), dtype=np.bool_)
        for pos in self._positions(hi, lo):
            out &= (self.words[pos >> np.uint64(6)] >> (pos & np.uint64(63))) & np.uint64(1) == 1
        return out

    def add(self, hi: U64, lo: U64) -> None:
        for pos in self._positions(hi, lo):
            np.bitwise_or.at(self.words, pos >> np.uint64(6), np.uint64(1) << (pos & np.uint64(63)))
        self.keys += len(hi)

    @staticmethod
    def spread(h: U64) -> tuple[U64, U64]:
        """(hi, lo) for a 64-bit hash (a row key's): the second half a fixed odd multiple of it."""
        with np.errstate(over="ignore"):
            return h * np.uint64(0x9E3779B97F4A7C15), h
