"""Events: who did what to whom, when and where, with provenance.

:data:`EVENT_FIELDS` is the canonical event schema. The store derives its table
from it and every reader produces exactly these fields, so an event from GDELT,
ICEWS, UCDP, a CSV file or the text coder is the same kind of thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

__all__ = ["EVENT_FIELDS", "Event", "FieldSpec", "QuadClass", "quad_class_of_root"]


class QuadClass(IntEnum):
    """CAMEO's four-way split of events (as used by GDELT and ICEWS)."""

    VERBAL_COOPERATION = 1
    MATERIAL_COOPERATION = 2
    VERBAL_CONFLICT = 3
    MATERIAL_CONFLICT = 4


def quad_class_of_root(root: int) -> QuadClass:
    """Quad class of a CAMEO root code (1..20).

    >>> quad_class_of_root(4).name
    'VERBAL_COOPERATION'
    >>> quad_class_of_root(19).name
    'MATERIAL_CONFLICT'
    """
    if not 1 <= root <= 20:
        raise ValueError(f"CAMEO root code must be 1..20, got {root}")
    if root <= 5:
        return QuadClass.VERBAL_COOPERATION
    if root <= 8:
        return QuadClass.MATERIAL_COOPERATION
    if root <= 13:
        return QuadClass.VERBAL_CONFLICT
    return QuadClass.MATERIAL_CONFLICT


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # one of: str, int, float, date, bool
    doc: str


EVENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("event_id", "int", "detente's own id of the canonical event"),
    FieldSpec("dataset", "str", "source dataset: gdelt1, gdelt2, icews, ucdp-ged, csv, coder"),
    FieldSpec("source_event_id", "str", "the event's id in its dataset (GLOBALEVENTID, Event ID, ...)"),
    FieldSpec("date", "date", "day the event happened"),
    FieldSpec("source_actor", "str", "resolved actor id of the source (ISO3 for states, NATO, UN, ...)"),
    FieldSpec("target_actor", "str", "resolved actor id of the target"),
    FieldSpec("source_sector", "str", "sector of the source within its actor (MIL, GOV, REB, NGO, ...)"),
    FieldSpec("target_sector", "str", "sector of the target"),
    FieldSpec("source_name", "str", "the source actor as the dataset names it"),
    FieldSpec("target_name", "str", "the target actor as the dataset names it"),
    FieldSpec("cameo_code", "str", "CAMEO event code (3 or 4 digits; 2 for root-only)"),
    FieldSpec("cameo_root", "int", "CAMEO root code 1..20"),
    FieldSpec("quad_class", "int", "1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict"),
    FieldSpec("goldstein", "float", "Goldstein intensity -10..10"),
    FieldSpec("plover_type", "str", "PLOVER event type (AGREE, CONSULT, ASSAULT, ...)"),
    FieldSpec("plover_mode", "str", "PLOVER mode, where the CAMEO code implies one"),
    FieldSpec("plover_context", "str", "PLOVER context (military, diplomatic, humanitarian, ...)"),
    FieldSpec("fatalities", "int", "deaths, where the dataset counts them (UCDP best estimate)"),
    FieldSpec("num_mentions", "int", "mentions across documents (GDELT), else 1"),
    FieldSpec("num_sources", "int", "distinct sources (GDELT), else 1"),
    FieldSpec("num_articles", "int", "articles (GDELT), else 1"),
    FieldSpec("place", "str", "place name"),
    FieldSpec("country", "str", "country where it happened (ISO3 where resolvable)"),
    FieldSpec("latitude", "float", "latitude"),
    FieldSpec("longitude", "float", "longitude"),
    FieldSpec("url", "str", "source document URL, if any"),
    FieldSpec("evidence", "str", "text the event was coded from, if any"),
    FieldSpec("confidence", "float", "coder confidence 0..1 (1 for curated datasets)"),
    FieldSpec("file_id", "int", "provenance: the ingested file (see sources)"),
    FieldSpec("line", "int", "provenance: line of the first row of this event in that file"),
    FieldSpec("duplicates", "int", "repeat rows folded into this canonical event"),
)


@dataclass(frozen=True)
class Event:
    """One canonical event. Fields mirror :data:`EVENT_FIELDS`."""

    date: dt.date
    source_actor: str | None
    target_actor: str | None
    cameo_code: str
    dataset: str = "csv"
    source_event_id: str | None = None
    source_sector: str | None = None
    target_sector: str | None = None
    source_name: str | None = None
    target_name: str | None = None
    cameo_root: int | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover_type: str | None = None
    plover_mode: str | None = None
    plover_context: str | None = None
    fatalities: int | None = None
    num_mentions: int = 1
    num_sources: int = 1
    num_articles: int = 1
    place: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    url: str | None = None
    evidence: str | None = None
    confidence: float = 1.0
    event_id: int | None = None
    file_id: int | None = None
    line: int | None = None
    duplicates: int = 0
