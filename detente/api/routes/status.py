"""API: what the server holds now: when the data last changed, and whether it follows a feed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from detente.api.deps import StoreDep
from detente.store.derived import last_update

router = APIRouter(prefix="/api", tags=["reference"])


@router.get("/status", summary="Data generation, events held, last update and the feed follower's last step")
def status(request: Request, store: StoreDep) -> dict[str, Any]:
    """Poll it to refresh a page when the data changes (``generation`` grows with every write, and again when the
    answers of its new data are served)."""
    feed = getattr(request.app.state, "feed", None)
    return {
        "generation": request.app.state.writer.epoch,
        **last_update(store),
        "following": feed is not None,
        "follow_last_step": feed.last_step.isoformat() if feed is not None and feed.last_step else None,
        "follow_last_line": feed.last_line if feed is not None else None,
    }
