"""detente: military diplomacy as working software.

Observe (ingest events and reference data), measure (relations, trust,
alliance commitments, alerts, forecasts), simulate (pathways to peace) and
operate (the channels parties use), over one data model.
"""

from __future__ import annotations

__version__ = "0.1.0"

from detente.config import Settings
from detente.errors import DetenteError
from detente.store import Store

__all__ = ["DetenteError", "Settings", "Store", "__version__"]
