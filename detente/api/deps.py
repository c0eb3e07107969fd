"""FastAPI dependencies: settings, a per-request cursor on the shared store, and its one writer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from detente.config import Settings
from detente.store import Store
from detente.store.writer import Writer

__all__ = ["SettingsDep", "StoreDep", "WriterDep", "get_settings", "get_store", "get_writer"]


def get_settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def get_store(request: Request) -> Iterator[Store]:
    """A cursor of its own on the app's store: a snapshot read in parallel with other requests and the writer."""
    writer: Writer = request.app.state.writer
    with writer.read() as cur:
        yield cur


def get_writer(request: Request) -> Writer:
    """The store's one writer (use ``with writer.write() as store:``; writes queue behind each other)."""
    w: Writer = request.app.state.writer
    return w


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
WriterDep = Annotated[Writer, Depends(get_writer)]
