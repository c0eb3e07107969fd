"""The server's side of a forwarded command: run the CLI's own code with the server's store connections.

Reads get a cursor of their own (a snapshot, in parallel with everything else); writes get the server's one
writer (:class:`detente.store.writer.Writer`), so a write is applied by the process that owns the file,
once. Output is streamed to the client as it is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO, cast

from detente.cli import streams
from detente.config import Settings
from detente.store.writer import Writer

__all__ = ["run_hosted"]


class _Sink(io.TextIOBase):
    """A text stream that hands every write to ``emit`` (key "o" for stdout, "e" for stderr)."""

    def __init__(self, emit: Callable[[str, str], None], key: str) -> None:
        self._emit, self._key = emit, key

    def write(self, s: str) -> int:
        if s:
            self._emit(self._key, s)
        return len(s)

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


def run_hosted(
    argv: list[str], *, settings: Settings, writer: Writer, emit: Callable[[str, str], None], width: int = 100
) -> int:
    """Run ``argv`` as the CLI would, on the server's store; returns the exit code."""
    from rich.console import Console

    from detente.cli import run

    out, err = cast(TextIO, _Sink(emit, "o")), cast(TextIO, _Sink(emit, "e"))
    consoles = {
        "out_console": Console(file=out, width=width, force_terminal=False, color_system=None),
        "err_console": Console(file=err, width=width, force_terminal=False, color_system=None),
    }
    h = streams.Hosted(
        out=out, err=err, width=width, settings=settings,
        reader=lambda: writer.lend(write=False), writer=lambda: writer.lend(write=True), extra=consoles,
    )  # fmt: skip
    token = streams._hosted.set(h)
    try:
        return run(argv)
    finally:
        streams._hosted.reset(token)
