"""Inputs of the operations workspace, shared by the API (request bodies) and the CLI: bounded, NUL-free
text; dates within 1900–2200."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from detente.core.taxonomy import EngagementKind, Track
from detente.errors import InputError

__all__ = [
    "AckBody",
    "AgreementIn",
    "ChannelIn",
    "ChannelPartyIn",
    "EngagementIn",
    "EngagementPatch",
    "IncidentIn",
    "KeyIn",
    "Login",
    "MessageIn",
    "MovementIn",
    "NotificationIn",
    "ReceiptIn",
    "UserIn",
    "UserPatch",
    "VerifyIn",
    "parse",
]

M = TypeVar("M", bound=BaseModel)
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


def _clean(s: str) -> str:
    if "\x00" in s:
        raise ValueError("text may not contain NUL characters")
    return s


def _in_range_date(d: dt.date) -> dt.date:
    if not dt.date(1900, 1, 1) <= d <= dt.date(2200, 12, 31):
        raise ValueError("dates must be between 1900-01-01 and 2200-12-31")
    return d


def _utc(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    _in_range_date(t.date())
    return t


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean)]
Short = Annotated[str, Field(max_length=300), AfterValidator(_clean)]
Long = Annotated[str, Field(max_length=10_000), AfterValidator(_clean)]
Day = Annotated[dt.date, AfterValidator(_in_range_date)]
Moment = Annotated[dt.datetime, AfterValidator(_utc)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(_In):
    username: Name
    password: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean)]


class PasswordIn(_In):
    current: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean)]
    new: Annotated[str, Field(min_length=8, max_length=200), AfterValidator(_clean)]


class UserPatch(_In):
    active: bool | None = None
    role: Annotated[str, Field(pattern="^(admin|officer|observer|monitor)$")] | None = None
    password: Annotated[str, Field(min_length=8, max_length=200), AfterValidator(_clean)] | None = None


class UserIn(_In):
    username: Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_clean)]
    password: Annotated[str, Field(min_length=8, max_length=200), AfterValidator(_clean)]
    role: Annotated[str, Field(pattern="^(admin|officer|observer|monitor)$")]


class EngagementIn(_In):
    kind: EngagementKind
    track: Track = Track.I
    title: Name
    start_date: Day
    end_date: Day
    place: Short = ""
    objectives: Long = ""
    participants: Annotated[list[Id], Field(max_length=200)] = []
    organisations: Annotated[list[Short], Field(max_length=50)] = []  # convening institute, NGOs (Tracks II/III)


class ConfirmIn(_In):
    version: Annotated[str, Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")]


class EngagementPatch(_In):
    status: Annotated[str, Field(pattern="^(planned|completed|cancelled)$")] | None = None
    outcomes: Long | None = None
    place: Short | None = None
    objectives: Long | None = None


class NotificationIn(_In):
    ruleset: Annotated[str, Field(max_length=60, pattern="^[a-z0-9_]+$")] = "vienna_document_2011"
    activity_type: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_clean)]
    title: Short = ""
    area: Short = ""
    start_date: Day
    end_date: Day
    troops: Count = 0
    battle_tanks: Count = 0
    acvs: Count = 0
    artillery: Count = 0
    air_sorties: Count = 0
    amphibious_troops: Count = 0
    airborne_troops: Count = 0
    in_annual_calendar: bool = False
    calendar_submitted_on: Day | None = None
    communicated_on: Day | None = None


class ChannelIn(_In):
    name: Name
    parties: Annotated[list[Id], Field(min_length=1, max_length=50)]


class ChannelPartyIn(_In):
    party_id: Id


class MessageIn(_In):
    body: Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(_clean)]
    reply_within_minutes: Annotated[int, Field(ge=0, le=60 * 24 * 365)] | None = None
    in_reply_to: Id | None = None


class ReceiptIn(_In):
    receipt: dict[str, Any]


class KeyIn(_In):
    public_key: Annotated[str, Field(min_length=64, max_length=64, pattern="^[0-9a-fA-F]{64}$")]


class AgreementIn(_In):
    name: Name
    terms: Annotated[list[Long], Field(max_length=200)] = []
    start_date: Day
    parties: Annotated[list[Id], Field(max_length=50)] = []
    monitors: Annotated[list[Id], Field(max_length=50)] = []


class IncidentIn(_In):
    occurred_at: Moment
    place: Short = ""
    latitude: Lat | None = None
    longitude: Lon | None = None
    violator_party_id: Id
    description: Long = ""
    evidence: Annotated[list[Long], Field(max_length=50)] = []


class VerifyIn(_In):
    status: Annotated[str, Field(pattern="^(verified|unverified|rejected)$")]
    note: Long = ""


class MovementIn(_In):
    kind: Annotated[str, Field(pattern="^(site|convoy)$")]
    name: Name
    points: Annotated[list[tuple[Lat, Lon]], Field(min_length=1, max_length=1000)]
    window_start: Moment
    window_end: Moment
    expires_at: Moment | None = None
    note: Long = ""
    notify: Annotated[list[Id], Field(max_length=200)] = []


class AckBody(_In):
    pass


def parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate ``data`` as ``model`` outside a request (the CLI); the first problem as one InputError line.

    >>> try:
    ...     parse(VerifyIn, {"status": "maybe"})
    ... except InputError as e:
    ...     print(e.line())
    status: String should match pattern '^(verified|unverified|rejected)$' See --help.
    """
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(f"{where}: {first['msg']}" if where else first["msg"], hint="See --help.") from None
