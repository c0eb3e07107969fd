"""Joint exercises and defense visits: MME v7, JME v3 and the US defense-visits file.

* **MME** — Multinational Military Exercises v7 (Bernhardt & Sukin), one row per
  exercise 1980–2010, participants as country names in ``StateA..StateAM``,
  dates split in ``s.year/s.month/s.day`` with ``xx`` for an unknown day.
* **JME** — Joint Military Exercises v3 (see docs/engagements.md for the citation),
  one row per exercise 1974–2010, participants as ISO3 codes in ``State A..State AD``, dates written ``11/xx/1974``.
* **US visits** — visits of US service secretaries and combatant commanders to
  other states (Title, Name, Start/End Day/Month/Year, State Visit as ISO3).

A row becomes an engagement when its start date is known and at least two
participants resolve (one visited state for a visit); names that do not resolve
stay in ``attributes.unresolved``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from detente.core.taxonomy import EngagementKind
from detente.ingest.engagements.common import (
    Rows,
    clean,
    content_key,
    precision_attrs,
    read_csv_text,
    read_table,
    records,
    require_columns,
    unique,
)
from detente.ingest.engagements.dates import PartialDate, from_parts, parse_partial
from detente.ingest.engagements.participants import Resolver
from detente.ingest.engagements.writer import Parsed

__all__ = ["parse_jme", "parse_mme", "parse_us_visits"]

MME_COLUMNS = ["MMEID", "Ex_Name", "Location", "s.year", "s.month", "s.day", "e.year", "e.month", "e.day"]
JME_COLUMNS = ["Exercise Name", "Location1", "Start Date", "enddate", "State A", "State B"]
VISITS_COLUMNS = ["Title", "Name", "Start Day", "Start Month", "Start Year", "State Visit", "End Day", "End Month",
                  "End Year"]  # fmt: skip
MME_ATTRS = (("series", "Series_Name"), ("focus", "FocusDescription"),
             ("participant_info", "AdditionalParticipantInfo"), ("lat", "lat"), ("lon", "lon"))  # fmt: skip
JME_ATTRS = (("type", "JME Type"), ("reforger", "Part of the Reforger Exercise?"),
             ("institutions", "Institution(s) involved"), ("purpose", "What is the purpose of the JME?"),
             ("note", "Anything interesting to note about this exercise?"), ("jme_id", "Unnamed: 2"))  # fmt: skip
MME_FLAGS = ["CPX", "Air", "Land", "Sea", "Amphibious", "Cyber", "Warfighting", "Peacekeeping", "Humanitarian"]


def _dates(
    rows: Rows, line: int, row: dict[str, Any], start: PartialDate | str | None, end: PartialDate | str | None
) -> tuple[PartialDate, PartialDate | None] | None:
    """Validated (start, end) or None after rejecting the row; strings carry a parse error."""
    if isinstance(start, str):
        rows.reject(line, f"bad start date: {start}", row)
        return None
    if start is None:
        rows.reject(line, "missing start date", row)
        return None
    if isinstance(end, str):
        rows.reject(line, f"bad end date: {end}", row)
        return None
    if end is not None and end.last < start.date:
        rows.reject(line, f"end date before start: {end.date} < {start.date}", row)
        return None
    if end is not None and end.date < start.date:  # same month or year, known less precisely than the start
        end = PartialDate(start.date, end.precision)
    return start, end


def _try(fn: Any, *args: Any, **kw: Any) -> PartialDate | str | None:
    try:
        result: PartialDate | None = fn(*args, **kw)
    except ValueError as e:
        return f"{' '.join(str(a) for a in args if clean(a))} ({e})"
    return result


def _participants(
    resolver: Resolver, values: list[object], by_code: bool = False, on: dt.date | None = None
) -> tuple[list[str], list[str]]:
    ids: list[str | None] = []
    unresolved: list[str] = []
    for v in values:
        for name in str(v).split(";") if clean(v) else []:
            name = name.strip()
            if not clean(name):
                continue
            hit = (resolver.code(name) or resolver.name(name, on)) if by_code else resolver.name(name, on)
            ids.append(hit)
            if hit is None and name not in unresolved:
                unresolved.append(name)
    return unique(ids), unresolved


def parse_mme(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, MME_COLUMNS, read_csv_text)
    states = [c for c in df.columns if c.startswith("State")]
    if not states:
        require_columns(df, ["StateA", "StateB"], path)
    rows = Rows()
    seen: dict[str, list[str]] = {}
    for line, rec, mid in rows.keyed(df, "MMEID"):
        ok = _dates(
            rows, line, rec,
            _try(from_parts, rec["s.year"], rec["s.month"], rec["s.day"]),
            _try(from_parts, rec["e.year"], rec["e.month"], rec["e.day"]),
        )  # fmt: skip
        if ok is None:
            continue
        start, end = ok
        ids, unresolved = _participants(r, [rec[c] for c in states], on=start.date)
        ids, expanded = _expand(r, ids, rec.get("AdditionalParticipantInfo"), start.date)
        if len(ids) < 2:
            rows.reject(line, _too_few(ids, unresolved), rec)
            continue
        name = clean(rec["Ex_Name"])
        # MME reuses a few ids for different exercises: a different exercise under a seen id gets a suffix.
        sig = content_key(name, start.date, ids)
        variants = seen.setdefault(mid, [])
        if sig not in variants:
            variants.append(sig)
        sid = mid if variants.index(sig) == 0 else f"{mid}~{variants.index(sig) + 1}"
        attrs: dict[str, Any] = {
            **precision_attrs(start, end),
            "types": [f for f in MME_FLAGS if clean(rec.get(f)) == "1"],
        }
        for key, col in MME_ATTRS:
            if clean(rec.get(col)):
                attrs[key] = float(rec[col]) if key in ("lat", "lon") else clean(rec[col])
        if unresolved:
            attrs["unresolved"] = unresolved
        if expanded:
            attrs["members_of"] = expanded
        rows.add(
            sid, kind=EngagementKind.JOINT_EXERCISE.value, name=name, start_date=start.date,
            end_date=end.date if end else None, participants=ids, place=clean(rec["Location"]), line=line,
            attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))


def _jme_date(text: object, y: object, m: object, d: object) -> PartialDate | str | None:
    if clean(y) is not None:
        got = _try(from_parts, y, m, d)
        if isinstance(got, PartialDate):
            return got
    return _try(parse_partial, text, order="mdy")


def parse_jme(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, JME_COLUMNS)
    states = [c for c in df.columns if c.startswith("State ")]
    for c in ("s.year", "s.month", "s.day", "e.year", "e.month", "e.day"):
        if c not in df.columns:
            df[c] = None
    host_col = "Which state hosted the exercise?"
    rows = Rows()
    for line, rec in records(df):
        ok = _dates(
            rows, line, rec,
            _jme_date(rec["Start Date"], rec["s.year"], rec["s.month"], rec["s.day"]),
            _jme_date(rec["enddate"], rec["e.year"], rec["e.month"], rec["e.day"]),
        )  # fmt: skip
        if ok is None:
            continue
        start, end = ok
        ids, unresolved = _participants(r, [rec[c] for c in states], by_code=True, on=start.date)
        ids, expanded = _expand(r, ids, rec.get("Institution(s) involved"), start.date)
        if len(ids) < 2:
            rows.reject(line, _too_few(ids, unresolved), rec)
            continue
        name = clean(rec["Exercise Name"])
        places = unique([clean(rec["Location1"]), clean(rec.get("Location2"))])
        attrs: dict[str, Any] = precision_attrs(start, end)
        for key, col in JME_ATTRS:
            if clean(rec.get(col)):
                attrs[key] = clean(rec[col])
        host = clean(rec.get(host_col))
        if host:
            attrs["host"] = r.code(host) or r.name(host) or host
        if unresolved:
            attrs["unresolved"] = unresolved
        if expanded:
            attrs["members_of"] = expanded
        rows.add(
            content_key(name, start.date, end.date if end else None, sorted(ids)),
            kind=EngagementKind.JOINT_EXERCISE.value, name=name, start_date=start.date,
            end_date=end.date if end else None, participants=ids, place="; ".join(places) or None, line=line,
            attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))


def parse_us_visits(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, VISITS_COLUMNS)
    usa = r.code("USA") or "USA"
    rows = Rows()
    for line, rec in records(df):
        ok = _dates(
            rows, line, rec,
            _try(from_parts, rec["Start Year"], rec["Start Month"], rec["Start Day"]),
            _try(from_parts, rec["End Year"], rec["End Month"], rec["End Day"]),
        )  # fmt: skip
        if ok is None:
            continue
        start, end = ok
        where = clean(rec["State Visit"])
        host = (r.code(where) or r.name(where)) if where else None
        if host is None or host == usa:
            rows.reject(line, f"visited state does not resolve: {where or 'empty'}", rec)
            continue
        title, who = clean(rec["Title"]), clean(rec["Name"])
        attrs: dict[str, Any] = {**precision_attrs(start, end), "title": title, "official": who, "visitor": usa}
        if clean(rec.get("City Visited")):
            attrs["city"] = clean(rec["City Visited"])
        rows.add(
            content_key(title, who, start.date, host),
            kind=EngagementKind.DEFENSE_DIALOGUE.value, name=f"{title or 'US official'} visit to {host}",
            start_date=start.date, end_date=end.date if end else None, participants=[usa, host],
            place=clean(rec.get("City Visited")) or host, line=line, attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))


def _expand(r: Resolver, ids: list[str], text: object, on: dt.date) -> tuple[list[str], list[str]]:
    """Alliance-wide exercises ("NATO countries") list at most one state: take the organisation's members.

    Applies only when fewer than two states are listed; the members are those the
    reference memberships know on the start day. Returns (participants, organisations expanded).
    """
    if len([i for i in ids if i in r.registry.states]) >= 2:
        return ids, []
    orgs = [o for o in r.find_in_text(text, on) if o in r.registry.organisations]
    expanded: list[str] = []
    for org in unique([*orgs, *(i for i in ids if i in r.registry.organisations)]):
        members = r.registry.members(org, on)
        if members:
            expanded.append(org)
            ids = unique([*ids, *members])
    return [i for i in ids if i not in expanded], expanded


def _too_few(ids: list[str], unresolved: list[str]) -> str:
    return (
        f"fewer than 2 resolvable participants: resolved {', '.join(ids) or 'none'}; "
        f"unresolved {', '.join(unresolved) or 'none'}"
    )
