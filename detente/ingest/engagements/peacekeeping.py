"""Peacekeeping missions: the UN and non-UN PKO mission-months (Bara & Hultman) and third-party PKMs v3.1.

* **PKO** — one row per mission, conflict and month, 1993–2016 (Stata). The
  codebook's unit is the mission-conflict-month; detente folds every month of a
  mission in its host state into one engagement (start = first month, end = the
  last day of the last month), so ``duplicates`` counts the folded months. The
  host is the participant; the deploying organisation (``org`` 1 = UN) is the
  third party where the registry knows it, its type and peak personnel (the
  codebook's main, inter- and extrapolated ``*_iepo`` series) are attributes.
* **Third-party PKMs** — one row per mission (``OBSNUM``), 1947 onwards. The host
  (``CCODE1``) is the participant; the lead state (``CCODE2``), the UN when
  ``TPTYPE`` is 1 and any organisation named in the mission name are third parties.
  ``TPTYPE`` values are inferred from the missions themselves (1 UN, 2 regional
  organisation, 3 other states or ad hoc coalitions): the codebook is not among
  the extracts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from detente.core.taxonomy import EngagementKind
from detente.ingest.engagements.common import (
    Rows,
    clean,
    precision_attrs,
    raw_json,
    read_stata,
    read_table,
    records,
    unique,
)
from detente.ingest.engagements.dates import from_parts
from detente.ingest.engagements.participants import Resolver
from detente.ingest.engagements.writer import COLUMNS, Parsed, rejected

__all__ = ["parse_pko", "parse_tpkm"]

ORG_TYPE = {1: "UN", 2: "regional", 3: "international"}

# Non-UN missions of the PKO file, by the organisation that ran them or the state that led them
# (mission-name prefixes; facts from the missions' mandates as the SIPRI and TPKM data describe them).
MISSION_ORGS: tuple[tuple[str, str], ...] = (
    ("EU", "EU"), ("NATO", "NATO"), ("KFOR", "NATO"), ("IFOR", "NATO"), ("SFOR", "NATO"), ("ISAF", "NATO"),
    ("RSM", "NATO"), ("AMIS", "AU"), ("AMIB", "AU"), ("AFISMA", "AU"), ("MISCA", "AU"), ("MAES", "AU"),
    ("MIOC", "AU"), ("ECOM", "ECOWAS"), ("ECOWAS", "ECOWAS"), ("OAU", "OAU|AU"), ("NMOG", "OAU|AU"),
    ("MIOB", "OAU|AU"), ("CIS", "CIS"), ("WEUPF", "WEU"), ("CEMAC", "CEMAC"), ("MICOPAX", "ECCAS"),
    ("Op. Serval", "FRA"), ("Op. Sangaris", "FRA"), ("Op. Licorne", "FRA"), ("Turquoise", "FRA"),
    ("INTERFET", "AUS"), ("ISF", "AUS"), ("PMG", "AUS"), ("SPPKF", "AUS"), ("TMG", "NZL"), ("UNITAF", "USA"),
    ("MIFH", "USA"), ("Uphold Dem", "USA"), ("SAPD", "ZAF"), ("IMT", "MYS"),
)  # fmt: skip

PKO_COLUMNS = ["ccode", "location", "conflictid", "date", "missionid", "mission", "org"]


def _org_of(r: Resolver, mission: str, org: int | None) -> str | None:
    if org == 1:
        return r.name("UN")
    for prefix, ids in MISSION_ORGS:
        if mission.upper().startswith(prefix.upper()):
            for cand in ids.split("|"):
                if r.known(cand):
                    return cand
    return None


def parse_pko(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, PKO_COLUMNS, read_stata)
    df["line"] = df.index
    date = pd.to_datetime(df["date"], errors="coerce")
    problems = pd.Series("", index=df.index)
    problems[df["missionid"].isna() | df["mission"].isna()] = "missing mission id or name"
    problems[(problems == "") & date.isna()] = "missing or bad date"
    ccode = pd.to_numeric(df["ccode"], errors="coerce")
    problems[(problems == "") & ccode.isna()] = "missing ccode"
    ok = problems == ""
    good = df[ok].assign(_date=date[ok], _ccode=ccode[ok].astype("int64"))
    good["_key"] = good["missionid"].astype("int64").astype(str) + ":" + good["_ccode"].astype(str)
    num = {c: pd.to_numeric(good[c], errors="coerce") for c in ("troops_iepo", "police_iepo", "observers_iepo",
                                                                 "totals_iepo") if c in good.columns}  # fmt: skip
    good = good.assign(**num)
    agg: dict[str, Any] = {"_date": ["min", "max", "nunique"], "line": ["min", "size"], "mission": "first",
                           "location": "first", "_ccode": "first", "org": "first"}  # fmt: skip
    for c in num:
        agg[c] = "max"
    g = good.groupby("_key", sort=False).agg(agg)
    g.columns = ["_".join(c) for c in g.columns]
    conflicts = {
        str(k): sorted({int(v) for v in grp.dropna()}) for k, grp in good.groupby("_key", sort=False)["conflictid"]
    }
    police = (
        good.groupby("_key", sort=False)["onlypolice"].max() if "onlypolice" in good.columns else pd.Series(dtype=float)
    )
    items: list[dict[str, Any]] = []
    bad: list[tuple[int, str, str]] = [
        (int(ln), str(reason), raw_json(rec)) for (ln, rec), reason in zip(records(df[~ok]), problems[~ok], strict=True)
    ]
    for key, rec in zip(g.index, g.to_dict(orient="records"), strict=True):
        start = rec["_date_min"].date()
        last = rec["_date_max"].date()
        end = (dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)) - dt.timedelta(days=1)
        host = r.cow(rec["_ccode_first"], start)
        if host is None:
            for ln in good.loc[good["_key"] == key, "line"]:
                bad.append(
                    (
                        int(ln),
                        f"host COW code does not resolve: {rec['_ccode_first']}",
                        raw_json({str(k): v for k, v in df.loc[ln].items()}),
                    )
                )
            continue
        mission = str(rec["mission_first"]).strip()
        org = int(rec["org_first"]) if rec["org_first"] == rec["org_first"] else None
        org_id = _org_of(r, mission, org)
        attrs: dict[str, Any] = {
            "org_type": ORG_TYPE.get(org or 0),
            "months": int(rec["_date_nunique"]),
            "conflict_ids": conflicts[key],
            "mission_id": key.split(":")[0],
            "location": rec["location_first"],
        }
        if org_id is None and org != 1:
            attrs["organisation_unresolved"] = mission
        if key in police.index and police[key] == 1:
            attrs["police_only"] = True
        for c in num:
            v = rec[f"{c}_max"]
            if v == v and v is not None:
                attrs["peak_" + c.removesuffix("_iepo")] = int(v)
        items.append({
            "source_id": key, "kind": EngagementKind.PEACEKEEPING.value, "name": mission, "start_date": start,
            "end_date": end, "participants": [host], "third_parties": [org_id] if org_id else [],
            "place": rec["location_first"], "track": "I", "line": int(rec["line_min"]), "attributes": attrs,
            "rows": int(rec["line_size"]),
        })  # fmt: skip
    return Parsed(len(df), pd.DataFrame(items, columns=COLUMNS), rejected(bad))


TPKM_COLUMNS = ["OBSNUM", "STATE", "CCODE1", "TPTYPE", "PKMNAME (location)", "LEADSTATE", "CCODE2",
                "STARTDAY", "STARTMON", "STARTYR", "ENDDAY", "ENDMON", "ENDYR"]  # fmt: skip
TPKM_ATTRS = ["DISTYPE", "DISNUM", "UNMANDATE", "UNRESOL (date)", "CEASE", "PEACE", "PKMNUM1", "PKMNUM2",
              "STATENUM", "FATAL1", "FATAL2", "DURATION", "ONGOING", "TREATY", "MEDIATE1", "MEDIATE2"]  # fmt: skip


def parse_tpkm(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, TPKM_COLUMNS)
    rows = Rows()
    for line, rec, oid in rows.keyed(df, "OBSNUM"):
        try:
            start = from_parts(rec["STARTYR"], rec["STARTMON"], rec["STARTDAY"])
            end = from_parts(rec["ENDYR"], rec["ENDMON"], rec["ENDDAY"])
        except ValueError as e:
            rows.reject(line, f"bad date: {e}", rec)
            continue
        if start is None:
            rows.reject(line, "missing start date", rec)
            continue
        if end is not None and end.last < start.date:
            rows.reject(line, f"end date before start: {end.date} < {start.date}", rec)
            continue
        host = r.cow(rec["CCODE1"], start.date) or (None if "/" in str(rec["STATE"]) else r.name(rec["STATE"]))
        if host is None:
            rows.reject(line, f"host COW code does not resolve: {clean(rec['CCODE1'])} ({clean(rec['STATE'])})", rec)
            continue
        name = clean(rec["PKMNAME (location)"]) or ""
        tptype = clean(rec["TPTYPE"])
        lead = r.cow(rec["CCODE2"], start.date) or r.name(rec["LEADSTATE"])
        orgs = [o for o in r.find_in_text(name) if o in r.registry.organisations]  # the name also names places
        third = unique([r.name("UN") if tptype == "1" else None, lead, *orgs])
        third = [t for t in third if t != host]
        attrs: dict[str, Any] = {**precision_attrs(start, end), "tptype": tptype, "host_name": clean(rec["STATE"])}
        if clean(rec["LEADSTATE"]):
            attrs["lead_state"] = lead or clean(rec["LEADSTATE"])
            if lead is None:
                attrs["unresolved"] = [clean(rec["LEADSTATE"])]
        purposes = [clean(rec.get(f"PURPOSE{i}")) for i in range(1, 5)]
        attrs["purposes"] = [p for p in purposes if p and p != "0"]
        for c in TPKM_ATTRS:
            v = clean(rec.get(c))
            if v is not None:
                attrs[c.split(" ")[0].lower()] = v
        rows.add(
            oid, kind=EngagementKind.PEACEKEEPING.value, name=name, start_date=start.date,
            end_date=None if end is None else max(end.date, start.date), participants=[host],
            third_parties=third, place=clean(rec["STATE"]), line=line, attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))
