"""FastAPI dependencies: settings, a per-request cursor on the shared store, and its one writer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, ParamSpec, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from detente.config import Settings
from detente.store import Store
from detente.store.writer import Writer

__all__ = [
    "WAIT_FOR_TABLES", "ReaderDep", "SettingsDep", "StoreDep", "WriterDep", "answer", "get_reader", "get_settings",
    "get_store", "get_writer",
]  # fmt: skip

P = ParamSpec("P")
T = TypeVar("T")


def get_settings(request: Request) -> Settings:
    s: Settings = request.app.state.settings
    return s


def get_store(request: Request) -> Iterator[Store]:
    """A cursor of its own on the app's store: a snapshot read in parallel with other requests and the writer."""
    writer: Writer = request.app.state.writer
    with writer.read() as cur:
        yield cur


#: How long a reader answering from memory waits for the resident tables of new data (:meth:`Writer.pending`).
WAIT_FOR_TABLES = 3.0


async def get_reader(request: Request) -> AsyncIterator[Store]:
    """:func:`get_store` for ``async`` routes that :func:`answer` from memory: the cursor is lent on the event loop
    (a few microseconds), not through two hops to the thread pool and back. Right after a write, while the
    resident tables of the new data load, it waits for them (at most ``WAIT_FOR_TABLES``, without holding up the
    loop) instead of having the engine compute the answer meanwhile."""
    writer: Writer = request.app.state.writer
    if writer.pending():
        writer.refresh()  # under way already after a write; started here after a bump elsewhere
        until = time.monotonic() + WAIT_FOR_TABLES
        while writer.pending() and time.monotonic() < until:
            await asyncio.sleep(0.01)
    with writer.read() as cur:
        yield cur


async def answer(quick: Callable[P, T | None], full: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``quick(...)`` right here on the event loop: the answer from the resident tables in memory (a millisecond or
    two of NumPy; a hop to a worker thread and back costs about as much, and on two cores the GIL runs one of them
    at a time anyway), or None when memory cannot tell; then ``full(...)`` in the thread pool, where the engine's
    queries run without holding up the loop."""
    got = quick(*args, **kwargs)
    return got if got is not None else await run_in_threadpool(full, *args, **kwargs)


def get_writer(request: Request) -> Writer:
    """The store's one writer (use ``with writer.write() as store:``; writes queue behind each other)."""
    w: Writer = request.app.state.writer
    return w


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
ReaderDep = Annotated[Store, Depends(get_reader)]
WriterDep = Annotated[Writer, Depends(get_writer)]
