"""FastAPI dependencies: settings and a per-request cursor on the shared store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from detente.config import Settings
from detente.store import Store

__all__ = ["SettingsDep", "StoreDep", "get_settings", "get_store"]


def get_settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def get_store(request: Request) -> Iterator[Store]:
    """A cursor on the app's one DuckDB connection (DuckDB cursors are safe per thread)."""
    shared: Store = request.app.state.store
    cur = shared.cursor()
    try:
        yield cur
    finally:
        cur.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
