"""CLI commands: simulate (placeholder; filled by its issue)."""

from __future__ import annotations
