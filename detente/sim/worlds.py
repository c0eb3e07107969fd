"""Worlds for the model: from a scenario's written-out states, a synthetic generator, or real data.

Real data (COW state system, NMC capabilities, ATOP alliances, COW direct contiguity, MID history) come from
the store's peace-science panels (loaded once by :mod:`detente.ingest.peace_science`, the files' one reader);
alliances from the store's ``alliance_members`` table when it holds the year (else the ATOP dyad-years), and
trust from the relations index's historic series when the store can compute it (else a heuristic).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from detente.core.sim.world import World
from detente.errors import SimulationError
from detente.sim.scenario import DataSpec, Scenario, WorldSpec

if TYPE_CHECKING:
    from detente.store import Store

__all__ = ["DataWorld", "build_world", "world_from_data"]

NMC_LAST, ATOP_LAST, CONT_LAST, SYS_LAST = 2022, 2018, 2016, 2016


def _pairs(spec: WorldSpec, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    n = len(names)
    ix = {nm: k for k, nm in enumerate(names)}

    def at(a: str) -> int:
        if a not in ix:
            raise SimulationError(f"Scenario names unknown state {a!r}.", hint="Declare it under world.states.")
        return ix[a]

    A = np.zeros((n, n), dtype=bool)
    for group in spec.alliances:
        k = [at(a) for a in group]
        for x in k:
            for y in k:
                A[x, y] = x != y
    C = np.zeros((n, n), dtype=bool)
    for a, b in spec.contiguity:
        C[at(a), at(b)] = C[at(b), at(a)] = at(a) != at(b)
    S = np.full((n, n), spec.default_salience)
    for pv in spec.issues:
        S[at(pv.between[0]), at(pv.between[1])] = S[at(pv.between[1]), at(pv.between[0])] = pv.value
    T = np.full((n, n), spec.trust.default)
    if spec.trust.allies is not None:
        T[A] = spec.trust.allies
    for pv in spec.trust.pairs:
        T[at(pv.between[0]), at(pv.between[1])] = T[at(pv.between[1]), at(pv.between[0])] = pv.value
    return {"A": A, "C": C, "S": S, "T": T}


def build_world(sc: Scenario, *, store: Store | None = None) -> World:
    """The world a scenario describes (a real-data world reads the store)."""
    spec = sc.world
    if spec.synthetic is not None:
        s = spec.synthetic
        return World.synthetic(s.states, seed=s.seed, blocs=s.blocs, name=sc.name)
    if spec.data is not None:
        if store is None:
            raise SimulationError(
                f"Scenario {sc.name!r} is built from real data, but there is no store.",
                hint="Run `detente init` and `detente forecast ingest` (the COW/ATOP panels), or pass --db.",
            )
        return world_from_data(spec.data, store, name=sc.name)
    assert spec.states is not None
    names = tuple(s.name for s in spec.states)
    m = _pairs(spec, names)
    cap = np.array([s.capability for s in spec.states])
    return World(
        names, cap / cap.sum(), m["A"], m["C"], m["S"], m["T"], np.array([s.growth for s in spec.states]), name=sc.name
    )


#: The panels a real-data world reads (migrations 0300 and 0500), with the columns it uses.
WORLD_PANELS: dict[str, list[str]] = {
    "cow_system_years": ["ccode", "year", "stateabb"],
    "nmc": ["ccode", "year", "cinc"],
    "contiguity": ["ccode1", "ccode2", "conttype", "start_date", "end_date"],
    "mid_dyad_years": ["dispnum", "ccode1", "ccode2", "year", "disponset"],
    "atop_dyad_years": ["ccode1", "ccode2", "year", "defense"],
    "war_dyad_years": ["warnum", "ccode1", "ccode2", "year", "cowinteronset"],
    "war_participants": ["warnum", "ccode", "batdeath"],
}


class DataWorld:
    """The store's COW and ATOP panels as data frames, each read once per instance."""

    def __init__(self, store: Store) -> None:
        from detente.store.panels import has_rows

        self.store = store
        missing = [t for t in ("cow_system_years", "nmc") if not has_rows(store, t)]
        if missing:
            raise SimulationError(
                f"The store holds no COW/NMC panels ({', '.join(missing)} empty).",
                hint="Run `detente forecast ingest` (or `make run`) to load the peace-science panels.",
            )
        self._cache: dict[str, pd.DataFrame] = {}

    def _panel(self, table: str) -> pd.DataFrame:
        if table not in self._cache:
            from detente.store.panels import panel

            self._cache[table] = panel(self.store, table, WORLD_PANELS[table]).to_pandas()
        return self._cache[table]

    def nmc(self) -> pd.DataFrame:
        return self._panel("nmc")

    def contiguity(self) -> pd.DataFrame:
        """ccode1, ccode2, conttype, start_date, end_date (directed: both orders, as COW codes them)."""
        return self._panel("contiguity")

    def mids(self) -> pd.DataFrame:
        return self._panel("mid_dyad_years")

    def wars(self) -> pd.DataFrame:
        return self._panel("war_dyad_years")

    def war_participants(self) -> pd.DataFrame:
        return self._panel("war_participants")

    def system(self) -> pd.DataFrame:
        return self._panel("cow_system_years")

    def atop_dyads(self) -> pd.DataFrame:
        return self._panel("atop_dyad_years")


def _codes(region: list[str | int] | None, system: pd.DataFrame, year: int) -> list[int]:
    y = min(year, SYS_LAST)
    live = system[system["year"] == y]
    abb = dict(zip(live["stateabb"].str.upper(), live["ccode"].astype(int), strict=True))
    if region is None:
        return sorted(set(live["ccode"].astype(int)))
    out: list[int] = []
    for r in region:
        if isinstance(r, int) or (isinstance(r, str) and r.isdigit()):
            c = int(r)
            if c not in set(live["ccode"].astype(int)):
                raise SimulationError(f"COW code {c} is not a state in {y}.", hint="Check the region list.")
        else:
            if r.upper() not in abb:
                raise SimulationError(f"Unknown COW state abbreviation {r!r} in {y}.", hint="Use e.g. RUS, EST, USA.")
            c = abb[r.upper()]
        if c not in out:
            out.append(c)
    if len(out) < 2:
        raise SimulationError("A data world needs at least two states.")
    return out


def _alliance_matrix(dw: DataWorld, codes: list[int], year: int) -> tuple[np.ndarray, str]:
    from detente.store.alliances import defense_members

    n, ix = len(codes), {c: k for k, c in enumerate(codes)}
    A = np.zeros((n, n), dtype=bool)
    y = min(year, ATOP_LAST)
    pairs: list[tuple[int, int]] = []
    source = "ATOP 5.1 alliance dyad-years (store table atop_dyad_years)"
    members = defense_members(dw.store, y)
    if members:
        by: dict[int, list[int]] = {}
        for aid, cow in members:
            by.setdefault(aid, []).append(cow)
        pairs = [(a, b) for m in by.values() for a in m for b in m if a != b]
        source = "store table alliance_members (ATOP)"
    if not pairs:
        ad = dw.atop_dyads()
        ad = ad[(ad["year"] == y) & (ad["defense"].fillna(0) == 1)]
        one_way = [(int(a), int(b)) for a, b in zip(ad["ccode1"], ad["ccode2"], strict=True) if a != b]
        pairs = one_way + [(b, a) for a, b in one_way]  # the extract does not always list both orders
    for a, b in pairs:
        if a in ix and b in ix:
            A[ix[a], ix[b]] = True
    return A, source


TRUST_SCALE = 20.0  # the historic trust stock's spread across dyads (sd ≈ 18 in 2016) maps to 0..1 through tanh


def _store_trust(store: Store, codes: list[int], year: int) -> dict[tuple[int, int], float] | None:
    """Trust per COW pair from the relations index's historic series (detente.measure), if the store has it."""
    from detente.store.panels import has_rows

    if not (has_rows(store, "atop_dyad_years") and has_rows(store, "mid_dyad_years")):
        return None
    from detente.measure.historic import LAST_YEAR, historic_series

    try:
        df = historic_series(store)
    except Exception:  # a half-loaded store: fall back to the record-based heuristic
        return None
    y = min(year, int(LAST_YEAR))
    df = df[(df["year"] == y) & df["c1"].isin(codes) & df["c2"].isin(codes)]
    vals = 0.5 + 0.45 * np.tanh(df["trust"].to_numpy(np.float64) / TRUST_SCALE)
    return {(int(a), int(b)): float(v) for a, b, v in zip(df["c1"], df["c2"], vals, strict=True)}


def world_from_data(spec: DataSpec, store: Store, *, name: str = "data", index_trust: bool = True) -> World:
    """States, capabilities, alliances, contiguity and issues of a region in a year, from the store's panels.

    ``index_trust``: take trust from the relations index's historic series where the store can compute it
    (the calibration keeps the record-based heuristic everywhere)."""
    dw = DataWorld(store)
    year = spec.year
    codes = _codes(spec.region, dw.system(), year)
    n, ix = len(codes), {c: k for k, c in enumerate(codes)}
    nmc = dw.nmc()
    y = min(year, NMC_LAST)
    nmc = nmc.assign(ccode=nmc["ccode"].astype(int))
    cinc = nmc[nmc["year"] == y].set_index("ccode")["cinc"]
    old = nmc[nmc["year"] == y - 10].set_index("ccode")["cinc"]
    cap = np.array([float(cinc.get(c, np.nan)) for c in codes])
    floor = np.nanmin(cap[cap > 0]) if np.any(cap > 0) else 1e-4
    cap = np.where(np.isfinite(cap) & (cap > 0), cap, floor)
    prev = np.array([float(old.get(c, np.nan)) for c in codes])
    growth = np.where(np.isfinite(prev) & (prev > 0), (cap / np.where(prev > 0, prev, 1.0)) ** 0.1 - 1.0, 0.0)
    growth = np.clip(growth, -0.2, 0.2)
    A, asource = _alliance_matrix(dw, codes, year)
    ct = dw.contiguity()
    yc = min(year, CONT_LAST)
    st = pd.to_datetime(ct["start_date"]).dt.year
    en = pd.to_datetime(ct["end_date"]).dt.year
    live = ct[(st <= yc) & (en >= yc) & ct["conttype"].between(1, 3)]
    C = np.zeros((n, n), dtype=bool)
    for a, b in zip(live["ccode1"].astype(int), live["ccode2"].astype(int), strict=True):
        if a in ix and b in ix:
            C[ix[a], ix[b]] = C[ix[b], ix[a]] = True
    mids = dw.mids()
    past = mids[(mids["disponset"] == 1) & mids["year"].between(year - 20, year - 1)]
    H = np.zeros((n, n))
    for a, b in zip(past["ccode1"].astype(int), past["ccode2"].astype(int), strict=True):
        if a in ix and b in ix:
            H[ix[a], ix[b]] += 1.0
    H = np.maximum(H, H.T)
    S = np.clip(0.1 + 0.3 * C + 0.6 * np.minimum(1.0, H / 3.0), 0.0, 1.0)
    np.fill_diagonal(S, 0.0)
    T = np.clip(0.5 + 0.2 * A - 0.1 * np.minimum(3.0, H), 0.05, 0.95)
    trust_note = "trust: neutral 0.5, +0.2 allies, −0.1 per past MID (max 3)"
    index = _store_trust(store, codes, year) if index_trust else None
    if index:
        for (a, b), v in index.items():
            T[ix[a], ix[b]] = T[ix[b], ix[a]] = v
        trust_note = f"trust: relations index historic series ({len(index)} pairs), heuristic elsewhere"
    np.fill_diagonal(T, 0.5)
    sysdf = dw.system()
    abb = dict(zip(sysdf["ccode"].astype(int), sysdf["stateabb"], strict=False))
    names = tuple(f"{abb.get(c, 'C')}" if abb.get(c) else f"C{c}" for c in codes)
    if len(set(names)) != n:
        names = tuple(f"{nm}{c}" for nm, c in zip(names, codes, strict=True))
    notes = (
        f"capabilities: COW NMC 6.0 CINC {y}",
        f"alliances: {asource}, defence pacts in {min(year, ATOP_LAST)}",
        f"contiguity: COW direct contiguity types 1-3 in {yc}",
        f"issues: contiguity and MIDs {year - 20}-{year - 1}",
        trust_note,
    )
    return World(names, cap / cap.sum(), A, C, S, T, growth, name=name, year=year, notes=notes)
