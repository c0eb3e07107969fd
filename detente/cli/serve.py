"""`detente serve`: the REST API and the web dashboard; while it runs, the CLI on this machine goes through it."""

from __future__ import annotations

import gc
import socket
from typing import TYPE_CHECKING

import typer

from detente.cli.app import app
from detente.cli.context import console, state

if TYPE_CHECKING:
    from detente.api.feed import FollowSpec


@app.command(rich_help_panel="Serve")
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default from DETENTE_HOST)."),
    port: int | None = typer.Option(None, help="Port to listen on (default from DETENTE_PORT; 0: any free port)."),
    follow: bool = typer.Option(False, "--follow", help="Keep the store current from GDELT 2.0 while serving."),
    since: str | None = typer.Option(
        None, "--since", help="With --follow: backfill every quarter-hour from this one, YYYYMMDDHHMM (UTC)."
    ),
    interval: float = typer.Option(900.0, "--interval", min=1.0, help="With --follow: seconds between checks."),
    base_url: str | None = typer.Option(None, "--base-url", help="With --follow: publisher or mirror base URL."),
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the dashboard. Other `detente` commands on the same store
    keep working meanwhile: they send their reads and writes to this server."""
    spec = None
    if follow:
        from detente.api.feed import FollowSpec
        from detente.cli.fetch import _parse_at

        s = state.settings
        spec = FollowSpec(
            base_url=base_url or s.gdelt_url, dest=s.db.expanduser().parent / "downloads" / "gdelt2",
            interval=interval, since=_parse_at(since),
        )  # fmt: skip
    run_server(host=host, port=port, follow=spec)


def run_server(host: str | None = None, port: int | None = None, follow: FollowSpec | None = None) -> None:
    """Bind, announce and serve the store of the CLI's settings until stopped (``serve`` and ``demo`` run this)."""
    import uvicorn

    from detente.announcement import announced
    from detente.api import create_app
    from detente.errors import Conflict

    s = state.settings
    running = announced(s.db)
    if running is not None:
        raise Conflict(f"The store {s.db} is already served at {running.url}.", hint="Use it, or stop it first.")
    h, p = host or s.host, s.port if port is None else port
    family = socket.AF_INET6 if ":" in h else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((h, p))
    sock.listen(2048)  # from now on a client's connection waits in the backlog until the app is up, never refused
    bound = sock.getsockname()[1]
    local = "127.0.0.1" if h in ("0.0.0.0", "") else ("[::1]" if h == "::" else (f"[{h}]" if ":" in h else h))
    api = create_app(s, local_url=f"http://{local}:{bound}", follow=follow)
    api.state.writer.on_loaded.append(_settle)
    shown = f"[{h}]" if ":" in h else h
    console.print(
        f"detente is serving at [bold]http://{shown}:{bound}/[/bold]  (API docs: http://{shown}:{bound}/docs)"
    )
    # uvloop and httptools (C) when installed, else uvicorn's pure-Python loop and parser
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", loop="auto", http="auto"))
    try:
        server.run(sockets=[sock])
    finally:
        gc.unfreeze()  # collected again before exit (nothing frozen is left to the interpreter's teardown)
        gc.collect()


def _settle(_store: object) -> None:
    """After each load of the resident tables: collect once (in the loader's thread: requests wait for it then,
    once per load, not at random), then move the objects alive
    (those tables, compiled queries, the app) out of the cyclic collector's scans. A full collection of them took
    40-130 ms, a pause every request waited behind. Unfrozen first, so that cyclic garbage of the previous load
    (frozen with it last time) is collected rather than kept for the server's lifetime."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
