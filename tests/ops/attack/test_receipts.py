"""Attacks on the log receipts of agreements, CBM notifications and movements (:mod:`detente.ops.receipts`).

The attacker is the operator (or anyone with the database): it rewrites a log and every stored copy
consistently, recomputing every hash and the stored head, so the log verifies on its own. A receipt a party
kept from its acknowledgement must catch that, through the API, the operator's CLI, and offline. Then the
parties as attackers: a forged or altered receipt, a receipt signed with their own key, one for another record
or a hotline head receipt passed off as a log receipt, another party's record, no token.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from detente.core import hashchain
from detente.errors import InputError
from detente.ops import keys, receipts

from ..conftest import Api, World, assert_error


def _notification(api: Api, w: World) -> tuple[str, int, dict[str, Any], dict[str, Any], str]:
    day = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    n = api.call("POST", "/api/ops/notifications", "a_officer",
                 json={"activity_type": "exercise", "title": "Spring", "start_date": day, "end_date": day,
                       "troops": 9500}).json()  # fmt: skip
    ack = api.call("POST", f"/api/ops/notifications/{n['id']}/acknowledge", "b_officer").json()
    return "notifications", n["id"], n["receipt"], ack["receipt"], "UPDATE ops_activities SET title = :v WHERE id = :i"


def _movement(api: Api, w: World) -> tuple[str, int, dict[str, Any], dict[str, Any], str]:
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    m = api.call("POST", "/api/ops/movements", "n_officer",
                 json={"kind": "site", "name": "Clinic", "points": [[45.5, 30.25]],
                       "window_start": start.isoformat(), "window_end": (start + dt.timedelta(hours=8)).isoformat(),
                       "notify": [w.party["A"], w.party["B"]]}).json()  # fmt: skip
    ack = api.call("POST", f"/api/ops/movements/{m['id']}/acknowledge", "b_officer").json()
    return "movements", m["id"], m["receipt"], ack["receipt"], "UPDATE ops_movements SET name = :v WHERE id = :i"


def _agreement(api: Api, w: World) -> tuple[str, int, dict[str, Any], dict[str, Any], str]:
    a = api.call("POST", "/api/ops/agreements", "a_officer",
                 json={"name": "Line", "start_date": "2026-01-01", "parties": [w.party["B"]],
                       "monitors": [w.party["M"]]}).json()  # fmt: skip
    ack = api.call("POST", f"/api/ops/agreements/{a['id']}/confirm", "b_officer").json()
    return "agreements", a["id"], a["receipt"], ack["receipt"], "UPDATE ops_agreements SET name = :v WHERE id = :i"


RECORDS: dict[str, Callable[[Api, World], tuple[str, int, dict[str, Any], dict[str, Any], str]]] = {
    "notification": _notification, "movement": _movement, "agreement": _agreement,
}  # fmt: skip
FIELD = {"notification": "title", "movement": "name", "agreement": "name"}


def _rewrite(w: World, log: str, rid: int, copy_sql: str, cut: int = 0) -> None:
    """The operator's consistent rewrite: the first entry's name changed (or the last ``cut`` entries removed,
    with the acknowledgement they recorded), every hash and the stored head recomputed, the stored row to match."""
    lg = receipts.LOGS[log]
    table, col, owner = lg.entry.__tablename__, lg.column.key, lg.owner.__tablename__
    with w.db.session() as s:
        rows = s.execute(text(f"SELECT id, record FROM {table} WHERE {col} = :i ORDER BY seq"), {"i": rid}).all()
        for rowid, _ in rows[len(rows) - cut :]:
            s.execute(text(f"DELETE FROM {table} WHERE id = :r"), {"r": rowid})
        if cut:
            s.execute(text("UPDATE ops_shares SET acknowledged_at = NULL, acknowledged_by = NULL "
                           "WHERE object_type = :t AND object_id = :i"), {"t": log, "i": rid})  # fmt: skip
        prev = hashchain.GENESIS
        for n, (rowid, raw) in enumerate(rows[: len(rows) - cut]):
            record = json.loads(raw)
            if n == 0 and not cut:
                record[FIELD[log]] = "Rewritten"
            h = hashchain.link(prev, record)
            s.execute(text(f"UPDATE {table} SET record = :r, prev_hash = :p, hash = :h WHERE id = :id"),
                      {"r": hashchain.canonical(record), "p": prev, "h": h, "id": rowid})  # fmt: skip
            prev = h
        s.execute(text(f"UPDATE {owner} SET last_seq = :n, last_hash = :h WHERE id = :i"),
                  {"n": len(rows) - cut, "h": prev, "i": rid})  # fmt: skip
        if not cut:
            s.execute(text(copy_sql), {"v": "Rewritten", "i": rid})


@pytest.mark.parametrize("log", list(RECORDS))
@pytest.mark.parametrize("cut", [0, 1], ids=["rewritten", "cut"])
def test_an_operator_rewrite_that_verifies_is_caught_by_an_old_receipt(
    api: Api, world: World, log: str, cut: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plural, rid, first, acked, copy_sql = RECORDS[log](api, world)
    exported = api.call("GET", f"/api/ops/{plural}/{rid}/log", "b_officer").json()
    key = api.client.get("/api/ops/receipt-key").json()["public_key"]  # pinned by the parties, no login needed
    for r in (first, acked):
        assert receipts.check(r, key)["log"] == log
        assert receipts.check_chain(r, exported, key)["ok"]
    assert api.call("POST", f"/api/ops/{plural}/{rid}/verify", "b_officer", json={"receipt": acked}).json()["ok"]

    _rewrite(world, log, rid, copy_sql, cut)
    assert api.call("GET", f"/api/ops/{plural}/{rid}/verify", "b_officer").json()["ok"]  # the log alone: fooled
    after = api.call("GET", f"/api/ops/{plural}/{rid}/log", "b_officer").json()
    for who, r in (("a_officer" if log != "movement" else "n_officer", first), ("b_officer", acked)):
        if cut and r is first:
            continue  # the creator's receipt is older than the cut entry: it still holds (and says so)
        got = api.call("POST", f"/api/ops/{plural}/{rid}/verify", who, json={"receipt": r}).json()
        assert not got["ok"] and not got["receipt"]["holds"], got
        assert ("cut" if cut else "rewritten") in got["reason"], got
        assert not receipts.check_chain(r, after, key)["ok"]  # offline, with the log exported now
    # the operator's own CLI says the same, with the receipt from a file
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(acked), encoding="utf-8")
    out = _cli(api, capsys, "verify-log", log, str(rid), "--as", "b_officer", "--receipt", str(path))
    assert out.exit_code == 1 and '"holds": false' in out.stdout, out.stdout


@dataclass
class Ran:
    exit_code: int
    stdout: str
    output: str  # stdout and stderr


def _cli(api: Api, capsys: pytest.CaptureFixture[str], *args: str) -> Ran:
    from detente.cli import main

    settings = api.client.app.state.settings  # type: ignore[attr-defined]
    try:
        main(["--db", str(settings.db), "ops", "--ops-url", settings.ops_url, *args])
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    got = capsys.readouterr()
    return Ran(code, got.out, got.out + got.err)


def test_the_receipt_is_checked_offline_by_the_cli(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plural, rid, _, acked, copy_sql = RECORDS["notification"](api, world)
    key = api.client.get("/api/ops/receipt-key").json()["public_key"]
    (tmp_path / "r.json").write_text(json.dumps(acked), encoding="utf-8")
    log = api.call("GET", f"/api/ops/{plural}/{rid}/log", "b_officer").json()
    (tmp_path / "log.json").write_text(json.dumps(log), encoding="utf-8")
    for extra in ([], ["--key", key], ["--key", key, "--log", str(tmp_path / "log.json")]):
        out = _cli(api, capsys, "check-receipt", str(tmp_path / "r.json"), *extra)
        assert out.exit_code == 0, out.stdout
    _rewrite(world, "notification", rid, copy_sql)
    (tmp_path / "log.json").write_text(json.dumps(api.call("GET", f"/api/ops/{plural}/{rid}/log", "b_officer").json()))
    r, lg = str(tmp_path / "r.json"), str(tmp_path / "log.json")
    out = _cli(api, capsys, "check-receipt", r, "--key", key, "--log", lg)
    assert out.exit_code == 1 and "rewritten" in out.stdout
    other = keys.generate_key()[1]
    out = _cli(api, capsys, "check-receipt", str(tmp_path / "r.json"), "--key", other)
    assert out.exit_code != 0 and "another key" in out.output and "Traceback" not in out.output


def test_forged_altered_and_misplaced_receipts_are_refused(api: Api, world: World) -> None:
    plural, rid, _, acked, _ = RECORDS["notification"](api, world)
    url = f"/api/ops/{plural}/{rid}/verify"
    # a party rewrites what its receipt says (to accuse the operator of a rewrite that never happened)
    for field, value in (("hash", "f" * 64), ("seq", 1), ("party", world.party["C"]), ("signed_at", "2020-01-01")):
        r = api.call("POST", url, "b_officer", json={"receipt": {**acked, field: value}})
        assert_error(r, 422)
        assert "altered or forged" in r.json()["error"]["message"]
    # a receipt the party signed itself, with its own key, over a hash the log never held
    own = receipts.Signer(Ed25519PrivateKey.generate())
    forged = own.sign("notification", rid, acked["seq"], "e" * 64, world.party["B"])
    r = api.call("POST", url, "b_officer", json={"receipt": forged})
    assert_error(r, 422)
    assert "never had" in r.json()["error"]["message"]
    with pytest.raises(InputError, match="another key"):
        receipts.check(forged, api.client.get("/api/ops/receipt-key").json()["public_key"])
    # a good receipt presented for another record, and a hotline head receipt passed off as a log receipt
    other_id = RECORDS["notification"](api, world)[1]
    assert_error(api.call("POST", f"/api/ops/{plural}/{other_id}/verify", "b_officer", json={"receipt": acked}), 422)
    assert_error(api.call("POST", f"/api/ops/movements/{rid}/verify", "b_officer", json={"receipt": acked}), 422, 404)
    head = keys.sign_head(Ed25519PrivateKey.generate(), world.party["B"],
                          {"channel_id": 1, "seq": 1, "hash": "0" * 64})  # fmt: skip
    assert_error(api.call("POST", url, "b_officer", json={"receipt": head}), 422)
    for junk in ({}, {"domain": receipts.DOMAIN}, {**acked, "seq": 2**40}, {**acked, "signature": "%%%"}):
        assert_error(api.call("POST", url, "b_officer", json={"receipt": junk}), 422)


def test_another_party_and_no_token_get_nothing(api: Api, world: World) -> None:
    plural, rid, _, acked, _ = RECORDS["notification"](api, world)
    for path in ("receipt", "log"):
        assert_error(api.call("GET", f"/api/ops/{plural}/{rid}/{path}", "c_officer"), 404)  # Cland is not a recipient
        assert_error(api.call("GET", f"/api/ops/{plural}/{rid}/{path}"), 401)
    assert_error(api.call("POST", f"/api/ops/{plural}/{rid}/verify", "c_officer", json={"receipt": acked}), 404)
    assert_error(api.call("POST", f"/api/ops/{plural}/{rid}/verify", json={"receipt": acked}), 401)
    mine = api.call("GET", f"/api/ops/{plural}/{rid}/receipt", "b_observer").json()
    assert mine["party"] == world.party["B"] and mine["seq"] == acked["seq"]  # a fresh one for its own party only


def test_the_key_stays_out_of_the_database_and_is_made_once(tmp_path: Path) -> None:
    path = tmp_path / "k" / "receipt-key.pem"
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(receipts.Signer(receipts._load_or_make(path)).public_key))
               for _ in range(8)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(got)) == 1 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["receipt-key.pem"]  # no temporary file left behind
    path.write_text("not a key")
    with pytest.raises(Exception, match="not an unencrypted PEM key"):
        receipts._load_or_make(path)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_good = receipts.Signer(Ed25519PrivateKey.generate()).sign("movement", 3, 2, "a" * 64, 5)


@settings(max_examples=300, deadline=None)
@given(
    junk=_json,
    field=st.sampled_from(sorted(_good)),
    value=_json,
)
def test_any_receipt_is_checked_or_refused_with_one_line(junk: Any, field: str, value: Any) -> None:
    """Whatever a party sends as a receipt — any JSON, or a good receipt with one field replaced — the check
    either attests it or raises one InputError line, never another exception; and only the untouched
    receipt (or one whose field kept its meaning) attests."""
    for candidate in (junk, {**_good, field: value}):
        try:
            got = receipts.check(candidate)
        except InputError as e:
            assert "\n" not in str(e) and str(e)
        else:
            assert {k: got[k] for k in ("log", "id", "seq", "hash", "party")} == {
                "log": "movement", "id": 3, "seq": 2, "hash": "a" * 64, "party": 5,
            }  # fmt: skip
