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

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HINT", "MAX_BODY", "BodyLimit"]

MAX_BODY = 1024 * 1024  # bytes: the largest ops input (a convoy route, a message) is a few KiB
HINT = "Send a smaller request body; lists are paginated and large inputs go through the CLI."


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413 without reading them.

    Past the limit it answers 413 itself and tells the app the client went away (``http.disconnect``), so the
    app stops reading wherever it is (inside any other middleware); whatever the app answers then is dropped.
    """

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
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not started:
                    refused = True
                    await _refuse(send, f"The request body exceeds {self.max_bytes:,} bytes.")
                    return {"type": "http.disconnect"}
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out already
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except Exception:
            if not refused:
                raise  # the app's own failure, not the refused body


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
