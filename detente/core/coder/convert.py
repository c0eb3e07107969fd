"""Coded events as detente's canonical :class:`~detente.core.events.Event` and as JSON records (pure)."""

from __future__ import annotations

from typing import Any

from detente.core.coder.coder import CodedEvent
from detente.core.events import Event
from detente.core.taxonomy import Taxonomy

__all__ = ["to_event", "to_record"]


def to_event(
    ev: CodedEvent, taxonomy: Taxonomy, *, index: int = 0, document: str = "", url: str | None = None
) -> Event:
    """The canonical event (dataset 'coder').

    ``source_event_id`` is '<document>:<sentence start>:<n>', where ``document`` names the
    text (a digest of it), so that re-coding the same text yields the same ids and
    another text never collides with it.
    """
    ptype, pmode, pctx = taxonomy.plover(ev.cameo)
    return Event(
        date=ev.day,
        source_actor=ev.source,
        target_actor=ev.target,
        cameo_code=ev.cameo,
        dataset="coder",
        source_event_id=f"{document}:{ev.start}:{index}",
        source_sector=ev.source_sector,
        target_sector=ev.target_sector,
        source_name=ev.source_name,
        target_name=ev.target_name,
        cameo_root=ev.root,
        quad_class=int(taxonomy.quad_class(ev.cameo)),
        goldstein=taxonomy.goldstein(ev.cameo),
        plover_type=ptype,
        plover_mode=pmode,
        plover_context=pctx,
        place=ev.place,
        country=ev.country,
        url=url,
        evidence=ev.evidence,
        confidence=ev.confidence,
    )


def to_record(ev: CodedEvent, taxonomy: Taxonomy) -> dict[str, Any]:
    """A JSON-ready record: the event plus how it was coded (precision, modality, rule, offsets)."""
    ptype, pmode, pctx = taxonomy.plover(ev.cameo)
    entry = taxonomy.get(ev.cameo)
    return {
        "date": ev.day.isoformat(),
        "date_precision": ev.date_precision,
        "date_from": ev.date_from,
        "source": ev.source,
        "source_sector": ev.source_sector,
        "source_name": ev.source_name,
        "target": ev.target,
        "target_sector": ev.target_sector,
        "target_name": ev.target_name,
        "cameo_code": ev.cameo,
        "cameo_root": ev.root,
        "cameo_name": entry.name if entry else None,
        "plover_type": ptype,
        "plover_mode": pmode,
        "plover_context": pctx,
        "goldstein": taxonomy.goldstein(ev.cameo),
        "engagement_kinds": [k.value for k in taxonomy.engagement_kinds(ev.cameo)],
        "place": ev.place,
        "country": ev.country,
        "evidence": ev.evidence,
        "start": ev.start,
        "end": ev.end,
        "sentence": ev.sentence,
        "confidence": ev.confidence,
        "modality": ev.modality,
        "rule": ev.rule,
    }
