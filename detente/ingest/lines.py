"""Cut a file into large chunks of whole lines, in bounded memory, flagging over-long lines.

Newlines are found with NumPy over each chunk; a line longer than ``max_line``
bytes is cut out of the chunk (and reported, with its line number, for
quarantine) so no parser ever sees a huge row. The chunks are parsed by Arrow's
multithreaded CSV parser (see :mod:`detente.ingest.delimited`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["CHUNK_BYTES", "MAX_LINE", "Chunk", "chunk_size", "read_chunks", "read_lines"]

MAX_LINE = 1 << 20  # bytes: a longer line is quarantined, never parsed
CHUNK_BYTES = 96 << 20
_NL = 10


@dataclass
class Chunk:
    """Whole lines ``first_line`` .. ``first_line + n_lines - 1`` of a file; ``data`` omits ``too_long`` lines.

    ``data`` is bytes, or a memoryview of the bytes read (no copy is made of a chunk that needs no cutting).
    ``region`` is where the chunk's lines lie in the file, as (byte offset, byte length, number of its first
    line), so a line's original bytes can be read back later (:func:`read_lines`) without keeping ``data``.
    """

    data: bytes | memoryview
    first_line: int
    n_lines: int
    too_long: list[tuple[int, bytes]] = field(default_factory=list)  # (line, first bytes)
    region: tuple[int, int, int] = (0, 0, 1)


def _no_long_line(buf: bytes, end: int, max_line: int) -> bool:
    """True when ``buf[:end]`` surely holds no line longer than ``max_line`` bytes: every aligned window of
    ``max_line // 2`` bytes holds a newline (such a line would cover a whole window). Allocates nothing."""
    step = max_line // 2
    if step < 4096:
        return False
    return all(buf.find(b"\n", at, min(at + step, end)) >= 0 for at in range(0, end - step + 1, step))


def _cut_long(buf: bytes, first_line: int, max_line: int, end: int | None = None) -> Chunk:
    """The lines of ``buf[:end]`` as a chunk, over-long lines cut out."""
    end = len(buf) if end is None else end
    if _no_long_line(buf, end, max_line):  # the common case: count the lines, copy nothing
        n = buf.count(b"\n", 0, end) + (0 if end and buf[end - 1] == _NL else 1)
        return Chunk(memoryview(buf)[:end] if end < len(buf) else buf, first_line, n)
    if end < len(buf):
        buf = buf[:end]
    arr = np.frombuffer(buf, dtype=np.uint8)
    ends = np.flatnonzero(arr == _NL) + 1
    if len(ends) == 0 or ends[-1] != len(buf):
        ends = np.append(ends, len(buf))
    starts = np.concatenate(([0], ends[:-1]))
    lengths = ends - starts
    long_idx = np.flatnonzero(lengths > max_line + 1)
    if len(long_idx) == 0:
        return Chunk(buf, first_line, len(ends))
    parts, prev, too_long = [], 0, []
    for i in long_idx.tolist():
        parts.append(buf[prev : starts[i]])
        too_long.append((first_line + i, buf[starts[i] : starts[i] + 200]))
        # Keep an empty placeholder line so line numbers stay aligned; the parser flags it.
        parts.append(b"\n")
        prev = int(ends[i])
    parts.append(buf[prev:])
    return Chunk(b"".join(parts), first_line, len(ends), too_long)


def chunk_size() -> int:
    """Bytes per chunk: 96 MiB, or ``DETENTE_INGEST_CHUNK_BYTES`` (the memory/speed dial; small in tests)."""
    return max(1 << 16, int(os.environ.get("DETENTE_INGEST_CHUNK_BYTES") or CHUNK_BYTES))


class _Count:
    """The lines read so far (the next line's number) and the header lines still to skip."""

    def __init__(self, skip_lines: int) -> None:
        self.line_no, self.skip = 1, skip_lines

    def whole(self, c: Chunk) -> Chunk | None:
        """Count a chunk's lines; the chunk without the header lines still to skip, or None when none is left."""
        self.line_no += c.n_lines
        if self.skip:
            c, self.skip = _skip(c, self.skip), 0
        return c if c.n_lines else None

    def too_long(self, head: bytes, at: int, length: int) -> Chunk | None:
        """Count an over-long line starting ``head``: its report (an empty placeholder line the parser flags), or
        None when it is a header line to skip (skipped like any header, not reported)."""
        line = self.line_no
        self.line_no += 1
        if self.skip:
            self.skip -= 1
            return None
        return Chunk(b"\n", line, 1, [(line, head[:200])], (at, length, line))


def read_chunks(
    path: Path,
    chunk_bytes: int | None = None,
    max_line: int = MAX_LINE,
    skip_lines: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Chunk]:
    """Yield chunks of whole lines; every line of the file is in exactly one chunk.

    A line longer than ``max_line`` that spans chunks is reported once, as too long,
    and its bytes are skipped without being held in memory.
    """
    chunk_bytes = chunk_bytes or chunk_size()
    n = _Count(skip_lines)
    carry = b""
    at = 0  # file offset of carry's first byte
    skipping = False  # the rest of an over-long line is being skipped
    done = 0  # bytes reported to ``progress``
    c: Chunk | None
    with open(path, "rb") as f:
        while True:
            if progress is not None and f.tell() > done:
                progress(f.tell() - done)
                done = f.tell()
            start = f.tell()
            chunk = f.read(chunk_bytes)
            if not chunk:
                break
            if skipping:
                nl = chunk.find(b"\n")
                if nl < 0:
                    continue
                chunk = chunk[nl + 1 :]
                start += nl + 1
                at, skipping = start, False
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                buf = carry + chunk
                if len(buf) > max_line:
                    if (c := n.too_long(buf, at, len(buf))) is not None:
                        yield c
                    carry, skipping = b"", True
                else:
                    carry = buf
                continue
            if not carry:  # the chunk's whole lines, not copied; the part line after them is read again next
                c = _cut_long(chunk, n.line_no, max_line, cut)
                del chunk
                c.region = (start, cut, n.line_no)
                at = start + cut
                f.seek(at)
            else:
                # One copy of the chunk's whole lines; the chunk itself is dropped before the yield, so
                # a suspended reader holds no second copy while its consumer works.
                view = memoryview(chunk)
                body, carry = carry + view[:cut], bytes(view[cut:])
                del view, chunk
                c = _cut_long(body, n.line_no, max_line)
                c.region = (at, len(body), n.line_no)
                at = start + cut
                del body
            if (c := n.whole(c)) is not None:
                yield c
            c = None
            if len(carry) > max_line:
                if (c := n.too_long(carry, at, len(carry))) is not None:
                    yield c
                carry, skipping = b"", True
        if progress is not None and f.tell() > done:
            progress(f.tell() - done)
    if carry and not skipping:
        c = _cut_long(carry, n.line_no, max_line)
        c.region = (at, len(carry), n.line_no)
        if (c := n.whole(c)) is not None:
            yield c


def read_lines(path: Path, region: tuple[int, int, int], lines: list[int]) -> dict[int, bytes]:
    """The original bytes (without the line break) of some ``lines`` of a chunk's ``region`` of a file."""
    offset, length, first = region
    with open(path, "rb") as f:
        f.seek(offset)
        buf = f.read(length)
    parts = buf.split(b"\n")
    out = {}
    for n in lines:
        i = n - first
        if 0 <= i < len(parts):
            out[n] = parts[i].rstrip(b"\r")
    return out


def _skip(c: Chunk, n: int) -> Chunk:
    """Drop the first ``n`` lines of a chunk (a header)."""
    data = bytes(c.data)
    pos = 0
    for _ in range(min(n, c.n_lines)):
        nl = data.find(b"\n", pos)
        pos = len(data) if nl < 0 else nl + 1
    k = min(n, c.n_lines)
    kept = [t for t in c.too_long if t[0] >= c.first_line + k]
    return Chunk(data[pos:], c.first_line + k, c.n_lines - k, kept, c.region)
