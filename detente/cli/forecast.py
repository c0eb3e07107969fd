"""`detente forecast`: early warning of militarized disputes and armed conflict, with honest backtests.

detente forecast ingest                 load the COW/ATOP/UCDP panels from the shared data folder
detente forecast backtest [--json]      rolling-origin backtest: the model and each baseline side by side
detente forecast --year Y [--top N]     risk ranking for year Y with the drivers of each forecast
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.output import emit, format_option, resolve

forecast_app = typer.Typer(
    help="Early warning: forecast MID onset (dyad-years) and armed-conflict onset (country-years).",
    invoke_without_command=True,
)
app.add_typer(forecast_app, name="forecast", rich_help_panel="Measure")

TASK_HELP = "mid (dyad-years), conflict (country-years), or all"


def _tasks(task: str) -> tuple[str, ...]:
    from detente.errors import ConfigError
    from detente.forecast.backtest import TASKS

    if task == "all":
        return tuple(TASKS)
    if task not in TASKS:
        raise ConfigError(f"Unknown forecast task {task!r}.", hint=f"Choose from: {', '.join(TASKS)}, all.")
    return (task,)


@forecast_app.callback()
def forecast(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", "-y", help="Forecast year (trained on earlier years)."),
    top: int = typer.Option(20, "--top", "-n", min=1, max=500, help="How many of the riskiest rows to show."),
    task: str = typer.Option("mid", "--task", help=TASK_HELP),
    seed: int = typer.Option(0, "--seed", help="Seed of the model fits."),
    fmt: str = format_option(),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
) -> None:
    """Risk ranking for --year Y (or run a subcommand: ingest, backtest)."""
    if ctx.invoked_subcommand is not None:
        return
    if year is None:
        console.print(ctx.get_help())
        raise typer.Exit(0)
    from detente.forecast.explain import forecast_year
    from detente.forecast.sources import load_sources, names

    with state.store(read_only=True) as store:
        src = load_sources(store)
        label = names(store, year)
    kind = resolve(fmt, as_json=as_json)
    out = [forecast_year(src, t, year, seed=seed, top=top, names=label) for t in _tasks(task)]
    if kind == "json":
        print_json(out if len(out) > 1 else out[0])
        return
    if kind == "csv":
        emit([{"task": r.get("task") or r["label"], **row} for r in out for row in _rows(r)], kind)
        return
    for r in out:
        _print_ranking(r)


def _rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The ranking as flat rows: rank, who, risk, observed, the top drivers."""
    return [
        {
            "rank": row["rank"],
            "who": " – ".join(row["names"]),
            "risk": round(float(row["probability"]), 6),
            "observed": "" if row["observed"] is None else ("onset" if row["observed"] else "none"),
            "drivers": ", ".join(f"{d['feature']} {d['contribution']:+.2f}" for d in row["drivers"][:3]),
        }
        for row in r["ranking"]
    ]


def _print_ranking(r: dict[str, Any]) -> None:
    from rich.table import Table

    seen = r["observed_onsets"]
    t = Table(
        title=f"{r['label']} — {r['year']}, model {r['model']} ({r['kind']})  "
        f"(expected onsets {r['expected_onsets']}" + (f", observed {seen})" if seen is not None else ")")
    )
    for c in ("#", "who", "risk", "observed", "drivers (log-odds)"):
        t.add_column(c, justify="right" if c in ("#", "risk") else "left")
    for row in r["ranking"]:
        why = ", ".join(f"{d['feature']} {d['contribution']:+.2f}" for d in row["drivers"][:3])
        obs = "" if row["observed"] is None else ("onset" if row["observed"] else "—")
        t.add_row(str(row["rank"]), " – ".join(row["names"]), f"{row['probability']:.3f}", obs, why)
    console.print(t)


@forecast_app.command("ingest")
def ingest(
    data: Path | None = typer.Option(None, "--data", help="Shared data folder (default DETENTE_SHARED_DATA)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Load COW MID/NMC/contiguity/system/majors, ATOP dyad-years and UCDP ACD/onsets into the store."""
    from rich.table import Table

    from detente.ingest.peace_science import ingest_shared
    from detente.store.reference import load_reference

    with state.store() as store:
        if store.count("actors") == 0:
            load_reference(store)
        out = [s.to_dict() for s in ingest_shared(store, data or state.settings.shared_data)]
    if as_json:
        print_json(out)
        return
    t = Table(title="Peace-science panels")
    for c in ("dataset", "read", "stored", "duplicates", "quarantined", "reconciles"):
        t.add_column(c)
    for s in out:
        t.add_row(s["dataset"], *(str(s[k]) for k in ("read", "stored", "duplicates", "quarantined", "reconciles")))
    console.print(t)


@forecast_app.command("backtest")
def backtest(
    start: int = typer.Option(1990, help="First forecast year."),
    end: int = typer.Option(2014, help="Last forecast year."),
    train_start: int = typer.Option(1950, "--train-start", help="First training year."),
    task: str = typer.Option("all", "--task", help=TASK_HELP),
    seed: int = typer.Option(0, "--seed", help="Seed of the model fits and the bootstrap."),
    iterations: int = typer.Option(100, min=10, max=2000, help="Boosting iterations."),
    bootstrap: int = typer.Option(200, min=0, max=5000, help="Bootstrap replicates of engagement associations."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (metrics, per-year scores, associations)."),
) -> None:
    """Rolling-origin backtest: train on years < t, forecast t, for every t in START..END; save artefacts."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from detente.forecast.artefacts import save_run
    from detente.forecast.backtest import BacktestConfig, clean, run_backtest
    from detente.forecast.sources import load_sources

    cfg = BacktestConfig(
        tasks=_tasks(task),
        start=start,
        end=end,
        train_start=train_start,
        seed=seed,
        iterations=iterations,
        bootstrap=bootstrap,
    )
    cfg.check()
    with state.store(read_only=True) as store:  # not held during the run: the API can read meanwhile
        src = load_sources(store)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=as_json,
        disable=as_json,
    )
    with bar:
        job = bar.add_task("backtest", total=(end - start + 1) * len(cfg.tasks))

        def tick(name: str, done: int, total: int) -> None:
            bar.update(job, completed=done, description=f"backtest {name}")

        result = run_backtest(src, cfg, tick)
    with state.store() as store:
        manifest = save_run(store, state.settings.db, result)
    summary = clean(result.summary())
    summary["run_id"] = manifest["run_id"]
    if as_json:
        print_json(summary)
        return
    _print_backtest(summary)


def _fmt(v: Any, nd: int = 3) -> str:
    return "—" if v is None else f"{v:.{nd}f}"


def _print_backtest(s: dict[str, Any]) -> None:
    from rich.table import Table

    from detente.forecast.models import MODELS

    cfg = s["config"]
    for r in s["tasks"].values():
        t = Table(title=f"{r['label']}: forecasts {cfg['start']}–{cfg['end']}, trained from {cfg['train_start']}")
        for c in ("model", "AUROC", "AUPR", "Brier", "ECE", "mean forecast", "base rate", "events", "rows"):
            t.add_column(c, justify="left" if c == "model" else "right")
        for name, m in r["metrics"].items():
            t.add_row(
                name,
                _fmt(m["auroc"]),
                _fmt(m["aupr"]),
                _fmt(m["brier"], 4),
                _fmt(m["ece"], 4),
                _fmt(m["mean_forecast"], 4),
                _fmt(m["base_rate"], 4),
                str(int(m["events"])),
                str(int(m["n"])),
            )
        console.print(t)
        console.print("  " + "; ".join(f"{n}: {MODELS.get(n).label}" for n in r["metrics"]), style="dim")
        gain = r.get("aupr_gain_vs_standard")
        if gain is not None:
            verdict = "met" if r.get("target_met") else "not met"
            console.print(f"  boosted vs standard logit, AUPR: {gain:+.1%} (target +15% and ECE < 0.02: {verdict})")
        others = {k: v for k, v in (r.get("aupr_gain") or {}).items() if k != "boosted" and v is not None}
        if others:
            console.print("  AUPR vs standard logit: " + ", ".join(f"{k} {v:+.1%}" for k, v in others.items()))
        shown = [a for a in r["associations"] if a["odds_ratio"] is not None]
        for a in shown:
            console.print(
                f"  {a['engagement']}: odds ratio {a['odds_ratio']:.2f} "
                f"[{a['ci_low']:.2f}, {a['ci_high']:.2f}] — {a['reading']} (association, not cause)"
            )
    console.print(f"run {s['run_id']} (seed {cfg['seed']}) took {s['seconds']} s; artefacts saved beside the store.")
