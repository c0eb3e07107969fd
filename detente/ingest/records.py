"""Stream an RFC 4180 CSV file (header line, quoted fields, UTF-8) as batches of string columns with record numbers.

Python's :mod:`csv` parses; this module feeds it one physical line at a time
(bytes, so nothing larger than :data:`~detente.ingest.lines.MAX_LINE` is ever
held), numbers the records and turns every record it cannot accept into a
reject row with its number and reason: bad quoting, a field over the size
limit, the wrong number of fields, bytes that are not UTF-8, an over-long line.

A quoted field may span lines, so ``line`` is the **record number** (the
header is record 1); it equals the line number when no field holds a newline.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path

import pyarrow as pa

from detente.errors import IngestError
from detente.ingest.lines import MAX_LINE

__all__ = ["BATCH_ROWS", "csv_batches", "read_header"]

BATCH_ROWS = 100_000
_TOO_LONG = "\x00detente:line-too-long\x00"
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE))  # raise the 128 KiB default to the line limit


def _lines(f: object, progress: Callable[[int], None] | None, bad: list[int] | None = None) -> Iterator[str]:
    """Decoded physical lines; an over-long line is skipped (bytes not held) and replaced by a marker line.

    A line that is not UTF-8 is decoded with surrogate escapes and counted in ``bad[0]``, so the caller checks
    only the records that may hold such bytes.
    """
    read = f.readline  # type: ignore[attr-defined]
    first = True
    pending = 0
    while True:
        raw: bytes = read(MAX_LINE + 1)
        if not raw:
            break
        pending += len(raw)
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while True:  # skip the rest of the line in bounded pieces
                rest: bytes = read(1 << 20)
                pending += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            raw = _TOO_LONG.encode() + b"\n"
        if first:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            first = False
        if progress is not None and pending >= 1 << 20:
            progress(pending)
            pending = 0
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            if bad is not None:
                bad[0] += 1
            yield raw.decode("utf-8", "surrogateescape")
    if progress is not None and pending:
        progress(pending)


def _utf8(rec: list[str]) -> bool:
    try:
        "\x1f".join(rec).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _show(rec: list[str]) -> str:
    return ",".join(rec)[:2000].encode("utf-8", "replace").decode("utf-8")


def read_header(path: Path, what: str) -> list[str]:
    """The header record of a CSV file, or one clear error (empty file, no header)."""
    with open(path, "rb") as f:
        reader = csv.reader(_lines(f, None), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as e:
            raise IngestError(f"{path.name}: cannot read the CSV header: {e}.", hint=f"Check it is {what}.") from None
    if not header or not any(h.strip() for h in header):
        raise IngestError(f"{path.name} has no header line.", hint=f"The first line of {what} names its columns.")
    if not _utf8(header):
        raise IngestError(f"{path.name}: the header is not valid UTF-8.", hint="Save the file as UTF-8.")
    return header


def csv_batches(
    path: Path,
    columns: Sequence[str],
    *,
    normalise: Callable[[str], str] = str.strip,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[pa.Table]:
    """Batches with columns ``line``, ``reason``, ``raw`` and each of ``columns`` (strings; NULL when absent).

    Header names are matched to ``columns`` after ``normalise``; the caller has
    already checked that the required ones are present (see :func:`read_header`).
    """
    with open(path, "rb") as f:
        bad = [0]
        reader = csv.reader(_lines(f, progress, bad), strict=True)
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return
        names = [normalise(h) for h in header]
        index = {c: names.index(c) for c in columns if c in names}
        width = len(header)
        record = 1
        good: list[list[str]] = []
        nums: list[int] = []
        rejects: list[tuple[int, str, str]] = []
        checked = bad[0]
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                record += 1
                rejects.append((record, f"bad CSV record: {e}", ""))
                continue
            record += 1
            if not rec:
                rejects.append((record, "empty line", ""))
            elif rec == [_TOO_LONG]:
                rejects.append((record, f"line longer than {MAX_LINE} bytes", ""))
            elif len(rec) != width:
                rejects.append((record, f"wrong number of fields: expected {width}, found {len(rec)}", _show(rec)))
            elif bad[0] != checked and not _utf8(rec):  # only after a line that was not UTF-8
                rejects.append((record, "not valid UTF-8", _show(rec)))
            else:
                good.append(rec)
                nums.append(record)
            checked = bad[0]
            if len(good) + len(rejects) >= batch_rows:
                yield _table(columns, index, good, nums, rejects)
                good, nums, rejects = [], [], []
        if good or rejects:
            yield _table(columns, index, good, nums, rejects)


def _table(
    columns: Sequence[str],
    index: dict[str, int],
    good: list[list[str]],
    nums: list[int],
    rejects: list[tuple[int, str, str]],
) -> pa.Table:
    n, r = len(good), len(rejects)
    cols: dict[str, pa.Array] = {
        "line": pa.array(nums + [x[0] for x in rejects], pa.int64()),
        "reason": pa.array([None] * n + [x[1] for x in rejects], pa.string()),
        "raw": pa.array([None] * n + [x[2] for x in rejects], pa.string()),
    }
    pad: list[str | None] = [None] * r
    for c in columns:
        i = index.get(c)
        values: list[str | None] = [None] * n if i is None else list(map(itemgetter(i), good))
        cols[c] = pa.array(values + pad if r else values, pa.string())
    return pa.table(cols)
