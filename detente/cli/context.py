"""Shared CLI state: settings, the store, Rich consoles and output helpers.

Rich, pydantic and DuckDB are imported on first use, so that ``detente --help`` answers at once.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from detente.cli import streams

if TYPE_CHECKING:
    from rich.console import Console

    from detente.config import Settings
    from detente.store import Store

__all__ = ["State", "console", "err", "print_json", "state"]


class _ConsoleProxy:
    """A Rich console made on first use: this terminal's, or the hosted run's (its output goes to the client)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._local: Console | None = None

    def _current(self) -> Console:
        h = streams.hosted()
        if h is not None:
            c: Console = h.extra["err_console" if self._stderr else "out_console"]
            return c
        if self._local is None:
            self._local = _make_console(self._stderr)
        return self._local

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current(), name)

    # dunder methods are looked up on the type, not through __getattr__ (Rich's Live uses `with console:`)
    def __enter__(self) -> Any:
        return self._current().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._current().__exit__(*exc)


PIPE_WIDTH = 100_000  # output that is not a terminal is never folded at 80 columns


def _make_console(stderr: bool) -> Console:
    """A Rich console that wraps only for a terminal: piped output keeps each line and table row whole; an
    error or warning line is one line, however long."""
    from rich.console import Console, ConsoleDimensions

    class _Console(Console):
        @property
        def size(self) -> ConsoleDimensions:
            dims = super().size
            return dims if self.is_terminal else ConsoleDimensions(PIPE_WIDTH, dims.height)

        @size.setter
        def size(self, new_size: tuple[int, int]) -> None:
            Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    return _Console(stderr=stderr, soft_wrap=stderr)


console = cast("Console", _ConsoleProxy(stderr=False))
err = cast("Console", _ConsoleProxy(stderr=True))


class State:
    def __init__(self) -> None:
        self._settings: ContextVar[Settings | None] = ContextVar("detente_cli_settings", default=None)

    @property
    def settings(self) -> Settings:
        s = self._settings.get()
        if s is None:
            h = streams.hosted()
            if h is not None:
                return h.settings
            from detente.config import Settings

            s = Settings()
            self._settings.set(s)
        return s

    def configure(self, db: Path | None = None, engine: str | None = None, lake: Path | None = None) -> None:
        if streams.hosted() is not None:
            return  # the server's own settings and store
        given: dict[str, Any] = {k: v for k, v in (("db", db), ("engine", engine), ("lake", lake)) if v is not None}
        if not given:
            self._settings.set(None)
            return
        from detente.config import Settings
        from detente.store.engine import check_engine

        if engine is not None:
            check_engine(engine)
        self._settings.set(Settings(**given))

    def store(self, *, read_only: bool = False) -> Store:
        """The store: opened here, lent by the server (hosted run), or :class:`streams.Forward` when a
        server holds it (the CLI then sends the whole command there); with ``--engine spark``, the Parquet
        lake on Spark (read-only)."""
        h = streams.hosted()
        if h is not None:
            return h.reader() if read_only else h.writer()
        s = self.settings
        if s.engine != "duckdb":
            from detente.store.engine import open_store

            return open_store(s, read_only=read_only)
        from detente.announcement import announced

        a = announced(s.db)
        if a is not None:
            raise streams.Forward(a.url, a.token)
        from detente.store import Store

        store = Store.open(s.db, read_only=read_only, memory_limit=s.memory_limit, threads=s.threads)
        if not read_only:
            from detente.ops.outbox import apply_pending

            apply_pending(store, s)  # a change the ops store made but the store never received
        return store


state = State()


def print_json(obj: Any) -> None:
    streams.out().write(json.dumps(obj, default=str, indent=2) + "\n")
