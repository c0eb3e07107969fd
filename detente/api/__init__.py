"""The REST API (FastAPI) and the dashboard it serves."""

from __future__ import annotations

from detente.api.app import create_app

__all__ = ["create_app"]
