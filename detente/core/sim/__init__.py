"""Pure simulation kernels: the pathways model (NumPy arrays, one seeded generator, no I/O)."""

from __future__ import annotations

from detente.core.sim.model import STAT_FIELDS, Model, RunResult
from detente.core.sim.params import RUNGS, Params
from detente.core.sim.policies import MECHANISMS, POLICIES, Policy, variant
from detente.core.sim.world import World

__all__ = [
    "MECHANISMS",
    "POLICIES",
    "RUNGS",
    "STAT_FIELDS",
    "Model",
    "Params",
    "Policy",
    "RunResult",
    "World",
    "variant",
]
