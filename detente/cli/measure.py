"""CLI commands: `detente dyad A B` (relations index, trust, engagements) and `detente alerts`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from detente.cli.app import app
from detente.cli.context import console, print_json, state
from detente.cli.output import emit, format_option, resolve
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
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD); with --explain, the day explained"),
    explain: bool = typer.Option(False, "--explain", help="Why the trust is what it is: components, coverage"),
    limit: int = typer.Option(15, "--limit", min=0, max=1000, help="With --explain: engagements listed"),
    fmt: str = format_option(),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json"),
) -> None:
    """Relations index of a dyad: cooperation, conflict, balance, volume, trust stock, latest engagements."""
    out = resolve(fmt, as_json=as_json)
    if explain:
        from detente.measure.explain import trust_explain

        with state.store(read_only=True) as store:
            x = trust_explain(store, a, b, _date(until, "until"), limit=limit)
        _print_explain(x, out)
        return
    from detente.measure.report import dyad_report

    with state.store(read_only=True) as store:
        rep = dyad_report(store, a, b, res, _date(since, "since"), _date(until, "until"))
    x, y = rep["dyad"]
    cols = ["period", "cooperation", "conflict", "balance", "events", "engagements", "trust"]
    if out != "table":
        emit(rep["series"], out, cols, payload=rep)
        return
    emit(rep["series"][-40:], out, cols, title=f"{x}–{y} by {res} (trust now {rep['trust']:.2f})",
         empty=f"No events or engagements between {x} and {y}.")  # fmt: skip
    if rep["engagements"]:
        emit(rep["engagements"], out, ["start_date", "kind", "name", "dataset"], title="Latest engagements")
    console.print(f"Why this trust: detente dyad {x} {y} --explain", soft_wrap=True)


def _print_explain(x: dict[str, Any], out: str) -> None:
    comp_cols = ["component", "count", "weight", "input", "now", "share"]
    eng_cols = ["start_date", "kind", "name", "dataset", "weight", "decay_factor", "contribution"]
    if out == "json":
        print_json(x)
        return
    if out == "csv":  # the components: the rows that add up to the number
        emit(x["components"], out, comp_cols)
        return
    a, b = x["dyad"]
    console.print(x["summary"], soft_wrap=False)
    emit(x["components"], out, comp_cols, title=f"{a}–{b} trust {x['trust']:.2f} on {x['on']}: components")
    console.print(
        f"inputs {x['inputs_total']:.2f} + decay {x['decay']:.2f} = trust {x['trust']:.2f} "
        f"(half-life {x['half_life_days']:g} days; {x['trust_today']:.2f} on {x['today']} with nothing new)"
        if x["trust_today"] is not None
        else f"inputs {x['inputs_total']:.2f} + decay {x['decay']:.2f} = trust {x['trust']:.2f}"
    )
    emit(x["coverage"]["events"], out, ["dataset", "events", "first", "last"], title="Coverage: events",
         empty="Coverage: no events between them.")  # fmt: skip
    emit(x["coverage"]["engagements"], out, ["dataset", "kind", "engagements", "first", "last"],
         title="Coverage: engagements", empty="Coverage: no engagements between them.")  # fmt: skip
    if x["engagements"]:
        shown = f"{len(x['engagements'])} of {x['engagements_total']}"
        emit(x["engagements"], out, eng_cols, title=f"Engagements behind it ({shown}, largest first)")


@app.command("brief", rich_help_panel="Measure")
def brief_cmd(
    a: str = typer.Argument(..., help="First actor id, e.g. EST"),
    b: str = typer.Argument(..., help="Second actor id, e.g. RUS"),
    res: str = typer.Option("month", "--res", help="day, week, month or year"),
    since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, "--until", help="Last day (YYYY-MM-DD); also the commitments' date"),
    output: Path | None = typer.Option(
        None, "--output", "-o", "--out", help="File to write, or - for standard output (default: brief-A-B.html|pdf)"
    ),
    fmt: str | None = typer.Option(None, "--format", help="html or pdf (default: from the -o suffix, else html)"),
) -> None:
    """A one-page brief on a dyad: index and trust plot, why the trust, engagements, commitments, alerts, evidence."""
    kind = (fmt or (output.suffix.lstrip(".").lower() if output and output.suffix else "html")).lower()
    if kind not in ("html", "pdf"):
        raise InputError(f"Cannot write a brief as {kind!r}.", hint="Use --format html or pdf (or -o FILE.html|.pdf).")
    if output is not None and output.is_dir():
        output = output / f"brief-{a.upper()}-{b.upper()}.{kind}"
    with state.store(read_only=True) as store:
        if kind == "pdf":
            from detente.measure.brief_pdf import brief_pdf

            body = brief_pdf(store, a, b, res, _date(since, "since"), _date(until, "until"))
        else:
            from detente.measure.brief import brief_html

            body = brief_html(store, a, b, res, _date(since, "since"), _date(until, "until")).encode("utf-8")
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    target = output or Path(f"brief-{a.upper()}-{b.upper()}.{kind}")
    try:
        target.write_bytes(body)
    except OSError as e:
        raise InputError(f"Cannot write {target}: {e.strerror}.", hint="Pass a writable -o/--output path.") from None
    console.print(f"wrote {target.resolve()} ({kind}, {max(1, len(body) // 1024)} KiB)", soft_wrap=True)


@app.command("alerts", rich_help_panel="Measure")
def alerts_cmd(
    top: int = typer.Option(20, "--top", min=1, max=10000, help="How many alerts"),
    res: str = typer.Option("day", "--res", help="day, week, month or year"),
    since: str | None = typer.Option(None, "--since", help="Only alerts from this day (YYYY-MM-DD)"),
    events: int = typer.Option(5, "--events", min=0, max=100, help="Triggering events shown per alert"),
    fmt: str = format_option(),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json"),
) -> None:
    """Escalation alerts: dyads whose conflict departs from their own baseline, ranked."""
    from detente.measure.report import alert_list
    from detente.store.analytics.index import check_resolution

    out = resolve(fmt, as_json=as_json)
    check_resolution(res)
    with state.store(read_only=True) as store:
        rows = alert_list(store, res, top=top, since=_date(since, "since"), n_events=events)
    shown = []
    for r in rows:
        ev = r["events_triggering"][0] if r["events_triggering"] else {}
        shown.append(
            {
                "rank": r["rank"], "dyad": f"{r['a']}–{r['b']}", "period": r["period"], "z": r["score"],
                "conflict": r["value"], "baseline": r["baseline"], "hostile": r["hostile_events"],
                "top event": f"{ev.get('source_actor', '')}→{ev.get('target_actor', '')} {ev.get('cameo_code', '')}",
            }
        )  # fmt: skip
    emit(shown, out, title=f"Escalation alerts ({res})", payload={"res": res, "alerts": rows}, empty="No alerts.")


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
