"""CLI: load-engagements (import the engagement datasets) and engagements (list them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.data import parse_date
from detente.core.actors import parse_dyad
from detente.core.taxonomy import EngagementKind
from detente.errors import ConfigError, DetenteError, IngestError

if TYPE_CHECKING:
    from rich.table import Table

    from detente.ingest.base import IngestSummary

__all__ = ["check_kind", "parse_only"]


def parse_only(only: str | None) -> list[str]:
    """Dataset names from ``--only mme,jme`` (all registered ones when empty); unknown names fail at once."""
    from detente.ingest.engagements import ENGAGEMENT_SOURCES

    names = [n.strip() for n in (only or "").split(",") if n.strip()] or ENGAGEMENT_SOURCES.names()
    for n in names:
        ENGAGEMENT_SOURCES.get(n)
    return names


def check_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    try:
        return EngagementKind(kind).value
    except ValueError:
        raise ConfigError(
            f"Unknown engagement kind {kind!r}.", hint=f"Choose one of: {', '.join(k.value for k in EngagementKind)}."
        ) from None


def _table(rows: list[tuple[str, IngestSummary]]) -> Table:
    from rich.table import Table

    t = Table(title="engagements loaded")
    for col in ("dataset", "file", "read", "stored", "duplicates", "quarantined", "reconciles", "seconds"):
        t.add_column(col, justify="left" if col in ("dataset", "file") else "right")
    for name, s in rows:
        t.add_row(
            name, Path(s.path).name, f"{s.read:,}", f"{s.stored:,}", f"{s.duplicates:,}", f"{s.quarantined:,}",
            "yes" if s.reconciles else "NO", f"{s.seconds:.2f}",
        )  # fmt: skip
    return t


@app.command("load-engagements", rich_help_panel="Observe")
def load_engagements(
    only: str | None = typer.Option(None, "--only", help="Comma-separated datasets (default: all), e.g. mme,jme,pax."),
    data: Path | None = typer.Option(
        None, "--data", help="Folder of the data extracts (default: settings.shared_data)."
    ),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Drop each dataset's earlier engagements and quarantine first (after the reference grew).",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the reconciled summaries as JSON."),
) -> None:
    """Import exercises, visits, peacekeeping, agreements, mediation and arms transfers as engagements."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from detente.ingest.engagements import load

    names = parse_only(only)
    data_dir = (data or state.settings.shared_data).expanduser()
    if not data_dir.is_dir():
        raise IngestError(f"No data folder at {data_dir}.", hint="Pass --data DIR (the folder holding exercises/...).")
    done: list[tuple[str, IngestSummary]] = []
    failures: dict[str, str] = {}
    with (
        state.store() as store,
        Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, disable=json_out or not err.is_terminal,
        ) as bar,
    ):  # fmt: skip
        task = bar.add_task("engagements", total=len(names))
        for n in names:
            bar.update(task, description=f"loading {n}")
            try:
                done.append((n, load(store, n, data_dir=data_dir, replace=replace)))
            except DetenteError as e:
                failures[n] = e.line()
            bar.advance(task)
    if json_out:
        print_json({"datasets": {n: s.to_dict() for n, s in done}, "errors": failures})
    else:
        if done:
            console.print(_table(done))
            for n, s in done:
                for reason, k in sorted(s.reasons.items()):
                    console.print(f"  {n}: quarantined {k:,}: {reason}")
        for n, line in failures.items():
            err.print(f"[red]{n}[/red]: {line}")
    if failures:
        raise IngestError(f"{len(failures)} of {len(names)} datasets failed: {', '.join(failures)}.",
                          hint="See the lines above.")  # fmt: skip


@app.command("engagements", rich_help_panel="Observe")
def list_engagements(
    actor: str | None = typer.Option(None, "--actor", help="Actor id, e.g. USA (participant or third party)."),
    dyad: str | None = typer.Option(None, "--dyad", help="Two actor ids, e.g. USA,JPN."),
    kind: str | None = typer.Option(None, "--kind", help="Engagement kind, e.g. joint_exercise."),
    since: str | None = typer.Option(None, "--since", help="YYYY-MM-DD: engagements ongoing on or after."),
    until: str | None = typer.Option(None, "--until", help="YYYY-MM-DD: engagements begun on or before."),
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset (e.g. mme_v7, pax)."),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000, help="At most this many, newest first."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List engagements of an actor or a dyad, newest first."""
    from rich.table import Table

    from detente.store.analytics.engagements import engagements
    from detente.store.records import engagement_records

    pair: tuple[str, str] | None = None
    if dyad:
        pair = parse_dyad(dyad, label="--dyad")
    with state.store(read_only=True) as store:
        expr = engagements(
            store, actor=actor.upper() if actor else None, dyad=pair, kind=check_kind(kind),
            since=parse_date(since, "--since"), until=parse_date(until, "--until"), dataset=dataset, limit=limit,
        )  # fmt: skip
        rows = engagement_records(expr)
    if json_out:
        print_json({"engagements": rows, "count": len(rows)})
        return
    t = Table(title=f"engagements ({len(rows)})")
    for col in ("start", "end", "kind", "name", "participants", "third parties", "dataset"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(
            r["start_date"], r["end_date"] or "", r["kind"], _short(r["name"], 60),
            _short(", ".join(r["participants"]), 60), _short(", ".join(r["third_parties"] or []), 40), r["dataset"],
        )  # fmt: skip
    console.print(t)


def _short(text: Any, n: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"
