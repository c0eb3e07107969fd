"""A declared military activity: what a party notifies under a CBM regime."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["ACTIVITY_MEASURES", "Activity"]

# The countable measures a rule set may put thresholds on (Activity attribute names).
ACTIVITY_MEASURES: tuple[str, ...] = (
    "troops",
    "battle_tanks",
    "acvs",
    "artillery",
    "air_sorties",
    "amphibious_troops",
    "airborne_troops",
)


@dataclass(frozen=True)
class Activity:
    """One military activity as declared by a party.

    ``notified_on`` is the day the notification was given; ``calendar_year_listed``
    says whether it appeared in the annual calendar exchanged for its year and
    ``calendar_submitted_on`` when that calendar was sent; ``communicated_on`` is
    when a very large activity was first communicated (constraining provisions).

    >>> a = Activity(kind="exercise", start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 10), troops=9500)
    >>> a.measure("troops"), a.days
    (9500, 10)
    """

    kind: str
    start: dt.date
    end: dt.date
    troops: int = 0
    battle_tanks: int = 0
    acvs: int = 0
    artillery: int = 0
    air_sorties: int = 0
    amphibious_troops: int = 0
    airborne_troops: int = 0
    notified_on: dt.date | None = None
    in_annual_calendar: bool = False
    calendar_submitted_on: dt.date | None = None
    communicated_on: dt.date | None = None
    area: str = ""

    def measure(self, name: str) -> int:
        if name not in ACTIVITY_MEASURES:
            raise KeyError(name)
        value: int = getattr(self, name)
        return value

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: Activity) -> bool:
        return self.start <= other.end and other.start <= self.end
