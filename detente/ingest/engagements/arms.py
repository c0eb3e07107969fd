"""Arms transfers: SIPRI Arms Transfers Database as directed dyad-years 1970–2014 (``.rds``).

Each row is a supplier (``ccode1``) → recipient (``ccode2``) year with the
deliveries' value in SIPRI trend-indicator values (``value``, TIV millions). A
year with deliveries (``value > 0``) becomes one ``military_aid`` engagement
(start 1 January, end 31 December of the year; supplier, recipient and TIV in
the attributes). The panel also lists dyad-years without deliveries: those rows
are read and *filtered* as ``not an engagement`` (counted, not quarantined) so that the counts reconcile.
Vectorised: the 81,335 rows take well under a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from detente.core.taxonomy import EngagementKind
from detente.ingest.engagements.common import read_rds, read_table
from detente.ingest.engagements.participants import Resolver
from detente.ingest.engagements.writer import COLUMNS, Parsed, rejected

__all__ = ["parse_sipri"]

SIPRI_COLUMNS = ["year", "sender", "ccode1", "receiver", "ccode2", "value"]


def parse_sipri(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, SIPRI_COLUMNS, read_rds)
    year = pd.to_numeric(df["year"], errors="coerce")
    c1 = pd.to_numeric(df["ccode1"], errors="coerce")
    c2 = pd.to_numeric(df["ccode2"], errors="coerce")
    value = pd.to_numeric(df["value"], errors="coerce")
    reason = pd.Series("", index=df.index, dtype=object)
    reason[year.isna() | (year < 1000) | (year > 2999) | (year % 1 != 0)] = "bad or missing year"
    reason[(reason == "") & (c1.isna() | c2.isna())] = "missing supplier or recipient code"
    reason[(reason == "") & value.isna()] = "missing TIV value"
    reason[(reason == "") & (value < 0)] = "negative TIV value"
    reason[(reason == "") & (value == 0)] = "not an engagement: no deliveries this year (TIV 0)"
    # Resolve each distinct (code, year) once, on 1 July of the year (mid-year, as COW state-years do).
    ok = reason == ""
    pairs = pd.concat([pd.DataFrame({"c": c1[ok], "y": year[ok]}), pd.DataFrame({"c": c2[ok], "y": year[ok]})])
    lookup = {
        (c, y): r.cow(int(c), dt.date(int(y), 7, 1))
        for c, y in pairs.drop_duplicates().itertuples(index=False, name=None)
    }
    sup = pd.Series([lookup.get((a, y)) for a, y in zip(c1, year, strict=True)], index=df.index, dtype=object)
    rec = pd.Series([lookup.get((b, y)) for b, y in zip(c2, year, strict=True)], index=df.index, dtype=object)
    unresolved = ok & (sup.isna() | rec.isna())
    msgs = [
        "COW code does not resolve: "
        + ", ".join(f"{int(c)} ({n})" for c, n, i in ((a, sn, s), (b, rn, t)) if i is None)
        for a, b, sn, rn, s, t in zip(
            c1[unresolved], c2[unresolved], df["sender"][unresolved], df["receiver"][unresolved],
            sup[unresolved], rec[unresolved], strict=True,
        )
    ]  # fmt: skip
    reason = reason.where(~unresolved, pd.Series(msgs, index=reason.index[unresolved], dtype=object))
    ok = reason == ""
    g = df[ok]
    y = year[ok].astype(int)
    eng = pd.DataFrame(
        {
            "source_id": y.astype(str) + ":" + c1[ok].astype(int).astype(str) + ":" + c2[ok].astype(int).astype(str),
            "kind": EngagementKind.MILITARY_AID.value,
            "name": "Arms transfers "
            + g["sender"].astype(str)
            + " → "
            + g["receiver"].astype(str)
            + " "
            + y.astype(str),
            "start_date": [dt.date(v, 1, 1) for v in y],
            "end_date": [dt.date(v, 12, 31) for v in y],
            "participants": [[a, b] for a, b in zip(sup[ok], rec[ok], strict=True)],
            "third_parties": [[] for _ in range(int(ok.sum()))],
            "place": None,
            "track": "I",
            "line": g.index.astype("int64"),
            "attributes": [
                _attrs(a, b, float(v), sn, rn)
                for a, b, v, sn, rn in zip(sup[ok], rec[ok], value[ok], g["sender"], g["receiver"], strict=True)
            ],
            "rows": 1,
        },
        columns=COLUMNS,
    )
    eng = eng.groupby("source_id", sort=False, as_index=False).agg(
        {c: "first" for c in COLUMNS if c not in ("source_id", "rows")} | {"rows": "sum"}
    )[COLUMNS]
    bad = df[~ok]
    raws = bad.to_json(orient="records", lines=True).splitlines() if len(bad) else []
    rej = rejected(list(zip(bad.index.astype(int).tolist(), reason[~ok].tolist(), raws, strict=True)))
    return Parsed(len(df), eng, rej)


def _attrs(supplier: str, recipient: str, tiv: float, sender: object, receiver: object) -> dict[str, Any]:
    return {"supplier": supplier, "recipient": recipient, "tiv": tiv, "date_precision": "year",
            "supplier_name": str(sender), "recipient_name": str(receiver), "directed": True}  # fmt: skip
