"""The application factory: routers per resource, one error handler, the dashboard as static files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from detente import __version__
from detente.announcement import announce, withdraw
from detente.api import cache, errors
from detente.api.feed import FeedThread, FollowSpec
from detente.api.limits import BodyLimit
from detente.api.local import Jobs
from detente.api.local import router as local_router
from detente.api.routes import ROUTERS
from detente.config import Settings
from detente.store import Store, derived
from detente.store.writer import Writer

__all__ = ["create_app"]


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
    app.state.writer = Writer(app.state.store)
    app.state.local_jobs = Jobs()
    errors.install(app)

    @app.middleware("http")
    async def hardening(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Headers a browser needs to keep the pages from being sniffed, framed or leaking their address."""
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.add_middleware(BodyLimit)  # a body over the limit is refused before anything reads it
    app.state.answers = cache.install(app)  # outermost: a kept answer skips every other layer
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(local_router)
    app.mount("/", StaticFiles(directory=str(files("detente.web") / "static"), html=True), name="web")
    return app
