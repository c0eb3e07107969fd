"""Local control of a served store: the CLI on this machine sends its commands here (``/api/local``).

Only a server started by ``detente serve`` answers, and only to the bearer of the token it wrote into its
announcement file (owner-only, :mod:`detente.announcement`): whoever can read that file could open the store
itself. A command runs in a thread of its own; its output streams back as JSON lines ({"o": text},
{"e": text}, finally {"exit": code}). Each command carries an id, and an id runs once.
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from detente.api.deps import WriterDep
from detente.errors import Conflict, NotFound, Unauthorized

__all__ = ["Jobs", "router"]

router = APIRouter(prefix="/api/local", include_in_schema=False)


class Jobs:
    """Commands run for CLI clients: their state by id, and the threads still running."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: dict[str, dict[str, Any]] = {}
        self.threads: list[threading.Thread] = []

    def join(self, timeout: float) -> None:
        for t in list(self.threads):
            t.join(timeout)


def _authorised(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    a = getattr(request.app.state, "announcement", None)
    if a is None:
        raise NotFound("This server takes no local commands.", hint="Start it with `detente serve`.")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(token.encode(), a.token.encode()):
        raise Unauthorized("Local commands need the token of this server.", hint="Run the command with the CLI.")


Local = Depends(_authorised)


class RunIn(BaseModel):
    argv: list[Annotated[str, Field(max_length=8192)]] = Field(max_length=512)
    id: str = Field(pattern=r"^[0-9a-f]{8,64}$")
    width: int = Field(100, ge=20, le=1000)


@router.post("/run", dependencies=[Local])
def run(body: RunIn, request: Request) -> StreamingResponse:
    """Run one CLI command here; stream its output."""
    from detente.cli.hosted import run_hosted

    app = request.app
    jobs: Jobs = app.state.local_jobs
    with jobs.lock:
        if body.id in jobs.state:
            raise Conflict(f"Command {body.id} was already run.", hint="Send each command once, with a new id.")
        jobs.state[body.id] = {"id": body.id, "argv": body.argv, "state": "running", "exit": None}
    q: queue.Queue[dict[str, Any]] = queue.Queue()

    def work() -> None:
        rc = 1
        try:
            rc = run_hosted(
                body.argv, settings=app.state.settings, writer=app.state.writer,
                emit=lambda k, s: q.put({k: s}), width=body.width,
            )  # fmt: skip
        except BaseException as e:
            q.put({"e": f"error: the server failed running the command: {type(e).__name__}: {e}\n"})
        finally:
            with jobs.lock:
                jobs.state[body.id].update(state="done", exit=rc)
            q.put({"exit": rc})

    t = threading.Thread(target=work, name=f"detente-cli-{body.id[:8]}", daemon=True)
    jobs.threads = [x for x in jobs.threads if x.is_alive()] + [t]
    t.start()

    def stream() -> Iterator[str]:
        while True:
            msg = q.get()
            yield json.dumps(msg) + "\n"
            if "exit" in msg:
                return

    return StreamingResponse(stream(), media_type="application/x-ndjson")


@router.get("/jobs", dependencies=[Local])
def jobs(request: Request) -> list[dict[str, Any]]:
    """Commands run for CLI clients since the server started."""
    j: Jobs = request.app.state.local_jobs
    with j.lock:
        return [dict(v) for v in j.state.values()]


class OutboxIn(BaseModel):
    force: bool = False


@router.post("/outbox", dependencies=[Local])
def outbox(body: OutboxIn, request: Request, writer: WriterDep) -> dict[str, int]:
    """Apply the ops outbox to the store now, on the writer."""
    from detente.api.routes.ops.deps import get_ops
    from detente.ops import outbox as ob

    db = get_ops(request)
    with db.session() as s, writer.write() as store:
        return ob.apply(s, store, force=body.force)
