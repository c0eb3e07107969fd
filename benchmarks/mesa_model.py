"""The pathways model written the way a Mesa 3 user would: one agent per state, Python loops per dyad.

Same world, same :class:`~detente.core.sim.Params`, same rules as :mod:`detente.core.sim.model`
(onset hazard with trust and recurrence, the ladder with mutual optimism, power shifts, deterrence,
moral hazard, accidents and hotline, mediation by the most trusted unallied third party, chain-ganging,
war deaths, ceasefires, corridors, peacekeeping). Each state agent steps the dyads it leads (``i < j``);
agents are activated in random order with ``shuffle_do``. It exists for the benchmark only and is
checked to give the same kind of outcomes (rates within sampling error), not the same draws.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from detente.core.sim import Params, Policy, World


class StateAgent(mesa.Agent):
    """A state; it steps every dyad in which it is the first member."""

    def __init__(self, model: PathwaysMesa, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.partners = [j for j in range(index + 1, model.world.n)]

    def step(self) -> None:
        m = self.model
        assert isinstance(m, PathwaysMesa)
        for j in self.partners:
            m.step_dyad(self.index, j)


class PathwaysMesa(mesa.Model):
    """One replicate of the pathways model as a Mesa model."""

    def __init__(self, world: World, policy: Policy, params: Params | None = None, seed: int = 0) -> None:
        super().__init__(seed=seed)
        p = self.p = params or Params()
        self.world, lv = world, policy.levels
        n, cap, A = world.n, world.capability.tolist(), world.alliance
        self.A = [[bool(x) for x in row] for row in A]
        self.rel = p.reliability + (1 - p.reliability) * lv["collective_defense"]
        g = [float(world.growth[k]) + self.random.gauss(0.0, p.power_shift) for k in range(n)]
        self.static: dict[tuple[int, int], tuple[float, ...]] = {}
        for i in range(n):
            for j in range(i + 1, n):
                allied = self.A[i][j]
                shared = sum(cap[a] for a in range(n) if self.A[i][a] and self.A[j][a])
                si = 0.0 if allied else sum(cap[a] for a in range(n) if self.A[i][a]) - shared
                sj = 0.0 if allied else sum(cap[a] for a in range(n) if self.A[j][a]) - shared
                ei, ej = cap[i] + self.rel * si, cap[j] + self.rel * sj
                share = self.rel * (si + sj) / (cap[i] + cap[j] + si + sj)
                contig = bool(world.contiguity[i, j])
                haz = p.onset_base * float(world.salience[i, j]) * (1.0 if contig else p.noncontig_factor)
                haz *= p.allied_onset_factor if allied else 1.0
                self.static[(i, j)] = (math.log(ei / ej), math.exp(-p.deterrence * share),
                                       math.exp(p.moral_hazard * share), haz,
                                       1 + p.commitment_weight * abs(g[i] - g[j]), (cap[i] + cap[j]) / 0.1,
                                       float(world.salience[i, j]) >= 0.2)  # fmt: skip
        self.trust0 = {d: float(world.trust[d]) for d in self.static}
        self.trust = dict(self.trust0)
        self.rung = dict.fromkeys(self.static, 0)
        self.rec_until = dict.fromkeys(self.static, -1)
        self.mediator = dict.fromkeys(self.static, -1)
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.intensity: dict[tuple[int, int], float] = {}
        self.sigma = p.sigma * (1 - p.cbm_sigma * lv["transparency"])
        self.loss = p.spiral_loss * (1 - p.cbm_intent * lv["transparency"])
        self.gain = p.exercise_gain * lv["exercises"]
        self.esc = [0.0, p.escalate_1, p.escalate_2, p.escalate_3]
        self.acc = [x * (1 - p.hotline_effect * lv["hotline"]) for x in (0.0, p.accident_1, p.accident_2, 0.0)]
        self.settle = [0.0, p.settle_1, p.settle_2, p.settle_3]
        self.med = lv["mediation"]
        self.rec_mult = 1 + (p.recurrence_mult - 1) * (1 - p.peacekeeping_effect * lv["peacekeeping"])
        self.window = round(p.recurrence_years * p.steps_per_year)
        self.harm_ratio = p.civilian_ratio * (1 - p.corridor_effect * lv["corridors"])
        self.t = 0
        self.stats: dict[str, float] = dict.fromkeys(("incidents", "disputes", "force", "wars", "joins",
                                                      "battle_deaths", "civilian_harm", "mediated"), 0.0)  # fmt: skip
        for k in range(n):
            StateAgent(self, k)

    def _key(self, a: int, b: int) -> tuple[int, int]:
        return (a, b) if a < b else (b, a)

    def step_dyad(self, i: int, j: int) -> None:
        d, p, rnd = (i, j), self.p, self.random
        lp, deter, mh, haz, commit, _size, rival = self.static[d]
        target = min(1.0, self.trust0[d] + (self.gain if rival else 0.0) / p.trust_relax)
        tr = self.trust[d] + p.trust_relax * (target - self.trust[d])
        self.trust[d] = tr
        k = self.rung[d]
        if k == 0:
            h = haz * (1 + p.trust_onset * (0.5 - tr))
            if self.rec_until[d] > self.t:
                h *= self.rec_mult
            if rnd.random() < h:
                self.rung[d] = 1
                self.stats["incidents"] += 1
        elif k < 4:
            pi = 1 / (1 + math.exp(-(lp + self.sigma * rnd.gauss(0, 1))))
            pj = 1 / (1 + math.exp(-(-lp + self.sigma * rnd.gauss(0, 1))))
            opt = max(0.0, pi + pj - 1)
            esc = self.esc[k] * math.exp(p.optimism_weight * opt) * (1 + p.trust_escalation * (0.5 - tr)) * commit
            esc = esc * (mh if k == 1 else deter) + self.acc[k]
            settle = self.settle[k]
            mediated = False
            if self.med > 0 and k >= 2:
                if self.mediator[d] == -1:  # choose once per crisis: most trusted by both, allied to neither
                    best, val = -2, -1.0
                    for a in range(self.world.n):
                        if a in (i, j) or self.A[a][i] or self.A[a][j]:
                            continue
                        v = min(self.trust[self._key(a, i)], self.trust[self._key(a, j)])
                        if v > val:
                            best, val = a, v
                    self.mediator[d] = best
                w = self.mediator[d]
                if w >= 0:
                    val = min(self.trust[self._key(w, i)], self.trust[self._key(w, j)])
                    if val >= p.mediator_min_trust:
                        settle *= 1 + p.mediation_effect * self.med * val
                        mediated = True
            total = esc + settle
            if total > 0.95:
                esc, settle = esc * 0.95 / total, settle * 0.95 / total
            u = rnd.random()
            if u < esc:
                self.rung[d] = k + 1
                if k + 1 == 4:
                    self.mediator[d] = -1
                self.trust[d] = max(0.0, tr - self.loss)
                if k + 1 == 2:
                    self.stats["disputes"] += 1
                elif k + 1 == 3:
                    self.stats["force"] += 1
                else:
                    self.start_war(d)
            elif u < esc + settle:
                self.rung[d] = 0
                self.mediator[d] = -1
                self.trust[d] = min(1.0, tr + p.settle_gain)
                self.stats["mediated"] += mediated
        else:
            deaths = self.intensity[d]
            self.stats["battle_deaths"] += deaths
            self.stats["civilian_harm"] += deaths * self.harm_ratio
            if self.origin[d] == d and rnd.random() < p.war_end:
                for e in [e for e, o in self.origin.items() if o == d]:
                    self.rung[e] = 0
                    self.rec_until[e] = self.t + self.window
                    del self.origin[e]

    def _open(self, d: tuple[int, int], origin: tuple[int, int]) -> None:
        p = self.p
        self.rung[d] = 4
        self.mediator[d] = -1
        self.origin[d] = origin
        self.intensity[d] = math.exp(p.deaths_log_mean + p.deaths_log_sd * self.random.gauss(0, 1)) * (
            self.static[d][5] ** p.deaths_cap_exp
        )

    def start_war(self, d: tuple[int, int]) -> None:
        self._open(d, d)
        self.stats["wars"] += 1
        for x, y in (d, d[::-1]):
            for a in range(self.world.n):
                if a != y and self.A[x][a] and not self.A[y][a] and self.random.random() < self.rel:
                    e = self._key(a, y)
                    if self.rung[e] != 4:
                        self._open(e, d)
                        self.stats["joins"] += 1

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.t += 1


def run(world: World, policy: Policy, steps: int, seed: int = 0, params: Params | None = None) -> dict[str, Any]:
    """Run one replicate for ``steps`` months; returns the model's stats."""
    m = PathwaysMesa(world, policy, params, seed=seed)
    for _ in range(steps):
        m.step()
    return dict(m.stats)


def mean_stats(world: World, policy: Policy, steps: int, runs: int, seed: int = 0) -> dict[str, float]:
    rows = [run(world, policy, steps, seed + r) for r in range(runs)]
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
