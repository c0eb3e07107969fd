"""Where a command's output goes, and whether the server runs it.

A command normally writes to this terminal. When ``detente serve`` holds the store, the CLI sends the
command to the server (:mod:`detente.cli.remote`), which runs the very same code (:mod:`detente.cli.hosted`)
with its own store connections and streams the output back: :func:`hosted` tells the code which case it is
in. Kept free of heavy imports: the CLI reads it before it knows what the command needs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from detente.config import Settings
    from detente.store import Store

__all__ = ["Forward", "Hosted", "err", "hosted", "out"]


class Forward(Exception):
    """Raised where a command first needs the store and a server holds it: the CLI sends it there."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url)
        self.url, self.token = url, token


@dataclass
class Hosted:
    """A command the server runs on behalf of a CLI client on the same machine."""

    out: TextIO
    err: TextIO
    width: int
    settings: Settings
    reader: Callable[[], Store]  # a store whose close() gives it back
    writer: Callable[[], Store]
    extra: dict[str, Any]


_hosted: ContextVar[Hosted | None] = ContextVar("detente_cli_hosted", default=None)


def hosted() -> Hosted | None:
    """The hosted run this code is part of, or None when it runs in the user's own process."""
    return _hosted.get()


def out() -> TextIO:
    h = _hosted.get()
    return h.out if h is not None else sys.stdout


def err() -> TextIO:
    h = _hosted.get()
    return h.err if h is not None else sys.stderr
