"""CLI: load-engagements (import the engagement datasets) and engagements (list them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.data import parse_date
from detente.cli.output import RowRate, emit, format_option, resolve
from detente.core.actors import parse_dyad
from detente.core.taxonomy import EngagementKind
from detente.errors import ConfigError, DetenteError, IngestError

if TYPE_CHECKING:
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
    t = Table(title="engagements loaded")
    cols = ("dataset", "file", "read", "stored", "duplicates", "filtered", "quarantined", "reconciles", "seconds")
    for col in cols:
        t.add_column(col, justify="left" if col in ("dataset", "file") else "right", overflow="fold")
    for name, s in rows:
        t.add_row(
            name, Path(s.path).name, f"{s.read:,}", f"{s.stored:,}", f"{s.duplicates:,}", f"{s.filtered:,}",
            f"{s.quarantined:,}", "yes" if s.reconciles else "NO", f"{s.seconds:.2f}",
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
    from detente.ingest.engagements import ENGAGEMENT_SOURCES, load

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
        rate = RowRate()
        for n in names:
            src = ENGAGEMENT_SOURCES.get(n)
            bar.update(task, description=f"reading {src.path} ({n}) · {rate.label()}")
            try:
                done.append((n, load(store, n, data_dir=data_dir, replace=replace)))
                rate.add(done[-1][1].read)
            except DetenteError as e:
                failures[n] = e.line()
            bar.advance(task)
    if json_out:
        print_json({"datasets": {n: s.to_dict() for n, s in done}, "errors": failures})
    else:
        if done:
            console.print(_table(done))
            for n, s in done:
                for reason, k in sorted(s.filtered_reasons.items()):
                    console.print(f"  {n}: filtered {k:,} (not bad rows): {reason}", soft_wrap=True)
                for reason, k in sorted(s.reasons.items()):
                    console.print(f"  {n}: quarantined {k:,}: {reason}", soft_wrap=True)
        for n, line in failures.items():
            err.print(f"error: {n}: {line}", markup=False, highlight=False)
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
    fmt: str = format_option(),
    json_out: bool = typer.Option(False, "--json", help="Same as --format json."),
) -> None:
    """List engagements of an actor or a dyad, newest first."""
    from detente.store.analytics.engagements import engagements
    from detente.store.records import engagement_records

    out = resolve(fmt, as_json=json_out)
    pair: tuple[str, str] | None = None
    if dyad:
        pair = parse_dyad(dyad, label="--dyad")
    with state.store(read_only=True) as store:
        expr = engagements(
            store, actor=actor.upper() if actor else None, dyad=pair, kind=check_kind(kind),
            since=parse_date(since, "--since"), until=parse_date(until, "--until"), dataset=dataset, limit=limit,
        )  # fmt: skip
        rows = engagement_records(expr)
    if out == "table":
        shown = [
            {"start": r["start_date"], "end": r["end_date"], "kind": r["kind"], "name": _short(r["name"], 60),
             "participants": _short(", ".join(r["participants"]), 60),
             "third parties": _short(", ".join(r["third_parties"] or []), 40), "dataset": r["dataset"]}
            for r in rows
        ]  # fmt: skip
        emit(shown, out, title=f"engagements ({len(rows)})", empty="No engagements.")
        return
    cols = ["engagement_id", "start_date", "end_date", "kind", "name", "participants", "third_parties", "dataset"]
    emit(rows, out, [c for c in cols if not rows or c in rows[0]], payload={"engagements": rows, "count": len(rows)})


def _short(text: Any, n: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"
