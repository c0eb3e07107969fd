"""What the CLI and the API share: turn a request (scenario, runs, policies, seed) into an ensemble spec,
and an ensemble into a JSON-ready payload (summary, pathways ranking, mediators, meta)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from detente.core.sim import Params
from detente.errors import SimulationError
from detente.sim.ensemble import Ensemble, EnsembleSpec
from detente.sim.pathways import compare, summarise
from detente.sim.scenario import Scenario, load_scenario
from detente.sim.worlds import build_world

if TYPE_CHECKING:
    from detente.store import Store

__all__ = ["MAX_RUNS", "MAX_VARIANTS", "payload", "prepare", "records", "war_dyads"]

MAX_RUNS = 100_000
MAX_VARIANTS = 64


def prepare(
    scenario: Scenario | str | Path,
    *,
    runs: int | None = None,
    policies: list[str] | None = None,
    seed: int = 0,
    steps: int | None = None,
    mixes: int = 1,
    store: Store | None = None,
) -> tuple[Scenario, EnsembleSpec]:
    """Validate a request and build its world; the baseline ``none`` always runs first.

    ``mixes = k`` also runs every combination of up to ``k`` of the named policies (``a+b``, ``a+b+c``...),
    so the pathways ranking compares mixes of mechanisms, not only single ones.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    n = sc.runs if runs is None else runs
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_RUNS:
        raise SimulationError(f"runs must be an integer in 1..{MAX_RUNS}, not {n!r}.", hint="For example --runs 200.")
    pols = list(policies) if policies else list(sc.policies)
    if isinstance(mixes, bool) or not isinstance(mixes, int) or not 1 <= mixes <= 4:
        raise SimulationError(f"mixes must be an integer in 1..4, not {mixes!r}.", hint="For example --mixes 2.")
    singles = [q for q in dict.fromkeys(pols) if q != "none" and "+" not in q]
    combos = ["+".join(c) for k in range(2, mixes + 1) for c in combinations(singles, k)]
    variants = tuple(dict.fromkeys(["none", *pols, *combos]))
    if len(variants) > MAX_VARIANTS:
        raise SimulationError(f"{len(variants)} policy variants are too many.",
                              hint=f"Use at most {MAX_VARIANTS}: fewer policies or a smaller --mixes.")  # fmt: skip
    params = Params().with_overrides(dict(sc.params))
    world = build_world(sc, store=store)
    spec = EnsembleSpec(world, variants, n, steps if steps is not None else sc.steps, seed, params)
    return sc, spec


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-safe dicts (NaN and ±inf → null), through the store's one row conversion."""
    import pyarrow as pa

    from detente.store.records import records as rows

    return rows(pa.Table.from_pandas(df, preserve_index=False))


def war_dyads(ens: Ensemble, top: int = 10) -> pd.DataFrame:
    """The pairs whose crises most often became wars in the baseline, with their share of runs."""
    w = ens.wars[ens.wars["variant"] == ens.spec.variants[0]]
    if w.empty:
        return pd.DataFrame(columns=["side_a", "side_b", "wars", "share_of_runs", "battle_deaths", "text"])
    g = w.groupby(["side_a", "side_b"]).agg(wars=("run", "size"), runs=("run", "nunique"),
                                           battle_deaths=("battle_deaths", "mean"))  # fmt: skip
    g["share_of_runs"] = g.pop("runs") / ens.spec.runs
    g = g.sort_values("wars", ascending=False).head(top).reset_index()
    g["text"] = [
        war_dyad_text(a, b, int(n), float(p))
        for a, b, n, p in zip(g["side_a"], g["side_b"], g["wars"], g["share_of_runs"], strict=True)
    ]
    return g


def war_dyad_text(a: object, b: object, wars: int, share: float) -> str:
    """One pair's line, the same on every face: ``RUS–UKR: 1 war, in <1% of runs``.

    >>> war_dyad_text("RUS", "UKR", 1, 0.001), war_dyad_text("A", "B", 12, 0.25)
    ('RUS–UKR: 1 war, in <1% of runs', 'A–B: 12 wars, in 25% of runs')
    """
    from detente.core.wording import percent, plural

    return f"{a}–{b}: {plural(wars, 'war')}, in {percent(share)} of runs"


def payload(ens: Ensemble, sc: Scenario | None = None) -> dict[str, Any]:
    """Everything a face shows about a finished ensemble."""
    out: dict[str, Any] = {
        "meta": ens.meta(),
        "summary": records(summarise(ens)),
        "pathways": records(compare(ens)),
        "mediators": records(ens.mediators.sort_values("crisis_months", ascending=False).head(50)),
        "wars": len(ens.wars),
        "war_dyads": records(war_dyads(ens)),
    }
    if sc is not None:
        out["scenario"] = sc.summary()
    out["world_notes"] = list(ens.spec.world.notes)
    return out
