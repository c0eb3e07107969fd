"""`detente demo`: what `make run` runs — set up, load the real data, serve it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from detente.cli.app import app
from detente.cli.context import console, err, state
from detente.cli.output import RowRate
from detente.errors import ConfigError

if TYPE_CHECKING:
    from detente.demo import DemoStep


@app.command(rich_help_panel="Serve")
def demo(
    data: Path = typer.Option(Path("../shared/data"), "--data", help="Folder of the real data extracts."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the dashboard when loaded."),
    host: str | None = typer.Option(None, help="Address to listen on."),
    port: int | None = typer.Option(None, help="Port to listen on."),
    skip: str = typer.Option("", "--skip", help="Steps to leave out, comma-separated (e.g. forecast)."),
) -> None:
    """Initialise the store, load reference data and the real samples, then serve the dashboard."""
    folder = data.expanduser()
    if folder.is_dir():
        _load(folder, _skips(skip))
    else:
        _fetch_latest_gdelt(data)
    if serve_after:
        from detente.cli.serve import run_server

        run_server(host=host, port=port)


def _load(folder: Path, skip: set[str]) -> None:
    """Run the demo steps with a progress bar, then show what each loaded."""
    from detente.demo import DEMO_STEPS, run_demo

    with (
        state.store() as store,
        Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
        ) as bar,
    ):
        task = bar.add_task("loading", total=len(DEMO_STEPS))
        started: list[str] = []
        rate = RowRate()

        def on_step(s: DemoStep) -> None:  # called as each step starts: the ones before it are done
            rate.rows = _rows(results)
            n = len(started) + 1
            label = f"step {n}/{len(DEMO_STEPS)} {s.name}: {s.label} · {rate.label('rows stored')}"
            bar.update(task, description=label, completed=len(started))
            started.append(s.name)

        results: dict[str, dict[str, object]] = {}
        got, failures = run_demo(store, folder, on_step, skip=skip, results=results)
        results.update(got)
        bar.update(task, completed=len(DEMO_STEPS))
    t = Table(title=f"loaded into {state.settings.db}")
    t.add_column("step")
    t.add_column("result")
    for name, res in results.items():
        t.add_row(name, ", ".join(f"{k}: {v}" for k, v in res.items()))
    console.print(t)
    for name, line in failures.items():
        err.print(f"warning: {name}: {line}", markup=False, highlight=False)


def _rows(results: dict[str, dict[str, object]]) -> int:
    """Rows stored by the steps done so far (every ``stored`` count in their results, however nested)."""

    def walk(v: object) -> int:
        if isinstance(v, dict):
            return sum(int(x) if k == "stored" and isinstance(x, int) else walk(x) for k, x in v.items())
        return 0

    return walk(results)


def _skips(skip: str) -> set[str]:
    from detente.demo import DEMO_STEPS

    names = {n.strip() for n in skip.split(",") if n.strip()}
    unknown = names - set(DEMO_STEPS.names())
    if unknown:
        raise ConfigError(
            f"Unknown demo step(s): {', '.join(sorted(unknown))}.", hint=f"Steps: {', '.join(DEMO_STEPS.names())}."
        )
    return names


def _fetch_latest_gdelt(data: Path) -> None:
    """Without the extracts: load reference data and yesterday's GDELT from its publisher, or say what to do."""
    import datetime as dt

    from detente.errors import FetchError
    from detente.ingest.gdelt_fetch import fetch_gdelt
    from detente.store.reference import load_reference

    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    err.print(f"No data extracts at {data}: fetching GDELT 2.0 for {day} from {state.settings.gdelt_url} ...")
    with state.store() as store:
        load_reference(store)
        try:
            report = fetch_gdelt(
                store,
                state.settings.db.parent / "downloads" / "gdelt",
                day=day,
                base_url=state.settings.gdelt_url,
                retries=1,
                backoff=0.5,
            )
        except FetchError as e:
            raise ConfigError(
                f"No data extracts at {data}, and GDELT could not be fetched ({e.message})",
                hint="Point SHARED=... (make run) or --data at the extracts, or ingest your own files with "
                "`detente ingest FILE...` and then run `detente serve`.",
            ) from None
    console.print(f"GDELT {day}: " + ", ".join(f"{k}: {v}" for k, v in report.to_dict().items() if k != "summaries"))
