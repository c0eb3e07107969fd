"""The application factory: routers per resource, one error handler, the dashboard as static files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from detente import __version__
from detente.api import errors
from detente.api.limits import BodyLimit
from detente.api.routes import ROUTERS
from detente.config import Settings
from detente.store import Store

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the API. Pass ``store`` to serve an already open store (tests use an in-memory one)."""
    s = settings or Settings()
    own = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
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
    errors.install(app)

    @app.middleware("http")
    async def hardening(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Headers a browser needs to keep the pages from being sniffed, framed or leaking their address."""
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.add_middleware(BodyLimit)  # outermost: a body over the limit is refused before anything reads it
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/", StaticFiles(directory=str(files("detente.web") / "static"), html=True), name="web")
    return app
