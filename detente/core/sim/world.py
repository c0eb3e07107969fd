"""A world to simulate: states, their capabilities, alliances, contiguity, issues and trust.

Per-state arrays have length ``n``; per-pair arrays are symmetric ``n × n`` matrices here and are
flattened to the ``D = n(n−1)/2`` dyads (``i < j``) the model works on.

>>> w = World.synthetic(4, seed=1)
>>> w.n, w.n_dyads
(4, 6)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import SimulationError

__all__ = ["MAX_STATES", "World"]

MAX_STATES = 400

F64 = NDArray[np.float64]
B = NDArray[np.bool_]


def _sym(name: str, m: NDArray[np.generic], n: int) -> None:
    if m.shape != (n, n):
        raise SimulationError(f"World {name} must be {n}×{n}, not {m.shape}.")
    if not np.array_equal(m, m.T):
        raise SimulationError(f"World {name} must be symmetric.", hint="Give each pair once; both ways are implied.")


@dataclass(frozen=True)
class World:
    """The initial condition of a run; validated, immutable."""

    names: tuple[str, ...]
    capability: F64  # (n,) share of world capability (CINC-like), > 0
    alliance: B  # (n, n) defence obligations
    contiguity: B  # (n, n) shared border or short water distance
    salience: F64  # (n, n) how much is disputed between the pair, 0..1
    trust: F64  # (n, n) baseline trust, 0..1 (0.5 neutral)
    growth: F64 = field(default_factory=lambda: np.zeros(0))  # (n,) yearly capability growth (power shifts)
    name: str = "world"
    year: int | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.names)
        if n < 2:
            raise SimulationError("A world needs at least two states.", hint="Add states to the scenario.")
        if n > MAX_STATES:
            raise SimulationError(f"A world of {n} states is too large.", hint=f"Use at most {MAX_STATES} states.")
        if len(set(self.names)) != n:
            raise SimulationError("State names in a world must be unique.")
        cap = np.asarray(self.capability, dtype=np.float64)
        if cap.shape != (n,) or not np.all(np.isfinite(cap)) or np.any(cap <= 0):
            raise SimulationError("Capabilities must be one positive finite number per state.")
        object.__setattr__(self, "capability", cap)
        for nm in ("alliance", "contiguity"):
            m = np.asarray(getattr(self, nm), dtype=bool).copy()
            np.fill_diagonal(m, False)
            _sym(nm, m, n)
            object.__setattr__(self, nm, m)
        for nm in ("salience", "trust"):
            m = np.asarray(getattr(self, nm), dtype=np.float64)
            _sym(nm, m, n)
            if not np.all(np.isfinite(m)) or m.min() < 0 or m.max() > 1:
                raise SimulationError(f"World {nm} must be between 0 and 1.")
            object.__setattr__(self, nm, m)
        g = np.asarray(self.growth, dtype=np.float64)
        if g.size == 0:
            g = np.zeros(n)
        if g.shape != (n,) or not np.all(np.isfinite(g)) or np.any(np.abs(g) > 1):
            raise SimulationError("Growth must be one number per state between −1 and 1 (per year).")
        object.__setattr__(self, "growth", g)

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def n_dyads(self) -> int:
        return self.n * (self.n - 1) // 2

    def dyads(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Row and column of every dyad ``i < j``, in the model's order."""
        i, j = np.triu_indices(self.n, k=1)
        return i.astype(np.intp), j.astype(np.intp)

    def pair_index(self) -> NDArray[np.intp]:
        """``n × n`` matrix giving the dyad index of (i, j) and (j, i); the diagonal is 0 (masked by callers)."""
        i, j = self.dyads()
        m = np.zeros((self.n, self.n), dtype=np.intp)
        m[i, j] = np.arange(i.size)
        m[j, i] = np.arange(i.size)
        return m

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise SimulationError(f"Unknown state {name!r} in world {self.name!r}.") from None

    @classmethod
    def synthetic(cls, n: int, *, seed: int = 0, blocs: int = 2, name: str = "synthetic") -> World:
        """A random world of ``n`` states in ``blocs`` alliances on a ring (neighbours are contiguous)."""
        rng = np.random.default_rng(seed)
        cap = rng.lognormal(0.0, 1.0, n)
        cap /= cap.sum()
        bloc = np.arange(n) % max(1, blocs)
        allied = (bloc[:, None] == bloc[None, :]) & (rng.random((n, n)) < min(0.5, 8.0 / n))
        allied = np.triu(allied, 1)
        allied = allied | allied.T
        idx = np.arange(n)
        ring = np.minimum(np.abs(idx[:, None] - idx[None, :]), n - np.abs(idx[:, None] - idx[None, :]))
        contig = (ring == 1) | (np.triu(rng.random((n, n)) < 4.0 / max(n, 4), 1))
        contig = np.triu(contig, 1)
        contig = contig | contig.T
        # Like the data worlds: a low floor, more across a contiguous border, a few sparse rivalries.
        rival = rng.random((n, n)) < min(0.3, 3.0 / n)
        sal = 0.1 + 0.3 * contig + 0.5 * rival + 0.1 * (bloc[:, None] != bloc[None, :])
        sal = np.triu(np.minimum(1.0, sal), 1)
        sal = sal + sal.T
        trust = np.where(allied, 0.7, np.where(bloc[:, None] == bloc[None, :], 0.55, 0.4))
        np.fill_diagonal(trust, 0.5)
        growth = rng.normal(0.0, 0.03, n)
        return cls(tuple(f"S{k:03d}" for k in range(n)), cap, allied, contig, sal, trust, growth, name=name)
