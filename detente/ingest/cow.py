"""COW State System Membership (v2016): ``states2016.csv`` spans and ``system2016.csv`` state-years.

Correlates of War Project (2017), *State System Membership List, v2016*. ``states2016.csv`` rows
(one per uninterrupted span of membership) go to table ``state_system``; ``system2016.csv`` rows
(one per state-year) go to ``state_years``. Each COW code is mapped to a detente actor id on the
span's start date (or 1 July of the year) with the packaged crosswalk. Loading replaces the rows a
previous load of the same dataset put there, so loading twice adds nothing; every row read is
stored, counted as a duplicate (same code and start / year) or quarantined with its line and reason.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from detente import reference
from detente.errors import IngestError
from detente.ingest.base import IngestSummary
from detente.ingest.refsources import (
    REFERENCE_SOURCES,
    ReferenceSource,
    Row,
    collect,
    read_csv_rows,
    resolve_inputs,
    write_rows,
)
from detente.store.warehouse import Store

__all__ = ["STATES_FILE", "SYSTEM_FILE", "load_cow", "load_states", "load_system"]

STATES_FILE = "states2016.csv"
SYSTEM_FILE = "system2016.csv"
STATES_COLUMNS = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")
SYSTEM_COLUMNS = ("stateabb", "ccode", "year")
OPEN_END = 2016  # v2016 codes states still in the system with end year 2016 (12/31)


def _int(v: str, what: str, lo: int, hi: int) -> int:
    try:
        n = int(float(v))
    except ValueError:
        raise ValueError(f"{what} is not a number: {v!r}") from None
    if not lo <= n <= hi:
        raise ValueError(f"{what} out of range {lo}..{hi}: {n}")
    return n


def _date(y: str, m: str, d: str, what: str) -> dt.date:
    try:
        return dt.date(
            _int(y, f"{what} year", 1000, 2100), _int(m, f"{what} month", 1, 12), _int(d, f"{what} day", 1, 31)
        )
    except ValueError as e:
        raise ValueError(
            str(e) if "out of range" in str(e) or "not a number" in str(e) else f"bad {what} date"
        ) from None


def load_states(store: Store, path: Path, url: str | None = None) -> IngestSummary:
    """Load ``states2016.csv`` into ``state_system``."""
    t0 = time.perf_counter()
    _, rows = read_csv_rows(path, STATES_COLUMNS)
    reg = reference.actor_registry()

    def parse(r: Row) -> tuple[Hashable, list[dict[str, Any]]]:
        f = r.fields
        cow = _int(f["ccode"], "ccode", 1, 999)
        start = _date(f["styear"], f["stmonth"], f["stday"], "start")
        end = _date(f["endyear"], f["endmonth"], f["endday"], "end")
        if end < start:
            raise ValueError(f"end {end} before start {start}")
        open_end = end.year >= OPEN_END and (end.month, end.day) == (12, 31)
        record = {
            "cow": cow,
            "cowc": f["stateabb"],
            "name": f["statenme"],
            "start": start,
            "end": None if open_end else end,
            "actor_id": reg.by_cow(cow, on=start),
        }
        return (cow, start), [record]

    return write_rows(store, path, "cow-states", "state_system", collect(rows, parse), url, t0)


def load_system(store: Store, path: Path, url: str | None = None) -> IngestSummary:
    """Load ``system2016.csv`` (state-years) into ``state_years``."""
    t0 = time.perf_counter()
    _, rows = read_csv_rows(path, SYSTEM_COLUMNS)
    reg = reference.actor_registry()

    def parse(r: Row) -> tuple[Hashable, list[dict[str, Any]]]:
        cow = _int(r.fields["ccode"], "ccode", 1, 999)
        year = _int(r.fields["year"], "year", 1000, 2100)
        on = dt.date(year, 7, 1)
        return (cow, year), [
            {"cow": cow, "cowc": r.fields["stateabb"], "year": year, "actor_id": reg.by_cow(cow, on=on)}
        ]

    return write_rows(store, path, "cow_system", "state_years", collect(rows, parse), url, t0)


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name == STATES_FILE or "styear" in _head(path):
        return "states"
    if name == SYSTEM_FILE or ("year" in _head(path) and "ccode" in _head(path)):
        return "system"
    return None


def _head(path: Path) -> str:
    with open(path, "rb") as f:
        return f.read(400).decode("utf-8", errors="replace").lower()


def load_cow(store: Store, path: Path, url: str | None = None) -> list[IngestSummary]:
    """Load the COW state system from a folder, a zip, or one of its two CSV files."""
    with tempfile.TemporaryDirectory(prefix="detente-cow-") as tmp:
        found = resolve_inputs(path, (STATES_FILE, SYSTEM_FILE), Path(tmp))
        out: list[IngestSummary] = []
        for f in sorted(found.values(), key=lambda p: p.name):
            kind = _kind(f)
            if kind == "states":
                out.append(load_states(store, f, url))
            elif kind == "system":
                out.append(load_system(store, f, url))
            else:
                raise IngestError(
                    f"{f.name} is neither {STATES_FILE} nor {SYSTEM_FILE}.", hint="Point at the COW state system files."
                )
        return out


REFERENCE_SOURCES.add(
    "cow",
    ReferenceSource(
        name="cow",
        description="COW State System Membership v2016 (states2016.csv, system2016.csv)",
        files=(STATES_FILE, SYSTEM_FILE),
        shared_dir="states/cow",
        load=load_cow,
        citation="Correlates of War Project. 2017. State System Membership List, v2016. correlatesofwar.org",
    ),
)
