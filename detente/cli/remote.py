"""The client side of a served store: send a command to the server that holds it, print what it streams back.

The server runs the command with its own store connections (reads on a snapshot of their own, writes on its
one writer), so a read gives the server's answer and a write is applied once, by the process that owns the
file. Arguments naming existing files are made absolute (the server runs elsewhere on this machine). A
command id goes with the request: the server refuses to run the same id twice.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any

__all__ = ["absolute_paths", "call", "forward"]


def absolute_paths(argv: list[str], cwd: str) -> list[str]:
    """argv with every argument (or ``--opt=value``) that names an existing relative path made absolute.

    >>> absolute_paths(["events", "--dyad", "USA,CHN", "--limit=3"], "/nonexistent")
    ['events', '--dyad', 'USA,CHN', '--limit=3']
    """
    out = []
    for arg in argv:
        head, sep, value = arg.partition("=") if arg.startswith("-") else ("", "", arg)
        if arg.startswith("-") and not sep:
            out.append(arg)
            continue
        if value and not value.startswith("-") and not os.path.isabs(value):
            p = os.path.join(cwd, value)
            if os.path.exists(p) or (os.sep in value and os.path.isdir(os.path.dirname(p))):
                value = os.path.normpath(p)
        out.append(f"{head}{sep}{value}" if sep else value)
    return out


def forward(argv: list[str], url: str, token: str) -> int:
    """Run ``argv`` on the server at ``url``; stream its output here; return its exit code."""
    job = uuid.uuid4().hex
    body = json.dumps(
        {
            "argv": absolute_paths(argv, os.getcwd()),
            "id": job,
            "width": shutil.get_terminal_size((100, 24)).columns,
        }
    ).encode()
    req = urllib.request.Request(
        f"{url}/api/local/run",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=None) as resp:
            for raw in resp:
                msg = json.loads(raw)
                if "o" in msg:
                    sys.stdout.write(msg["o"])
                    sys.stdout.flush()
                elif "e" in msg:
                    sys.stderr.write(msg["e"])
                    sys.stderr.flush()
                elif "exit" in msg:
                    return int(msg["exit"])
    except urllib.error.HTTPError as e:
        try:
            line = json.loads(e.read())["error"]["message"]
        except (ValueError, KeyError, TypeError):
            line = f"HTTP {e.code}"
        sys.stderr.write(f"error: the server holding this store refused the command: {line}\n")
        return 1
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        sys.stderr.write(
            f"error: the store is held by the server at {url}, which does not answer ({e}). "
            "Stop that server, or wait for it to start.\n"
        )
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"error: interrupted; the server finishes command {job} (a write lands whole once).\n")
        return 130
    sys.stderr.write(f"error: the server at {url} stopped before command {job} finished.\n")
    return 1


def call(url: str, token: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST a small JSON request to the local server's ``path``; its JSON answer (errors raise StoreError)."""
    from detente.errors import StoreError

    req = urllib.request.Request(
        f"{url}{path}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            out: dict[str, Any] = json.loads(resp.read())
            return out
    except urllib.error.HTTPError as e:
        raise StoreError(
            f"The server holding this store refused {path}: HTTP {e.code}.", hint="See the server's log."
        ) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        raise StoreError(
            f"The store is held by the server at {url}, which does not answer ({e}).",
            hint="Stop that server, or wait for it to start.",
        ) from None
