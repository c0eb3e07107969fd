"""Index maths, pure: the relations index, the trust stock and escalation scores.

Engines compute the aggregates (see :mod:`detente.measure`); the definitions here say
what each index means, and are registered by name in :data:`INDICES`.
"""

from __future__ import annotations

from detente.core.indices.relations import INDICES, IndexDef, balance, report_weight
from detente.core.indices.robust import robust_z, rolling_baseline
from detente.core.indices.trust import decay_factor, trust_stock, trust_stock_grouped

__all__ = [
    "INDICES",
    "IndexDef",
    "balance",
    "decay_factor",
    "report_weight",
    "robust_z",
    "rolling_baseline",
    "trust_stock",
    "trust_stock_grouped",
]
