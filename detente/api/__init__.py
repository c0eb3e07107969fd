"""The REST API (FastAPI) and the dashboard it serves."""

from detente.api.app import create_app

__all__ = ["create_app"]
