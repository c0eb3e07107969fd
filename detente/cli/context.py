"""Shared CLI state: settings, the store, Rich consoles and output helpers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console, ConsoleDimensions

from detente.config import Settings
from detente.store import Store
from detente.store.engine import check_engine, open_store

__all__ = ["State", "console", "err", "print_json", "state"]

PIPE_WIDTH = 100_000  # output that is not a terminal is never folded at 80 columns


class _Console(Console):
    """A Rich console that wraps only for a terminal: piped output keeps each line and table row whole."""

    @property
    def size(self) -> ConsoleDimensions:
        dims = super().size
        return dims if self.is_terminal else ConsoleDimensions(PIPE_WIDTH, dims.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


console = _Console(soft_wrap=False)
err = _Console(stderr=True, soft_wrap=True)  # an error or warning line is one line, however long


class State:
    def __init__(self) -> None:
        self.settings = Settings()

    def configure(self, db: Path | None = None, engine: str | None = None, lake: Path | None = None) -> None:
        given: dict[str, Any] = {k: v for k, v in (("db", db), ("engine", engine), ("lake", lake)) if v is not None}
        if engine is not None:
            check_engine(engine)
        self.settings = Settings(**given)

    def store(self, *, read_only: bool = False) -> Store:
        """The store of the settings: the DuckDB file, or the Parquet lake on Spark (``--engine spark``)."""
        return open_store(self.settings, read_only=read_only)


state = State()


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str, indent=2) + "\n")
