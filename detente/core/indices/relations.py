"""The relations index of a dyad in a period, defined over per-period aggregates.

Per canonical event (after deduplication: repeats folded into one event add nothing),
``weighted = goldstein * report_weight(num_sources)``. Per dyad and period the engine
sums ``cooperation`` (positive ``weighted``), ``conflict`` (minus the negative ones) and
counts ``events``, ``cooperative_events`` and ``hostile_events``. Each :class:`IndexDef`
turns those aggregates into one series using only ``+ - * /``, so the same definition
evaluates on NumPy arrays, pandas columns or Ibis column expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.core.indices.weights import BALANCE_EPS, REPORT_CAP
from detente.registry import Registry

__all__ = ["AGGREGATES", "INDICES", "IndexDef", "balance", "event_contributions", "report_weight"]

#: The per-period aggregates an engine provides to index definitions.
AGGREGATES = ("cooperation", "conflict", "events", "cooperative_events", "hostile_events")


@dataclass(frozen=True)
class IndexDef:
    """A named index: what it means, its range, and how it follows from the aggregates."""

    name: str
    doc: str
    low: float | None
    high: float | None
    formula: Callable[[Mapping[str, Any]], Any]

    def __call__(self, aggregates: Mapping[str, Any]) -> Any:
        return self.formula(aggregates)


INDICES: Registry[IndexDef] = Registry("index")


def _add(name: str, doc: str, low: float | None, high: float | None, f: Callable[[Mapping[str, Any]], Any]) -> None:
    INDICES.add(name, IndexDef(name, doc, low, high, f))


def report_weight(num_sources: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Weight of an event by its number of independent sources: ``log2(1 + min(n, 15))``.

    >>> report_weight([1, 3, 15, 1000]).tolist()
    [1.0, 2.0, 4.0, 4.0]
    """
    n = np.clip(np.asarray(num_sources, dtype=np.float64), 1.0, float(REPORT_CAP))
    return np.asarray(np.log2(1.0 + n), dtype=np.float64)


def event_contributions(
    goldstein: npt.ArrayLike, num_sources: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(cooperation, conflict) each event adds, both >= 0; a missing Goldstein adds nothing.

    >>> c, k = event_contributions([7.0, -10.0, float("nan")], [3, 1, 5])
    >>> c.tolist(), k.tolist()
    ([14.0, 0.0, 0.0], [0.0, 10.0, 0.0])
    """
    g = np.nan_to_num(np.asarray(goldstein, dtype=np.float64), nan=0.0)
    w = g * report_weight(num_sources)
    return np.where(w > 0, w, 0.0), np.where(w < 0, -w, 0.0)


def balance(cooperation: Any, conflict: Any) -> Any:
    """(cooperation - conflict) / (cooperation + conflict): -1 all conflict, +1 all cooperation.

    >>> round(balance(3.0, 1.0), 6), balance(0.0, 0.0)
    (0.5, 0.0)
    """
    return (cooperation - conflict) / (cooperation + conflict + BALANCE_EPS)


_add(
    "cooperation",
    "Goldstein-weighted cooperation (sum of positive weighted scores)",
    0.0,
    None,
    lambda a: a["cooperation"],
)
_add(
    "conflict",
    "Goldstein-weighted conflict intensity (sum of minus the negative weighted scores)",
    0.0,
    None,
    lambda a: a["conflict"],
)
_add(
    "balance",
    "(cooperation - conflict) / (cooperation + conflict); 0 when nothing happened",
    -1.0,
    1.0,
    lambda a: balance(a["cooperation"], a["conflict"]),
)
_add("net", "cooperation - conflict", None, None, lambda a: a["cooperation"] - a["conflict"])
_add(
    "conflict_share",
    "conflict / (cooperation + conflict): the tension of the period",
    0.0,
    1.0,
    lambda a: a["conflict"] / (a["cooperation"] + a["conflict"] + BALANCE_EPS),
)
_add("volume", "number of canonical events (duplicates folded)", 0.0, None, lambda a: a["events"])
