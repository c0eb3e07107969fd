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


# Command modules register their commands on `app` when imported (order = help order: the four parts of the
# system, Observe, Measure, Simulate, Operate, then serving).
# isort: off
from detente.cli import coder, data, engagements, fetch, reference  # noqa: E402  Observe
from detente.cli import measure, forecast  # noqa: E402  Measure
from detente.cli import simulate  # noqa: E402  Simulate
from detente.cli import ops, ops_actions, ops_rules  # noqa: E402  Operate
from detente.cli import demo, serve  # noqa: E402  Serve

# isort: on

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
    "ops_rules",
    "reference",
    "serve",
    "simulate",
]
