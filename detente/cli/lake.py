"""CLI: ``detente lake`` — write the Parquet lake a cluster reads, and show what a lake holds."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from detente.cli.app import app
from detente.cli.context import console, print_json, state

__all__ = ["export", "info", "write_lake"]

lake_app = typer.Typer(
    help="The Parquet lake: events by year and month plus derived tables, for the Spark engine.",
    no_args_is_help=True,
)
app.add_typer(lake_app, name="lake", rich_help_panel="Observe")


def write_lake(to: Path, tables: list[str] | None = None, *, full: bool = False) -> dict[str, int]:
    """Export the DuckDB store of the settings to the lake folder ``to`` (used by ``ingest --lake`` too):
    only the year/month partitions changed since the last export, or all with ``full``."""
    from detente.store import Store
    from detente.store.lake import export_lake

    s = state.settings
    with Store.open(s.db, read_only=True, memory_limit=s.memory_limit, threads=s.threads) as store:
        return export_lake(store, to, tables, full=full)


@lake_app.command()
def export(
    to: Path | None = typer.Option(None, "--to", help="Lake folder (default: the lake setting, `lake/` by the db)."),
    table: list[str] | None = typer.Option(None, "--table", "-t", help="Only this table; repeatable."),
    full: bool = typer.Option(False, "--full", help="Write every partition again, not only the changed ones."),
    json_out: bool = typer.Option(False, "--json", help="Print rows per table as JSON."),
) -> None:
    """Write the store's tables as Parquet (events partitioned by year and month). Only the partitions that
    changed since the last export are written; the new lake replaces the old one at the end."""
    dest = to if to is not None else state.settings.lake_dir()
    counts = write_lake(dest, table or None, full=full)
    if json_out:
        print_json({"lake": str(dest), "tables": counts})
        return
    console.print(f"lake [bold]{dest}[/bold]: {len(counts)} tables, {counts.get('events', 0):,} events")


@lake_app.command()
def info(
    lake: Path | None = typer.Argument(None, help="Lake folder (default: the lake setting)."),
    json_out: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """What a lake holds: tables, rows, partitioning, the store schema it was written from."""
    where = lake if lake is not None else state.settings.lake_dir()
    from detente.store.lake import read_manifest

    m = read_manifest(where)
    if json_out:
        print_json(m)
        return
    t = Table(title=f"lake {where} (store schema {m.get('store_version')}, written {m.get('written_at')})")
    for col in ("table", "rows", "partitioned by"):
        t.add_column(col, justify="right" if col == "rows" else "left")
    for name, meta in sorted(m["tables"].items()):
        part = meta.get("partitioned_by")
        t.add_row(name, f"{meta.get('rows', 0):,}", f"year, month of {part}" if part else "–")
    console.print(t)
