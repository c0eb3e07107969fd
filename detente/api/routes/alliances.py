"""API: alliances (placeholder; filled by its issue)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["alliances"])
