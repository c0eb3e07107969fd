"""When the server last answered: requests in flight and the end of the last one, so that work that stops every
request for a moment (the full garbage collection of :mod:`detente.cli.serve`) waits for a quiet moment."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Activity", "install"]


class Activity:
    """Requests in flight and when the last one ended (``time.monotonic``); read from any thread."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.last = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the last request ended; 0 while one is in flight."""
        return 0.0 if self.in_flight else time.monotonic() - self.last


class _Counted:
    def __init__(self, app: ASGIApp, activity: Activity) -> None:
        self.app, self.activity = app, activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.activity.in_flight += 1  # on the event loop only: no lock needed
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.in_flight -= 1
            self.activity.last = time.monotonic()


def install(app: Any) -> Activity:
    """Count ``app``'s requests (outermost middleware); returns the counts (``app.state.activity``)."""
    activity = Activity()
    app.add_middleware(_Counted, activity=activity)
    return activity
