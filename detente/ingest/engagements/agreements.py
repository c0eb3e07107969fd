"""Peace agreements: PA-X (Bell et al.) and the UCDP Peace Agreement Dataset 1975–2011 (Högbladh).

* **PA-X** — one row per agreement (``AgtId``), 1990–2019. Kind ``ceasefire``
  when PA-X puts the agreement in its ceasefire stage (``Stage == 'Cea'``),
  ``agreement`` otherwise. Participants: the states of the conflict (``Con``,
  split on ``/``; ``Yugoslavia (former)`` → YUG) and every state named among the
  signatories (``Part``); third parties: states and organisations named in
  ``ThrdPart`` that are not participants. Non-state parties, territories
  (``Abkhazia``, ``Darfur``...) and the parties' text stay in the attributes.
* **UCDP PA** — one row per agreement (``PAID``). Participants: the
  Gleditsch–Ward states of the conflict (``GWNO``, possibly ``'678, 680'``);
  third parties: states and organisations named in ``pa_3rd``. Kind ``agreement``;
  whether it has a ceasefire provision (``cease``) is an attribute.

An agreement becomes an engagement when its date is known and at least one
participant state resolves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from detente.core.taxonomy import EngagementKind
from detente.ingest.engagements.common import Rows, clean, read_table, unique
from detente.ingest.engagements.dates import from_parts, parse_partial
from detente.ingest.engagements.participants import Resolver
from detente.ingest.engagements.writer import Parsed

__all__ = ["parse_pax", "parse_ucdp_pa"]

PAX_COLUMNS = ["Con", "Contp", "PPName", "Reg", "AgtId", "Agt", "Dat", "Status", "Agtp", "Stage", "StageSub",
               "Part", "ThrdPart"]  # fmt: skip
PAX_ATTRS = {"Contp": "conflict_type", "PPName": "peace_process", "Reg": "region", "Status": "status",
             "Agtp": "agreement_type", "Stage": "stage", "StageSub": "stage_sub", "Loc1ISO": "location_iso",
             "Loc2ISO": "location2_iso", "UcdpCon": "ucdp_conflict", "UcdpAgr": "ucdp_agreement",
             "Ce": "ceasefire_provisions", "ImPK": "peacekeeping_provisions", "ImUN": "un_signatory"}  # fmt: skip
TEXT_MAX = 1500
MAX_OUTSIDE_PARTIES = 3  # more outside states among the signatories: a conference, counted as third parties


def _states(r: Resolver, ids: list[str]) -> list[str]:
    return [i for i in ids if i in r.registry.states]


def parse_pax(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, PAX_COLUMNS)
    rows = Rows()
    for line, rec, aid in rows.keyed(df, "AgtId"):
        try:
            date = parse_partial(rec["Dat"], order="ymd")
        except ValueError as e:
            rows.reject(line, f"bad date: {clean(rec['Dat'])} ({e})", rec)
            continue
        if date is None:
            rows.reject(line, "missing date", rec)
            continue
        con = clean(rec["Con"]) or ""
        con_names = [c.strip(" ()") for c in con.split("/") if c.strip(" ()")]
        con_ids = [r.name(c, date.date) for c in con_names]
        territories = [c for c, i in zip(con_names, con_ids, strict=True) if i is None]
        conflict_states = unique(i for i in con_ids if i in r.registry.states)
        signatories = [i for i in _states(r, r.find_in_text(rec["Part"], date.date)) if i not in conflict_states]
        # A few outside states among the signatories are parties (Croatia at Dayton); many are a conference or
        # the Security Council endorsing the text: those count as third parties.
        conference = len(signatories) > MAX_OUTSIDE_PARTIES
        participants = conflict_states if conference else unique([*conflict_states, *signatories])
        if not participants:
            rows.reject(line, f"no participant state resolves: Con {con or 'empty'}", rec)
            continue
        third = unique([*(signatories if conference else []), *r.find_in_text(rec["ThrdPart"], date.date)])
        third = [t for t in third if t not in participants]
        stage = clean(rec["Stage"])
        kind = EngagementKind.CEASEFIRE if stage == "Cea" else EngagementKind.AGREEMENT
        attrs: dict[str, Any] = {"date_precision": date.precision, "conflict": con}
        for col, key in PAX_ATTRS.items():
            if clean(rec.get(col)) is not None:
                attrs[key] = clean(rec[col])
        if territories:
            attrs["territories"] = territories
        if conference:
            attrs["signatory_states_as_third_parties"] = len(signatories)
        for col, key in (("Part", "parties_text"), ("ThrdPart", "third_parties_text")):
            if clean(rec[col]):
                attrs[key] = str(clean(rec[col]))[:TEXT_MAX]
        rows.add(
            f"pax:{aid}", kind=kind.value, name=clean(rec["Agt"]), start_date=date.date, participants=participants,
            third_parties=third, place=clean(rec.get("Loc1ISO")), line=line, attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))


UCDP_COLUMNS = ["PAID", "GWNO", "CID", "Name", "DyadName", "pa_name", "Year", "pa_date", "pa_3rd", "cease"]
UCDP_ATTRS = {"CID": "ucdp_conflict", "Name": "conflict", "DyadName": "dyad", "actorId": "actor_ids",
              "Inc": "incompatibility", "ended": "ended", "cease": "ceasefire_provision",
              "PKO": "peacekeeping_provision", "DDR": "ddr_provision",
              "Withd": "withdrawal_provision", "pa_type": "pa_type", "Duration": "duration", "inclusive": "inclusive",
              "Region": "region"}  # fmt: skip


def parse_ucdp_pa(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, UCDP_COLUMNS)
    rows = Rows()
    for line, rec, pid in rows.keyed(df, "PAID"):
        try:
            date = parse_partial(rec["pa_date"], order="ymd") or from_parts(rec["Year"])
        except ValueError as e:
            rows.reject(line, f"bad date: {clean(rec['pa_date'])} ({e})", rec)
            continue
        if date is None:
            rows.reject(line, "missing date", rec)
            continue
        codes = [c.strip() for c in str(clean(rec["GWNO"]) or "").split(",") if c.strip()]
        ids = [r.gw(c, date.date) for c in codes]
        unresolved = [c for c, i in zip(codes, ids, strict=True) if i is None]
        participants = unique(ids)
        if not participants:
            rows.reject(line, f"no participant state resolves: GWNO {', '.join(codes) or 'empty'}", rec)
            continue
        third = [t for t in r.find_in_text(rec["pa_3rd"], date.date) if t not in participants]
        attrs: dict[str, Any] = {"date_precision": date.precision}
        for col, key in UCDP_ATTRS.items():
            if clean(rec.get(col)) is not None:
                attrs[key] = clean(rec[col])
        for col, key in (
            ("pa_sign", "signatories_text"),
            ("pa_3rd", "third_parties_text"),
            ("c_3rd", "third_party_note"),
        ):
            if clean(rec.get(col)):
                attrs[key] = str(clean(rec[col]))[:TEXT_MAX]
        if unresolved:
            attrs["unresolved"] = unresolved
        rows.add(
            f"ucdp:{pid}", kind=EngagementKind.AGREEMENT.value, name=clean(rec["pa_name"]), start_date=date.date,
            participants=participants, third_parties=third, line=line, attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))
