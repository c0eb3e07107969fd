"""One way to print a listing: ``--format table|csv|json`` for every command that lists rows.

A table is for a person at a terminal (cells fold, never cut with an ellipsis); CSV and JSON are for
pipes and scripts and carry every column in full. Commands that had ``--json``/``--csv`` keep them as
aliases (:func:`resolve`).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import typer
from rich.table import Table

from detente.cli import streams
from detente.cli.context import console, print_json
from detente.errors import InputError

__all__ = ["FORMATS", "RowRate", "cell", "emit", "format_option", "resolve", "spreadsheet_safe", "table"]

FORMATS = ("table", "csv", "json")


def format_option(default: str = "table") -> Any:
    """The shared ``--format`` option (declare it as ``fmt: str = format_option()``)."""
    return typer.Option(default, "--format", help="Output: table, csv or json.")


def resolve(fmt: str, *, as_json: bool = False, as_csv: bool = False) -> str:
    """The format asked for: ``--json``/``--csv`` are aliases of ``--format json|csv``."""
    if as_json and as_csv:
        raise InputError("--json and --csv are both given.", hint="Choose one, or use --format table|csv|json.")
    if as_json:
        return "json"
    if as_csv:
        return "csv"
    f = fmt.strip().lower()
    if f not in FORMATS:
        raise InputError(f"--format {fmt!r} is not known.", hint="Use --format table, csv or json.")
    return f


def cell(v: Any) -> str:
    """A value as one table or CSV cell: lists joined, floats to 2 decimals, None empty."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    if isinstance(v, list | tuple):
        return ", ".join(cell(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, default=str)
    return str(v)


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        return spreadsheet_safe("; ".join("" if x is None else str(x) for x in v))
    if isinstance(v, dict):
        return spreadsheet_safe(json.dumps(v, default=str))
    return spreadsheet_safe(v)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(v: Any) -> Any:
    r"""A CSV cell a spreadsheet shows as text: text that would start a formula (``=``, ``+``, ``-``, ``@``, a
    tab or CR first) gets a leading ``'`` unless it is a plain number, and a bare CR (which the writer does not
    quote, and a spreadsheet takes for a new row) becomes a quoted LF. Lists carry text other parties wrote
    (operations titles, areas), so a cell must never run as a formula on the reader's machine.

    >>> [spreadsheet_safe(x) for x in ("=1+1", "-2", "-1+cmd", "a\rb", 7)]
    ["'=1+1", '-2', "'-1+cmd", 'a\nb', 7]
    """
    if not isinstance(v, str):
        return v
    if v.startswith(_FORMULA_START) and not _number(v):
        v = "'" + v
    return v.replace("\r\n", "\n").replace("\r", "\n")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], title: str | None = None) -> Table:
    """A Rich table whose cells fold rather than being cut with an ellipsis."""
    t = Table(title=title)
    for c in columns:
        t.add_column(c, overflow="fold")
    ids = {c for c in columns if c.endswith("_id") or c in ("duplicate_of", "id", "year")}
    for r in rows:
        t.add_row(*(str(r.get(c)) if c in ids and r.get(c) is not None else cell(r.get(c)) for c in columns))
    return t


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
    payload: Any = None,
    empty: str = "Nothing to show.",
) -> None:
    """Print ``rows`` as a table, CSV (the given columns, header first) or JSON (``payload`` or the rows)."""
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt == "json":
        print_json(payload if payload is not None else list(rows))
    elif fmt == "csv":
        w = csv.DictWriter(streams.out(), fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: _csv_value(r.get(c)) for c in cols})
    elif not rows:
        console.print(empty)
    else:
        console.print(table(rows, cols, title))


class RowRate:
    """Rows done so far and their rate, for progress labels: ``12,345 rows so far, 4,100 rows/s``."""

    def __init__(self, clock: Any = time.perf_counter) -> None:
        self._clock = clock
        self._t0 = clock()
        self.rows = 0

    def add(self, n: int) -> None:
        self.rows += int(n)

    def label(self, unit: str = "rows") -> str:
        """
        >>> r = RowRate(clock=iter([0.0, 2.0]).__next__); r.add(5000); r.label()
        '5,000 rows so far, 2,500 rows/s'
        """
        secs = self._clock() - self._t0
        rate = f", {self.rows / secs:,.0f} {unit}/s" if secs > 0 and self.rows else ""
        return f"{self.rows:,} {unit} so far{rate}"
