"""CLI commands: init, ingest, events, sources (placeholder; filled by the foundation issue)."""

from __future__ import annotations
