"""A GDELT 2.0 publisher on 127.0.0.1 for follow tests: update lists and export zips built from the real sample.

Each quarter-hour's export is the real shared 15-minute export with fresh event ids and its dates shifted
back one day per quarter-hour (as ../shared/tools/tile_gdelt.py does), zipped on the fly. Faults by file
name: ``404``, ``truncate`` (the zip cut in half, the list keeps the full size and MD5), ``badzip`` (the
cut zip, listed with its own size and MD5), ``md5`` (the list gives a wrong MD5), ``hang`` (the server
waits before answering), ``twice`` (the list names the file twice).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def tile(sample: bytes, k: int) -> bytes:
    """The sample with event ids offset by k * 10^7 and dates shifted back k days."""
    out = []
    for line in sample.decode("utf-8").splitlines():
        f = line.split("\t")
        f[0] = str(int(f[0]) + k * 10_000_000)
        d = dt.datetime.strptime(f[1], "%Y%m%d").date() - dt.timedelta(days=k)
        f[1], f[2], f[3] = f"{d:%Y%m%d}", f"{d:%Y%m}", f"{d:%Y}"
        f[59] = f"{d:%Y%m%d}" + f[59][8:]
        out.append("\t".join(f))
    return ("\n".join(out) + "\n").encode("utf-8")


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


class Feed:
    """The publisher's state: which quarter-hours exist, the newest one, and faults by file name."""

    def __init__(self, sample: Path, first: dt.datetime, count: int) -> None:
        self.raw = sample.read_bytes()
        self.stamps = [first + dt.timedelta(minutes=15 * i) for i in range(count)]
        self.latest = len(self.stamps) - 1  # index of the newest published quarter-hour
        self.faults: dict[str, str] = {}
        self.hang_seconds = 5.0
        self.requests: list[str] = []
        self._zips = {self.name(t): zipped(self.name(t).removesuffix(".zip"), tile(self.raw, k))
                      for k, t in enumerate(self.stamps)}  # fmt: skip
        self.base = ""

    @staticmethod
    def name(stamp: dt.datetime) -> str:
        return f"{stamp:%Y%m%d%H%M%S}.export.CSV.zip"

    def zip_of(self, name: str) -> bytes | None:
        return self._zips.get(name)

    def body(self, name: str) -> bytes | None:
        z = self.zip_of(name)
        if z is None or self.faults.get(name) == "404":
            return None
        if self.faults.get(name) in ("truncate", "badzip"):
            return z[: len(z) // 2]
        return z

    def line(self, name: str) -> str:
        z = self.zip_of(name)
        assert z is not None
        fault = self.faults.get(name)
        listed = self.body(name) if fault == "badzip" else z
        assert listed is not None
        md5 = "0" * 32 if fault == "md5" else hashlib.md5(listed).hexdigest()
        lines = [f"{len(listed)} {md5} {self.base}/gdeltv2/{name}"]
        return "\n".join(lines * 2 if fault == "twice" else lines)

    def listing(self, upto: int) -> str:
        names = [self.name(s) for s in self.stamps[: upto + 1]]
        other = [f"10 {'a' * 32} {self.base}/gdeltv2/{n.replace('export', 'mentions')}" for n in names]
        return "\n".join([*(self.line(n) for n in names), *other]) + "\n"

    def lastupdate(self) -> str:
        n = self.name(self.stamps[self.latest])
        return self.line(n) + f"\n10 {'b' * 32} {self.base}/gdeltv2/{n.replace('export', 'gkg')}\n"


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out and left (the hang fault) is expected


class FeedServer:
    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.release = threading.Event()
        self.httpd = _Quiet(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        feed.base = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        feed, release = self.feed, self.release

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                feed.requests.append(path)
                name = path.rsplit("/", 1)[-1]
                if name == "lastupdate.txt":
                    body: bytes | None = feed.lastupdate().encode()
                elif name == "masterfilelist.txt":
                    body = feed.listing(feed.latest).encode()
                else:
                    if feed.faults.get(name) == "hang":
                        release.wait(feed.hang_seconds)
                    body = feed.body(name)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return H

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
