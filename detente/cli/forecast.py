"""CLI commands: forecast (placeholder; filled by its issue)."""

from __future__ import annotations
