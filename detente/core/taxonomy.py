"""One vocabulary for every part of detente: CAMEO, PLOVER, Goldstein and engagement kinds.

:class:`Taxonomy` holds the CAMEO codebook (names and Goldstein weights) and the
CAMEO→PLOVER table; :class:`EngagementKind` names the military-diplomacy
mechanisms of the source documents, each tied to the CAMEO codes and PLOVER
type/context that record it in event data. The codebook rows themselves are
package data, loaded by :mod:`detente.reference`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from detente.core.events import QuadClass, quad_class_of_root

__all__ = [
    "ENGAGEMENTS",
    "OFFICIAL_PARTY_KINDS",
    "TRACK_MEANINGS",
    "CameoCode",
    "EngagementKind",
    "EngagementSpec",
    "Taxonomy",
    "Track",
    "TrackMeaning",
    "track_problem",
]


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    goldstein: float
    plover_type: str | None = None
    plover_mode: str | None = None
    plover_context: str | None = None

    @property
    def root(self) -> int:
        return int(self.code[:2])

    @property
    def quad_class(self) -> QuadClass:
        return quad_class_of_root(self.root)


class Track(StrEnum):
    """Diplomatic tracks: I official, II unofficial experts, III people-to-people."""

    I = "I"  # noqa: E741 - the track's name
    II = "II"
    III = "III"


@dataclass(frozen=True)
class TrackMeaning:
    """What a diplomatic track means for who takes part (see the Track III seed document)."""

    label: str
    official: bool  # conducted by officials acting for their state or organisation
    participants: str
    needs_organisation: bool  # non-official tracks name the institute, organisation or NGO that convenes them


TRACK_MEANINGS: dict[Track, TrackMeaning] = {
    Track.I: TrackMeaning(
        "Track I (official)",
        True,
        "officials of states and intergovernmental organisations acting in their official capacity",
        False,
    ),
    Track.II: TrackMeaning(
        "Track II (non-official)",
        False,
        "non-officials close to decision makers — experts, academics, retired officials, officials in a "
        "private capacity — convened by an institute or organisation",
        True,
    ),
    Track.III: TrackMeaning(
        "Track III (people-to-people)",
        False,
        "civil society: NGOs, community and religious leaders, veterans, women's and youth groups",
        True,
    ),
}

#: Party kinds that act officially (a state, an intergovernmental organisation, an official mediator).
OFFICIAL_PARTY_KINDS = frozenset({"state", "organisation", "mediator"})


def track_problem(track: Track, party_kinds: list[str], organisations: list[str]) -> str | None:
    """Why the participants do not fit the track (None when they do).

    >>> track_problem(Track.I, ["state", "ngo"], [])
    'Track I (official) is between officials; an NGO party takes part in Track II or III.'
    >>> track_problem(Track.III, ["state"], []) is not None
    True
    >>> track_problem(Track.III, ["state"], ["Women Mediators Network"]) is None
    True
    """
    meaning = TRACK_MEANINGS[track]
    if meaning.official and any(k not in OFFICIAL_PARTY_KINDS for k in party_kinds):
        return f"{meaning.label} is between officials; an NGO party takes part in Track II or III."
    if meaning.needs_organisation and not organisations and "ngo" not in party_kinds:
        return f"{meaning.label} names the organisation or NGO that convenes it ({meaning.participants})."
    return None


class EngagementKind(StrEnum):
    JOINT_EXERCISE = "joint_exercise"
    MILITARY_EXCHANGE = "military_exchange"
    DEFENSE_DIALOGUE = "defense_dialogue"
    MEDIATION = "mediation"
    NEGOTIATION = "negotiation"
    AGREEMENT = "agreement"
    CEASEFIRE = "ceasefire"
    PEACEKEEPING = "peacekeeping"
    MILITARY_AID = "military_aid"
    HUMANITARIAN_AID = "humanitarian_aid"
    CBM_NOTIFICATION = "cbm_notification"
    HOTLINE_CONTACT = "hotline_contact"
    TRACK3_WORKSHOP = "track3_workshop"


@dataclass(frozen=True)
class EngagementSpec:
    kind: EngagementKind
    label: str
    cameo: tuple[str, ...]
    plover_type: str
    plover_context: str
    track: Track
    description: str


ENGAGEMENTS: dict[EngagementKind, EngagementSpec] = {
    s.kind: s
    for s in (
        EngagementSpec(
            EngagementKind.JOINT_EXERCISE,
            "Joint military exercise",
            ("062",),
            "COOPERATE",
            "military",
            Track.I,
            "Forces of two or more states train together; builds interoperability and personal ties.",
        ),
        EngagementSpec(
            EngagementKind.MILITARY_EXCHANGE,
            "Military exchange or training programme",
            ("062", "0312"),
            "COOPERATE",
            "military",
            Track.I,
            "Officer exchanges, staff colleges, training teams; long-lived personal networks.",
        ),
        EngagementSpec(
            EngagementKind.DEFENSE_DIALOGUE,
            "Defense dialogue or visit",
            ("040", "042", "043", "044"),
            "CONSULT",
            "military",
            Track.I,
            "Staff talks, ministerial meetings, port calls and visits of military leaders.",
        ),
        EngagementSpec(
            EngagementKind.MEDIATION,
            "Third-party mediation",
            ("045", "038", "039"),
            "CONSULT",
            "diplomatic",
            Track.I,
            "A neutral state, organisation or person facilitates talks between the parties.",
        ),
        EngagementSpec(
            EngagementKind.NEGOTIATION,
            "Negotiation",
            ("046", "036"),
            "CONSULT",
            "diplomatic",
            Track.I,
            "The parties negotiate directly.",
        ),
        EngagementSpec(
            EngagementKind.AGREEMENT,
            "Agreement",
            ("057", "030", "031"),
            "SUPPORT",
            "diplomatic",
            Track.I,
            "A formal agreement, treaty or accord is signed.",
        ),
        EngagementSpec(
            EngagementKind.CEASEFIRE,
            "Ceasefire",
            ("0871", "0356", "087"),
            "RETREAT",
            "military",
            Track.I,
            "The parties declare a truce or ceasefire, or de-escalate military engagement.",
        ),
        EngagementSpec(
            EngagementKind.PEACEKEEPING,
            "Peacekeeping",
            ("074", "0334", "0861"),
            "AID",
            "peacekeeping",
            Track.I,
            "Military protection or peacekeeping forces are provided or received.",
        ),
        EngagementSpec(
            EngagementKind.MILITARY_AID,
            "Military aid",
            ("072", "0332"),
            "AID",
            "military",
            Track.I,
            "Arms, equipment or military assistance is given.",
        ),
        EngagementSpec(
            EngagementKind.HUMANITARIAN_AID,
            "Humanitarian aid or safe passage",
            ("073", "0333", "0863"),
            "AID",
            "humanitarian",
            Track.I,
            "Humanitarian aid is provided or humanitarian access and safe passage are allowed.",
        ),
        EngagementSpec(
            EngagementKind.CBM_NOTIFICATION,
            "CBM notification or inspection",
            ("064", "0862"),
            "COOPERATE",
            "intelligence",
            Track.I,
            "Transparency about military activities: notifications, data exchange, inspections.",
        ),
        EngagementSpec(
            EngagementKind.HOTLINE_CONTACT,
            "Hotline contact",
            ("041",),
            "CONSULT",
            "military",
            Track.I,
            "A dedicated communication channel is used, by telephone or link.",
        ),
        EngagementSpec(
            EngagementKind.TRACK3_WORKSHOP,
            "Track III workshop or dialogue",
            ("040", "044"),
            "CONSULT",
            "diplomatic",
            Track.III,
            "Non-official dialogue among civil society, academics, veterans or communities.",
        ),
    )
}


class Taxonomy:
    """The CAMEO codebook with Goldstein weights and PLOVER equivalents.

    >>> t = Taxonomy([CameoCode("062", "Cooperate militarily", 7.4, "COOPERATE", None, "military")])
    >>> t.goldstein("062")
    7.4
    >>> t.quad_class("062").name
    'MATERIAL_COOPERATION'
    """

    def __init__(self, codes: Iterable[CameoCode]) -> None:
        self.codes: dict[str, CameoCode] = {c.code: c for c in codes}

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __len__(self) -> int:
        return len(self.codes)

    def get(self, code: str) -> CameoCode | None:
        """The entry for a code; a 4-digit code missing from the book falls back to its 3-digit parent."""
        c = self.codes.get(code)
        if c is None and len(code) == 4:
            c = self.codes.get(code[:3])
        return c

    def goldstein(self, code: str) -> float | None:
        c = self.get(code)
        return c.goldstein if c else None

    def quad_class(self, code: str) -> QuadClass:
        return quad_class_of_root(int(code[:2]))

    def plover(self, code: str) -> tuple[str | None, str | None, str | None]:
        c = self.get(code)
        return (c.plover_type, c.plover_mode, c.plover_context) if c else (None, None, None)

    def engagement_kinds(self, code: str) -> list[EngagementKind]:
        """Engagement kinds an event with this CAMEO code may record (a code can serve several)."""
        return [k for k, s in ENGAGEMENTS.items() if code in s.cameo or code[:3] in s.cameo]
