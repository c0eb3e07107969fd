"""Every weight of the relations index, the trust stock and the alerts, each with its reason.

Nothing here is fitted to the validation data (docs/validation.md): the values are
set from the meaning of the inputs (Goldstein scale, engagement kinds, COW MID
hostility levels) and round numbers, before any validation figure was computed.
Change a weight here and only here.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ALERT_MAD_FLOOR",
    "ALERT_MIN_EVENTS",
    "ALERT_MIN_HISTORY",
    "ALERT_WINDOW",
    "ALERT_Z",
    "ALLIANCE_WEIGHTS",
    "ARMS_WEIGHT",
    "BALANCE_EPS",
    "CEASEFIRE_MIN_VIOLATIONS",
    "CONFLICT_TO_TRUST",
    "COOPERATION_TO_TRUST",
    "ENGAGEMENT_DEFAULT_WEIGHT",
    "ENGAGEMENT_WEIGHTS",
    "MID_HOSTILITY_WEIGHTS",
    "REPORT_CAP",
    "TENSION_WINDOW_DAYS",
    "TRUST_HALF_LIFE_DAYS",
]

# -- events -> cooperation / conflict ---------------------------------------------------------
#: An event counts with weight log2(1 + min(num_sources, REPORT_CAP)): 1 for a single source,
#: 2 for three, at most 4. Reason: an event carried by many independent sources is more likely
#: real (GDELT codes false positives from single articles), but a story syndicated to hundreds
#: of outlets is not hundreds of events; the log and the cap keep one event from dominating a
#: day. Repeat rows folded into a canonical event (``duplicates``) add no weight.
REPORT_CAP: Final = 15

#: Added to cooperation + conflict in the balance's denominator so that a period with no event
#: has balance 0 (neutral) rather than an undefined value; far below one Goldstein unit.
BALANCE_EPS: Final = 1e-9

# -- trust stock -------------------------------------------------------------------------------
#: Half-life of trust, in days. Reason: the source documents describe trust from exercises and
#: exchanges as built over programmes of several years and eroding when contact stops; two
#: years is the length of a typical exercise cycle / defence-attaché posting, so an unrenewed
#: stock halves over one cycle and is nearly gone after a decade.
TRUST_HALF_LIFE_DAYS: Final = 730.0

#: Trust gained per Goldstein-weighted unit of cooperation (events).
COOPERATION_TO_TRUST: Final = 0.1
#: Trust lost per Goldstein-weighted unit of conflict (events). Reason for 2x cooperation:
#: hostile acts are remembered longer and weigh more than cooperative words (negativity bias;
#: Goldstein's own scale is asymmetric only up to -10/+10, so the asymmetry is put here).
CONFLICT_TO_TRUST: Final = 0.2

#: Trust added by one engagement of a kind (keys are detente.core.taxonomy.EngagementKind values
#: plus the historic-data kinds 'alliance_*' and 'arms_transfer'). Reasons: costly, repeated,
#: military-to-military contact (exercises, peacekeeping side by side) signals more than talk;
#: agreements and ceasefires bind but can be cheap; hotline and CBM notifications are small
#: routine confirmations.
ENGAGEMENT_WEIGHTS: Final[dict[str, float]] = {
    "joint_exercise": 5.0,
    "military_exchange": 3.0,
    "defense_dialogue": 2.0,
    "mediation": 1.0,
    "negotiation": 1.0,
    "agreement": 4.0,
    "ceasefire": 2.0,
    "peacekeeping": 3.0,
    "military_aid": 2.0,
    "humanitarian_aid": 1.0,
    "cbm_notification": 0.5,
    "hotline_contact": 0.5,
    "track3_workshop": 0.5,
    "arms_transfer": 2.0,
}
#: Default for a kind not listed above.
ENGAGEMENT_DEFAULT_WEIGHT: Final = 1.0

#: Trust added per year an ATOP obligation is in force between two states (historic series).
#: Reason: a defence pact is the strongest standing commitment, offence pacts are rarer and
#: bind less to the partner's security, consultation/neutrality/non-aggression pacts are weaker.
ALLIANCE_WEIGHTS: Final[dict[str, float]] = {
    "atop_defense": 8.0,
    "atop_offense": 4.0,
    "atop_consul": 3.0,
    "atop_neutral": 2.0,
    "atop_nonagg": 2.0,
}

#: Arms transfers (SIPRI TIV, millions): trust added per year = ARMS_WEIGHT * log1p(TIV) / log1p(100).
#: Reason: supplying weapons is a costly signal of alignment, with diminishing returns in volume.
ARMS_WEIGHT: Final = 2.0

#: Trust lost in a year of a militarized dispute, by COW MID hostility level of the dyad
#: (1 no militarized action, 2 threat, 3 display, 4 use of force, 5 war). Reason: on the same
#: scale as engagements, a display of force undoes about two exercises and a war a decade of them.
MID_HOSTILITY_WEIGHTS: Final[dict[int, float]] = {1: 2.0, 2: 5.0, 3: 10.0, 4: 20.0, 5: 40.0}

# -- escalation alerts --------------------------------------------------------------------------
#: Trailing baseline window, in periods (28 days at day resolution: four weeks of the same
#: weekdays, so weekly news rhythms cancel).
ALERT_WINDOW: Final = 28
#: Least number of periods of history a dyad needs before it can alert.
ALERT_MIN_HISTORY: Final = 7
#: Least number of hostile events in the period for it to alert: below that a single GDELT
#: story (or a miscoded one) could move the index.
ALERT_MIN_EVENTS: Final = 5
#: Robust z threshold: 3.5 is Iglewicz & Hoaglin's (1993) cut-off for the modified z-score.
ALERT_Z: Final = 3.5
#: Floor of the scaled MAD, in weighted conflict units: a dyad whose baseline is flat (MAD 0)
#: must still rise by this much per z unit, so a quiet dyad is not flagged for one event.
ALERT_MAD_FLOOR: Final = 1.0
#: Least number of verified ceasefire violations in a period for the ``ceasefire_violations`` signal: one
#: incident can be a misunderstanding at a checkpoint; two verified ones in a period are a pattern to raise.
CEASEFIRE_MIN_VIOLATIONS: Final = 2

# -- tension map --------------------------------------------------------------------------------
#: The tension of a state with another on a day looks back this many days.
TENSION_WINDOW_DAYS: Final = 90
