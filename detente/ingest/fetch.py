"""Download a published file over HTTP(S): streamed, resumable, retried, checked, renamed atomically.

:func:`download` is the one way detente fetches data from a publisher (GDELT,
ATOP, COW...). The body streams into ``DEST.part``; when a ``.part`` is already
there (an earlier attempt or run was cut off) it asks for the rest with an HTTP
``Range`` header, appending on ``206 Partial Content`` and starting over when the
server ignores the range and answers ``200``. Connection errors, timeouts, a
connection dropped mid-body, ``429`` and ``5xx`` are retried with exponential
backoff (``Retry-After`` honoured, capped); other ``4xx`` fail at once. The size
is checked against ``Content-Length`` / ``Content-Range`` and, when given, the
SHA-256; only a complete, checked file is renamed to ``DEST`` (atomic on one
file system). Failure is one :class:`~detente.errors.FetchError` line.

Tests pass ``client=httpx.Client(transport=...)`` or point at a local server.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from detente import __version__
from detente._types import PathLike
from detente.errors import FetchError

__all__ = ["USER_AGENT", "download", "filename_from_url"]

USER_AGENT = f"detente/{__version__} (+https://github.com/detente; research data download)"
MAX_BACKOFF = 60.0  # seconds: no single wait is longer, whatever Retry-After says

Progress = Callable[[int, int | None], None]
"""Called as ``progress(bytes_so_far, total_or_None)`` while a body streams."""


class _Retry(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def filename_from_url(url: str) -> str:
    """The last path segment of a URL (``download`` uses it when ``dest`` is a folder).

    >>> filename_from_url("https://www.atopdata.org/uploads/6/9/1/3/69134503/atop_5.1__.csv_.zip?x=1")
    'atop_5.1__.csv_.zip'
    """
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return name or "download"


def download(
    url: str,
    dest: PathLike,
    *,
    retries: int = 5,
    backoff: float = 1.0,
    timeout: float = 60.0,
    client: httpx.Client | None = None,
    sha256: str | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Download ``url`` to ``dest`` and return the final path.

    ``dest`` is a file path, or an existing folder (the URL's file name is used).
    ``retries`` is how many times a failed attempt is retried (``retries + 1``
    attempts in all); the n-th retry waits ``backoff * 2**(n-1)`` seconds (at most
    60 s; a ``Retry-After`` header replaces that wait). ``timeout`` applies to
    connecting and to each read. ``sha256``, when given, must match the complete
    file. A pre-existing ``DEST.part`` is resumed. ``sleep`` is for tests.
    """
    if retries < 0:
        raise FetchError("retries must be 0 or more.", hint="Pass retries=0 for a single attempt.")
    target = Path(dest).expanduser()
    if target.is_dir():
        target = target / filename_from_url(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    own = client is None
    http = client or httpx.Client(follow_redirects=True, headers={"User-Agent": USER_AGENT})
    last = "no attempt made"
    wait = 0.0
    try:
        for attempt in range(retries + 1):
            if attempt and wait > 0:
                sleep(min(MAX_BACKOFF, wait))
            try:
                _attempt(http, url, part, timeout, progress)
            except _Retry as r:
                last = r.reason
                wait = r.wait if r.wait is not None else backoff * 2**attempt
                continue
            _verify(part, sha256, url)
            os.replace(part, target)
            return target
    finally:
        if own:
            http.close()
    raise FetchError(
        f"Download of {url} failed after {retries + 1} attempts: {last}.",
        hint=f"Check the network and the URL, run the command again to resume ({part.name} is kept), "
        "or download the file yourself and pass its path.",
    )


def _attempt(http: httpx.Client, url: str, part: Path, timeout: float, progress: Progress | None) -> None:
    """One GET; leaves a complete ``part`` or raises :class:`_Retry` / :class:`FetchError`."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        with http.stream("GET", url, headers=headers, timeout=timeout) as resp:
            status = resp.status_code
            if status == 416 and have:
                total = _content_range_total(resp.headers.get("Content-Range", ""))
                if total == have:
                    return  # the .part is already the whole file
                part.unlink()
                raise _Retry("the server refused to resume the partial file (416); starting over", wait=0.0)
            if status == 429 or status >= 500:
                raise _Retry(f"HTTP {status} {resp.reason_phrase}", _retry_after(resp.headers.get("Retry-After")))
            if status >= 400:
                raise FetchError(
                    f"Download of {url} failed: HTTP {status} {resp.reason_phrase}.",
                    hint="Check the URL (pass --url to use another one).",
                )
            if status == 206 and have:
                start = _content_range_start(resp.headers.get("Content-Range", ""))
                if start != have:
                    part.unlink()
                    raise _Retry(f"the server resumed at byte {start}, not {have}; starting over", wait=0.0)
                total = _content_range_total(resp.headers.get("Content-Range", ""))
                mode = "ab"
            else:  # 200 (a server that ignores Range sends the whole body again), or any other 2xx
                have = 0
                length = resp.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                mode = "wb"
            got = have
            with open(part, mode) as f:
                for chunk in resp.iter_raw():  # network-sized chunks: nothing received is held back
                    f.write(chunk)
                    got += len(chunk)
                    if progress is not None:
                        progress(got, total)
    except httpx.TimeoutException as e:
        raise _Retry(f"timed out ({type(e).__name__})") from None
    except httpx.TransportError as e:
        raise _Retry(f"connection error: {_first_line(e)}") from None
    if total is not None:
        size = part.stat().st_size
        if size < total:
            raise _Retry(f"the connection ended after {size} of {total} bytes")
        if size > total:
            part.unlink()
            raise _Retry(f"received {size} bytes, more than the announced {total}; starting over")


def _verify(part: Path, sha256: str | None, url: str) -> None:
    if sha256 is None:
        return
    h = hashlib.sha256()
    with open(part, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    if h.hexdigest() != sha256.lower():
        part.unlink()
        raise FetchError(
            f"The file downloaded from {url} does not match its SHA-256 checksum.",
            hint="Run the command again; if it persists the publisher changed the file (check its checksum).",
        )


_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$")
_RANGE_TOTAL = re.compile(r"/(\d+)\s*$")


def _content_range_start(value: str) -> int | None:
    m = _RANGE.match(value)
    return int(m.group(1)) if m else None


def _content_range_total(value: str) -> int | None:
    m = _RANGE_TOTAL.search(value)
    return int(m.group(1)) if m else None


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _first_line(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0]
