"""`detente ops ...` party actions: hotlines, acknowledgements, ceasefires, deconfliction, engagements.

Each command acts for the user named by `--as` (with that user's party scoping and role checks), validates
its input with the same models as the API (:mod:`detente.ops.schemas`), and prints the resulting record
as JSON, so a party without the web page can work the whole workspace from a terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from detente.cli.context import print_json, state
from detente.cli.ops import _actor, _date, _party_id, _session, ops_app
from detente.errors import InputError

__all__: list[str] = []

AS = typer.Option(..., "--as", help="The user acting (their party's view and role apply)")


def _parties(s: Any, names: list[str] | None) -> list[int]:
    return [_party_id(s, p) for p in names or []]


def _point(text: str) -> tuple[str, str]:
    lat, sep, lon = text.partition(",")
    if not sep:
        raise InputError(f"{text!r} is not a point.", hint="Write LAT,LON, e.g. --point 59.44,24.75.")
    return lat.strip(), lon.strip()


@ops_app.command("open-channel", rich_help_panel="Hotlines")
def open_channel_cmd(
    name: str = typer.Argument(..., help="Channel name"),
    as_user: str = AS,
    party: list[str] = typer.Option(..., "--party", help="Another party (name or id); repeat for more"),
) -> None:
    """Open a hotline channel between your party and others."""
    from detente.ops import hotline, schemas

    with _session() as s:
        body = schemas.parse(schemas.ChannelIn, {"name": name, "parties": _parties(s, party)})
        a = _actor(s, as_user)
        print_json(hotline.channel_dict(s, hotline.create_channel(s, a, body.name, body.parties)))


@ops_app.command("add-party", rich_help_panel="Hotlines")
def add_party_cmd(
    channel: int = typer.Argument(..., help="Channel id"),
    party: str = typer.Argument(..., help="The party to bring in (name or id)"),
    as_user: str = AS,
) -> None:
    """Bring another party (a mediator, say) onto a hotline."""
    from detente.ops import hotline, schemas

    with _session() as s:
        body = schemas.parse(schemas.ChannelPartyIn, {"party_id": _party_id(s, party)})
        print_json(hotline.channel_dict(s, hotline.add_party(s, _actor(s, as_user), channel, body.party_id)))


@ops_app.command("send", rich_help_panel="Hotlines")
def send_cmd(
    channel: int = typer.Argument(..., help="Channel id"),
    body: str = typer.Argument(..., help="The message"),
    as_user: str = AS,
    reply_within: int | None = typer.Option(None, help="Reply deadline in minutes (escalates when it passes)"),
    in_reply_to: int | None = typer.Option(None, help="The message this answers"),
) -> None:
    """Send a hotline message."""
    from detente.ops import hotline, schemas

    m = schemas.parse(
        schemas.MessageIn, {"body": body, "reply_within_minutes": reply_within, "in_reply_to": in_reply_to}
    )
    with _session() as s:
        a = _actor(s, as_user)
        sent = hotline.send(
            s, a, channel, m.body, reply_within_minutes=m.reply_within_minutes, in_reply_to=m.in_reply_to
        )
        print_json(hotline.message_dict(s, sent))


@ops_app.command("messages", rich_help_panel="Hotlines")
def messages_cmd(channel: int = typer.Argument(..., help="Channel id"), as_user: str = AS) -> None:
    """A channel's messages with every party's receipt (listing marks them delivered to your party)."""
    from detente.ops import hotline
    from detente.ops.pages import MAX_LIMIT, every

    with _session() as s:
        hotline.sweep(s)
    with _session() as s:
        a = _actor(s, as_user)
        msgs = every(lambda c: hotline.messages(s, a, channel, c, MAX_LIMIT))  # every page
        print_json(hotline.message_dicts(s, msgs))


@ops_app.command("mark", rich_help_panel="Hotlines")
def mark_cmd(
    message: int = typer.Argument(..., help="Message id"),
    step: str = typer.Argument(..., help="read or acknowledged"),
    as_user: str = AS,
) -> None:
    """Mark a hotline message read or acknowledged for your party."""
    from detente.ops import hotline

    with _session() as s:
        print_json(hotline.message_dict(s, hotline.step(s, _actor(s, as_user), message, step)))


@ops_app.command("acknowledge", rich_help_panel="CBM notifications")
def acknowledge_cmd(
    what: str = typer.Argument(..., help="notification, movement, engagement or agreement"),
    record: int = typer.Argument(..., help="Its id"),
    as_user: str = AS,
    version: str | None = typer.Option(
        None, "--version", help="An engagement: the version you read (refused if it changed since; default: now)"
    ),
) -> None:
    """Acknowledge a CBM notification or a humanitarian movement (acknowledgement is not approval), or confirm
    that your party takes part in an engagement it was invited to (that version of it), or is bound by a
    ceasefire agreement."""
    from detente.ops import ceasefire, engagements, humanitarian, notifications, receipts

    def engagement(s: Any, actor: Any, i: int) -> dict[str, Any]:
        return engagements.engagement_dict(s, engagements.confirm(s, actor, i, seen=version))

    def agreement(s: Any, actor: Any, i: int) -> dict[str, Any]:
        return ceasefire.agreement_dict(s, ceasefire.confirm_agreement(s, actor, i))

    services = {"notification": notifications.acknowledge, "movement": humanitarian.acknowledge,
                "engagement": engagement, "agreement": agreement}  # fmt: skip
    if what not in services:
        raise InputError(f"Cannot acknowledge {what!r}.", hint="Use notification, movement, engagement or agreement.")
    with _session() as s:
        actor = _actor(s, as_user)
        out = services[what](s, actor, record)
        if what in receipts.LOGS:  # the workspace's signature over the log with this acknowledgement in it
            signer = receipts.signer_at(state.settings.receipt_key_path())
            out["receipt"] = receipts.issue_for(s, signer, what, record, actor.party_id)
    if what == "agreement":
        _export_violations(force=False)  # its verified violations may count from now on
    print_json(out)


@ops_app.command("agreement", rich_help_panel="Ceasefires")
def agreement_cmd(
    name: str = typer.Argument(..., help="Agreement name"),
    as_user: str = AS,
    start: str = typer.Option(..., help="Start date (YYYY-MM-DD)"),
    term: list[str] | None = typer.Option(None, "--term", help="One term; repeat for more"),
    party: list[str] | None = typer.Option(None, "--party", help="A party bound by it; repeat for more"),
    monitor: list[str] | None = typer.Option(None, "--monitor", help="A monitoring party; repeat for more"),
) -> None:
    """Record a ceasefire agreement with its terms, parties and monitors."""
    from detente.ops import ceasefire, schemas

    with _session() as s:
        data = {
            "name": name,
            "start_date": start,
            "terms": term or [],
            "parties": _parties(s, party),
            "monitors": _parties(s, monitor),
        }
        b = schemas.parse(schemas.AgreementIn, data)
        a = _actor(s, as_user)
        made = ceasefire.create_agreement(s, a, b.name, b.terms, b.start_date, b.parties, b.monitors)
        print_json(ceasefire.agreement_dict(s, made))


@ops_app.command("report", rich_help_panel="Ceasefires")
def report_cmd(
    agreement: int = typer.Argument(..., help="Agreement id"),
    as_user: str = AS,
    at: str = typer.Option(..., "--at", help="When it happened (ISO date-time, UTC unless an offset is given)"),
    violator: str = typer.Option(..., help="The party alleged to have violated it (name or id)"),
    place: str = typer.Option(""),
    lat: float | None = typer.Option(None),
    lon: float | None = typer.Option(None),
    description: str = typer.Option(""),
    evidence: list[str] | None = typer.Option(None, "--evidence", help="A piece of evidence; repeat for more"),
) -> None:
    """Report a ceasefire incident."""
    from detente.ops import ceasefire, schemas

    with _session() as s:
        data = {
            "occurred_at": at,
            "place": place,
            "latitude": lat,
            "longitude": lon,
            "violator_party_id": _party_id(s, violator),
            "description": description,
            "evidence": evidence or [],
        }
        b = schemas.parse(schemas.IncidentIn, data)
        print_json(ceasefire.incident_dict(ceasefire.report(s, _actor(s, as_user), agreement, b.model_dump())))


@ops_app.command("verify-incident", rich_help_panel="Ceasefires")
def verify_incident_cmd(
    incident: int = typer.Argument(..., help="Incident id"),
    status: str = typer.Argument(..., help="verified, unverified or rejected"),
    as_user: str = AS,
    note: str = typer.Option(""),
) -> None:
    """A monitor sets an incident's verification status."""
    from detente.ops import ceasefire, schemas

    b = schemas.parse(schemas.VerifyIn, {"status": status, "note": note})
    with _session() as s:
        i = ceasefire.verify_incident(s, _actor(s, as_user), incident, b.status, b.note)
        out = ceasefire.incident_dict(i)
    _export_violations(force=False)  # the outbox entry committed with the verdict: applied once, here or later
    print_json(out)


def _export_violations(force: bool = True) -> int:
    """Bring the store's ceasefire violations up to date from the ops outbox (on the server when it holds
    the store). Returns the violation rows written (none when nothing was pending and not ``force``)."""
    from detente.cli.streams import Forward
    from detente.ops import outbox

    try:
        store = state.store()
    except Forward as f:
        from detente.cli.remote import call

        return int(call(f.url, f.token, "/api/local/outbox", {"force": force})["rows"])
    try:
        with _session() as s:
            return outbox.apply(s, store, force=force)["rows"]
    finally:
        store.close()


@ops_app.command("export-violations", rich_help_panel="Operator")
def export_violations_cmd() -> None:
    """Write verified ceasefire violations into the DuckDB store, where the escalation alerts read them."""
    print_json({"exported": _export_violations()})


@ops_app.command("movement", rich_help_panel="Humanitarian deconfliction")
def movement_cmd(
    name: str = typer.Argument(..., help="Site or convoy name"),
    as_user: str = AS,
    kind: str = typer.Option("convoy", help="site or convoy"),
    point: list[str] = typer.Option(..., "--point", help="LAT,LON; repeat along the route"),
    start: str = typer.Option(..., "--from", help="Window start (ISO date-time)"),
    end: str = typer.Option(..., "--to", help="Window end (ISO date-time)"),
    expires: str | None = typer.Option(None, help="When the notification lapses (default: the window's end)"),
    notify: list[str] | None = typer.Option(None, "--notify", help="A party to notify; repeat for more"),
    note: str = typer.Option(""),
) -> None:
    """Notify a humanitarian site or convoy route to the parties."""
    from detente.ops import humanitarian, schemas

    with _session() as s:
        data = {
            "kind": kind,
            "name": name,
            "points": [_point(p) for p in point],
            "window_start": start,
            "window_end": end,
            "expires_at": expires,
            "note": note,
            "notify": _parties(s, notify),
        }
        b = schemas.parse(schemas.MovementIn, data)
        a = _actor(s, as_user)
        clean = {**b.model_dump(), "points": [list(p) for p in b.points]}
        print_json(humanitarian.movement_dict(s, humanitarian.create(s, a, clean), a))


@ops_app.command("plan", rich_help_panel="Engagements")
def plan_cmd(
    title: str = typer.Argument(..., help="Engagement title"),
    as_user: str = AS,
    kind: str = typer.Option(..., help="e.g. joint_exercise, military_exchange, defense_dialogue, track3_workshop"),
    start: str = typer.Option(..., help="First day (YYYY-MM-DD)"),
    end: str = typer.Option(..., help="Last day (YYYY-MM-DD)"),
    track: str = typer.Option("I", help="I, II or III"),
    place: str = typer.Option(""),
    objectives: str = typer.Option(""),
    participant: list[str] | None = typer.Option(None, "--participant", help="A participating party; repeat"),
    organisation: list[str] | None = typer.Option(
        None, "--organisation", help="Convening institute or NGO (Tracks II and III need one); repeat"
    ),
) -> None:
    """Plan an engagement (exercise, exchange, dialogue, Track I/II/III workshop).

    Track I is official (states, intergovernmental organisations, official mediators); Track II is
    non-official (experts, retired officials) and Track III people-to-people (NGOs, civil society), each
    convened by an organisation or NGO that --organisation names."""
    from detente.ops import engagements, schemas

    with _session() as s:
        data = {
            "kind": kind,
            "track": track,
            "title": title,
            "start_date": start,
            "end_date": end,
            "place": place,
            "objectives": objectives,
            "participants": _parties(s, participant),
            "organisations": organisation or [],
        }
        b = schemas.parse(schemas.EngagementIn, data)
        e = engagements.create(s, _actor(s, as_user), b.model_dump())
        print_json(engagements.engagement_dict(s, e))


@ops_app.command("complete", rich_help_panel="Engagements")
def complete_cmd(
    engagement: int = typer.Argument(..., help="Engagement id"),
    as_user: str = AS,
    outcomes: str = typer.Option("", help="What came of it"),
) -> None:
    """Mark an engagement completed (it then feeds the relations index via `detente ops export-engagements`)."""
    from detente.ops import engagements, schemas

    b = schemas.parse(schemas.EngagementPatch, {"status": "completed", "outcomes": outcomes or None})
    with _session() as s:
        e = engagements.update(s, _actor(s, as_user), engagement, b.model_dump())
        print_json(engagements.engagement_dict(s, e))


@ops_app.command("ical", rich_help_panel="Engagements")
def ical_cmd(
    as_user: str = AS,
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the .ics here (default: standard output)"),
) -> None:
    """The party's engagements as an iCalendar file (RFC 5545), with each one's track and participants."""
    from detente.ops import engagements

    with _session() as s:
        text = engagements.calendar(s, _actor(s, as_user))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as e:
        raise InputError(f"Cannot write {output}: {e.strerror}.", hint="Pass a writable -o PATH.") from None
    print_json({"written": str(output), "events": text.count("BEGIN:VEVENT")})


@ops_app.command("route-risk", rich_help_panel="Humanitarian deconfliction")
def route_risk_cmd(
    movement: int = typer.Argument(..., help="Movement (site or convoy) id"),
    as_user: str = AS,
    km: float = typer.Option(25.0, help="Search radius around the route, km (0-500]"),
    days: int = typer.Option(30, help="Look back this many days (0-3650]"),
    as_of: str | None = typer.Option(None, "--as-of", help="Day to look back from (default: the window's start)"),
) -> None:
    """Hostile events (quad class 4) near a notified route: the same answer as GET /api/ops/movements/ID/risk."""
    from detente.ops import humanitarian

    day = _date(as_of, "as-of") if as_of else None
    with _session() as s:
        m = humanitarian.get(s, _actor(s, as_user), movement)
        points, default = [list(p) for p in m.points], m.window_start.date()
    store = state.store(read_only=True)
    try:
        print_json(humanitarian.route_risk(store, movement, points, km=km, days=days, as_of=day or default))
    finally:
        store.close()


@ops_app.command("verify-log", rich_help_panel="Operator")
def verify_log_cmd(
    what: str = typer.Argument(..., help="agreement, notification or movement"),
    record: int = typer.Argument(..., help="Its id"),
    as_user: str = AS,
    receipt: Path | None = typer.Option(
        None, "--receipt", help="A log receipt kept from earlier: fail if the history up to it was cut or rewritten"
    ),
) -> None:
    """Check the tamper-evident log of a ceasefire agreement, a CBM notification or a humanitarian movement
    against the stored rows (exit 1 when it fails), as that user's party sees it."""
    from detente.ops import receipts

    if what not in receipts.LOGS:
        raise InputError(f"Cannot verify {what!r}.", hint="Use agreement, notification or movement.")
    with _session() as s:
        actor = _actor(s, as_user)
        if receipt is None:
            result = receipts.LOGS[what].verify(s, actor, record)
        else:
            signer = receipts.signer_at(state.settings.receipt_key_path())
            result = receipts.verify(s, signer, what, record, actor, _json(receipt, "a log receipt"))
    print_json(result)
    if not result["ok"]:
        raise typer.Exit(1)


def _json(path: Path, what: str) -> Any:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{path} is not {what}: {e}", hint="Pass the JSON file the workspace gave you.") from None


@ops_app.command("check-receipt", rich_help_panel="CBM notifications")
def check_receipt_cmd(
    receipt: Path = typer.Argument(..., help="A log receipt (the `receipt` of an answer, or GET .../receipt)"),
    key: str | None = typer.Option(
        None, "--key", help="The workspace's public key as you pinned it (hex), or its key ring (GET .../receipt-keys)"
    ),
    log: Path | None = typer.Option(None, "--log", help="The log exported with GET /api/ops/.../ID/log"),
    party: int | None = typer.Option(
        None, "--party", help="The party that showed you the receipt: refuse one the workspace gave another party"
    ),
) -> None:
    """Check a log receipt offline (no server, no store): its signature, the pinned key, and with --log that the
    exported log's chain recomputes and still holds the entry the receipt attests (exit 1 when it does not)."""
    from detente.ops import receipts

    signed = _json(receipt, "a log receipt")
    pinned: Any = key
    if key is not None and Path(key).is_file():
        pinned = _json(Path(key), "a key ring")
    if log is None:
        result: dict[str, Any] = {"ok": True, "reason": "the signature verifies"}
        result["receipt"] = receipts.check(signed, pinned)
    else:
        result = receipts.check_chain(signed, _json(log, "an exported log"), pinned)
    if party is not None and result["receipt"]["party"] != party:
        raise InputError(
            f"The receipt was issued to party {result['receipt']['party']}, not to party {party}.",
            hint="A receipt proves something for the party the workspace gave it to; ask that party for its own.",
        )
    print_json(result)
    if not result["ok"]:
        raise typer.Exit(1)
