"""Two writers racing on the same hotline record, as an attacker (or an impatient double click) would.

On PostgreSQL sessions run side by side: an entry another session appended but has not committed yet must
not be missed. A receipt step or an escalation computed from a state read before that commit would be a
second copy of the same step — a log that breaks its own rules, so the channel would verify as tampered for
every party from then on. Run on SQLite and PostgreSQL; each racing session runs in a thread of its own and
is given a bounded time (a deadlock fails the test instead of hanging it).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from detente.errors import Conflict
from detente.ops import hotline
from detente.ops.auth import load_actor
from detente.ops.models import ChannelEntry, Message

from ..conftest import World

WAIT = 20.0  # seconds a racing session may take before the test calls it a deadlock


def _run(fn: Callable[[], Any]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            fn()
        except BaseException as e:  # reported by the test
            errors.append(e)

    t = threading.Thread(target=work, daemon=True)
    t.start()
    return t, errors


def _race(first: Callable[[], Any], outcome: list[str]) -> None:
    """Run ``first`` (which starts the racing second session while it holds its own) to its end, then wait for the
    second session's outcome."""
    t1, errs1 = _run(first)
    t1.join(WAIT)
    assert not t1.is_alive() and not errs1, errs1
    deadline = time.monotonic() + WAIT
    while not outcome and time.monotonic() < deadline:
        time.sleep(0.05)


def _channel_with_message(world: World, reply_within: int | None = None) -> tuple[int, int]:
    db = world.db
    with db.session() as s:
        a = load_actor(s, world.user["a_officer"])
        c = hotline.create_channel(s, a, "A-B", [world.party["B"]])
        m = hotline.send(s, a, c.id, "Where is the convoy?", reply_within_minutes=reply_within)
        return c.id, m.id


def _steps(world: World, message_id: int, kind: str) -> int:
    with world.db.session() as s:
        q = select(func.count(ChannelEntry.id)).where(ChannelEntry.message_id == message_id, ChannelEntry.kind == kind)
        return int(s.scalar(q) or 0)


def _verify_ok(world: World, channel_id: int) -> dict[str, Any]:
    with world.db.session() as s:
        return hotline.verify(s, load_actor(s, world.user["a_officer"]), channel_id)


def test_a_double_read_of_one_receipt_writes_one_entry_and_the_log_stays_whole(world: World) -> None:
    channel_id, message_id = _channel_with_message(world)
    done = threading.Event()
    racing: list[tuple[threading.Thread, list[BaseException]]] = []

    def second() -> None:
        with world.db.session() as s:
            b = load_actor(s, world.user["b_officer"])
            with contextlib.suppress(Conflict):  # the first click won: the right answer
                hotline.step(s, b, message_id, "read")
        done.set()

    def first() -> None:
        with world.db.session() as s:
            b = load_actor(s, world.user["b_officer"])
            hotline.step(s, b, message_id, "read")
            racing.append(_run(second))  # the second click arrives while the first is not yet committed
            time.sleep(0.5)

    t1, errs1 = _run(first)
    t1.join(WAIT)
    assert not t1.is_alive(), "the first session never finished"
    assert not errs1, errs1
    racing[0][0].join(WAIT)
    assert not racing[0][1], racing[0][1]
    assert done.wait(WAIT), "the second session deadlocked"
    assert _steps(world, message_id, "read") == 1
    got = _verify_ok(world, channel_id)
    assert got["ok"], got["reason"]


def test_two_sweeps_racing_escalate_a_message_once(world: World) -> None:
    channel_id, message_id = _channel_with_message(world, reply_within=0)
    later = None
    with world.db.session() as s:
        m = s.get(Message, message_id)
        assert m is not None and m.reply_by is not None
        later = m.reply_by.replace(year=m.reply_by.year + 1)
    done = threading.Event()

    def second() -> None:
        with world.db.session() as s:
            hotline.sweep(s, later)
        done.set()

    def first() -> None:
        with world.db.session() as s:
            assert hotline.sweep(s, later) == 1
            _run(second)  # e.g. the background sweeper and a party listing its notices
            time.sleep(0.5)

    t1, errs1 = _run(first)
    t1.join(WAIT)
    assert not t1.is_alive() and not errs1, errs1
    assert done.wait(WAIT), "the second sweep deadlocked"
    assert _steps(world, message_id, "escalated") == 1
    got = _verify_ok(world, channel_id)
    assert got["ok"], got["reason"]


def test_a_session_holding_one_channel_and_writing_another_does_not_deadlock(world: World) -> None:
    """One unit of work writes two channels (the sweep does) while another waits on the first channel."""
    x, mx = _channel_with_message(world)
    y, my = _channel_with_message(world)
    done = threading.Event()

    def waiter() -> None:
        with world.db.session() as s:
            b = load_actor(s, world.user["b_officer"])
            with contextlib.suppress(Conflict):
                hotline.step(s, b, mx, "acknowledged")
        done.set()

    def holder() -> None:
        with world.db.session() as s:
            b = load_actor(s, world.user["b_officer"])
            hotline.step(s, b, mx, "read")  # holds channel x until this unit of work commits
            _run(waiter)
            time.sleep(0.5)  # the waiter now waits for channel x
            hotline.step(s, b, my, "read")  # ... while this one goes on to channel y

    t1, errs1 = _run(holder)
    t1.join(WAIT)
    assert not t1.is_alive(), "the session writing two channels deadlocked"
    assert not errs1, errs1
    assert done.wait(WAIT), "the waiting session never finished"
    for ch in (x, y):
        got = _verify_ok(world, ch)
        assert got["ok"], got["reason"]


def test_two_officers_acknowledging_one_notification_at_once_record_it_once(world: World) -> None:
    """Double accept: B's officer and B's admin acknowledge A's CBM notification (or movement) at once."""
    import datetime as dt

    from detente.ops import humanitarian, notifications
    from detente.ops.models import AuditEntry, Notice

    with world.db.session() as s:
        a = load_actor(s, world.user["a_officer"])
        day = dt.date(2030, 6, 1)
        n = notifications.declare(s, a, {"activity_type": "exercise", "start_date": day, "end_date": day, "troops": 10})
        soon = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
        mv = humanitarian.create(
            s, a, {"kind": "site", "name": "Clinic", "points": [[1.0, 2.0]], "window_start": soon,
                   "window_end": soon + dt.timedelta(days=1), "notify": [world.party["B"]]},
        )  # fmt: skip
        targets = [(notifications.acknowledge, n.id), (humanitarian.acknowledge, mv.id)]
    for ack, object_id in targets:
        outcome: list[str] = []

        def second(ack: Any = ack, object_id: int = object_id, outcome: list[str] = outcome) -> None:
            with world.db.session() as s:
                try:
                    ack(s, load_actor(s, world.user["b_admin"]), object_id)
                    outcome.append("acknowledged")
                except Conflict:
                    outcome.append("conflict")

        def first(ack: Any = ack, object_id: int = object_id) -> None:
            with world.db.session() as s:
                ack(s, load_actor(s, world.user["b_officer"]), object_id)
                _run(second)
                time.sleep(0.5)

        _race(first, outcome)
        assert outcome == ["conflict"], outcome
    with world.db.session() as s:
        told = s.scalar(
            select(func.count(Notice.id)).where(Notice.party_id == world.party["A"], Notice.kind == "acknowledged")
        )
        logged = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action.like("%.acknowledge")))
    assert (told, logged) == (2, 2)  # one per record, not one per click


def test_two_logouts_of_one_token_and_two_registrations_of_one_key_at_once_are_not_500s(world: World) -> None:
    """A double click on Log out, or a key registered twice at once: the second is a no-op or a 409."""
    import datetime as dt

    from detente.ops import keys
    from detente.ops.auth import revoke

    _, public = keys.generate_key()
    later = dt.datetime(2100, 1, 1)
    for name, work, expected in (
        ("logout", lambda s: revoke(s, world.user["b_officer"], "0123456789abcdef", later), ()),
        ("key", lambda s: keys.register_key(s, world.party["B"], public), (Conflict,)),
    ):
        outcome: list[str] = []

        def second(work: Any = work, expected: Any = expected, outcome: list[str] = outcome) -> None:
            try:
                with world.db.session() as s:
                    work(s)
                outcome.append("ok")
            except expected:
                outcome.append("refused")
            except Exception as e:  # what the API would turn into a 500
                outcome.append(f"{type(e).__name__}")

        def first(work: Any = work) -> None:
            with world.db.session() as s:
                work(s)
                _run(second)
                time.sleep(0.5)

        _race(first, outcome)
        assert outcome and outcome[0] in ("ok", "refused"), (name, outcome)
