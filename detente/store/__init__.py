"""The embedded store: DuckDB for events and analytics (the only package that imports duckdb)."""

from __future__ import annotations

from detente.store.warehouse import Store

__all__ = ["Store"]

from detente.store import derived as _derived  # noqa: F401  registers the derived tables' publish hook
