"""Readers for line-based delimited exports (GDELT, ICEWS): one row per line, no quoting.

Chunks of whole lines (:mod:`detente.ingest.lines`) are parsed by Arrow's
multithreaded CSV parser into binary columns, so no byte is decoded in Python.
Only the columns a reader declares are kept. A chunk with a line of the wrong
shape is re-split line by line, and each bad line becomes a reject row with its
line number and reason; the text of a line rejected later, by the checks in SQL,
is read back from the file (:func:`~detente.ingest.lines.read_lines`). The store then decodes,
types and checks the fields each reader declares (:class:`~detente.core.decode.Field`: name, kind
``str``, ``int``, ``float`` or ``date:<strptime format>``, column index), and computes the staging
columns from the reader's expressions (:meth:`DelimitedLineReader.columns`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from detente.core.decode import Abs, Check, Cmp, Decode, Expr, Field, Lines, Lit, Raw, Typed
from detente.ingest.base import Reader
from detente.ingest.lines import MAX_LINE, Chunk, read_chunks, read_lines

__all__ = ["DelimitedLineReader"]


def _parse(data: bytes | memoryview, ncols: int, delimiter: str, keep: list[int], threads: bool = True) -> pa.Table:
    """Split ``data`` into ``ncols`` fields a line (Arrow checks every line has them), keeping columns ``keep``."""
    names = [f"c{i}" for i in range(ncols)]
    include = [f"c{i}" for i in keep if i < ncols]
    return pcsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),  # no copy of the chunk
        read_options=pcsv.ReadOptions(column_names=names, use_threads=threads, block_size=2 * MAX_LINE),
        parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(
            column_types={n: pa.binary() for n in include}, strings_can_be_null=False, include_columns=include
        ),
    )


def _numbers(values: np.ndarray) -> pa.Array:
    """A NumPy array as an Arrow array over the same memory. ``pa.array`` of NumPy data first asks whether pandas
    is installed, and so imports it (about a second of every ingest's start, for nothing)."""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def _as_text(t: pa.Table) -> pa.Table:
    """The fields as text when every one is valid UTF-8 (Arrow checks it far faster than the store decodes
    bytes, and the store then skips its own check), else as they are: bytes, decoded and checked by the store."""
    try:
        cols = [c.cast(pa.string()) if pa.types.is_binary(c.type) else c for c in t.columns]
    except pa.ArrowInvalid:
        return t
    return pa.table(cols, names=t.column_names)


class DelimitedLineReader(Reader):
    """Base for delimiter-separated, unquoted, one-event-per-line files."""

    delimiter: ClassVar[str] = "\t"
    field_counts: ClassVar[tuple[int, ...]]
    fields: ClassVar[tuple[Field, ...]]
    header: ClassVar[bool] = False
    na: ClassVar[str | None] = None  # a token the format writes for a missing value (ICEWS: NA)

    @property
    def ncols(self) -> int:
        return max(self.field_counts)

    @property
    def keep(self) -> list[int]:
        """The columns read: the declared fields, and the first two (an empty line is told by them)."""
        return sorted({f.index for f in self.fields} | {0, 1})

    # -- reading ------------------------------------------------------------------------------
    def batches(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[pa.Table]:
        for chunk in read_chunks(path, skip_lines=1 if self.header else 0, progress=progress):
            table = self._table(chunk)
            # where the lines lie in the file: a rejected line's text is read back from there (raw_lines)
            where = {"detente.path": str(path), "detente.region": json.dumps(chunk.region)}
            table = table.replace_schema_metadata(where)
            chunk.data = b""  # parsed: release the bytes although the suspended chunk reader still holds the chunk
            del chunk
            yield table
            del table

    def raw_lines(self, batch: pa.Table, lines: list[int]) -> dict[int, str] | None:
        meta = batch.schema.metadata or {}
        if b"detente.path" not in meta:
            return None
        offset, length, first = (int(x) for x in json.loads(meta[b"detente.region"]))
        got = read_lines(Path(meta[b"detente.path"].decode()), (offset, length, first), lines)
        return {n: b.decode("utf-8", "replace") for n, b in got.items()}

    def _table(self, chunk: Chunk) -> pa.Table:
        n = self.ncols
        lines = np.arange(chunk.first_line, chunk.first_line + chunk.n_lines, dtype=np.int64)
        rejects: list[tuple[int, str, str]] = [
            (line, f"line longer than {MAX_LINE} bytes", head.decode("utf-8", "replace"))
            for line, head in chunk.too_long
        ]
        parts: list[tuple[pa.Table, int]] | None
        try:
            good = _parse(chunk.data, n, self.delimiter, self.keep)
            parts = [(good.append_column("line", _numbers(lines)), n)] if good.num_rows == chunk.n_lines else None
        except pa.ArrowInvalid:
            parts = None
        if parts is None:
            parts, rejects = self._line_by_line(chunk, lines, rejects)
        if chunk.too_long:
            long_lines = pa.array([t[0] for t in chunk.too_long], pa.int64())
            parts = [(p.filter(pa.compute.invert(pa.compute.is_in(p["line"], long_lines))), k) for p, k in parts]
        tables = [self._shape(p, k) for p, k in parts if p.num_rows]
        if rejects:
            tables.append(self._reject_table(rejects))
        if not tables:
            return self._reject_table([])
        return _as_text(pa.concat_tables(tables))

    def _line_by_line(
        self, chunk: Chunk, lines: np.ndarray, rejects: list[tuple[int, str, str]]
    ) -> tuple[list[tuple[pa.Table, int]], list[tuple[int, str, str]]]:
        """Slow path for a chunk with bad lines: group lines by field count, reject the rest."""
        delim = self.delimiter.encode()
        data = bytes(chunk.data)
        raw_lines = data.split(b"\n")
        if raw_lines and raw_lines[-1] == b"" and data.endswith(b"\n"):
            raw_lines.pop()
        groups: dict[int, tuple[list[bytes], list[int]]] = {}
        expected = " or ".join(str(c) for c in self.field_counts)
        for line_no, raw in zip(lines.tolist(), raw_lines, strict=True):
            body = raw.rstrip(b"\r")
            count = body.count(delim) + 1
            if b"\r" in body:  # Arrow would end the row at a bare CR and misalign the line numbers
                rejects.append((line_no, "carriage return inside a line", body.decode("utf-8", "replace")))
            elif count in self.field_counts or not body.strip():
                g = groups.setdefault(count if body.strip() else self.ncols, ([], []))
                g[0].append(body if body.strip() else b"")
                g[1].append(line_no)
            else:
                text = body.decode("utf-8", "replace")
                rejects.append((line_no, f"wrong number of fields: expected {expected}, found {count}", text))
        parts = []
        for count, (bodies, nums) in groups.items():
            t = _parse(b"\n".join(bodies) + b"\n", count, self.delimiter, self.keep, threads=False)
            parts.append((t.append_column("line", pa.array(nums, pa.int64())), count))
        return parts, rejects

    def _shape(self, t: pa.Table, fields: int) -> pa.Table:
        """The kept columns (NULL where a line has fewer ``fields``), empty reason/raw and the field count."""
        n = t.num_rows
        cols = {"line": t["line"], "reason": pa.nulls(n, pa.string()), "raw": pa.nulls(n, pa.string())}
        for i in self.keep:
            name = f"c{i}"
            cols[name] = t[name] if name in t.column_names else pa.nulls(n, pa.binary())
        cols["nfields"] = _numbers(np.full(n, fields, dtype=np.int16))
        return pa.table(cols)

    def _reject_table(self, rejects: list[tuple[int, str, str]]) -> pa.Table:
        n = len(rejects)
        cols: dict[str, pa.Array] = {
            "line": pa.array([r[0] for r in rejects], pa.int64()),
            "reason": pa.array([r[1] for r in rejects], pa.string()),
            "raw": pa.array([r[2] for r in rejects], pa.string()),
        }
        for i in self.keep:
            cols[f"c{i}"] = pa.nulls(n, pa.binary())
        cols["nfields"] = _numbers(np.zeros(n, dtype=np.int16))
        return pa.table(cols)

    # -- decode -------------------------------------------------------------------------------
    def columns(self) -> tuple[tuple[str, Expr], ...]:
        """The staging columns as expressions of the named fields (see :mod:`detente.core.decode`)."""
        raise NotImplementedError

    def checks(self) -> tuple[Check, ...]:
        """Rules that reject a row, after the store's own (empty line, not UTF-8, a typed field that does not
        parse). By default: an ``int`` field beyond a 32-bit count."""
        return tuple(
            Check(Cmp(Abs(Typed(f.name)), ">", Lit(2**31 - 1)), f"bad number in {f.name}: ", Raw(f.name))
            for f in self.fields
            if f.kind == "int"
        )

    def decode(self) -> Decode:
        return Decode(self.fields, self.columns(), self.checks(), lines=Lines(self.field_counts, self.na))
