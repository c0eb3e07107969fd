"""CLI: `detente load cow|atop [PATH]`, `detente fetch cow|atop [--url URL]`, `detente allies --attacked EST`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.fetch import fetch_app
from detente.errors import ConfigError

if TYPE_CHECKING:
    from detente.ingest.base import IngestSummary
    from detente.ingest.refsources import ReferenceSource

load_app = typer.Typer(
    help="Load reference datasets (COW state system, ATOP alliances) into the store.", no_args_is_help=True
)
app.add_typer(load_app, name="load", rich_help_panel="Observe")


def _sources() -> Any:
    """The reference-source registry, with the built-in COW and ATOP readers registered."""
    from detente.ingest import atop as _atop  # noqa: F401  (registers the source)
    from detente.ingest import cow as _cow  # noqa: F401  (registers the source)
    from detente.ingest.refsources import REFERENCE_SOURCES

    return REFERENCE_SOURCES


def _show(summaries: list[IngestSummary], as_json: bool) -> None:
    from rich.table import Table

    if as_json:
        print_json([s.to_dict() for s in summaries])
        return
    t = Table("file", "dataset", "read", "stored", "duplicates", "quarantined", "reconciles")
    for s in summaries:
        t.add_row(
            Path(s.path).name,
            s.dataset,
            str(s.read),
            str(s.stored),
            str(s.duplicates),
            str(s.quarantined),
            "yes" if s.reconciles else "NO",
        )
    console.print(t)


def _load(name: str, path: Path | None, as_json: bool, url: str | None = None) -> None:
    src: ReferenceSource = _sources().get(name)
    target = path or state.settings.shared_data / src.shared_dir
    with state.store() as store:
        _show(src.load(store, target, url), as_json)


@load_app.command("cow")
def load_cow(
    path: Path | None = typer.Argument(
        None, help="Folder, zip, states2016.csv or system2016.csv (default: <shared_data>/states/cow)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the ingest summaries as JSON."),
) -> None:
    """Load the COW state system (states2016.csv → state_system, system2016.csv → state_years)."""
    _load("cow", path, as_json)


@load_app.command("atop")
def load_atop(
    path: Path | None = typer.Argument(
        None, help="Folder, zip, atop5_1a.csv or atop5_1m.csv (default: <shared_data>/alliances/atop)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the ingest summaries as JSON."),
) -> None:
    """Load ATOP 5.1 (atop5_1a.csv → alliances, atop5_1m.csv → alliance_members)."""
    _load("atop", path, as_json)


def _fetch(name: str, urls: list[str] | None, dest: Path | None, as_json: bool) -> None:
    from detente.ingest.fetch import download

    src: ReferenceSource = _sources().get(name)
    addresses = list(urls or src.urls)
    for address in addresses:
        if not address.startswith(("http://", "https://")):
            raise ConfigError(f"Not an HTTP(S) address: {address!r}.", hint="Pass --url https://...")
    folder = dest or state.settings.db.parent / "downloads" / name
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for address in addresses:
        if not as_json:
            err.print(f"downloading {address}")
        paths.append((download(address, folder), address))
    summaries: list[IngestSummary] = []
    with state.store() as store:
        for path, address in paths:
            summaries += src.load(store, path, address)
    _show(summaries, as_json)


@fetch_app.command("atop")
def fetch_atop(
    url: list[str] | None = typer.Option(
        None, "--url", help="Download from here instead of atopdata.org (repeatable)."
    ),
    dest: Path | None = typer.Option(None, "--dest", help="Folder for the download (default: beside the store)."),
    as_json: bool = typer.Option(False, "--json", help="Print the ingest summaries as JSON."),
) -> None:
    """Download ATOP 5.1 (CSV zip) from its publisher and load it."""
    _fetch("atop", url, dest, as_json)


@fetch_app.command("cow")
def fetch_cow(
    url: list[str] | None = typer.Option(
        None, "--url", help="Download from here instead of correlatesofwar.org (repeatable)."
    ),
    dest: Path | None = typer.Option(None, "--dest", help="Folder for the download (default: beside the store)."),
    as_json: bool = typer.Option(False, "--json", help="Print the ingest summaries as JSON."),
) -> None:
    """Download the COW state system (v2016) from its publisher and load it."""
    _fetch("cow", url, dest, as_json)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"Not a date: {value!r}.", hint="Use YYYY-MM-DD, e.g. --on 2018-06-01.") from None


@app.command("allies", rich_help_panel="Measure")
def allies(
    attacked: str = typer.Option(..., "--attacked", help="The attacked state (ISO3/detente id or name)."),
    on: str = typer.Option(..., "--on", help="Date, YYYY-MM-DD."),
    attacker: str | None = typer.Option(None, "--attacker", help="The attacking state, if known."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
) -> None:
    """Who is obliged to come to a state's aid on a date (ATOP 5.1), under which alliance and conditions."""
    from detente.measure.alliances import allies_answer

    day = _date(on)
    with state.store() as store:
        answer = allies_answer(store, attacked, day, attacker)
    if as_json:
        print_json(answer)
        return
    _print_answer(answer)


def _print_answer(a: dict[str, Any]) -> None:
    v = a["attacked"]
    console.print(
        f"[bold]If {v['name']} ({v['id']}) is attacked on {a['on']}[/bold]"
        + (f" by {a['attacker']['name']} ({a['attacker']['id']})" if a["attacker"] else "")
        + ":"
    )
    if not a["defenders"]:
        console.print("  no state has a defense obligation toward it in ATOP 5.1.")
    for g in a["alliances"]:
        cond = f"  [dim]conditions: {'; '.join(g['conditions'])}[/dim]" if g["conditions"] else ""
        console.print(
            f"  ATOP {g['atopid']} {g['alliance']} — {g['obligation']}: {len(g['allies'])} "
            f"obliged: {', '.join(g['allies'])}{cond}"
        )
    for n in a["neutral"]:
        console.print(f"  neutrality: {n['state']} under ATOP {n['atopid']} {n['alliance']}")
    if a["attacker"]:
        if a["attacker_defenders"]:
            console.print(f"[bold]{a['attacker']['name']}'s allies with defense/offense obligations[/bold]:")
            for g in a.get("attacker_alliances", []):
                cond = f"  [dim]conditions: {'; '.join(g['conditions'])}[/dim]" if g["conditions"] else ""
                console.print(
                    f"  ATOP {g['atopid']} {g['alliance']} — {g['obligation']}: {', '.join(g['allies'])}{cond}"
                )
        else:
            console.print(f"{a['attacker']['name']} has no ally with a defense or offense obligation in ATOP 5.1.")
        for s in a["shared_alliances"]:
            console.print(f"  both are parties to ATOP {s['atopid']} {s['alliance']} ({', '.join(s['obligations'])})")
    if a["note"]:
        console.print(f"[yellow]{a['note']}[/yellow]")
