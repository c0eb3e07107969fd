"""Readers that bring source files into the store, registered by name in ``SOURCES``."""

from __future__ import annotations

from detente.ingest import gdelt, generic, icews, ucdp  # noqa: F401  (importing a reader module registers it)
from detente.ingest.base import SOURCES, IngestSummary, Reader
from detente.ingest.pipeline import detect_format, ingest_events, ingest_file

__all__ = ["SOURCES", "IngestSummary", "Reader", "detect_format", "gdelt", "ingest_events", "ingest_file"]
