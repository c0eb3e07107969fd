"""Screenshots of the main pages for docs/screenshots/ (1280×800 PNG, palette-quantised to stay small).

Usage: .venv/bin/python scripts/screenshots.py [--db var/detente.duckdb] [--out docs/screenshots]
Serves the store on a free loopback port and drives Debian's headless Chromium (as the browser tests do).
The operations page is shot logged in as the demo user ``estonia`` (password ``detente-demo``, `make run`).
"""

from __future__ import annotations

import argparse
import io
import shutil
import socket
import threading
import time
from pathlib import Path

PAGES = [
    ("map", "/map.html?actor=RUS", "#map[data-coloured]"),
    ("timeline", "/index.html?dyad=EST,RUS&res=month", "#explain[data-loaded='1']"),
    ("brief", "/api/dyads/EST,RUS/brief?res=month", "#why"),
    ("alerts", "/alerts.html", "#alerts li"),
    ("pathways", "/simulate.html", "#results:not([hidden])"),
    ("sources", "/sources.html", "#sources tbody tr"),
    ("operations", "/ops.html", "#workspace:not([hidden])"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _small_png(png: bytes) -> bytes:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from detente.api import create_app
    from detente.config import Settings

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, default=Path("var/detente.duckdb"))
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--only", default="", help="comma-separated page names")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = _port()
    app = create_app(Settings(db=args.db))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    only = {n for n in args.only.split(",") if n}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_context(viewport={"width": 1280, "height": 800}).new_page()
        for name, path, ready in PAGES:
            if only and name not in only:
                continue
            if name == "operations":
                page.goto(url + "/ops.html")
                page.fill("#username", "estonia")
                page.fill("#password", "detente-demo")
                page.click("#login-button")
            elif name == "pathways":  # a small ensemble, so the page shows its ranking
                page.goto(url + path)
                page.wait_for_selector("#scenario option[value='two-bloc']", state="attached")
                page.select_option("#scenario", "two-bloc")
                page.fill("#runs", "50")
                page.select_option("#mixes", "2")
                page.click("#start")
            else:
                page.goto(url + path)
            page.wait_for_selector(ready, timeout=120_000)
            page.wait_for_timeout(500)
            target = args.out / f"{name}.png"
            target.write_bytes(_small_png(page.screenshot()))
            print(f"{target} {target.stat().st_size // 1024} KiB")
        b.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
