"""Coded events as detente's canonical :class:`~detente.core.events.Event` and as JSON records (pure)."""

from __future__ import annotations

from typing import Any

from detente.core.coder.coder import CodedEvent
from detente.core.events import Event
from detente.core.taxonomy import Taxonomy

__all__ = ["to_event", "to_plover", "to_record"]


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


def to_plover(ev: CodedEvent, taxonomy: Taxonomy, *, event_id: str, story_date: str | None = None) -> dict[str, Any]:
    """A record shaped like the field's PLOVER/POLECAT event records (flat; actor, recipient, event type and mode).

    Field names follow the POLECAT release (Halterman et al. 2023) in snake case; detente adds the CAMEO code,
    Goldstein value, evidence offsets and confidence.
    """
    ptype, pmode, pctx = taxonomy.plover(ev.cameo)
    return {
        "event_id": event_id,
        "story_date": story_date or ev.day.isoformat(),
        "event_date": ev.day.isoformat(),
        "event_type": (ptype or "").upper() or None,
        "event_mode": pmode or None,
        "event_context": pctx or None,
        "actor_name": ev.source_name,
        "actor_country": ev.source[:3] if ev.source and not ev.source.startswith(("IGO", "IMG", "NGO")) else None,
        "actor_code": ev.source,
        "actor_sector": ev.source_sector,
        "recipient_name": ev.target_name,
        "recipient_country": (ev.target[:3] if ev.target and not ev.target.startswith(("IGO", "IMG", "NGO")) else None),
        "recipient_code": ev.target,
        "recipient_sector": ev.target_sector,
        "placename": ev.place,
        "event_text": ev.evidence,
        "event_span": [ev.start, ev.end],
        "cameo_code": ev.cameo,
        "goldstein": taxonomy.goldstein(ev.cameo),
        "confidence": ev.confidence,
        "modality": ev.modality,
        "coder": "detente",
    }
