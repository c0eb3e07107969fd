"""The root Typer app; each command group lives in its own module and registers itself here."""

from __future__ import annotations

from pathlib import Path

import typer

from detente.cli.context import state

app = typer.Typer(
    name="detente",
    help="Military diplomacy as working software: observe, measure, simulate, operate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    db: Path | None = typer.Option(None, "--db", envvar="DETENTE_DB", help="DuckDB store file."),
) -> None:
    state.configure(db=db)


# Command modules register their commands on `app` when imported (order = help order).
from detente.cli import (  # noqa: E402
    coder,
    data,
    demo,
    engagements,
    fetch,
    forecast,
    measure,
    ops,
    ops_actions,
    reference,
    serve,
    simulate,
)

__all__ = [
    "app",
    "coder",
    "data",
    "demo",
    "engagements",
    "fetch",
    "forecast",
    "measure",
    "ops",
    "ops_actions",
    "reference",
    "serve",
    "simulate",
]
