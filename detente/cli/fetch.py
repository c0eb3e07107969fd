"""`detente fetch ...`: download published datasets (GDELT, ATOP, COW) and ingest them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.data import parse_date, stop_signals
from detente.errors import ConfigError, FetchError

fetch_app = typer.Typer(help="Download published datasets from their publishers and load them.", no_args_is_help=True)
app.add_typer(fetch_app, name="fetch", rich_help_panel="Observe")


@fetch_app.command("gdelt")
def fetch_gdelt_cmd(
    date: str | None = typer.Option(None, "--date", help="Day to fetch, YYYY-MM-DD (UTC): GDELT 2.0's 96 files."),
    at: str | None = typer.Option(None, "--at", help="One GDELT 2.0 quarter-hour, YYYYMMDDHHMM (UTC)."),
    version: int = typer.Option(2, "--version", help="GDELT 2.0 (15-minute files) or 1 (daily files)."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="Publisher or mirror base URL (default: the gdelt_url setting, DETENTE_GDELT_URL)."
    ),
    dest: Path | None = typer.Option(None, "--dest", help="Folder for the files (default: downloads/gdelt by the db)."),
    keep_zip: bool = typer.Option(False, "--keep-zip", help="Keep the downloaded zips after unzipping."),
    masterlist: bool = typer.Option(
        False, "--masterlist", help="Use GDELT 2.0's masterfilelist.txt: only listed files, sizes and MD5s checked."
    ),
    retries: int = typer.Option(5, "--retries", help="Retries per file on network or server errors."),
    backoff: float = typer.Option(1.0, "--backoff", hidden=True, help="First retry wait in seconds (tests)."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Download GDELT event exports from the publisher and ingest them (file URLs kept as provenance)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from detente.ingest.gdelt_fetch import fetch_gdelt, files_for

    day = parse_date(date, "--date")
    stamp = _parse_at(at)
    settings = state.settings
    folder = dest or settings.db.expanduser().parent / "downloads" / f"gdelt{version}"
    plan = files_for(base_url or settings.gdelt_url, day=day, at=stamp, version=version)  # bad options fail here
    warnings: list[str] = []
    with (
        state.store() as store,
        Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err, disable=json_out or not err.is_terminal,
        ) as bar,
    ):  # fmt: skip
        task = bar.add_task("GDELT files", total=len(plan))

        def warn(line: str) -> None:
            warnings.append(line)
            if not json_out:
                err.print(f"warning: {line}", highlight=False)

        report = fetch_gdelt(
            store, folder, day=day, at=stamp, version=version, base_url=base_url or settings.gdelt_url,
            masterlist=masterlist, keep_zip=keep_zip, retries=retries, backoff=backoff,
            on_file=lambda f: bar.advance(task), warn=warn,
        )  # fmt: skip
    out = report.to_dict()
    if json_out:
        print_json(out)
    else:
        console.print(
            f"{out['ingested']} of {out['files']} files ingested ({len(report.missing)} not published, "
            f"{len(report.failed)} failed): read {out['read']:,} = stored {out['stored']:,} + duplicates "
            f"{out['duplicates']:,} + quarantined {out['quarantined']:,}",
            highlight=False,
        )
    if report.failed:
        raise FetchError(
            f"{len(report.failed)} of {report.files} GDELT files failed (first: {report.failed[0]}).",
            hint="Run the command again: finished files are not fetched twice and re-ingest adds nothing.",
        )


def _parse_at(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M")
    except ValueError:
        raise ConfigError(f"--at {value!r} is not a time stamp.", hint="Use YYYYMMDDHHMM, e.g. 201910241430.") from None


follow_app = typer.Typer(help="Keep the store current from a publisher's update lists.", no_args_is_help=True)
app.add_typer(follow_app, name="follow", rich_help_panel="Observe")


@follow_app.command("gdelt")
def follow_gdelt_cmd(
    interval: float = typer.Option(900.0, "--interval", min=1.0, help="Seconds between checks (GDELT: 15 min)."),
    since: str | None = typer.Option(
        None, "--since", help="Backfill every quarter-hour from this one on, YYYYMMDDHHMM (UTC); kept in the store."
    ),
    once: bool = typer.Option(False, "--once", help="Check once, ingest what is new, and exit."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="Publisher or mirror base URL (default: the gdelt_url setting, DETENTE_GDELT_URL)."
    ),
    dest: Path | None = typer.Option(
        None, "--dest", help="Folder for downloads (default: downloads/gdelt2 by the db)."
    ),
    retries: int = typer.Option(3, "--retries", min=0, help="Retries per download on network or server errors."),
    backoff: float = typer.Option(2.0, "--backoff", min=0.0, help="First retry wait in seconds (doubles, capped)."),
    timeout: float = typer.Option(60.0, "--timeout", min=0.1, help="Seconds to wait for a server before retrying."),
    max_attempts: int = typer.Option(5, "--max-attempts", min=1, help="Steps that may retry a failing file."),
    max_files: int = typer.Option(0, "--max-files", min=0, help="At most this many files a step (0: all)."),
) -> None:
    """Follow GDELT 2.0: check lastupdate.txt every interval, backfill missed quarter-hours, ingest each once."""
    from detente.ingest.follow import Follower

    stamp = _parse_at(since)
    settings = state.settings
    folder = dest or settings.db.expanduser().parent / "downloads" / "gdelt2"

    try:
        with stop_signals() as stopped, state.store() as store:
            follower = Follower(
                store, base_url=base_url or settings.gdelt_url, dest=folder, since=stamp, retries=retries,
                backoff=backoff, timeout=timeout, max_attempts=max_attempts, max_files=max_files,
                log=lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True),
            )  # fmt: skip
            report = follower.run(interval, once=once)
    except BaseException as e:  # Ctrl-C or SIGTERM, in Python or inside a DuckDB query
        if not (stopped or isinstance(e, KeyboardInterrupt)):
            raise
        err.print(
            "error: interrupted: files finished are stored and checkpointed; the one in progress was not stored. "
            "Run the command again to resume.",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
        raise SystemExit(130) from None
    if once and (report.failed or report.error):
        raise FetchError(
            f"{len(report.failed)} GDELT files failed" + (f": {report.error}" if report.error else "") + ".",
            hint="Run the command again: failed files are retried, finished ones are not fetched twice.",
        )
