"""Engagements from real data: exercises, visits, peacekeeping, agreements, mediation, arms transfers.

One importer per dataset, each registered by name in :data:`ENGAGEMENT_SOURCES`
(a :class:`~detente.registry.Registry`; a plug-in adds its own with
``ENGAGEMENT_SOURCES.add(name, EngagementSource(...))``). :func:`load` imports one
dataset's file and returns its reconciled summary; :func:`load_all` runs several.

>>> sorted(ENGAGEMENT_SOURCES.names())[:3]
['cwm', 'jme', 'mme']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from detente.core.taxonomy import EngagementKind as K
from detente.errors import IngestError
from detente.ingest.base import IngestSummary
from detente.ingest.engagements.agreements import parse_pax, parse_ucdp_pa
from detente.ingest.engagements.arms import parse_sipri
from detente.ingest.engagements.exercises import parse_jme, parse_mme, parse_us_visits
from detente.ingest.engagements.mediation import parse_cwm
from detente.ingest.engagements.participants import Resolver
from detente.ingest.engagements.peacekeeping import parse_pko, parse_tpkm
from detente.ingest.engagements.writer import EngagementSource, Parsed, write
from detente.registry import Registry
from detente.store.warehouse import Store

__all__ = ["ENGAGEMENT_SOURCES", "EngagementSource", "Parsed", "Resolver", "load", "load_all"]

ENGAGEMENT_SOURCES: Registry[EngagementSource] = Registry("engagement source")

_BUILTIN: tuple[tuple[str, str, str, tuple[K, ...], Callable[..., Parsed], str, str], ...] = (
    ("mme", "mme_v7", "exercises/mme_v7.csv", (K.JOINT_EXERCISE,), parse_mme,
     "Multinational Military Exercises v7, 1980–2010", "Bernhardt & Sukin, Multinational Military Exercises v7"),
    ("jme", "jme_v3", "exercises/jme_v3.xls", (K.JOINT_EXERCISE,), parse_jme,
     "Joint Military Exercises v3, 1974–2010", "Joint Military Exercises dataset v3"),
    ("us_visits", "us_defense_visits", "exercises/us_visits.xls", (K.DEFENSE_DIALOGUE,), parse_us_visits,
     "Visits abroad of US service secretaries and commanders, 1992–2012", "troopdata (Flynn et al.), visits.xls"),
    ("pko", "pko_v2_2019", "peacekeeping/un_and_non_un_peacekeeping_v2-2019.dta", (K.PEACEKEEPING,), parse_pko,
     "UN and non-UN peacekeeping mission-months, 1993–2016", "Bara & Hultman (2020); SIPRI Multilateral PKO"),
    ("tpkm", "third_party_pkms_v3_1", "peacekeeping/third_party_pkms_v3.1.xls", (K.PEACEKEEPING,), parse_tpkm,
     "Third-party peacekeeping missions v3.1", "Third-Party Peacekeeping Missions dataset v3.1"),
    ("pax", "pax", "agreements/pax_all_agreements_data.xlsx", (K.AGREEMENT, K.CEASEFIRE), parse_pax,
     "PA-X peace agreements, 1990–2019", "Bell et al., PA-X Peace Agreements Database, University of Edinburgh"),
    ("ucdp_pa", "ucdp_peace_agreements", "agreements/ucdp_peace_agreements_1975-2011.xls", (K.AGREEMENT,),
     parse_ucdp_pa, "UCDP peace agreements, 1975–2011", "Högbladh (2011), UCDP Peace Agreement Dataset"),
    ("cwm", "cwm", "agreements/civil_war_mediation_CWM.csv", (K.MEDIATION,), parse_cwm,
     "Civil-war mediation, 1946–2011", "DeRouen, Bercovitch & Pospieszna (2011), CWM"),
    ("sipri", "sipri_arms_dyad_year", "arms/sipri_dyad-year.rds", (K.MILITARY_AID,), parse_sipri,
     "SIPRI arms transfers, directed dyad-years 1970–2014", "SIPRI Arms Transfers Database"),
)  # fmt: skip

for _name, _dataset, _path, _kinds, _parse, _desc, _cite in _BUILTIN:
    ENGAGEMENT_SOURCES.add(_name, EngagementSource(_name, _dataset, _path, _kinds, _desc, _parse, _cite))


def load(
    store: Store, name: str, path: Path | None = None, data_dir: Path | None = None, *, replace: bool = False
) -> IngestSummary:
    """Import one engagement dataset (its file at ``path``, or at its usual place under ``data_dir``).

    ``replace`` drops what an earlier import of the dataset stored and quarantined first.
    """
    src = ENGAGEMENT_SOURCES.get(name)
    if path is None:
        if data_dir is None:
            raise IngestError(f"No file given for {name}.", hint="Pass a path or --data DIR.")
        path = Path(data_dir) / src.path
    resolver = Resolver()
    bound = EngagementSource(src.name, src.dataset, src.path, src.kinds, src.description,
                             partial(src.parse, resolver=resolver), src.citation)  # fmt: skip
    return write(store, bound, Path(path), replace=replace)


def load_all(
    store: Store,
    data_dir: Path,
    only: Iterable[str] | None = None,
    on_done: Callable[[str, IngestSummary], None] | None = None,
    *,
    replace: bool = False,
) -> dict[str, IngestSummary]:
    """Import several datasets from ``data_dir`` (all registered ones by default)."""
    names = list(only) if only else ENGAGEMENT_SOURCES.names()
    for n in names:
        ENGAGEMENT_SOURCES.get(n)  # unknown names fail before anything is imported
    out: dict[str, IngestSummary] = {}
    for n in names:
        out[n] = load(store, n, data_dir=data_dir, replace=replace)
        if on_done:
            on_done(n, out[n])
    return out
