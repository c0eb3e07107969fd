"""Reference datasets (COW state system, ATOP): their registry, publisher URLs, and a careful CSV row reader.

Each reference dataset is a :class:`ReferenceSource` in :data:`REFERENCE_SOURCES`: where its files sit
under the shared data folder, where its publisher serves them (:data:`DEFAULT_URLS`, the one place the
download addresses live), and the function that loads them into the store. ``detente load NAME [PATH]``
and ``detente fetch NAME`` look sources up here, so a plug-in can add another one.

:func:`read_csv_rows` yields one :class:`Row` per data line with its line number: lines that are not
UTF-8 or have the wrong number of fields come back with a ``reason`` (the loader quarantines them),
a missing file, an empty file or a header without the required columns raise one :class:`IngestError`.
Line endings may be LF, CRLF or bare CR (COW's older files use CR).
"""

from __future__ import annotations

import csv
import time
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.errors import IngestError
from detente.ingest.base import IngestSummary, check_readable, finish_file, register_file
from detente.registry import Registry
from detente.store.quarantine import add_quarantine
from detente.store.reference import replace_dataset_rows
from detente.store.warehouse import Store

__all__ = [
    "DEFAULT_URLS",
    "REFERENCE_SOURCES",
    "ReferenceSource",
    "Row",
    "extract_zip",
    "read_csv_rows",
    "resolve_inputs",
    "write_rows",
]

DEFAULT_URLS: dict[str, tuple[str, ...]] = {
    # ATOP 5.1 data files in CSV, one zip (Leeds et al.; linked from atopdata.org/data.html)
    "atop": ("https://www.atopdata.org/uploads/6/9/1/3/69134503/atop_5.1__.csv_.zip",),
    # COW State System Membership v2016, two CSV files (correlatesofwar.org/data-sets/state-system-membership/)
    "cow": (
        "https://correlatesofwar.org/wp-content/uploads/states2016.csv",
        "https://correlatesofwar.org/wp-content/uploads/system2016.csv",
    ),
}
"""Publisher download addresses: the only place they are written. ``--url`` overrides them."""


Loader = Callable[[Store, Path, str | None], list[IngestSummary]]


@dataclass(frozen=True)
class ReferenceSource:
    """A reference dataset: its files, where they sit, where they come from, and how they load."""

    name: str
    description: str
    files: tuple[str, ...]  # file names the loader looks for in a folder
    shared_dir: str  # folder under Settings().shared_data
    load: Loader  # load(store, path, url): path is a folder, one of ``files`` or a .zip holding them
    citation: str = ""

    @property
    def urls(self) -> tuple[str, ...]:
        return DEFAULT_URLS[self.name]


REFERENCE_SOURCES: Registry[ReferenceSource] = Registry("reference source")


@dataclass(frozen=True)
class Row:
    line: int
    fields: dict[str, str]
    raw: str
    reason: str | None = None


@dataclass
class Collected:
    """Rows sorted into records to store, rows to quarantine and repeats; ``kept`` rows gave ``good``."""

    good: list[dict[str, Any]] = field(default_factory=list)
    bad: list[tuple[int, str, str | None]] = field(default_factory=list)
    read: int = 0
    dups: int = 0
    kept: int = 0


Parse = Callable[[Row], tuple[Hashable, list[dict[str, Any]]]]


def collect(rows: Iterable[Row], parse: Parse) -> Collected:
    """Run ``parse`` over every row: it returns (key, records) or raises ValueError (the row is quarantined
    with that message); a row whose key came before is a repeat. Every row read lands in one place."""
    out = Collected()
    seen: set[Hashable] = set()
    for r in rows:
        out.read += 1
        if r.reason:
            out.bad.append((r.line, r.reason, r.raw))
            continue
        try:
            key, records = parse(r)
        except ValueError as e:
            out.bad.append((r.line, str(e), r.raw))
            continue
        if key in seen:
            out.dups += 1
            continue
        seen.add(key)
        out.kept += 1
        out.good.extend(records)
    return out


def read_csv_rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], Iterator[Row]]:
    """The header and an iterator over data rows (blank lines skipped) of a comma-separated file."""
    p = check_readable(path)
    data = p.read_bytes()
    if not data.strip():
        raise IngestError(f"{p.name} is empty.", hint="Download the file again (`detente fetch ...`).")
    lines = data.splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.strip())
    try:
        header_text = lines[first].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"{p.name}: the header line is not UTF-8 text.", hint="Is this the right file?") from None
    header = [h.strip() for h in next(csv.reader([header_text]))]
    missing = [c for c in required if c not in header]
    if missing:
        raise IngestError(
            f"{p.name} lacks the required column(s) {', '.join(missing)}.",
            hint=f"Expected a file with the columns {', '.join(required)}; is this the right file or version?",
        )

    def rows() -> Iterator[Row]:
        for i in range(first + 1, len(lines)):
            b = lines[i]
            if not b.strip():
                continue
            try:
                text = b.decode("utf-8")
            except UnicodeDecodeError:
                yield Row(i + 1, {}, b.decode("utf-8", errors="replace"), "not UTF-8 text")
                continue
            try:
                fields = next(csv.reader([text]))
            except csv.Error as e:
                yield Row(i + 1, {}, text, f"unreadable CSV: {e}")
                continue
            if len(fields) != len(header):
                yield Row(i + 1, {}, text, f"wrong column count: expected {len(header)}, found {len(fields)}")
                continue
            yield Row(i + 1, {h: f.strip() for h, f in zip(header, fields, strict=True)}, text)

    return header, rows()


def extract_zip(path: Path, names: tuple[str, ...], dest: Path) -> list[Path]:
    """Extract the members of a zip whose base names end like one of ``names``; returns their paths."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise IngestError(f"{path.name} is not a readable zip file.", hint="Download it again.") from None
    out: list[Path] = []
    with zf:
        for info in zf.infolist():
            base = Path(info.filename).name
            if info.is_dir() or base.startswith("._") or not any(base.lower() == n.lower() for n in names):
                continue
            target = dest / base
            with zf.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            out.append(target)
    if not out:
        raise IngestError(f"{path.name} holds none of {', '.join(names)}.", hint="Is this the right archive?")
    return out


def resolve_inputs(path: Path, names: tuple[str, ...], tmp: Path) -> dict[str, Path]:
    """Map each expected file name to a path, from a folder, a single file or a zip."""
    p = Path(path).expanduser()
    if not p.exists():
        raise IngestError(f"No such file or folder: {p}.", hint="Check the path, or run `detente fetch` first.")
    found: dict[str, Path] = {}
    if p.is_dir():
        for n in names:
            hits = sorted(p.rglob(n))
            if hits:
                found[n] = hits[0]
        zips = sorted(p.glob("*.zip"))
        if not found and zips:
            return resolve_inputs(zips[0], names, tmp)
    elif p.suffix.lower() == ".zip":
        for f in extract_zip(p, names, tmp):
            found[next(n for n in names if n.lower() == f.name.lower())] = f
    else:
        found[p.name] = p
    if not found:
        raise IngestError(f"Found none of {', '.join(names)} in {p}.", hint="Point at the folder holding them.")
    return found


def write_rows(
    store: Store, path: Path, dataset: str, table: str, rows: Collected, url: str | None, t0: float
) -> IngestSummary:
    """Replace ``table``'s rows of ``dataset`` with ``rows.good``, quarantine ``rows.bad``; one reconciled summary.

    ``stored`` counts the rows kept, whatever the number of records each gave (an ATOP membership spanning
    two actor ids is one row stored as two records), so that read = stored + duplicates + quarantined.
    """
    good, bad = rows.good, rows.bad
    with store.transaction():
        file_id = register_file(store, Path(path), dataset, url)
        replace_dataset_rows(store, table, dataset, file_id, good)
        add_quarantine(store, file_id, bad)
        s = IngestSummary(
            str(path),
            dataset,
            file_id,
            read=rows.read,
            stored=rows.kept,
            duplicates=rows.dups,
            quarantined=len(bad),
        )
        for _, reason, _ in bad:
            key = reason.split(":")[0]
            s.reasons[key] = s.reasons.get(key, 0) + 1
        s.seconds = time.perf_counter() - t0
        finish_file(store, s)
    return s
