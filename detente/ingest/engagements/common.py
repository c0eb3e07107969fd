"""Reading helpers shared by the engagement importers: files to DataFrames, rows to engagements.

Every reader turns "cannot be read at all" into one :class:`IngestError`
(empty file, wrong format, truncated workbook, text that is not in the expected
encoding) and leaves row-level problems to the importer, which quarantines them.
An importer opens its file with :func:`read_table` (read, then require the
columns it needs), walks it with :class:`Rows` (``Rows.keyed`` rejects rows
without an id) and returns ``Rows.parsed``.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from detente.errors import IngestError
from detente.ingest.engagements.dates import PartialDate
from detente.ingest.engagements.writer import COLUMNS, Parsed, rejected

__all__ = [
    "Rows",
    "clean",
    "content_key",
    "precision_attrs",
    "raw_json",
    "read_csv_text",
    "read_excel",
    "read_rds",
    "read_sheet",
    "read_stata",
    "read_table",
    "records",
    "require_columns",
    "unique",
]


def _nonempty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise IngestError(f"{path.name} is empty.", hint="Pass the dataset's real file.")


def read_csv_text(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """A CSV file as strings (no type guessing). ``encoding='utf-8'`` is strict; legacy encodings replace."""
    _nonempty(path)
    data = path.read_bytes()
    try:
        text = data.decode(encoding, errors="strict" if encoding.startswith("utf") else "replace")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise IngestError(
            f"{path.name} is not {encoding.upper()} text: byte 0x{data[e.start]:02x} on line {line}.",
            hint="Re-save the file as UTF-8.",
        ) from None
    text = text.lstrip("\ufeff")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as e:
        raise IngestError(
            f"{path.name} is not a readable CSV file: {str(e).splitlines()[0]}", hint="Check the file."
        ) from None
    df.index = pd.RangeIndex(2, len(df) + 2)  # the file's line of each record (header is line 1)
    return df


def read_excel(path: Path, sheet: int | str = 0) -> pd.DataFrame:
    """One sheet of an .xls/.xlsx workbook (python-calamine); the index is the sheet row (header is row 1)."""
    _nonempty(path)
    try:
        df = pd.read_excel(path, engine="calamine", sheet_name=sheet)
    except Exception as e:  # calamine raises its own error types for broken workbooks
        raise IngestError(
            f"{path.name} is not a readable Excel workbook: {str(e).splitlines()[0][:200]}",
            hint="Pass the dataset's .xls/.xlsx file, complete and unmodified.",
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2)
    return df


def read_stata(path: Path) -> pd.DataFrame:
    _nonempty(path)
    try:
        df = pd.read_stata(path, convert_categoricals=False)
    except Exception as e:  # pandas raises ValueError, struct.error, EOFError... for broken files
        raise IngestError(
            f"{path.name} is not a readable Stata file: {type(e).__name__}: {str(e)[:200]}",
            hint="Pass the dataset's .dta file, complete and unmodified.",
        ) from None
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


def read_rds(path: Path) -> pd.DataFrame:
    import pyreadr

    _nonempty(path)
    try:
        result = pyreadr.read_r(str(path))
    except Exception as e:  # pyreadr raises LibrdataError and others
        raise IngestError(
            f"{path.name} is not a readable R data file: {str(e)[:200]}", hint="Pass the dataset's .rds file."
        ) from None
    frames = [v for v in result.values() if isinstance(v, pd.DataFrame)]
    if not frames:
        raise IngestError(f"{path.name} holds no data frame.", hint="Pass the dataset's .rds file.")
    df = frames[0].reset_index(drop=True)
    df.index = pd.RangeIndex(1, len(df) + 1)
    return df


def read_sheet(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook without its blank rows (the index stays the sheet row)."""
    return read_excel(path, 0).dropna(how="all")


def require_columns(df: pd.DataFrame, needed: Sequence[str], path: Path) -> None:
    """One clear error when a file lacks columns the importer needs."""
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise IngestError(
            f"{path.name} lacks the column(s) {', '.join(missing)}.",
            hint=f"Expected at least: {', '.join(needed)}. Is this the right file (or version) of the dataset?",
        )


def read_table(path: Path, columns: Sequence[str], read: Callable[[Path], pd.DataFrame] = read_sheet) -> pd.DataFrame:
    """An importer's file as a frame: ``read`` it (a workbook's first sheet by default), then require ``columns``.

    Either step fails with one :class:`IngestError` naming the file; the index is each record's line or row.
    """
    df = read(path)
    require_columns(df, columns, path)
    return df


def clean(v: object) -> str | None:
    """A cell as trimmed text, None for empty, NaN and the datasets' missing codes (-9...)."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT or v is pd.NA:
        return None
    s = str(v).strip()
    if isinstance(v, float) and v.is_integer():
        s = str(int(v))
    return None if s in {"", "-9", "-99", "-999", "nan", "NaN", ".", "NA"} else s


def raw_json(row: Mapping[str, Any]) -> str:
    return json.dumps({str(k): clean(v) for k, v in row.items() if clean(v) is not None}, ensure_ascii=False)


def content_key(*parts: object) -> str:
    """A stable key for datasets without a reliable row id: a hash of what makes the engagement itself."""
    text = "\x1f".join("" if p is None else (",".join(map(str, p)) if isinstance(p, list | tuple) else str(p))
                       for p in parts)  # fmt: skip
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def records(df: pd.DataFrame) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, row as a dict of column name → cell) of every row of a frame whose index is the file line."""
    cols = [str(c) for c in df.columns]
    for line, values in zip(df.index, df.itertuples(index=False, name=None), strict=True):
        yield int(line), dict(zip(cols, values, strict=True))


class Rows:
    """Collects engagements and rejected rows while an importer walks a file."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.bad: list[tuple[int, str, str]] = []

    def reject(self, line: int, reason: str, row: Mapping[str, Any]) -> None:
        self.bad.append((int(line), reason, raw_json(row)))

    def add(self, source_id: str, **fields: Any) -> None:
        """Add an engagement; a repeat of the same ``source_id`` folds into the first one."""
        if source_id in self.items:
            self.items[source_id]["rows"] += 1
            return
        fields.setdefault("track", "I")
        fields.setdefault("third_parties", [])
        fields.setdefault("place", None)
        fields.setdefault("end_date", None)
        self.items[source_id] = {"source_id": source_id, "rows": 1, **fields}

    def keyed(self, df: pd.DataFrame, column: str) -> Iterator[tuple[int, dict[str, Any], str]]:
        """(line, row, id) of every record with an id in ``column``; one without is rejected as ``missing <column>``."""
        for line, rec in records(df):
            key = clean(rec[column])
            if key is None:
                self.reject(line, f"missing {column}", rec)
                continue
            yield line, rec, key

    def parsed(self, read: int) -> Parsed:
        """The importer's outcome: ``read`` records of the file, the engagements and the rejected rows."""
        return Parsed(read, pd.DataFrame(list(self.items.values()), columns=COLUMNS), rejected(self.bad))


def precision_attrs(start: PartialDate, end: PartialDate | None) -> dict[str, str]:
    out: dict[str, str] = {"start_precision": start.precision}
    if end is not None:
        out["end_precision"] = end.precision
    return out


def unique(ids: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for i in ids:
        if i and i not in out:
            out.append(i)
    return out
