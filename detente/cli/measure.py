"""CLI commands: `detente dyad A B` (relations index, trust, engagements) and `detente alerts`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer

from detente.cli.app import app
from detente.cli.context import console, print_json, state
from detente.errors import InputError

__all__ = ["alerts_cmd", "brief_cmd", "dyad_cmd", "validate_cmd"]


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--{name} {value!r} is not a date.", hint="Use YYYY-MM-DD.") from None


def _fmt(v: Any) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


@app.command("dyad", rich_help_panel="Measure")
def dyad_cmd(
    a: str = typer.Argument(..., help="First actor id, e.g. USA"),
    b: str = typer.Argument(..., help="Second actor id, e.g. RUS"),
    res: str = typer.Option("day", "--res", help="day, week, month or year"),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Relations index of a dyad: cooperation, conflict, balance, volume, trust stock, latest engagements."""
    from rich.table import Table

    from detente.measure.report import dyad_report

    with state.store(read_only=True) as store:
        rep = dyad_report(store, a, b, res, _date(since, "since"), _date(until, "until"))
    if as_json:
        print_json(rep)
        return
    x, y = rep["dyad"]
    t = Table(title=f"{x}–{y} by {res} (trust now {rep['trust']:.2f})")
    cols = ["period", "cooperation", "conflict", "balance", "events", "engagements", "trust"]
    for c in cols:
        t.add_column(c, justify="left" if c == "period" else "right")
    for row in rep["series"][-40:]:
        t.add_row(*[_fmt(row[c]) for c in cols])
    console.print(t if rep["series"] else f"No events or engagements between {x} and {y}.")
    if rep["engagements"]:
        e = Table(title="Latest engagements")
        for c in ("start_date", "kind", "name"):
            e.add_column(c)
        for row in rep["engagements"]:
            e.add_row(str(row.get("start_date")), str(row.get("kind")), str(row.get("name") or ""))
        console.print(e)


@app.command("brief", rich_help_panel="Measure")
def brief_cmd(
    a: str = typer.Argument(..., help="First actor id, e.g. EST"),
    b: str = typer.Argument(..., help="Second actor id, e.g. RUS"),
    res: str = typer.Option("month", "--res", help="day, week, month or year"),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD); also the commitments' date"),
    out: Path | None = typer.Option(None, "--out", help="HTML file to write (default: brief-A-B.html)"),
) -> None:
    """A one-page brief on a dyad: index and trust plot, engagements, alliance commitments, alerts, evidence."""
    from detente.measure.brief import brief_html

    with state.store(read_only=True) as store:
        page = brief_html(store, a, b, res, _date(since, "since"), _date(until, "until"))
    target = out or Path(f"brief-{a.upper()}-{b.upper()}.html")
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as e:
        raise InputError(f"Cannot write {target}: {e.strerror}.", hint="Pass a writable --out path.") from None
    console.print(f"wrote {target} ({len(page) // 1024} KiB)")


@app.command("alerts", rich_help_panel="Measure")
def alerts_cmd(
    top: int = typer.Option(20, "--top", min=1, max=10000, help="How many alerts"),
    res: str = typer.Option("day", "--res", help="day, week, month or year"),
    since: str | None = typer.Option(None, "--since", help="Only alerts from this day (YYYY-MM-DD)"),
    events: int = typer.Option(5, "--events", min=0, max=100, help="Triggering events shown per alert"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Escalation alerts: dyads whose conflict departs from their own baseline, ranked."""
    from rich.table import Table

    from detente.measure.report import alert_list
    from detente.store.analytics.index import check_resolution

    check_resolution(res)
    with state.store(read_only=True) as store:
        rows = alert_list(store, res, top=top, since=_date(since, "since"), n_events=events)
    if as_json:
        print_json({"res": res, "alerts": rows})
        return
    if not rows:
        console.print("No alerts.")
        return
    t = Table(title=f"Escalation alerts ({res})")
    for c in ("rank", "dyad", "period", "z", "conflict", "baseline", "hostile", "top event"):
        t.add_column(c)
    for r in rows:
        ev = r["events_triggering"][0] if r["events_triggering"] else {}
        t.add_row(
            str(r["rank"]),
            f"{r['a']}–{r['b']}",
            r["period"],
            f"{r['score']:.1f}",
            f"{r['value']:.1f}",
            _fmt(r["baseline"]),
            str(r["hostile_events"]),
            f"{ev.get('source_actor', '')}→{ev.get('target_actor', '')} {ev.get('cameo_code', '')}",
        )
    console.print(t)


@app.command("validate-measures", rich_help_panel="Measure")
def validate_cmd(
    data: Path | None = typer.Option(None, "--data", help="Data extracts folder (default: settings.shared_data)."),
    first_year: int = typer.Option(1900, "--first-year", min=1816, max=2016, help="First year compared"),
    controls: int = typer.Option(5, "--controls", min=1, max=50, help="Matched controls per MID onset"),
    boot: int = typer.Option(2000, "--boot", min=100, max=100_000, help="Bootstrap resamples"),
    seed: int = typer.Option(0, "--seed", help="Seed of the control draw and the bootstrap"),
    engagements: str = typer.Option("importers", "--engagements", help="importers, direct or none"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Validate the historic trust series: peace-scale correlation and matched MID-onset test."""
    from rich.table import Table

    from detente.measure.validation import run

    if engagements not in ("importers", "direct", "none"):
        raise InputError(f"--engagements {engagements!r} is not known.", hint="Use importers, direct or none.")
    data_dir = (data or state.settings.shared_data).expanduser()
    if not data_dir.is_dir():
        raise InputError(f"No data folder at {data_dir}.", hint="Pass --data DIR (the shared data extracts).")
    with state.store() as store:
        out = run(
            store, data_dir, first_year=first_year, controls=controls, n_boot=boot, seed=seed, engagements=engagements
        )
    if as_json:
        print_json(out)
        return
    ps = out["peace_scale"]
    console.print(
        f"Peace scale: {ps['dyad_years']} dyad-years, {ps['dyads']} dyads; Spearman rho "
        + ", ".join(f"{k} {v:.3f}" for k, v in ps["spearman"].items())
    )
    t = Table(title="Peace level x trust class (dyad-years)")
    t.add_column("peace level")
    for c in ("hostile", "neutral", "close"):
        t.add_column(c, justify="right")
    for k, row in ps["confusion"].items():
        t.add_row(k, *(str(row[c]) for c in ("hostile", "neutral", "close")))
    console.print(t)
    m = Table(title="MID onset vs matched controls (score at the end of the year before)")
    for c in ("score", "onsets", "onset mean", "control mean", "difference", "95% CI", "share lower"):
        m.add_column(c, justify="right")
    for o in out["mid_onset"]:
        m.add_row(
            o["score"],
            str(o["onsets"]),
            f"{o['onset_mean']:.2f}",
            f"{o['control_mean']:.2f}",
            f"{o['difference']:.2f}",
            f"[{o['ci_low']:.2f}, {o['ci_high']:.2f}]",
            f"{o['share_lower']:.2f}",
        )
    console.print(m)
