"""Store coded events like any other source: through the ingest pipeline, with file provenance."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from detente import reference
from detente.core.coder import CodedEvent, to_event
from detente.core.events import Event
from detente.errors import ConfigError
from detente.store import Store

__all__ = ["as_events", "store_events"]


def as_events(coded: Sequence[CodedEvent], url: str | None = None) -> list[Event]:
    tax = reference.taxonomy()
    return [to_event(e, tax, index=i, url=url) for i, e in enumerate(coded)]


def store_events(store: Store, path: Path, coded: Sequence[CodedEvent]) -> dict[str, Any]:
    """Ingest the coded events of the document at ``path`` (dataset 'coder'); returns the ingest summary."""
    try:
        pipeline = importlib.import_module("detente.ingest.pipeline")
        ingest_events = pipeline.ingest_events
    except (ImportError, AttributeError):
        raise ConfigError(
            "Storing coded events needs detente.ingest.pipeline.ingest_events, which this install lacks.",
            hint="Print them with --json instead, or update detente.",
        ) from None
    summary = ingest_events(store, as_events(coded), Path(path), dataset="coder")
    out: dict[str, Any] = summary.to_dict() if hasattr(summary, "to_dict") else dict(vars(summary))
    return out
