"""`detente serve`: the REST API and the web dashboard."""

from __future__ import annotations

import typer

from detente.cli.app import app
from detente.cli.context import console, state


@app.command(rich_help_panel="Serve")
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default from DETENTE_HOST)."),
    port: int | None = typer.Option(None, help="Port to listen on (default from DETENTE_PORT)."),
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the dashboard."""
    import uvicorn

    from detente.api import create_app

    s = state.settings
    h, p = host or s.host, port or s.port
    api = create_app(s)
    console.print(f"detente is serving at [bold]http://{h}:{p}/[/bold]  (API docs: http://{h}:{p}/docs)")
    uvicorn.run(api, host=h, port=p, log_level="warning")
