"""CLI commands: reference (placeholder; filled by its issue)."""

from __future__ import annotations
