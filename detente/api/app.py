"""The application factory: routers per resource, one error handler, the dashboard as static files."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from detente import __version__
from detente.announcement import announce, withdraw
from detente.api import activity, cache, errors, memory
from detente.api.feed import FeedThread, FollowSpec
from detente.api.limits import BodyLimit
from detente.api.local import Jobs
from detente.api.local import router as local_router
from detente.api.routes import ROUTERS
from detente.config import Settings
from detente.store import Store, derived
from detente.store.resident import Resident
from detente.store.writer import Writer

__all__ = ["create_app"]


_HARDENING = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class Hardening:
    """Headers a browser needs to keep the pages from being sniffed, framed or leaking their address (plain ASGI:
    no per-request task as with ``@app.middleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def harden(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _HARDENING if k not in have]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, harden)


async def _first_page(app: ASGIApp) -> None:
    """Serve the dashboard once in-process before the socket opens: the first user's request then finds the
    routing, the static files and their lazy set-up warm (~90 ms saved on the first byte)."""
    scope: Scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/", "raw_path": b"/", "root_path": "", "query_string": b"", "headers": [],
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0), "state": {},
    }  # fmt: skip

    asked = False

    async def receive() -> Message:
        nonlocal asked
        if asked:  # the client stays connected until the response is sent (its listener is then cancelled)
            await asyncio.Event().wait()
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=10)
    except Exception:  # only a warm-up: the real first request reports any error
        return


def prepare(store: Store, resident: Resident, previous: Resident | None) -> None:
    """Before the resident tables of a new data version are served: its ranked alerts, re-ranked only for the dyads
    the write touched, and their triggering events (:func:`detente.measure.ranking.prepare`); the series and pages
    the previous version computed for the dyads it did not touch (:func:`detente.measure.resident.carry`), and the
    pages of those it touched, encoded again from the first period that changed
    (:func:`detente.measure.pages.carry_changed`). Readers meanwhile answer from the previous version."""
    from detente.measure import pages, ranking
    from detente.measure import resident as fast

    changed = fast.changed_days(resident, previous)
    fast.carry(resident, previous, changed)
    pages.carry_changed(resident, previous, changed)
    ranking.prepare(store, resident, previous, changed)


def warm(store: Store, idle: Callable[[], bool] | None = None) -> None:
    """Right after the resident tables of a new data version are served: the publish hook's query and the date
    tokens compiled, and the ranked alerts with their triggering events (kept by :func:`prepare` already, unless a
    plug-in replaced the built-in signal: the engine ranks them here then), so that no request waits for them; then
    the most active dyads' series encoded ahead, only while no request is in flight (``idle`` waits for that, and
    says when to stop)."""
    from detente.api.routes.measure import DIGITS
    from detente.measure import pages, ranking
    from detente.measure.ranking import HEAD, HEAD_EVENTS, WARMED
    from detente.measure.report import alert_list

    derived.precompile(store)
    ranking.precompile(store)
    pages.prepare()
    for res in WARMED:
        alert_list(store, res, top=HEAD, n_events=HEAD_EVENTS)  # any smaller question is then a slice of these
    pages.warm(store, DIGITS, idle=idle)


def _idle(app: FastAPI, store: Store, quiet: float = 0.1, at_most: float = 10.0) -> bool:
    """Wait until no request of ``app`` has been in flight for ``quiet`` seconds (at most ``at_most`` seconds), so
    that background work holding the interpreter (encoding ahead) runs while users are idle, not between two of their
    requests; False when the data ``store`` reads is no longer the newest (a write began: the loader goes on)."""
    writer: Writer = app.state.writer
    until = time.monotonic() + at_most
    while app.state.activity.quiet_for() < quiet and time.monotonic() < until:
        if store.served is None or store.served.version != (id(writer), writer.generation):
            return False
        time.sleep(0.01)
    return store.served is not None and store.served.version == (id(writer), writer.generation)


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    local_url: str | None = None,
    follow: FollowSpec | None = None,
) -> FastAPI:
    """Build the API. Pass ``store`` to serve an already open store (tests use an in-memory one).

    ``local_url`` (given by ``detente serve``) announces the server beside its store file while it runs, so
    that the CLI on this machine sends its commands here instead of failing on DuckDB's file lock.
    ``follow`` keeps the store current from GDELT 2.0 on the server's writer (``detente serve --follow``).
    """
    s = settings or Settings()
    own = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        announcement = None
        with app.state.writer.write() as w:
            derived.ensure(w)  # a store made or written without the derived tables: build them once
        app.state.writer.refresh()  # the derived tables in memory, off the request path
        await _first_page(app)  # before the announcement: whoever finds it gets answers at once
        if local_url is not None and app.state.store.path != ":memory:":
            from detente.ops.outbox import apply_pending

            with app.state.writer.write() as w:
                apply_pending(w, s)  # an ops change whose store side never landed (a crash in between)
            announcement = app.state.announcement = announce(app.state.store.path, local_url)
        if follow is not None:
            app.state.feed = FeedThread(follow, app.state.writer)
            app.state.feed.start()
        try:
            yield
        finally:
            if follow is not None:
                app.state.feed.close()
            if announcement is not None:
                withdraw(app.state.store.path, announcement)
            app.state.local_jobs.join(timeout=30)
        # Background workers that routes may have started (simulation jobs) stop with the app.
        jobs = getattr(app.state, "sim_jobs", None)
        if jobs is not None:
            jobs.shutdown()
        app.state.writer.join()
        if own:
            app.state.store.close()

    # /docs (Swagger UI) and /redoc are served from the installed package, not a CDN: the API documentation
    # works on an air-gapped network like the rest of the dashboard
    app = FastAPIOffline(
        title="detente",
        version=__version__,
        description="Military diplomacy as working software: events, relations, alliances, forecasts, "
        "simulations and the operational channels parties use.",
        lifespan=lifespan,
    )
    app.state.settings = s
    app.state.store = store or Store.open(s.db, memory_limit=s.memory_limit, threads=s.threads)
    app.state.writer = Writer(app.state.store, resident=True)
    app.state.writer.on_prepare.append(prepare)
    app.state.writer.on_loaded.append(lambda cur: warm(cur, lambda: _idle(app, cur)))
    app.state.local_jobs = Jobs()
    errors.install(app)

    app.state.memory = memory.install(app)  # innermost: plain read questions answered from memory
    app.add_middleware(Hardening)
    app.add_middleware(BodyLimit)  # a body over the limit is refused before anything reads it
    app.state.answers = cache.install(app)  # a kept answer skips every layer below
    app.state.activity = activity.install(app)  # outermost: every request counts
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(local_router)
    app.mount("/", StaticFiles(directory=str(files("detente.web") / "static"), html=True), name="web")
    return app
