"""A global limit on request bodies, counted on the bytes as they stream in.

A body declared larger than the limit (``Content-Length``) is refused before a
byte of it is read; a body that streams past it (chunked, or lying about its
length) is refused as soon as the counted bytes cross it. Either way the
answer is ``413`` in the one JSON error shape, and nothing is parsed.
``/api/code`` keeps its own, smaller limit.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY", "BodyLimit", "BodyTooLarge"]

MAX_BODY = 1024 * 1024  # bytes: the largest ops input (a convoy route, a message) is a few KiB
HINT = "Send a smaller request body; lists are paginated and large inputs go through the CLI."


class BodyTooLarge(HTTPException):
    """Raised from inside ``receive`` (FastAPI passes an HTTPException through its body parsing)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds {limit:,} bytes.")


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413 without reading them."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(
                send, f"The request body is {int(declared):,} bytes; at most {self.max_bytes:,} are accepted."
            )
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge as e:  # read outside the routes' error handling (e.g. by a middleware)
            if started:
                raise
            await _refuse(send, str(e.detail))


async def _refuse(send: Send, message: str) -> None:
    body: dict[str, Any] = {"error": {"code": "too_large", "status": 413, "message": message, "hint": HINT}}
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(raw)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
