"""A database editor plants receipt entries for one channel's message in ANOTHER channel's log.

A channel's verification reads only its own log, so what the API shows of its messages (each party's
receipt, the status, whether an answer is owed and the escalation) must come from that log too: an entry
elsewhere that names one of its messages must change nothing a party sees, and must not stop an escalation.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select, text

from detente.core.hashchain import canonical, link
from detente.ops import hotline
from detente.ops.auth import load_actor
from detente.ops.models import Channel

from ..conftest import World


def _plant(world: World, host: int, message_id: int, party: int, kinds: list[str]) -> None:
    """Insert entries naming ``message_id`` at the end of channel ``host``'s log rows (head left alone)."""
    with world.db.session() as s:
        c = s.get(Channel, host)
        assert c is not None
        prev, seq = c.last_hash, c.last_seq
        for kind in kinds:
            seq += 1
            record = {"kind": kind, "message": message_id, "at": "2001-01-01T00:00:00", "party": party, "user": 1}
            record |= {"channel": host, "seq": seq}
            h = link(prev, record)
            s.execute(
                text(
                    "INSERT INTO ops_channel_log (channel_id, seq, kind, message_id, party_id, record, prev_hash, hash)"
                    " VALUES (:c, :q, :k, :m, :p, :r, :ph, :h)"
                ),
                {
                    "c": host,
                    "q": seq,
                    "k": kind,
                    "m": message_id,
                    "p": party,
                    "r": canonical(record),
                    "ph": prev,
                    "h": h,
                },
            )
            prev = h


def _setup(world: World, reply_within: int | None = None) -> tuple[int, int, int]:
    with world.db.session() as s:
        a = load_actor(s, world.user["a_officer"])
        victim = hotline.create_channel(s, a, "A-B", [world.party["B"]])
        other = hotline.create_channel(s, a, "A-C", [world.party["C"]])
        m = hotline.send(s, a, victim.id, "Stand down the battery.", reply_within_minutes=reply_within)
        return victim.id, other.id, m.id


def _seen_by_a(world: World, channel_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    with world.db.session() as s:
        a = load_actor(s, world.user["a_officer"])
        msg = hotline.message_dicts(s, hotline.messages(s, a, channel_id).items)[0]
        return msg, hotline.verify(s, a, channel_id)


def test_receipts_planted_in_another_log_change_nothing_a_party_sees(world: World) -> None:
    victim, other, mid = _setup(world)
    before, _ = _seen_by_a(world, victim)
    _plant(world, other, mid, world.party["B"], ["delivered", "read", "acknowledged", "answered"])
    msg, verdict = _seen_by_a(world, victim)
    assert verdict["ok"], verdict  # the victim's own log is untouched ...
    assert msg["status"] == before["status"] == "sent"  # ... so it still says B has not even received it
    assert msg["receipts"] == before["receipts"] and msg["answered_at"] is None
    with world.db.session() as s:  # the log it was planted in does not verify
        assert not hotline.verify(s, load_actor(s, world.user["a_officer"]), other)["ok"]


def test_an_answer_planted_in_another_log_does_not_stop_the_escalation(world: World) -> None:
    victim, other, mid = _setup(world, reply_within=0)
    _plant(world, other, mid, world.party["B"], ["delivered", "read", "acknowledged", "answered"])
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    with world.db.session() as s:
        assert hotline.sweep(s, later) == 1
    with world.db.session() as s:
        rows = s.execute(
            select(text("record")).select_from(text("ops_channel_log")).where(text(f"channel_id = {victim}"))
        ).all()
        assert [json.loads(r[0])["kind"] for r in rows][-1] == "escalated"
    _, verdict = _seen_by_a(world, victim)
    assert verdict["ok"], verdict


def test_an_escalation_planted_in_another_log_does_not_stop_the_real_one(world: World) -> None:
    victim, other, mid = _setup(world, reply_within=0)
    _plant(world, other, mid, world.party["B"], ["escalated"])
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    with world.db.session() as s:
        assert hotline.sweep(s, later) == 1
    msg, verdict = _seen_by_a(world, victim)
    assert verdict["ok"], verdict
    assert msg["escalated_at"] is not None and msg["escalated_at"].startswith(str(later.year))
