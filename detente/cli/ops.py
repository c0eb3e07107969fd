"""`detente ops ...`: the operations workspace from the command line (operator and party actions).

The CLI talks to the ops store directly (it is the operator's tool): `--as USER`
names the user a party action is taken for, with that user's party scoping.
`verify-chain --file` checks a chain downloaded from the API without any store.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from detente.cli.app import app
from detente.cli.context import console, print_json, state
from detente.cli.output import emit, format_option, resolve
from detente.errors import InputError, NotFound

__all__ = ["ops_app"]

ops_app = typer.Typer(
    help="Operations workspace: parties and users, CBM notifications, hotlines, ceasefires, humanitarian "
    "deconfliction, engagements. Party actions take --as USER.",
    no_args_is_help=True,
)
app.add_typer(ops_app, name="ops", rich_help_panel="Operate")

_url: dict[str, str | None] = {"url": None}


@ops_app.callback()
def _ops(
    ops_url: str | None = typer.Option(
        None,
        "--ops-url",
        envvar="DETENTE_OPS_URL",
        help="SQLAlchemy URL of the ops store (default: beside the DuckDB file).",
    ),
) -> None:
    _url["url"] = ops_url


@contextmanager
def _db() -> Iterator[Any]:
    """The migrated ops store, closed (its connection pool disposed) when the command is done."""
    from detente.ops.db import OpsDB

    db = OpsDB(_url["url"] or state.settings.ops_database_url())
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()


@contextmanager
def _session() -> Iterator[Any]:
    with _db() as db, db.session() as s:
        yield s


def _actor(s: Any, username: str) -> Any:
    """The acting user (enabled: a disabled account cannot act)."""
    from detente.ops.auth import load_actor

    return load_actor(s, _user_id(s, username))


def _user_id(s: Any, username: str) -> int:
    """A user's id by name, enabled or not (operator commands act on disabled accounts too)."""
    from sqlalchemy import select

    from detente.ops.models import User

    uid = s.scalars(select(User.id).where(User.username == username)).first()
    if uid is None:
        raise NotFound(f"No user {username!r}.", hint="Create it with `detente ops create-user`.")
    return int(uid)


def _party_id(s: Any, name_or_id: str) -> int:
    from sqlalchemy import select

    from detente.ops.models import Party

    p = (
        s.get(Party, int(name_or_id))
        if name_or_id.isdigit()
        else s.scalars(select(Party).where(Party.name == name_or_id)).first()
    )
    if p is None:
        raise NotFound(f"No party {name_or_id!r}.", hint="List them with `detente ops list parties`.")
    return int(p.id)


def _date(v: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise InputError(f"--{name} {v!r} is not a date.", hint="Use YYYY-MM-DD.") from None


@ops_app.command("init", rich_help_panel="Operator")
def init_cmd() -> None:
    """Create or migrate the ops store."""
    with _db() as db:
        console.print(f"ops store at revision {db.revision()}: {db.url}")


@ops_app.command("create-party", rich_help_panel="Operator")
def create_party_cmd(
    name: str = typer.Argument(..., help="Party name"),
    kind: str = typer.Option("state", help="state, organisation, ngo or mediator"),
    actor: str | None = typer.Option(None, help="Actor code in the relations index, e.g. USA"),
    org: list[str] = typer.Option([], "--org", help="Organisation membership, e.g. OSCE (repeatable)"),
    key_out: Path | None = typer.Option(
        None,
        "--key-out",
        help="Generate the party's signing key: its private key is written here (hand it to the "
        "party), its public key is registered",
    ),
) -> None:
    """Add a party to the workspace (with --key-out, also its key pair for signed hotline head receipts)."""
    from detente.ops import keys, parties

    with _session() as s:
        p = parties.create_party(s, name, kind, actor=actor, organisations=org)
        out = parties.party_dict(p)
        if key_out is not None:
            pem, public = keys.generate_key()
            keys.register_key(s, p.id, public)
            keys.write_private_key(key_out, pem)
            out["public_key"], out["private_key_file"] = public, str(key_out)
        print_json(out)


@ops_app.command("keygen", rich_help_panel="Hotlines")
def keygen_cmd(
    out: Path = typer.Option(..., "--out", help="Where to write the new private key (never overwritten)"),
) -> None:
    """Make a party signing key on your own machine; register the printed public key (register-key, or POST
    /api/ops/parties/ID/keys)."""
    from detente.ops import keys

    pem, public = keys.generate_key()
    keys.write_private_key(out, pem)
    print_json({"private_key_file": str(out), "public_key": public})


@ops_app.command("register-key", rich_help_panel="Operator")
def register_key_cmd(
    party: str = typer.Argument(..., help="Party name or id"),
    public_key: str = typer.Argument(..., help="The public key keygen printed (64 hex digits)"),
) -> None:
    """Register a party's public key (it checks that party's signed head receipts)."""
    from detente.ops import keys

    with _session() as s:
        k = keys.register_key(s, _party_id(s, party), public_key)
        print_json({"id": k.id, "party_id": k.party_id, "public_key": k.public_key})


@ops_app.command("head-receipt", rich_help_panel="Hotlines")
def head_receipt_cmd(
    channel: int = typer.Option(..., help="Channel id"),
    as_user: str = typer.Option(..., "--as", help="A user of the signing party"),
    key: Path = typer.Option(..., "--key", help="Your party's private key file"),
    out: Path | None = typer.Option(None, "--out", help="Write the receipt here (default: print it)"),
) -> None:
    """Sign the channel's current head with your party's key: keep the receipt, and verify-chain --receipt shows
    later whether history up to it was deleted or rewritten."""
    from detente.ops import hotline, keys

    private = keys.load_private_key(key)
    with _session() as s:
        a = _actor(s, as_user)
        head = hotline.verify(s, a, channel)
        if not head["ok"]:
            raise InputError(
                f"The channel's log does not verify ({head['reason']}): no receipt is signed over it.",
                hint="Report the tampering; sign once the log verifies.",
            )
        receipt = keys.sign_head(private, a.party_id, {"channel_id": channel, **head["stored_head"]})
    if out is not None:
        out.write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
    print_json(receipt)


@ops_app.command("create-user", rich_help_panel="Operator")
def create_user_cmd(
    username: str = typer.Argument(...),
    party: str = typer.Option(..., help="Party name or id"),
    role: str = typer.Option("officer", help="admin, officer, observer or monitor"),
    password: str | None = typer.Option(
        None, envvar="DETENTE_OPS_PASSWORD", help="Password (prompted when absent; or DETENTE_OPS_PASSWORD)"
    ),
) -> None:
    """Add a user to a party."""
    from detente.ops import parties

    pw = password if password is not None else getpass.getpass("password: ")
    with _session() as s:
        u = parties.create_user(s, _party_id(s, party), username, pw, role)
        print_json(parties.user_dict(u))


@ops_app.command("logout-everywhere", rich_help_panel="Operator")
def logout_everywhere_cmd(username: str = typer.Argument(..., help="The user whose sessions end")) -> None:
    """End every session token of a user at once (operator action, e.g. a compromised account)."""
    from detente.ops import parties

    with _session() as s:
        print_json(parties.end_sessions(s, _user_id(s, username)))


@ops_app.command("set-user", rich_help_panel="Operator")
def set_user_cmd(
    username: str = typer.Argument(...),
    active: bool | None = typer.Option(None, "--active/--disabled", help="Enable or disable the account"),
    role: str | None = typer.Option(None, help="admin, officer, observer or monitor"),
    reset_password: bool = typer.Option(
        False, "--reset-password", help="Set a new password (DETENTE_OPS_PASSWORD, or prompted); ends its sessions"
    ),
) -> None:
    """Disable or enable a user, change its role or reset its password (operator action)."""
    import os

    from detente.ops import parties

    password = None
    if reset_password:
        password = os.environ.get("DETENTE_OPS_PASSWORD") or getpass.getpass("new password: ")
    with _session() as s:
        u = parties.update_user(s, _user_id(s, username), active=active, role=role, password=password)
        print_json(parties.user_dict(u))


@ops_app.command("unlock", rich_help_panel="Operator")
def unlock_cmd(
    source: str | None = typer.Argument(None, help="The source address whose failed logins to forget"),
    user: str | None = typer.Option(None, "--user", help="Or the account whose failed logins to forget"),
) -> None:
    """Lift the wait that repeated failed logins put on a source address or an account (it ends by itself
    after at most a few minutes for an account; accounts are never locked)."""
    from detente.ops.auth import account_key, unlock

    if (source is None) == (user is None):
        raise InputError("Name a source address or --user, not both.", hint="See `detente ops unlock --help`.")
    with _session() as s:
        if user is not None:
            print_json({"user": user, "unlocked": unlock(s, account_key(user))})
        else:
            print_json({"source": source, "unlocked": unlock(s, str(source))})


@ops_app.command("rotate-key", rich_help_panel="Operator")
def rotate_key_cmd(
    revoke: str | None = typer.Option(
        None, "--revoke", help="The old key was compromised (the reason): every receipt it signed fails from now on"
    ),
) -> None:
    """Make a new key to sign log receipts. The old private key is destroyed; its public key stays in the ring
    (GET /api/ops/receipt-keys), so the receipts it signed still verify — unless --revoke. Parties pin the new ring."""
    from detente.ops import receipts

    print_json(receipts.rotate(state.settings.receipt_key_path(), revoke=revoke))


@ops_app.command("revoke-key", rich_help_panel="Operator")
def revoke_key_cmd(
    key_id: str = typer.Argument(..., help="The id of a retired receipt key (GET /api/ops/receipt-keys)"),
    reason: str = typer.Option(..., "--reason", help="Why (e.g. the backup holding it was stolen)"),
) -> None:
    """Revoke a retired receipt key: every receipt it signed fails from now on (rotate-key --revoke for the
    key that signs now)."""
    from detente.ops import receipt_keys, receipts

    path = state.settings.receipt_key_path()
    print_json(receipt_keys.revoke(path.expanduser().resolve(), key_id, reason, receipts.signer_at(path).public_key))


@ops_app.command("notify", rich_help_panel="CBM notifications")
def notify_cmd(
    as_user: str = typer.Option(..., "--as", help="Declaring user"),
    activity_type: str = typer.Option("field_training_exercise", "--type"),
    title: str = typer.Option(""),
    area: str = typer.Option(""),
    start: str = typer.Option(..., help="First day (YYYY-MM-DD)"),
    end: str = typer.Option(..., help="Last day (YYYY-MM-DD)"),
    troops: int = typer.Option(0),
    tanks: int = typer.Option(0, "--tanks"),
    acvs: int = typer.Option(0),
    artillery: int = typer.Option(0),
    sorties: int = typer.Option(0, "--sorties"),
    amphibious: int = typer.Option(0),
    airborne: int = typer.Option(0),
    in_calendar: bool = typer.Option(False, "--in-calendar"),
    ruleset: str = typer.Option("vienna_document_2011"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only check; notify nobody"),
) -> None:
    """Declare a military activity (checked against the rule set, distributed to entitled parties)."""
    from detente.ops import notifications

    data = {
        "activity_type": activity_type,
        "title": title,
        "area": area,
        "start_date": _date(start, "start"),
        "end_date": _date(end, "end"),
        "troops": troops,
        "battle_tanks": tanks,
        "acvs": acvs,
        "artillery": artillery,
        "air_sorties": sorties,
        "amphibious_troops": amphibious,
        "airborne_troops": airborne,
        "in_annual_calendar": in_calendar,
        "ruleset": ruleset,
    }
    with _session() as s:
        actor = _actor(s, as_user)
        if dry_run:
            findings = [f.to_dict() for f in notifications.dry_run(s, actor, data)]
            print_json({"findings": findings})
            return
        a = notifications.declare(s, actor, data)
        print_json(notifications.activity_dict(s, a, actor))


@ops_app.command("list", rich_help_panel="Operator")
def list_cmd(
    what: str = typer.Argument(
        ..., help="parties, notifications, channels, engagements, agreements, movements, notices or audit"
    ),
    as_user: str | None = typer.Option(None, "--as", help="User whose party's view to show (all but parties)"),
    fmt: str = format_option(),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json"),
) -> None:
    """List what a party sees."""

    from detente.ops import ceasefire, engagements, hotline, humanitarian, notifications, parties
    from detente.ops.pages import MAX_LIMIT, every

    with _session() as s:  # every page, following the cursors
        if what == "parties":
            rows: list[dict[str, Any]] = [
                parties.party_dict(p) for p in every(lambda c: parties.list_parties(s, c, MAX_LIMIT))
            ]
        else:
            if not as_user:
                raise InputError(f"Listing {what} needs --as USER.", hint="Name the user whose view to show.")
            a = _actor(s, as_user)
            n = MAX_LIMIT
            views: dict[str, Callable[[], list[dict[str, Any]]]] = {
                "notifications": lambda: [
                    notifications.activity_dict(s, x, a) for x in every(lambda c: notifications.page_for(s, a, c, n))
                ],
                "channels": lambda: [
                    hotline.channel_dict(s, x) for x in every(lambda c: hotline.list_channels(s, a, c, n))
                ],
                "engagements": lambda: [
                    engagements.engagement_dict(s, x)
                    for x in every(lambda c: engagements.page_for(s, a, None, None, c, n))
                ],
                "agreements": lambda: [
                    ceasefire.agreement_dict(s, x) for x in every(lambda c: ceasefire.page_agreements(s, a, c, n))
                ],
                "movements": lambda: [
                    humanitarian.movement_dict(s, x, a)
                    for x in every(lambda c: humanitarian.page_for(s, a, False, c, n))
                ],
                "notices": lambda: every(lambda c: parties.notices(s, a, c, n)),
                "audit": lambda: every(lambda c: parties.audit_log(s, a, c, n)),
            }
            if what not in views:
                raise InputError(f"Cannot list {what!r}.", hint=f"Choose parties or one of: {', '.join(views)}.")
            rows = views[what]()
    out = resolve(fmt, as_json=as_json)
    keys = [k for k in (rows[0] if rows else {}) if not isinstance(rows[0][k], list | dict)]
    emit(rows, out, keys if out == "csv" else keys[:8], title=what, empty=f"No {what}.")


@ops_app.command("verify-chain", rich_help_panel="Hotlines")
def verify_chain_cmd(
    channel: int | None = typer.Option(None, help="Channel id (reads the store; needs --as)"),
    as_user: str | None = typer.Option(None, "--as"),
    file: Path | None = typer.Option(None, "--file", help="A chain downloaded from GET /api/ops/channels/ID/chain"),
    receipt: Path | None = typer.Option(
        None, "--receipt", help="A signed head receipt (head-receipt): fail if history up to it was cut or rewritten"
    ),
) -> None:
    """Verify a hotline's log end to end; exits non-zero when it was tampered with."""
    from detente.core.hotline import Problem, check
    from detente.ops import keys

    signed: dict[str, Any] | None = None
    if receipt is not None:
        try:
            signed = json.loads(receipt.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(f"{receipt} is not a receipt: {e}", hint="Pass a file made by head-receipt.") from None
    if file is not None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            entries = data["entries"] if isinstance(data, dict) else data
            head = data.get("head") if isinstance(data, dict) else None
            stored = (int(head["seq"]), str(head["hash"])) if isinstance(head, dict) else None
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InputError(
                f"{file} is not a chain: {e}", hint="Save the JSON of GET /api/ops/channels/ID/chain."
            ) from None
        result: dict[str, Any] = {"file": str(file), "ok": True, "entries": len(entries), "first_bad": None}
        try:
            contains = None
            if signed is not None:
                attested = keys.check_receipt(signed, [])
                result["receipt"] = attested
                contains = (attested["seq"], attested["hash"])
            check(entries, head=stored, contains=contains)
            result["reason"] = "ok"
        except Problem as p:
            result.update(ok=False, first_bad=p.index, reason=p.reason)
        except (KeyError, TypeError, ValueError) as e:
            result.update(ok=False, reason=f"the chain is malformed: {e}")
    else:
        if channel is None or not as_user:
            raise InputError("Pass --file, or --channel ID with --as USER.", hint="See --help.")
        from detente.ops import hotline

        with _session() as s:
            result = hotline.verify(s, _actor(s, as_user), channel, receipt=signed)
    print_json(result)
    if not result["ok"]:
        raise typer.Exit(1)


@ops_app.command("sweep", rich_help_panel="Operator")
def sweep_cmd() -> None:
    """Escalate hotline messages whose reply deadline has passed."""
    from detente.ops import hotline

    with _session() as s:
        print_json({"escalated": hotline.sweep(s)})


@ops_app.command("export-engagements", rich_help_panel="Operator")
def export_cmd() -> None:
    """Write completed engagements into the relations index (DuckDB `engagements`, dataset 'ops')."""
    from detente.ops import engagements

    store = state.store()
    try:
        with _session() as s:
            print_json({"exported": engagements.export_to_store(s, store)})
    finally:
        store.close()
