"""A tiny HTTP server on 127.0.0.1 for download tests: scripted failures, Range support, dropped connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Script:
    """What the server does: files by path, plus per-request behaviours consumed in order."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.plan: list[str] = []  # e.g. ["500", "500"], ["drop:1000"], ["ignore-range"]
        self.honour_range = True
        self.requests: list[dict[str, Any]] = []


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            script.requests.append({"path": self.path, "range": self.headers.get("Range")})
            step = script.plan.pop(0) if script.plan else ""
            body = script.files.get(self.path.split("?")[0])
            if step.startswith("5") or step == "429":
                self._plain(int(step), b"server error")
                return
            if body is None:
                self._plain(404, b"not found")
                return
            start = 0
            rng = self.headers.get("Range")
            if rng and script.honour_range and step != "ignore-range":
                start = int(rng.split("=")[1].split("-")[0])
                if start >= len(body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(body)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            rest = body[start:]
            self.send_header("Content-Length", str(len(rest)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if step.startswith("drop:"):
                n = int(step.split(":")[1])
                self.wfile.write(rest[:n])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(rest)

        def _plain(self, status: int, text: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

    return H


class LocalServer:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.script = Script(files)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.script))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def no_sleep() -> tuple[list[float], Callable[[float], None]]:
    waits: list[float] = []
    return waits, waits.append
