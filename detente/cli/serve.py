"""`detente serve`: the REST API and the web dashboard; while it runs, the CLI on this machine goes through it."""

from __future__ import annotations

import gc
import socket
import threading
import time
from typing import TYPE_CHECKING

import typer

from detente.cli.app import app
from detente.cli.context import console, state

if TYPE_CHECKING:
    from detente.api.activity import Activity
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
    gc.collect()  # what the imports and the app made, once, before anyone is served (0.2 s), then left alone
    gc.freeze()
    sweeper = Sweeper(api.state.activity)
    api.state.writer.on_loaded.append(sweeper.settle)
    shown = f"[{h}]" if ":" in h else h
    console.print(
        f"detente is serving at [bold]http://{shown}:{bound}/[/bold]  (API docs: http://{shown}:{bound}/docs)"
    )
    # uvloop and httptools (C) when installed, else uvicorn's pure-Python loop and parser
    server = uvicorn.Server(uvicorn.Config(api, log_level="warning", loop="auto", http="auto"))
    try:
        server.run(sockets=[sock])
    finally:
        sweeper.close()
        gc.unfreeze()  # collected again before exit (nothing frozen is left to the interpreter's teardown)
        gc.collect()


class Sweeper:
    """The cyclic garbage collector of the serving process, kept off the requests.

    After each load of the resident tables (:meth:`settle`, in the loader's thread) only what was made since the
    last load is collected (the load's own garbage: milliseconds), then everything alive (those tables, compiled
    queries, the app) is frozen out of the collector's scans: a full collection of it stops every request for
    100-300 ms at 10 M events. What a load drops that was frozen with an earlier one, in a reference cycle, is
    only freed by a full collection: that one runs on this thread once no request has been in flight for
    ``quiet`` seconds (or after ``at_most`` seconds anyway), not right after every load while users read."""

    def __init__(self, activity: Activity, quiet: float = 2.0, at_most: float = 600.0) -> None:
        self.activity, self.quiet, self.at_most = activity, quiet, at_most
        self.due = threading.Event()
        self.sweeps = 0
        self.settled = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="detente-sweeper", daemon=True)
        self._thread.start()

    def settle(self, _store: object = None) -> None:
        earlier, self.settled = self.settled, True  # the first load has no earlier one whose leftovers to sweep
        gc.collect()  # the objects not frozen: made since the last load (or since the server started)
        gc.freeze()
        if earlier:
            self.due.set()

    def close(self) -> None:
        """Stop the sweeper (a sweep under way ends first)."""
        self._stop = True
        self.due.set()
        self._thread.join()

    def _run(self) -> None:
        while self.due.wait() and not self._stop:
            since = time.monotonic()
            while self.activity.quiet_for() < self.quiet and time.monotonic() - since < self.at_most:
                if self._stop:
                    return
                time.sleep(self.quiet / 4)
            self.due.clear()
            sweep()
            self.sweeps += 1


def sweep() -> None:
    """A full collection, frozen objects included, then everything alive frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
