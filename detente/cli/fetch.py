"""`detente fetch ...`: download published datasets (GDELT, ATOP, COW) and ingest them."""

from __future__ import annotations

import typer

from detente.cli.app import app

fetch_app = typer.Typer(help="Download published datasets from their publishers and load them.", no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")
