"""What every reader shares: the source registry, file provenance, quarantine and the reconciled summary.

A *reader* turns one file into batches of raw rows (Arrow tables with a ``line``
column). The event pipeline (:mod:`detente.ingest.pipeline`) hands each batch to the
store, which types and validates it as the reader's decode spec declares and folds duplicates. Readers of reference
and engagement data use :func:`register_file`, :func:`quarantine` and
:class:`IngestSummary` directly, under the same rule: every row read is stored,
counted as a duplicate, or quarantined with its line and reason.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa

from detente.core.decode import Decode
from detente.errors import IngestError
from detente.registry import Registry
from detente.store import provenance
from detente.store.provenance import MAX_RAW
from detente.store.warehouse import Store

__all__ = [
    "MAX_RAW",
    "SOURCES",
    "FileDigest",
    "IngestSummary",
    "Reader",
    "check_readable",
    "file_sha256",
    "quarantine",
    "register_file",
]


@dataclass
class IngestSummary:
    """Reconciled counts of one file's ingest: read == stored + duplicates + filtered + quarantined.

    ``filtered`` rows are well formed but out of scope (not an engagement); ``quarantined`` rows are bad.
    """

    path: str
    dataset: str
    file_id: int
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    filtered: int = 0
    filtered_reasons: dict[str, int] = field(default_factory=dict)
    requarantined: int = 0  # bad rows an earlier ingest quarantined already: counted among the duplicates
    unresolved: int = 0  # new events with an actor given (code or name) that resolved to no actor
    unresolved_top: list[dict[str, Any]] = field(default_factory=list)  # the most frequent such codes/names

    @property
    def reconciles(self) -> bool:
        return self.read == self.stored + self.duplicates + self.filtered + self.quarantined

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reconciles"] = self.reconciles
        return d


class Reader:
    """A source of event rows. Subclasses set ``name`` and implement :meth:`batches` and :meth:`decode`.

    ``batches`` yields Arrow tables whose first column is ``line`` (int64, 1-based
    line or record number in the file) and whose other columns are raw values
    (``raw`` as binary for line-based formats, strings for parsed formats), plus an
    optional ``reason`` column for rows the reader itself already rejects.
    ``decode()`` declares, as data (:class:`detente.core.decode.Decode`), how one such batch's fields
    become the staging columns and which rows are rejected; the store compiles it for its engine.
    """

    name: ClassVar[str]
    dataset: ClassVar[str]
    description: ClassVar[str] = ""

    def sniff(self, head: bytes, path: Path) -> bool:
        """Whether a file whose first bytes are ``head`` looks like this format (for --format auto)."""
        return False

    def batches(self, path: Path, progress: Callable[[int], None] | None = None) -> Iterator[pa.Table]:
        """Raw rows in bounded memory; ``progress`` is called with bytes consumed."""
        raise NotImplementedError

    def decode(self) -> Decode:
        raise NotImplementedError

    def raw_lines(self, batch: pa.Table, lines: list[int]) -> dict[int, str] | None:
        """The original text of some ``lines`` of a batch, for quarantine rows; None: the store rebuilds it
        from the fields (:attr:`Decode.raw <detente.core.decode.Decode.raw>`), only for rejected rows."""
        return None


SOURCES: Registry[type[Reader]] = Registry("data source")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class FileDigest:
    """The SHA-256 of a file, computed on a thread while the file is ingested (not before the first batch).

    hashlib releases the GIL on large buffers, so hashing overlaps the parsing and the store's work.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stop = threading.Event()
        self._hex: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="detente-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        h = hashlib.sha256()
        try:
            with open(self.path, "rb") as f:
                while not self._stop.is_set():
                    chunk = f.read(8 << 20)
                    if not chunk:
                        self._hex = h.hexdigest()
                        return
                    h.update(chunk)
        except OSError as e:
            self._error = e

    def result(self) -> str:
        """The hex digest (waits for the thread)."""
        self._thread.join()
        if self._hex is None:
            raise IngestError(f"Cannot read {self.path} to the end: {self._error}.", hint="Check the file.")
        return self._hex

    def cancel(self) -> None:
        self._stop.set()


def check_readable(path: Path) -> Path:
    """The path, resolved, or one clear error."""
    p = Path(path).expanduser()
    if not p.exists():
        raise IngestError(f"No such file: {p}.", hint="Check the path.")
    if p.is_dir():
        raise IngestError(f"{p} is a folder, not a file.", hint="Name the files inside it.")
    try:
        with open(p, "rb") as f:
            f.read(1)
    except OSError as e:
        raise IngestError(f"Cannot read {p}: {e.strerror}.", hint="Check its permissions.") from None
    return p.resolve()


def register_file(store: Store, path: Path, dataset: str, url: str | None = None) -> int:
    """Record a file being ingested (provenance) and return its file_id."""
    p = Path(path)
    return provenance.register_file(
        store, dataset=dataset, path=str(p), name=p.name, url=url, sha256=file_sha256(p), size=p.stat().st_size
    )


def finish_file(store: Store, s: IngestSummary) -> None:
    """Write the reconciled counts onto the file's provenance row."""
    provenance.finish_file(
        store, s.file_id, read=s.read, stored=s.stored, duplicates=s.duplicates, quarantined=s.quarantined
    )


def quarantine(store: Store, file_id: int, rows: Iterable[tuple[int, str, str | None]]) -> int:
    """Put (line, reason, raw) rows in quarantine; returns how many."""
    return provenance.quarantine(store, file_id, rows)
