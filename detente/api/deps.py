"""FastAPI dependencies: settings, a per-request cursor on the shared store, and its one writer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from detente.config import Settings
from detente.store import Store
from detente.store.writer import Writer

__all__ = [
    "ReaderDep", "SettingsDep", "StoreDep", "WriterDep", "answer", "get_reader", "get_settings", "get_store",
    "get_writer",
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


async def get_reader(request: Request) -> AsyncIterator[Store]:
    """:func:`get_store` for ``async`` routes that :func:`answer` from memory: the cursor is lent on the event loop
    (a few microseconds), not through two hops to the thread pool and back. It never waits: while a write runs or
    the resident tables of its new data load, it carries the last tables published (``Writer.read(behind=True)``),
    whose answers are those of the version before the write until the new tables replace them."""
    writer: Writer = request.app.state.writer
    with writer.read(behind=True) as cur:
        yield cur


async def answer(
    quick: Callable[Concatenate[Store, P], T | None],
    full: Callable[Concatenate[Store, P], T],
    store: Store,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``quick(store, ...)`` right here on the event loop: the answer from the resident tables in memory (a
    millisecond or two of NumPy; a hop to a worker thread and back costs about as much, and on two cores the GIL runs
    one of them at a time anyway), or None when memory cannot tell; then ``full(store, ...)`` in the thread pool,
    where the engine's queries run without holding up the loop. A cursor carrying tables a version behind its data
    answers ``full`` on the engine alone, from its own (newer) data: the two are never mixed."""
    got = quick(store, *args, **kwargs)
    if got is not None:
        return got
    if store.served is not None:
        store.served = store.served.newest()
    return await run_in_threadpool(full, store, *args, **kwargs)


def get_writer(request: Request) -> Writer:
    """The store's one writer (use ``with writer.write() as store:``; writes queue behind each other)."""
    w: Writer = request.app.state.writer
    return w


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
ReaderDep = Annotated[Store, Depends(get_reader)]
WriterDep = Annotated[Writer, Depends(get_writer)]
