"""API: health, settings, actors and sources."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from detente import __version__
from detente.api.deps import SettingsDep, StoreDep
from detente.store.analytics import events as queries
from detente.store.records import records

router = APIRouter(prefix="/api", tags=["reference"])


@router.get("/health", summary="Liveness and store version")
def health(store: StoreDep) -> dict[str, Any]:
    return {"status": "ok", "version": __version__, "schema": store.version(), "events": store.count("events")}


@router.get("/settings", summary="The settings in force (secrets hidden)")
def settings(s: SettingsDep) -> dict[str, Any]:
    d = s.model_dump(mode="json")
    d["secret_key"] = "***" if s.secret_key else ""
    return d


@router.get("/actors", summary="States and organisations")
def actors(
    store: StoreDep,
    kind: str | None = Query(None, pattern="^(state|organisation)$"),
    q: str | None = Query(None, max_length=100, description="Filter by id or name"),
) -> dict[str, Any]:
    rows = records(queries.actors(store, kind, q))
    return {"actors": rows, "count": len(rows)}


@router.get("/sources", summary="What is loaded: per dataset counts; filtered and quarantined rows by reason")
def sources(store: StoreDep) -> dict[str, Any]:
    from detente.store.filtered import filtered_reasons

    return {
        "sources": records(queries.sources(store)),
        "filtered": records(filtered_reasons(store)),
        "quarantine": records(queries.quarantine_reasons(store)),
    }
