"""Curated reference facts shipped with detente, loaded into core objects.

Every file in ``detente/reference/data`` cites its sources in ``SOURCES.md``
beside it. Loading is cached: the files are read once per process.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from importlib.resources import files
from typing import Any

from detente.core.actors import ActorRegistry, Membership, Organisation, State
from detente.core.taxonomy import CameoCode, Taxonomy

__all__ = [
    "actor_registry",
    "aliases",
    "memberships",
    "organisations",
    "read_rows",
    "regions",
    "states",
    "taxonomy",
]


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of a packaged CSV file; lines starting with '#' are comments (citations)."""
    path = files("detente.reference") / "data" / name
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def _date(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _int(s: str) -> int | None:
    return int(float(s)) if s else None


@cache
def taxonomy() -> Taxonomy:
    return Taxonomy(
        CameoCode(
            r["code"],
            r["name"],
            float(r["goldstein"]),
            r["plover_type"] or None,
            r["plover_mode"] or None,
            r["plover_context"] or None,
        )
        for r in read_rows("cameo.csv")
    )


@cache
def states() -> tuple[State, ...]:
    return tuple(
        State(
            id=r["id"],
            name=r["name"],
            cow=_int(r["cow"]),
            iso3=r["iso3"] or None,
            cameo=r["cameo"] or None,
            gw=_int(r["gw"]),
            start=_date(r["start"]),
            end=_date(r["end"]),
            note=r.get("note", ""),
        )
        for r in read_rows("states.csv")
    )


@cache
def organisations() -> tuple[Organisation, ...]:
    return tuple(
        Organisation(r["id"], r["name"], r["kind"], _date(r.get("founded", "")), r.get("cameo") or None)
        for r in read_rows("organisations.csv")
    )


@cache
def memberships() -> tuple[Membership, ...]:
    out = []
    for r in read_rows("memberships.csv"):
        joined = _date(r["joined"])
        if joined is not None:
            out.append(
                Membership(r["organisation"], r["member"], joined, _date(r.get("left", "")), r.get("source", ""))
            )
    return tuple(out)


@cache
def aliases() -> dict[str, str]:
    """Other names and codes datasets use for actors (ICEWS country names, CAMEO group codes...)."""
    return {r["alias"]: r["id"] for r in read_rows("aliases.csv")}


@cache
def regions() -> dict[str, str]:
    """CAMEO region/grouping codes (AFR, EUR, WST...) that deliberately resolve to no actor: code -> reason."""
    return {r["code"]: f"{r['name']}: {r['reason']}" for r in read_rows("cameo_regions.csv")}


@cache
def actor_registry() -> ActorRegistry:
    return ActorRegistry(states(), organisations(), memberships(), aliases())


def as_records(objs: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [dict(o.__dict__) for o in objs]
