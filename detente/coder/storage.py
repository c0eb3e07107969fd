"""Store coded events like any other source: through the ingest pipeline, with file provenance."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from detente import reference
from detente.core.coder import CodedEvent, to_event
from detente.core.events import Event
from detente.store import Store

__all__ = ["as_events", "document_key", "store_events", "store_file"]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


def document_key(text: str) -> str:
    """A short digest naming a document's text (the prefix of coded events' ids)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def as_events(coded: Sequence[CodedEvent], document: str, url: str | None = None) -> list[Event]:
    """Canonical events of one document (``document`` from :func:`document_key`)."""
    tax = reference.taxonomy()
    return [to_event(e, tax, index=i, document=document, url=url) for i, e in enumerate(coded)]


def store_events(store: Store, path: Path, text: str, coded: Sequence[CodedEvent]) -> dict[str, Any]:
    """Ingest the coded events of the document ``text`` read from ``path`` (dataset 'coder').

    The file is registered for provenance (path, SHA-256, size); every event keeps its
    sentence as evidence and its line in the file. Returns the reconciled ingest summary.
    """
    from detente.ingest.pipeline import ingest_events

    if store.count("cameo") == 0:  # a fresh store: the codebook and actor codes validate the events
        from detente.store.reference import load_reference

        load_reference(store)
    events = [
        replace(e, line=_line_of(text, c.start))
        for e, c in zip(as_events(coded, document_key(text)), coded, strict=True)
    ]
    return ingest_events(store, events, Path(path), dataset="coder").to_dict()


def store_file(store: Store, path: Path, doc_date: dt.date, *, model: bool | None = False) -> dict[str, Any]:
    """Code a UTF-8 text file and store its events (e.g. ``detente demo`` storing ../shared/seeds/*.txt)."""
    from detente.coder import build_coder, decode_text
    from detente.ingest.base import check_readable

    p = check_readable(Path(path))
    text = decode_text(p.read_bytes(), what=str(p))
    return store_events(store, p, text, build_coder(model).code(text, doc_date))
