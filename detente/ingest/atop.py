"""ATOP 5.1 alliances (``atop5_1a.csv``) and alliance members (``atop5_1m.csv``) into the store.

Leeds, B. A., Ritter, J. M., Mitchell, S. M. & Long, A. G. (2002). Alliance Treaty Obligations and
Provisions, 1815–1944. *International Interactions* 28: 237–260; ATOP v5.1 (atopdata.org).

One ``alliances`` row per treaty (obligation flags, condition flags as JSON, a name from
``atop_names.csv`` or "ATOP <id>: <members>"), one ``alliance_members`` row per member and phase
with what that member owes and on which conditions (JSON of ATOP's ``*con``/``*co*`` flags). COW member
codes become detente ids on the entry date; a membership that outlives its id (Soviet Union → Russia,
Yugoslavia → Serbia) is split at the change. Dates: a missing day is the 1st (entry) or the month's
last day (exit); exit year 0 means in effect at the end of ATOP's coverage (2018-12-31), stored as NULL.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from calendar import monthrange
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from detente import reference
from detente.core.actors import ActorRegistry
from detente.errors import IngestError
from detente.ingest.base import IngestSummary
from detente.ingest.refsources import (
    REFERENCE_SOURCES,
    ReferenceSource,
    Row,
    collect,
    read_csv_rows,
    resolve_inputs,
    write_rows,
)
from detente.store.warehouse import Store

__all__ = ["ALLIANCES_FILE", "MEMBERS_FILE", "MEMBER_CONDITIONS", "load_alliances", "load_atop", "load_members"]

ALLIANCES_FILE = "atop5_1a.csv"
MEMBERS_FILE = "atop5_1m.csv"
OBLIGATIONS = {
    "defense": "defense",
    "offense": "offense",
    "neutral": "neutrality",
    "nonagg": "nonaggression",
    "consul": "consultation",
}
MEMBER_CONDITIONS = (
    "conditio",
    "defcon",
    "defcoadv",
    "defcoloc",
    "defcocon",
    "defconum",
    "defcodem",
    "defconpr",
    "offcon",
    "offcoadv",
    "offcoloc",
    "offcocon",
    "offconum",
    "offcodem",
    "neucon",
    "neucoadv",
    "neucoloc",
    "neucocon",
    "neuconum",
    "neucodem",
    "neuconpr",
    "neucoatt",
    "concon",
    "concoadv",
    "concoloc",
    "concocon",
    "concoreq",
    "asymm",
    "obvary",
)
ALLIANCE_CONDITIONS = ("conditio", "defcon", "offcon", "neucon", "concon", "asymm", "specthrt", "statthr1", "statthr2")
MEMBER_REQUIRED = ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", "phase", *OBLIGATIONS)
ALLIANCE_REQUIRED = (
    "atopid",
    "begyr",
    "begmo",
    "begday",
    "endyr",
    "endmo",
    "endday",
    "bilat",
    *OBLIGATIONS,
    "conditio",
    "mem1",
)


def _num(v: str, what: str) -> int | None:
    if v in ("", "NA", "."):
        return None
    try:
        f = float(v)
    except ValueError:
        raise ValueError(f"{what} is not a number: {v[:20]!r}") from None
    if f != int(f):
        raise ValueError(f"{what} is not a whole number: {v[:20]!r}")
    return int(f)


def _req(v: str, what: str, lo: int, hi: int) -> int:
    n = _num(v, what)
    if n is None or not lo <= n <= hi:
        raise ValueError(f"{what} missing or out of range {lo}..{hi}: {v[:20]!r}")
    return n


def _flag(v: str, what: str) -> bool:
    n = _num(v, what)
    if n not in (0, 1):
        raise ValueError(f"{what} is not 0/1: {v[:20]!r}")
    return n == 1


def _when(y: str, m: str, d: str, what: str, *, end: bool) -> dt.date | None:
    year = _num(y, f"{what} year")
    if end and not year:
        return None  # still in effect at the end of ATOP's coverage
    if year is None or not 1800 <= year <= 2100:
        raise ValueError(f"bad {what} date: year {y!r}")
    month = _num(m, f"{what} month") or (12 if end else 1)
    if not 1 <= month <= 12:
        raise ValueError(f"bad {what} date: month {m!r}")
    last = monthrange(year, month)[1]
    day = _num(d, f"{what} day") or (last if end else 1)
    if not 1 <= day <= last:
        raise ValueError(f"bad {what} date: day {d!r} in {year}-{month:02d}")
    return dt.date(year, month, day)


def _conds(f: dict[str, str], keys: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for k in keys:
        if k in f:
            n = _num(f[k], k)
            if n:
                out[k] = n
    return out


def split_by_id(
    reg: ActorRegistry, cow: int, joined: dt.date, left: dt.date | None
) -> list[tuple[str | None, dt.date, dt.date | None]]:
    """(actor id, from, to) pieces of a membership whose COW code changes id over its span."""
    cands = [s for s in reg.states.values() if s.cow == cow]
    cuts = sorted(
        {
            d
            for s in cands
            for d in (s.start, s.end + dt.timedelta(days=1) if s.end else None)
            if d is not None and joined < d and (left is None or d <= left)
        }
    )
    pieces: list[tuple[str | None, dt.date, dt.date | None]] = []
    starts = [joined, *cuts]
    for i, a in enumerate(starts):
        b = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else left
        aid = reg.by_cow(cow, on=a)
        if pieces and pieces[-1][0] == aid:
            pieces[-1] = (aid, pieces[-1][1], b)
        else:
            pieces.append((aid, a, b))
    return pieces


def load_members(store: Store, path: Path, url: str | None = None) -> IngestSummary:
    """Load ``atop5_1m.csv`` into ``alliance_members``."""
    t0 = time.perf_counter()
    _, rows = read_csv_rows(path, MEMBER_REQUIRED)
    reg = reference.actor_registry()

    def parse(r: Row) -> tuple[Hashable, list[dict[str, Any]]]:
        f = r.fields
        atopid = _req(f["atopid"], "atopid", 1, 99999)
        cow = _req(f["member"], "member (COW code)", 1, 9999)
        phase = _num(f["phase"], "phase") or 0
        joined = _when(f["yrent"], f["moent"], f["dayent"], "entry", end=False)
        left = _when(f["yrexit"], f["moexit"], f["dayexit"], "exit", end=True)
        flags = {name: _flag(f[col], col) for col, name in OBLIGATIONS.items()}
        conds = json.dumps(_conds(f, MEMBER_CONDITIONS), sort_keys=True)
        assert joined is not None
        if left is not None and left < joined:
            raise ValueError(f"exit {left} before entry {joined}")
        # One membership becomes one record per actor id it spans (SUN then RUS, YUG then SRB).
        records = [
            {"atopid": atopid, "member": aid, "cow": cow, "phase": phase, "joined": a, "left": b, **flags,
             "conditions": conds, "line": r.line}
            for aid, a, b in split_by_id(reg, cow, joined, left)
        ]  # fmt: skip
        return (atopid, cow, phase, joined), records

    return write_rows(store, path, "atop-members", "alliance_members", collect(rows, parse), url, t0)


def _names() -> dict[int, str]:
    return {int(r["atopid"]): r["name"] for r in reference.read_rows("atop_names.csv")}


def load_alliances(store: Store, path: Path, url: str | None = None) -> IngestSummary:
    """Load ``atop5_1a.csv`` into ``alliances``."""
    t0 = time.perf_counter()
    header, rows = read_csv_rows(path, ALLIANCE_REQUIRED)
    mem_cols = [h for h in header if h.startswith("mem") and h[3:].isdigit()]
    reg = reference.actor_registry()
    names = _names()

    def parse(r: Row) -> tuple[Hashable, list[dict[str, Any]]]:
        f = r.fields
        atopid = _req(f["atopid"], "atopid", 1, 99999)
        begin = _when(f["begyr"], f["begmo"], f["begday"], "begin", end=False)
        end = _when(f["endyr"], f["endmo"], f["endday"], "end", end=True)
        flags = {name: _flag(f[col], col) for col, name in OBLIGATIONS.items()}
        bilateral = _flag(f["bilat"], "bilat")
        conditional = _flag(f["conditio"], "conditio")
        cows = [c for c in (_num(f[m], m) for m in mem_cols) if c]
        conds = _conds(f, ALLIANCE_CONDITIONS)
        assert begin is not None
        if end is not None and end < begin:
            raise ValueError(f"end {end} before begin {begin}")
        ids = [reg.by_cow(c, on=begin) or str(c) for c in cows]
        name = names.get(atopid) or f"ATOP {atopid}: " + (
            ", ".join(ids[:8]) + (f" +{len(ids) - 8} more" if len(ids) > 8 else "")
        )
        record = {
            "atopid": atopid,
            "name": name,
            "begin_date": begin,
            "end_date": end,
            "bilateral": bilateral,
            **flags,
            "conditional": conditional,
            "conditions": json.dumps(conds, sort_keys=True),
            "members": ",".join(ids),
            "line": r.line,
        }
        return atopid, [record]

    return write_rows(store, path, "atop-alliances", "alliances", collect(rows, parse), url, t0)


def _kind(path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(2000).decode("utf-8", errors="replace").split("\n", 1)[0].lower()
    cols = {c.strip() for c in head.split(",")}
    if path.name.lower() == ALLIANCES_FILE or "mem1" in cols:
        return "alliances"
    if path.name.lower() == MEMBERS_FILE or "member" in cols:
        return "members"
    return None


def load_atop(store: Store, path: Path, url: str | None = None) -> list[IngestSummary]:
    """Load ATOP 5.1 from a folder, a zip, or one of its two CSV files (alliances first)."""
    with tempfile.TemporaryDirectory(prefix="detente-atop-") as tmp:
        found = resolve_inputs(path, (ALLIANCES_FILE, MEMBERS_FILE), Path(tmp))
        kinds = {f: _kind(f) for f in found.values()}
        for f, k in kinds.items():
            if k is None:
                raise IngestError(
                    f"{f.name} is neither {ALLIANCES_FILE} nor {MEMBERS_FILE}.", hint="Point at the ATOP 5.1 CSV files."
                )
        out = [load_alliances(store, f, url) for f, k in kinds.items() if k == "alliances"]
        out += [load_members(store, f, url) for f, k in kinds.items() if k == "members"]
        return out


REFERENCE_SOURCES.add(
    "atop",
    ReferenceSource(
        name="atop",
        description="ATOP 5.1 alliances and members (atop5_1a.csv, atop5_1m.csv)",
        files=(ALLIANCES_FILE, MEMBERS_FILE),
        shared_dir="alliances/atop",
        load=load_atop,
        citation="Leeds, Ritter, Mitchell & Long (2002), Alliance Treaty Obligations and Provisions; ATOP v5.1",
    ),
)
