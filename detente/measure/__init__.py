"""Measures over the store: the relations index, the trust stock, tension, escalation alerts.

The store runs the queries (:mod:`detente.store.analytics`, Ibis expressions, so the engine does the
aggregation) and returns Arrow tables; this layer applies the pure definitions of
:mod:`detente.core.indices` (decay, robust z-scores) to what comes back.
"""

from __future__ import annotations
