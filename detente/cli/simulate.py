"""CLI: ``detente simulate`` — run a scenario as a Monte Carlo ensemble and compare pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.cli.output import emit, format_option, resolve
from detente.cli.streams import Forward
from detente.core.wording import percent
from detente.errors import DetenteError, SimulationError

#: Where runs execute (:data:`detente.sim.ensemble.BACKENDS`, repeated here so that --help imports no NumPy).
BACKENDS = ("local", "process", "inline", "ray")

__all__ = ["simulate"]


def _fmt(x: object, pct: bool = False) -> str:
    if not isinstance(x, int | float) or x != x:
        return "–"
    return percent(float(x), 1) if pct else f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _store() -> object | None:
    db = state.settings.db
    if not Path(db).is_file():
        return None
    try:
        return state.store(read_only=True)
    except (DetenteError, Forward):  # served elsewhere: simulate without the store's history
        return None


@app.command(rich_help_panel="Simulate")
def simulate(
    scenario: str | None = typer.Argument(None, help="Scenario YAML file, or the name of a shipped example."),
    runs: int | None = typer.Option(None, "--runs", "-n", help="Runs per policy variant (default: the scenario's)."),
    policy: list[str] | None = typer.Option(
        None, "--policy", "-p", help="Policy or mix a+b to compare with the baseline; repeatable."
    ),
    seed: int = typer.Option(0, "--seed", "-s", help="Root seed: same seed, same result."),
    steps: int | None = typer.Option(None, "--steps", help="Months to simulate (default: the scenario's)."),
    mixes: int = typer.Option(1, "--mixes", help="Also run every mix of up to K of the policies (K = 1..4)."),
    backend: str = typer.Option("local", "--backend", help=f"Where runs execute: {', '.join(BACKENDS)}."),
    workers: int | None = typer.Option(None, "--workers", help="Processes or Ray CPUs (default: all cores)."),
    ray_address: str | None = typer.Option(
        None,
        "--ray-address",
        envvar="RAY_ADDRESS",
        help="Join an existing Ray cluster (auto, HOST:PORT or ray://HOST:10001) instead of a local one; "
        "implies --backend ray.",
    ),
    plot: Path | None = typer.Option(None, "--plot", help="Write the pathways plot (PNG) here."),
    csv: Path | None = typer.Option(None, "--csv", help="Write one row per run (tidy CSV) here."),
    json_out: bool = typer.Option(False, "--json", help="Print the results as JSON (same as --format json)."),
    fmt: str = format_option(),
    list_scen: bool = typer.Option(False, "--list-scenarios", help="List the shipped scenarios and exit."),
    list_pol: bool = typer.Option(False, "--list-policies", help="List the registered policies and exit."),
) -> None:
    """Run SCENARIO as N runs × policy variants and rank the pathways by how much they lower the risk of war."""
    from detente.core.sim import POLICIES
    from detente.sim.ensemble import check_ray_address, run_ensemble
    from detente.sim.pathways import compare, plot_png, summarise
    from detente.sim.scenario import list_scenarios
    from detente.sim.service import payload, prepare, records, war_dyads

    if list_scen or list_pol:
        if list_scen:
            items = [s.summary() for s in list_scenarios()]
        else:
            pols = [POLICIES.get(n) for n in POLICIES.names()]
            items = [{"name": p.name, "mechanisms": list(p.active()), "description": p.description} for p in pols]
        emit(items, resolve(fmt, as_json=json_out), title="scenarios" if list_scen else "policies")
        return
    json_out = resolve(fmt, as_json=json_out) == "json"
    if scenario is None:
        raise SimulationError("No scenario given.", hint="Pass a YAML file or see `detente simulate --list-scenarios`.")
    if backend not in BACKENDS:
        raise SimulationError(f"Unknown backend {backend!r}.", hint=f"Choose one of: {', '.join(BACKENDS)}.")
    if workers is not None and not 1 <= workers <= 1024:
        raise SimulationError(f"--workers must be in 1..1024, not {workers}.")
    if ray_address is not None:
        check_ray_address(ray_address)
    store = _store()
    try:
        sc, spec = prepare(scenario, runs=runs, policies=policy, seed=seed, steps=steps, mixes=mixes,
                           store=store)  # type: ignore[arg-type]  # fmt: skip
    finally:
        if store is not None:
            store.close()  # type: ignore[attr-defined]
    total = spec.runs * len(spec.variants)
    if json_out:
        ens = run_ensemble(spec, backend=backend, workers=workers, ray_address=ray_address)
    else:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as bar:  # fmt: skip
            task = bar.add_task(f"{sc.name} · {len(spec.variants)} variants", total=total)
            ens = run_ensemble(spec, backend=backend, workers=workers, ray_address=ray_address,
                               progress=lambda done, _t: bar.update(task, completed=done))  # fmt: skip
    if csv is not None:
        ens.runs.to_csv(csv, index=False)
    if plot is not None:
        plot.write_bytes(plot_png(ens))
    if json_out:
        print_json(payload(ens, sc))
        return
    meta = ens.meta()
    console.print(f"[bold]{sc.title or sc.name}[/bold]: {meta['states']} states, {meta['runs']} runs × "
                  f"{meta['steps']} months × {len(spec.variants)} variants, seed {meta['seed']}, "
                  f"{meta['backend']} in {meta['seconds']:.1f}s")  # fmt: skip
    summ: dict[Any, dict[Any, Any]] = summarise(ens).set_index("variant").to_dict("index")
    t = Table(title="pathways, ranked by risk of war removed (95% CI)")
    for col in ("rank", "variant", "P(war)", "risk removed", "P(dispute)", "P(force)", "years to crisis",
                "civilian harm"):  # fmt: skip
        t.add_column(col, justify="left" if col == "variant" else "right")
    for r in compare(ens).itertuples():
        s = summ[r.variant]
        t.add_row(str(r.rank), str(r.variant),
                  f"{_fmt(r.p_war, True)} [{_fmt(r.p_war_lo, True)}, {_fmt(r.p_war_hi, True)}]",
                  f"{_fmt(r.risk_reduction, True)} "
                  f"[{_fmt(r.risk_reduction_lo, True)}, {_fmt(r.risk_reduction_hi, True)}]",
                  _fmt(s["p_dispute"], True), _fmt(s["p_use_of_force"], True), _fmt(s["years_to_crisis"]),
                  _fmt(s["civilian_harm"]))  # fmt: skip
    console.print(t)
    hot = records(war_dyads(ens, top=5))
    if hot:
        pairs = "; ".join(str(h["text"]) for h in hot)
        console.print(f"wars most often between (baseline): {pairs}")
