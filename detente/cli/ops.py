"""CLI commands: ops (placeholder; filled by its issue)."""

from __future__ import annotations
