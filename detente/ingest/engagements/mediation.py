"""Civil-war mediation: the CWM dataset (DeRouen, Bercovitch & Pospieszna 2011), 1946–2011.

One row per civil-war episode, with whether it saw mediation (``Med_yes.no``),
when (``med.begins``/``med.ends``, ``m/d/yy``, parts may be missing as in
``12//67``) and by whom (``name.of.third.party``, free text: states,
organisations and persons). A mediated episode becomes a ``mediation``
engagement: participants are the civil-war state and the states named on either
side; third parties are the states and organisations the mediator text names.
Every mediator as written stays in ``attributes.mediators``. Episodes the data
codes as not mediated (0) or not coded are read and quarantined with the reason
``not an engagement``, so that the counts reconcile. The file is Windows-1252
text (a few bytes outside it become U+FFFD).
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

from detente.core.taxonomy import EngagementKind
from detente.ingest.engagements.common import Rows, clean, content_key, read_csv_text, read_table, records, unique
from detente.ingest.engagements.dates import PartialDate, parse_partial
from detente.ingest.engagements.participants import Resolver, split_names
from detente.ingest.engagements.writer import Parsed

__all__ = ["parse_cwm"]

CWM_COLUMNS = ["country", "sidea", "sideb", "Med_yes.no", "episode.start.date", "episode.end.date", "med.begins",
               "med.ends", "name.of.third.party"]  # fmt: skip
# Adjectives the mediator text uses for states ("Italian Government", "Norwegian For. Min"); CWM only, where
# an adjective names who mediates (in agreement texts it would too often name a population or a language).
DEMONYMS = {
    "American": "USA", "Argentinean": "ARG", "British": "GBR", "Egyptian": "EGY", "Ethiopian": "ETH",
    "Finnish": "FIN", "French": "FRA", "Indian": "IND", "Iranian": "IRN", "Italian": "ITA", "Japanese": "JPN",
    "Jepanese": "JPN", "Kenyan": "KEN", "Kuwaiti": "KWT", "Libyan": "LBY", "Nigerian": "NGA", "Norwegian": "NOR",
    "Portuguese": "PRT", "Russian": "RUS", "South African": "ZAF", "Sudanese": "SDN", "Swiss": "CHE",
    "Tanzanian": "TZA", "Thai": "THA", "Ugandan": "UGA",
}  # fmt: skip
_DEMONYM_RE = re.compile(r"\b(" + "|".join(sorted(DEMONYMS, key=len, reverse=True)) + r")\b")
PIVOT = 20  # two-digit years: 20..99 are 19xx, 00..19 are 20xx (the data span 1946–2011)


def _date(v: object) -> PartialDate | None:
    """A CWM date; a '?' (uncertain digit, as in ``98?``) is dropped, the part then counts as unknown."""
    text = str(v).replace("?", "") if isinstance(v, str) else v
    return parse_partial(text, order="mdy", pivot=PIVOT)


def _demonyms(r: Resolver, text: str) -> list[str]:
    return [i for i in (r.code(DEMONYMS[m.group(1)]) for m in _DEMONYM_RE.finditer(text)) if i]


def parse_cwm(path: Path, resolver: Resolver | None = None) -> Parsed:
    r = resolver or Resolver()
    df = read_table(path, CWM_COLUMNS, partial(read_csv_text, encoding="cp1252"))
    rows = Rows()
    for line, rec in records(df):
        med = clean(rec["Med_yes.no"])
        if med is None:
            rows.reject(line, "not an engagement: mediation not coded", rec)
            continue
        if med not in ("1", "1.0", "0", "0.0"):
            rows.reject(line, f"bad Med_yes.no: {med}", rec)
            continue
        if med.startswith("0"):
            rows.reject(line, "not an engagement: no mediation in this episode", rec)
            continue
        try:
            begins, ends = _date(rec["med.begins"]), _date(rec["med.ends"])
            episode = _date(rec["episode.start.date"])
        except ValueError as e:
            rows.reject(line, f"bad date: {e}", rec)
            continue
        basis = "mediation"
        if begins is None:
            begins, basis = episode, "episode_start"
        if begins is None:
            rows.reject(line, "missing mediation and episode start dates", rec)
            continue
        if ends is not None and ends.last < begins.date:
            rows.reject(line, f"mediation ends before it begins: {ends.date} < {begins.date}", rec)
            continue
        on = begins.date
        country = r.name(rec["country"], on)
        sides = [n for col in ("sidea", "sideb") for n in split_names(rec[col], ",;/")]
        side_states = [i for i in (r.name(n, on) for n in sides) if i in r.registry.states]
        participants = unique([country, *side_states])
        if not participants:
            rows.reject(line, f"civil-war state does not resolve: {clean(rec['country']) or 'empty'}", rec)
            continue
        mediators = split_names(rec["name.of.third.party"], ",;")
        named = [x for m in mediators for x in [*r.find_in_text(m, on), *_demonyms(r, m)]]
        third = [t for t in unique(named) if t not in participants]
        attrs: dict[str, Any] = {
            "start_precision": begins.precision, "date_basis": basis, "mediators": mediators,
            "side_a": clean(rec["sidea"]), "side_b": clean(rec["sideb"]),
        }  # fmt: skip
        if ends is not None:
            attrs["end_precision"] = ends.precision
        for key, col in (("territory", "territory"), ("incompatibility", "Incompatibility"),
                         ("year_term", "year_term"), ("episode_start", "episode.start.date"),
                         ("episode_end", "episode.end.date")):  # fmt: skip
            if clean(rec.get(col)):
                attrs[key] = clean(rec[col])
        if country is None:
            attrs["unresolved"] = [clean(rec["country"])]
        if any("?" in str(rec[c]) for c in ("med.begins", "med.ends", "episode.start.date")):
            attrs["uncertain_date"] = True
        name = f"Mediation in {clean(rec['country'])}"
        if mediators:
            name += f" by {', '.join(mediators[:3])}{'…' if len(mediators) > 3 else ''}"
        rows.add(
            content_key(rec["country"], rec["sidea"], rec["sideb"], rec["episode.start.date"], rec["med.begins"],
                        rec["name.of.third.party"]),
            kind=EngagementKind.MEDIATION.value, name=name[:300], start_date=begins.date,
            end_date=None if ends is None else max(ends.date, begins.date), participants=participants,
            third_parties=third, place=clean(rec.get("territory")), line=line, attributes=attrs,
        )  # fmt: skip
    return rows.parsed(len(df))
