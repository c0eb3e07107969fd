"""Measures over the store: the relations index, the trust stock, tension, escalation alerts.

This layer builds Ibis expressions over :attr:`detente.store.Store.ibis` (so the engine does
the work) and applies the pure definitions of :mod:`detente.core.indices`.
"""

from __future__ import annotations
