"""detente: military diplomacy as working software.

Observe (ingest events and reference data), measure (relations, trust,
alliance commitments, alerts, forecasts), simulate (pathways to peace) and
operate (the channels parties use), over one data model.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.config import Settings
    from detente.errors import DetenteError
    from detente.store import Store

__all__ = ["DetenteError", "Settings", "Store", "__version__"]

_LAZY = {"DetenteError": "detente.errors", "Settings": "detente.config", "Store": "detente.store"}


def __getattr__(name: str) -> Any:
    """The top-level names, imported on first use (``detente --help`` must not wait for DuckDB or pydantic)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")
