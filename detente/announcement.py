"""The file a running server leaves beside its store, so that a CLI on the same machine talks to it.

``detente serve`` on ``store.duckdb`` writes ``store.duckdb.server.json`` (mode 0600): the loopback URL,
its pid and a random admin token for this machine's user. The file is removed when the server stops; a
file whose pid is dead is stale and ignored (a server killed with -9 leaves one behind). Light on purpose:
the CLI reads it before it imports anything heavy.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Announcement", "announce", "announced", "path_for", "withdraw"]


@dataclass(frozen=True)
class Announcement:
    url: str
    pid: int
    token: str
    db: str


def path_for(db: str | Path) -> Path:
    """Where the server of the store ``db`` announces itself."""
    p = Path(db).expanduser().resolve()
    return p.with_name(p.name + ".server.json")


def announce(db: str | Path, url: str) -> Announcement:
    """Write the announcement (owner-only) and return it; the token is new each time."""
    a = Announcement(url=url, pid=os.getpid(), token=secrets.token_urlsafe(32), db=str(Path(db).expanduser().resolve()))
    p = path_for(db)
    tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(a.__dict__, f)
    os.replace(tmp, p)
    return a


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's: not a server this user may talk to
        return False
    return True


def announced(db: str | Path) -> Announcement | None:
    """The live server of ``db``, or None (no file, an unreadable one, or a dead pid)."""
    if str(db) == ":memory:":
        return None
    p = path_for(db)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        a = Announcement(url=str(raw["url"]), pid=int(raw["pid"]), token=str(raw["token"]), db=str(raw["db"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return a if _alive(a.pid) else None


def withdraw(db: str | Path, a: Announcement) -> None:
    """Remove the announcement if it is still ours (a newer server may have replaced it)."""
    p = path_for(db)
    try:
        if json.loads(p.read_text(encoding="utf-8")).get("token") == a.token:
            p.unlink()
    except (OSError, ValueError):
        pass
