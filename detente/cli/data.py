"""CLI: init, ingest, events, sources — getting data in and looking at it."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.output import RowRate, emit, format_option, resolve
from detente.core.actors import parse_dyad
from detente.errors import DetenteError, InputError

if TYPE_CHECKING:
    from detente.ingest import IngestSummary

__all__ = ["parse_date", "stop_signals"]


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date.", hint="Use YYYY-MM-DD.") from None


@app.command(rich_help_panel="Observe")
def init(
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Create (or migrate) the store and load the packaged reference data."""
    from detente.store.event_writer import sweep
    from detente.store.reference import load_reference

    with state.store() as store:
        sweep(store)  # staging left by a killed ingest
        counts = load_reference(store)
        from detente.store.derived import keep_compiled

        keep_compiled(store)  # the publish query, compiled once here rather than by the first ingest
        out = {"db": store.path, "schema": store.version(), **counts}
    if json_out:
        print_json(out)
    else:
        console.print(f"store [bold]{out['db']}[/bold] at schema {out['schema']}")
        console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


def _summary_table(summaries: list[IngestSummary]) -> Table:
    t = Table(title="ingest")
    for col in ("file", "format", "read", "stored", "duplicates", "quarantined", "reconciles", "seconds"):
        t.add_column(col, justify="left" if col in ("file", "format") else "right")
    for s in summaries:
        t.add_row(
            Path(s.path).name, s.dataset, f"{s.read:,}", f"{s.stored:,}", f"{s.duplicates:,}",
            f"{s.quarantined:,}", "yes" if s.reconciles else "NO", f"{s.seconds:.2f}",
        )  # fmt: skip
    return t


def _columns_names(t: Table) -> list[str]:
    return [str(c.header) for c in t.columns]


def totals(summaries: list[IngestSummary]) -> dict[str, Any]:
    keys = ("read", "stored", "duplicates", "quarantined")
    out: dict[str, Any] = {k: sum(getattr(s, k) for s in summaries) for k in keys}
    out["reconciles"] = all(s.reconciles for s in summaries)
    reasons: dict[str, int] = {}
    for s in summaries:
        for r, n in s.reasons.items():
            reasons[r] = reasons.get(r, 0) + n
    out["reasons"] = reasons
    return out


def ingest_paths(paths: list[Path], fmt: str, quiet: bool) -> tuple[list[IngestSummary], list[str]]:
    """Ingest files with a byte progress bar; returns summaries and one error line per failed file."""
    from detente.ingest import ingest_file

    summaries: list[IngestSummary] = []
    failures: list[str] = []
    total = sum(p.stat().st_size for p in paths if p.is_file())
    with (
        state.store() as store,
        Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
            TimeRemainingColumn(), console=err, disable=quiet or not err.is_terminal,
        ) as bar,
    ):  # fmt: skip
        task = bar.add_task("ingesting", total=total or None)
        rate = RowRate()
        for i, p in enumerate(paths, 1):
            bar.update(task, description=f"file {i}/{len(paths)} {p.name} ({fmt}) · {rate.label('rows read')}")
            try:
                with stop_signals() as stopped:
                    summaries.append(ingest_file(store, p, fmt, progress=lambda n: bar.advance(task, n)))
                rate.add(summaries[-1].read)
            except DetenteError as e:
                if not stopped:
                    failures.append(f"{p}: {e.line()}")
                    continue
                interrupted(bar, p, summaries)
            except BaseException as e:  # Ctrl-C or SIGTERM, in Python or inside a DuckDB query (Query interrupted)
                if not (stopped or isinstance(e, KeyboardInterrupt)):
                    raise
                interrupted(bar, p, summaries)
    return summaries, failures


def interrupted(bar: Progress, p: Path, summaries: list[IngestSummary]) -> None:
    """One line, exit 130: the file in progress was not stored (its publish is one transaction)."""
    bar.stop()
    done = f"; the {len(summaries)} before it were" if summaries else ""
    err.print(
        f"error: interrupted: {p.name} was not stored (the store is as it was before it{done}). "
        "Run the command again to ingest it.",
        markup=False, highlight=False, soft_wrap=True,
    )  # fmt: skip
    raise SystemExit(130) from None


@contextmanager
def stop_signals() -> Iterator[list[int]]:
    """Ctrl-C and SIGTERM stop the work as KeyboardInterrupt; the list yielded names the signal once one came.

    DuckDB turns an interrupt during a query into its own error, so callers check the list, not only the type.
    """
    got: list[int] = []

    def stop(signum: int, frame: object) -> None:
        got.append(signum)
        raise KeyboardInterrupt

    try:
        old = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread (e.g. inside a server): leave signals alone
        yield got
        return
    try:
        yield got
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@app.command(rich_help_panel="Observe")
def ingest(
    paths: list[Path] = typer.Argument(..., help="Event files (GDELT, ICEWS, UCDP GED, generic CSV)."),
    fmt: str = typer.Option("auto", "--format", "-f", help="Reader: auto or one of `detente sources --formats`."),
    json_out: bool = typer.Option(False, "--json", help="Print the reconciled summary as JSON."),
    lake: Path | None = typer.Option(
        None, "--lake-to", help="Then write the Parquet lake (events by year and month, derived tables) here."
    ),
) -> None:
    """Ingest event files: typed, validated, deduplicated, with a reconciled summary per file."""
    from detente.ingest import SOURCES

    if fmt != "auto":
        SOURCES.get(fmt)  # unknown format: one clear error before any work
    summaries, failures = ingest_paths(paths, fmt, quiet=json_out)
    written = None
    if lake is not None and summaries:
        from detente.cli.lake import write_lake

        written = write_lake(lake)
    if json_out:
        extra = {"lake": {"path": str(lake), "tables": written}} if written is not None else {}
        print_json({**totals(summaries), "files": [s.to_dict() for s in summaries], "errors": failures, **extra})
    else:
        if summaries:
            console.print(_summary_table(summaries))
            t = totals(summaries)
            console.print(
                f"read {t['read']:,} = stored {t['stored']:,} + duplicates {t['duplicates']:,}"
                f" + quarantined {t['quarantined']:,}"
            )
            for reason, n in sorted(t["reasons"].items()):
                console.print(f"  quarantined: {reason}: {n:,}")
            for s in summaries:
                if s.requarantined:
                    console.print(
                        f"  {Path(s.path).name}: {s.requarantined:,} bad rows were quarantined by an earlier ingest "
                        "(counted as duplicates, not quarantined again)"
                    )
                if s.unresolved:
                    top = ", ".join(f"{u['actor']} ({u['events']:,})" for u in s.unresolved_top[:5])
                    console.print(
                        f"  warning: {Path(s.path).name}: {s.unresolved:,} new events have an actor that resolves to "
                        f"no known actor (stored with that actor empty); most frequent: {top}. "
                        "See `detente sources --unresolved`.",
                        highlight=False,
                    )
        if written is not None:
            console.print(f"lake {lake}: {len(written)} tables, {written.get('events', 0):,} events")
        for line in failures:
            err.print(f"error: {line}", markup=False, highlight=False)
    if failures:
        raise typer.Exit(1)


@app.command(rich_help_panel="Observe")
def events(
    dyad: str | None = typer.Option(None, help="Two actor ids, e.g. USA,RUS."),
    actor: str | None = typer.Option(None, help="One actor id: its events with anyone."),
    since: str | None = typer.Option(None, help="First day, YYYY-MM-DD."),
    until: str | None = typer.Option(None, help="Last day, YYYY-MM-DD."),
    limit: int = typer.Option(100, min=1, max=1_000_000, help="At most this many events."),
    fmt: str = format_option(),
    json_out: bool = typer.Option(False, "--json", help="Same as --format json."),
    csv_out: bool = typer.Option(False, "--csv", help="Same as --format csv."),
) -> None:
    """Events of a dyad (either direction) or of one actor, newest first."""
    out = resolve(fmt, as_json=json_out, as_csv=csv_out)
    from detente.store.analytics import events as queries
    from detente.store.records import records

    if (dyad is None) == (actor is None):
        raise InputError("Give exactly one of --dyad or --actor.", hint="Example: detente events --dyad USA,RUS")
    a, b = parse_dyad(dyad) if dyad else ((actor or "").upper(), None)
    with state.store(read_only=True) as store:
        rows = records(
            queries.dyad_events(store, a, b, parse_date(since, "--since"), parse_date(until, "--until"), limit=limit)
        )
    cols = ["date", "source_actor", "cameo_code", "target_actor", "goldstein", "dataset", "place"]
    emit(rows, out, list(rows[0]) if rows and out == "csv" else cols, title=f"{len(rows)} events",
         payload={"events": rows, "count": len(rows)}, empty="No events.")  # fmt: skip


@app.command(rich_help_panel="Observe")
def sources(
    fmt: str = format_option(),
    json_out: bool = typer.Option(False, "--json", help="Same as --format json."),
    formats: bool = typer.Option(False, "--formats", help="List the readers instead."),
    unresolved: bool = typer.Option(
        False, "--unresolved", help="List the actor codes and names that resolved to no actor, most frequent first."
    ),
    limit: int = typer.Option(20, "--limit", min=1, help="With --unresolved: how many."),
) -> None:
    """What is loaded: per dataset files, rows read/stored/duplicates/filtered/quarantined, and the reasons.

    Filtered rows are well formed but out of scope (a SIPRI dyad-year with no deliveries); quarantined rows
    are bad. Each dataset reconciles: read = stored + duplicates + filtered + quarantined.
    """
    from detente.ingest import SOURCES
    from detente.store.analytics import events as queries
    from detente.store.records import records

    out = resolve(fmt, as_json=json_out)
    if formats:
        rows = [{"format": n, "description": SOURCES.get(n).description} for n in SOURCES.names()]
        emit(rows, out, ["format", "description"], title="readers")
        return
    from detente.store.event_writer import unresolved_actors, unresolved_counts
    from detente.store.filtered import filtered_reasons

    with state.store(read_only=True) as store:
        if unresolved:
            rows = unresolved_actors(store, limit=limit)
            emit(
                rows,
                out,
                ["dataset", "role", "actor", "events", "files"],
                payload={"unresolved": rows},
                title="unresolved actors (new events stored with that actor empty)",
                empty="No unresolved actors.",
            )
            return
        src = records(queries.sources(store))
        filtered = records(filtered_reasons(store))
        quarantine = records(queries.quarantine_reasons(store))
        tables = {t: store.count(t) for t in ("events", "actors", "memberships", "alliances", "engagements")}
        top = unresolved_actors(store, limit=5)
        per_dataset = unresolved_counts(store)
    cols = ["dataset", "files", "read", "stored", "duplicates", "filtered", "quarantined", "events", "first_date",
            "last_date"]  # fmt: skip
    payload = {"sources": src, "filtered": filtered, "quarantine": quarantine, "tables": tables,
               "unresolved": per_dataset, "unresolved_top": top}  # fmt: skip
    emit(src, out, cols, title="sources", payload=payload, empty="Nothing loaded yet: run `detente init`.")
    if out != "table":
        return
    for q in filtered:
        console.print(f"  filtered {q['dataset']}: {q['reason']}: {q['rows']:,}", soft_wrap=True)
    for q in quarantine:
        console.print(f"  quarantined {q['dataset']}: {q['reason']}: {q['rows']:,}", soft_wrap=True)
    for ds, n in per_dataset.items():
        names = ", ".join(f"{u['actor']} ({u['events']:,})" for u in top if u["dataset"] == ds)
        console.print(
            f"  unresolved actors {ds}: {n:,} events; most frequent: {names} (`--unresolved` lists them)",
            soft_wrap=True,
        )
    console.print(", ".join(f"{k}: {v:,}" for k, v in tables.items()))
