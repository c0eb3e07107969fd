"""SQLAlchemy models of the operations store (schema changes go through Alembic revisions)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Activity",
    "Agreement",
    "AgreementEntry",
    "AuditEntry",
    "Base",
    "Channel",
    "ChannelEntry",
    "Engagement",
    "Incident",
    "LoginThrottle",
    "Message",
    "Movement",
    "MovementEntry",
    "Notice",
    "NotificationEntry",
    "Party",
    "PartyKey",
    "RuleSetCopy",
    "RuleVerification",
    "Share",
    "User",
    "WriteBucket",
    "utcnow",
]


def utcnow() -> dt.datetime:
    """Now in UTC, naive (the store keeps UTC without zone, identically on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Party(Base):
    __tablename__ = "ops_parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # state | organisation | ngo | mediator
    actor: Mapped[str | None] = mapped_column(String(20))  # actor code (e.g. USA) for the relations index
    organisations: Mapped[list[Any]] = mapped_column(default=list)  # e.g. ["OSCE"]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "ops_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # admin | officer | observer | monitor
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sessions_after: Mapped[dt.datetime | None] = mapped_column(DateTime)  # "log out everywhere": older tokens die
    last_login_source: Mapped[str | None] = mapped_column(String(100))  # spared a wait on the account (auth.py)


class RevokedToken(Base):
    """A session token ended by logging out (tokens are signed and stateless until revoked)."""

    __tablename__ = "ops_revoked_tokens"
    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ops_users.id"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)  # past it, the row may be purged
    revoked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "ops_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ops_users.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Share(Base):
    """Which party may see which record, in what role; acknowledgements live here too."""

    __tablename__ = "ops_shares"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "party_id", name="uq_ops_share"),
        Index("ix_ops_share_party_object", "party_id", "object_type", "object_id"),  # covering: lists
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"))
    role: Mapped[str] = mapped_column(String(20))  # owner | participant | recipient | member | party | monitor
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("ops_users.id"))
    confirmed_version: Mapped[str | None] = mapped_column(String(64))  # the version a confirmation covers


class Notice(Base):
    """A party's inbox: new notifications, escalations, verifications."""

    __tablename__ = "ops_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Engagement(Base):
    __tablename__ = "ops_engagements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    track: Mapped[str] = mapped_column(String(4), default="I")
    title: Mapped[str] = mapped_column(String(300))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    # organisations and NGOs involved beyond the participating parties (Track II institutes, Track III NGOs)
    organisations: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned | completed | cancelled
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Activity(Base):
    """A declared military activity (a CBM notification) with the rule engine's findings."""

    __tablename__ = "ops_activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("ops_users.id"))
    ruleset: Mapped[str] = mapped_column(String(60))
    activity_type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300), default="")
    area: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    troops: Mapped[int] = mapped_column(Integer, default=0)
    battle_tanks: Mapped[int] = mapped_column(Integer, default=0)
    acvs: Mapped[int] = mapped_column(Integer, default=0)
    artillery: Mapped[int] = mapped_column(Integer, default=0)
    air_sorties: Mapped[int] = mapped_column(Integer, default=0)
    amphibious_troops: Mapped[int] = mapped_column(Integer, default=0)
    airborne_troops: Mapped[int] = mapped_column(Integer, default=0)
    notified_on: Mapped[dt.date] = mapped_column(Date)
    in_annual_calendar: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    communicated_on: Mapped[dt.date | None] = mapped_column(Date)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # head of its log (ops/notification_log.py)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


class NotificationEntry(Base):
    """One link of a CBM notification's log (declared, acknowledged), as canonical JSON; ``party_id`` repeats
    the record's party (verify compares it)."""

    __tablename__ = "ops_notification_log"
    __table_args__ = (UniqueConstraint("notification_id", "seq", name="uq_ops_notification_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("ops_activities.id"))
    seq: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(Integer)
    record: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Channel(Base):
    __tablename__ = "ops_channels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by_party: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Message(Base):
    """A hotline message as sent: every column is a copy of its ``message`` log entry (verify compares them).

    Its state — delivered, read, acknowledged, answered, escalated, per party — is not stored here: it is
    derived from the channel's log (:mod:`detente.core.hotline`)."""

    __tablename__ = "ops_messages"
    __table_args__ = (Index("ix_ops_messages_channel_seq", "channel_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("ops_channels.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # seq of its "message" entry in the channel log
    sender_party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"))
    sender_user_id: Mapped[int] = mapped_column(ForeignKey("ops_users.id"))
    body: Mapped[str] = mapped_column(Text)
    in_reply_to: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reply_by: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    addressees: Mapped[int] = mapped_column(Integer, default=0)  # parties that owe an answer (not mediators)


class ChannelEntry(Base):
    """One link of a channel's hash chain, as canonical JSON; ``kind``, ``message_id`` and ``party_id`` repeat
    fields of the record so that a message's entries can be found by index (verify compares them)."""

    __tablename__ = "ops_channel_log"
    __table_args__ = (
        UniqueConstraint("channel_id", "seq", name="uq_ops_channel_seq"),
        Index("ix_ops_channel_log_message", "message_id", "kind"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("ops_channels.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="")
    message_id: Mapped[int | None] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(Integer)
    record: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PartyKey(Base):
    """A party's Ed25519 public key: it checks the head receipts the party signs (the private key stays with
    the party)."""

    __tablename__ = "ops_party_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64), unique=True)  # 32 bytes, hex
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginThrottle(Base):
    """Failed logins per source address, and per account (``source`` is then ``account:`` and a hash of the
    username): each waits longer after each failure, an account at most a few minutes (auth.py)."""

    __tablename__ = "ops_login_throttle"
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class WriteBucket(Base):
    """A write limit's bucket (``token:<nonce>`` or ``party:<id>``): writes left as of ``at`` (unix seconds),
    shared by every process serving the workspace (detente/ops/buckets.py)."""

    __tablename__ = "ops_write_buckets"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    at: Mapped[float] = mapped_column(Float, index=True)


class Agreement(Base):
    __tablename__ = "ops_agreements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    terms: Mapped[list[Any]] = mapped_column(default=list)
    start_date: Mapped[dt.date] = mapped_column(Date)
    created_by_party: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # head of its incident log (ops/incident_log.py)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


class AgreementEntry(Base):
    """One link of an agreement's incident log (opened, reported, verification), as canonical JSON;
    ``incident_id`` repeats the record's incident so that it can be found by index (verify compares it)."""

    __tablename__ = "ops_agreement_log"
    __table_args__ = (UniqueConstraint("agreement_id", "seq", name="uq_ops_agreement_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("ops_agreements.id"))
    seq: Mapped[int] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(Integer, index=True)
    record: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Incident(Base):
    __tablename__ = "ops_incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("ops_agreements.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    reporting_party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"))
    violator_party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"))
    reported_by: Mapped[int] = mapped_column(ForeignKey("ops_users.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="reported")  # reported|verified|unverified|rejected
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("ops_users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verification_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Movement(Base):
    """A humanitarian site or movement notified for deconfliction (acknowledged, never approved)."""

    __tablename__ = "ops_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("ops_parties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # site | convoy
    name: Mapped[str] = mapped_column(String(300))
    points: Mapped[list[Any]] = mapped_column(default=list)  # [[lat, lon], ...]
    window_start: Mapped[dt.datetime] = mapped_column(DateTime)
    window_end: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # head of its log (ops/movement_log.py)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


class MovementEntry(Base):
    """One link of a humanitarian movement's log (notified, acknowledged), as canonical JSON."""

    __tablename__ = "ops_movement_log"
    __table_args__ = (UniqueConstraint("movement_id", "seq", name="uq_ops_movement_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("ops_movements.id"))
    seq: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(Integer)
    record: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RuleVerification(Base):
    """Someone checked one rule-set figure against an edition of the official document (operator record)."""

    __tablename__ = "ops_rule_verifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(60), index=True)
    rule: Mapped[str] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(String(32))  # the figures checked; a changed figure is unverified again
    edition: Mapped[str] = mapped_column(String(300))
    verified_by: Mapped[str] = mapped_column(String(200))
    verified_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RuleSetCopy(Base):
    """An office's own checked copy of a rule set (YAML), loaded by the operator."""

    __tablename__ = "ops_rulesets"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    yaml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_by: Mapped[str] = mapped_column(String(200), default="")
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
