"""The downloader against a local HTTP server: resume, retries, size checks, atomic rename. No internet."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
import pytest

from detente.errors import FetchError
from detente.ingest.fetch import download, filename_from_url

from .httpserver import LocalServer, no_sleep

BODY = os.urandom(300_000)


@pytest.fixture()
def server() -> LocalServer:
    with LocalServer({"/data/file.bin": BODY, "/small.txt": b"hello\n"}) as srv:
        yield srv


def test_plain_download(server: LocalServer, tmp_path: Path) -> None:
    seen: list[int] = []
    out = download(f"{server.url}/data/file.bin", tmp_path, progress=lambda n, t: seen.append(n))
    assert out == tmp_path / "file.bin"
    assert out.read_bytes() == BODY
    assert not (tmp_path / "file.bin.part").exists()
    assert seen[-1] == len(BODY)


def test_dropped_connection_resumes_with_range(server: LocalServer, tmp_path: Path) -> None:
    server.script.plan = ["drop:100000", "drop:50000"]
    waits, sleep = no_sleep()
    out = download(f"{server.url}/data/file.bin", tmp_path / "f.bin", backoff=0.5, sleep=sleep)
    assert out.read_bytes() == BODY
    starts = [int(r["range"][6:-1]) if r["range"] else 0 for r in server.script.requests]
    # each resume asks for the rest from what was written (httpx may drop a last, partly received chunk)
    assert len(starts) == 3 and starts[0] == 0 and 0 < starts[1] <= 100_000 and starts[1] < starts[2]
    assert waits == [0.5, 1.0]  # exponential backoff


def test_server_ignoring_range_restarts_from_zero(server: LocalServer, tmp_path: Path) -> None:
    server.script.plan = ["drop:100000", "ignore-range"]
    _waits, sleep = no_sleep()
    out = download(f"{server.url}/data/file.bin", tmp_path / "f.bin", sleep=sleep)
    assert out.read_bytes() == BODY
    assert server.script.requests[1]["range"] is not None


def test_existing_part_file_is_resumed(server: LocalServer, tmp_path: Path) -> None:
    (tmp_path / "f.bin.part").write_bytes(BODY[:1234])
    out = download(f"{server.url}/data/file.bin", tmp_path / "f.bin")
    assert out.read_bytes() == BODY
    assert server.script.requests[0]["range"] == "bytes=1234-"


def test_complete_part_file_gets_416_and_is_kept(server: LocalServer, tmp_path: Path) -> None:
    (tmp_path / "f.bin.part").write_bytes(BODY)
    out = download(f"{server.url}/data/file.bin", tmp_path / "f.bin")
    assert out.read_bytes() == BODY


def test_500_twice_then_success(server: LocalServer, tmp_path: Path) -> None:
    server.script.plan = ["500", "503"]
    waits, sleep = no_sleep()
    out = download(f"{server.url}/small.txt", tmp_path / "s.txt", backoff=0.25, sleep=sleep)
    assert out.read_text() == "hello\n"
    assert len(server.script.requests) == 3
    assert waits == [0.25, 0.5]


def test_gives_up_after_retries_with_one_line(server: LocalServer, tmp_path: Path) -> None:
    server.script.plan = ["500"] * 10
    _waits, sleep = no_sleep()
    with pytest.raises(FetchError) as e:
        download(f"{server.url}/small.txt", tmp_path / "s.txt", retries=2, sleep=sleep)
    assert "after 3 attempts" in e.value.line() and "HTTP 500" in e.value.line()
    assert "\n" not in e.value.line()
    assert not (tmp_path / "s.txt").exists()


def test_404_fails_at_once(server: LocalServer, tmp_path: Path) -> None:
    waits, sleep = no_sleep()
    with pytest.raises(FetchError, match="HTTP 404"):
        download(f"{server.url}/missing.csv", tmp_path / "m.csv", sleep=sleep)
    assert len(server.script.requests) == 1 and waits == []


def test_connection_refused_is_retried_then_fails(tmp_path: Path) -> None:
    with LocalServer({}) as srv:
        url = srv.url
    waits, sleep = no_sleep()
    with pytest.raises(FetchError, match="connection error"):
        download(f"{url}/x", tmp_path / "x", retries=2, timeout=2, sleep=sleep)
    assert len(waits) == 2


def test_checksum(server: LocalServer, tmp_path: Path) -> None:
    good = hashlib.sha256(BODY).hexdigest()
    assert download(f"{server.url}/data/file.bin", tmp_path / "a", sha256=good).read_bytes() == BODY
    with pytest.raises(FetchError, match="SHA-256"):
        download(f"{server.url}/data/file.bin", tmp_path / "b", sha256="0" * 64)
    assert not (tmp_path / "b").exists() and not (tmp_path / "b.part").exists()


def test_short_body_without_drop_is_retried(tmp_path: Path) -> None:
    """A response that ends early (Content-Length larger than the body) counts as incomplete and resumes."""
    calls: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers.get("Range"))
        if len(calls) == 1:
            return httpx.Response(200, headers={"Content-Length": "10"}, stream=httpx.ByteStream(b"01234"))
        headers = {"Content-Range": "bytes 5-9/10", "Content-Length": "5"}
        return httpx.Response(206, headers=headers, stream=httpx.ByteStream(b"56789"))

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        out = download("http://example.invalid/t.txt", tmp_path, client=client, sleep=lambda s: None)
    assert out.read_bytes() == b"0123456789"
    assert calls == [None, "bytes=5-"]


def test_filename_from_url() -> None:
    assert filename_from_url("http://h/a/b/c.zip?x=1") == "c.zip"
    assert filename_from_url("http://h/") == "download"
