"""Every single-row and single-field database tamper of a hotline channel is detected (issue 14, finding 5).

The tampers are generated from the schema: for each row of the channel's tables (the channel, its log, its
messages, its member shares) delete it, insert a copy of it, and change each of its columns; for each log
record, change each of its keys without fixing the hash. After each one, no member party is told the log is
whole: the API answers ``ok: false`` (or no longer shows the channel at all), and ``detente ops verify-chain``
exits non-zero. Then the attacks that rewrite consistently (re-hash, rewrite the head, cut the tail and
fix the head) are shown to escape the server's own check and to be caught by a party's signed head receipt.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.cli import main
from detente.config import Settings
from detente.core.hashchain import GENESIS, canonical, link
from detente.ops.db import OpsDB
from detente.store import Store

from ..conftest import PASSWORD, world_ids

MEMBERS = ("a_officer", "b_officer", "m_monitor", "c_officer")  # every party on the channel
SURROGATE = {("ops_channel_log", "id"), ("ops_shares", "id")}  # row ids nothing shows or orders by
TABLES = {
    "ops_channels": "id = 1",
    "ops_channel_log": "channel_id = 1",
    "ops_messages": "channel_id = 1",
    "ops_shares": "object_type = 'channel' AND object_id = 1",
}


def _seed(db: OpsDB) -> None:
    """A channel of A, B and the mediator M, which C joins later: every kind of log entry occurs."""
    from detente.ops import hotline
    from detente.ops.auth import load_actor

    w = world_ids()
    with db.session() as s:
        act = {u: load_actor(s, w.user[u]) for u in MEMBERS}
        c = hotline.create_channel(s, act["a_officer"], "A-B", [w.party["B"], w.party["M"]])
        m1 = hotline.send(s, act["a_officer"], c.id, "Confirm the exercise area.", reply_within_minutes=30)
        hotline.messages(s, act["b_officer"], c.id)
        hotline.messages(s, act["m_monitor"], c.id)
        hotline.step(s, act["b_officer"], m1.id, "read")
        hotline.step(s, act["b_officer"], m1.id, "acknowledged")
        hotline.send(s, act["b_officer"], c.id, "Area north of the river.", in_reply_to=m1.id)
        hotline.send(s, act["a_officer"], c.id, "Numbers, please.", reply_within_minutes=5)
        hotline.sweep(s, dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1))
        hotline.add_party(s, act["a_officer"], c.id, w.party["C"])
        hotline.send(s, act["a_officer"], c.id, "Welcome, C.")
        hotline.messages(s, act["c_officer"], c.id)
        assert hotline.verify(s, act["a_officer"], c.id)["ok"]


@pytest.fixture(scope="module")
def seeded(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tamper") / "seeded.sqlite"
    shutil.copyfile(sqlite_template, path)
    db = OpsDB(f"sqlite:///{path}")
    db.migrate()
    _seed(db)
    with db.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _mutate(v: Any, sql_type: str = "") -> Any:
    """Another value of the same kind (a NULL becomes a value of the column's type)."""
    if v is None:
        return {"DATETIME": "2026-01-01 00:00:00.000000", "INTEGER": 1, "BOOLEAN": 1}.get(sql_type, "x")
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return (1 - v) if sql_type == "BOOLEAN" else v + 1000  # clear of the unique keys of the other rows
    if isinstance(v, float):
        return v + 1.0
    if isinstance(v, str):
        try:
            t = dt.datetime.fromisoformat(v)
        except ValueError:
            return v[:-1] + ("0" if v[-1:] != "0" else "1") if v else "x"
        return (t + dt.timedelta(seconds=1)).isoformat(" " if " " in v else "T")
    if isinstance(v, list):
        return [*v, 99] if v else [1]
    if isinstance(v, dict):
        return {**v, "x": 1}
    raise TypeError(type(v))


Tamper = Callable[[sqlite3.Connection], None]


def _tampers(path: Path, only: str) -> Iterator[tuple[str, Tamper]]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        for table, where in TABLES.items():
            if table != only:
                continue
            cols = {r[1]: str(r[2]).split("(")[0].upper() for r in con.execute(f"PRAGMA table_info({table})")}
            rows = [dict(r) for r in con.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id")]
            assert rows, table
            for row in rows:
                key = f"{table}#{row['id']}"
                yield f"{key} deleted", _sql(f"DELETE FROM {table} WHERE id = ?", row["id"])
                # (a copy of the channel row would be another channel: no log, shared with nobody)
                copy = {k: v for k, v in row.items() if k != "id"}
                if table == "ops_channel_log":
                    copy["seq"] = row["seq"] + 1000  # (channel, seq) is unique: the copy goes after the end
                if table == "ops_shares":
                    copy["party_id"] = world_ids().party["N"]  # one share per party and record: a new member
                if table != "ops_channels":
                    yield f"{key} duplicated", _insert(table, copy)
                for col in cols:
                    if (table, col) in SURROGATE:
                        continue
                    yield (
                        f"{key}.{col} changed",
                        _sql(f"UPDATE {table} SET {col} = ? WHERE id = ?", _mutate(row[col], cols[col]), row["id"]),
                    )
                if table == "ops_channel_log":
                    record = json.loads(row["record"])
                    for k in record:
                        edited = {**record, k: _mutate(record[k])}
                        yield (
                            f"{key}.record[{k}] changed",
                            _sql(f"UPDATE {table} SET record = ? WHERE id = ?", canonical(edited), row["id"]),
                        )
    finally:
        con.close()


def _sql(statement: str, *args: Any) -> Tamper:
    def run(con: sqlite3.Connection) -> None:
        con.execute(statement, args)

    return run


def _insert(table: str, row: dict[str, Any]) -> Tamper:
    def run(con: sqlite3.Connection) -> None:
        con.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
        )

    return run


@dataclass
class Bench:
    """One app on one store file that each tamper replaces; tokens of every member party."""

    path: Path
    seeded: Path
    db: OpsDB
    client: TestClient
    tokens: dict[str, str]
    base: list[str]

    def reset(self, tamper: Tamper | None = None) -> bool:
        """A fresh copy of the seeded store with ``tamper`` applied; False if the database refused it."""
        self.db.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.seeded, self.path)
        if tamper is not None:
            con = sqlite3.connect(self.path)
            con.execute("PRAGMA foreign_keys = OFF")  # the operator's own edit: no foreign key stops it
            try:
                tamper(con)
            except sqlite3.IntegrityError:  # a unique constraint refuses it: not a tamper that can happen
                return False
            finally:
                con.commit()
                con.close()
        return True

    def api_verdicts(self, receipt: dict[str, Any] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for user, token in self.tokens.items():
            h = {"Authorization": f"Bearer {token}"}
            if receipt is None:
                r = self.client.get("/api/ops/channels/1/verify", headers=h)
            else:
                r = self.client.post("/api/ops/channels/1/verify", headers=h, json={"receipt": receipt})
            out[user] = r.json()["ok"] if r.status_code == 200 else r.status_code
        return out

    def cli_exit(self, user: str = "b_officer", *extra: str) -> int:
        try:
            main([*self.base, "verify-chain", "--channel", "1", "--as", user, *extra])
        except SystemExit as e:
            return int(e.code or 0)
        return 0


@pytest.fixture(scope="module")
def bench(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    from detente.api import create_app

    where = tmp_path_factory.mktemp("tamper-bench")
    path = where / "ops.sqlite"
    shutil.copyfile(seeded, path)
    url = f"sqlite:///{path}"
    db = OpsDB(url)
    store = Store.open(":memory:")
    app = create_app(Settings(db=where / "t.duckdb", ops_url=url, secret_key="tamper"), store=store)
    app.state.ops = db
    app.state.ops_sweep_seconds = 1e9  # no background sweep while reset() swaps the store file under the app
    with TestClient(app) as client:
        tokens = {}
        for user in MEMBERS:
            r = client.post("/api/ops/login", json={"username": user, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[user] = r.json()["token"]
        yield Bench(path, seeded, db, client, tokens, ["--db", str(where / "t.duckdb"), "ops", "--ops-url", url])
    db.dispose()
    store.close()


def test_the_untouched_channel_verifies_for_every_member(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    bench.reset()
    assert bench.api_verdicts() == {u: True for u in MEMBERS}
    assert bench.cli_exit() == 0


@pytest.mark.parametrize("table", list(TABLES))
def test_every_single_row_and_single_field_tamper_is_detected(
    bench: Bench, seeded: Path, capsys: pytest.CaptureFixture[str], table: str
) -> None:
    tampers = list(_tampers(seeded, table))
    assert len(tampers) >= 5  # generated from the schema and the seeded rows, not listed by hand
    escaped: list[str] = []
    refused: list[str] = []
    for name, tamper in tampers:
        if not bench.reset(tamper):
            refused.append(name)
            continue
        verdicts = bench.api_verdicts()
        if True in verdicts.values() or bench.cli_exit() == 0:
            escaped.append(f"{name}: {verdicts}")
        capsys.readouterr()
    assert escaped == [], "\n".join(escaped)
    assert refused == []  # the database refused none of them


def _rewrite(con: sqlite3.Connection, edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
    """The operator's consistent rewrite: edit the records, re-hash the whole chain, rewrite the head."""
    rows = [
        json.loads(r[0]) for r in con.execute("SELECT record FROM ops_channel_log WHERE channel_id = 1 ORDER BY seq")
    ]
    records = edit(rows)
    con.execute("DELETE FROM ops_channel_log WHERE channel_id = 1")
    prev = GENESIS
    for r in records:
        h = link(prev, r)
        kind = r["kind"]
        con.execute(
            "INSERT INTO ops_channel_log (channel_id, seq, kind, message_id, party_id, record, prev_hash, hash)"
            " VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
            (
                r["seq"],
                kind,
                r.get("id") if kind == "message" else r.get("message"),
                r.get("party"),
                canonical(r),
                prev,
                h,
            ),
        )
        prev = h
        if kind == "message":  # and the message's stored copy, to match
            con.execute("UPDATE ops_messages SET seq = ?, body = ? WHERE id = ?", (r["seq"], r["body"], r["id"]))
    con.execute("UPDATE ops_channels SET last_seq = ?, last_hash = ? WHERE id = 1", (len(records), prev))


def _drop_tail(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return records[:-1]  # the last entry: a delivery receipt


def _reword_a_message(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**r, "body": "Area south of the river."} if r["kind"] == "message" and r["id"] == 2 else r for r in records
    ]


@pytest.mark.parametrize("edit", [_drop_tail, _reword_a_message], ids=["cut-the-tail", "reword-a-message"])
def test_a_consistent_rewrite_escapes_the_server_and_is_caught_by_a_signed_head_receipt(
    bench: Bench,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> None:
    from detente.ops import keys

    # B's key, registered; B signs the head it sees today and keeps the receipt
    key_file = tmp_path / "b.pem"
    main([*bench.base, "keygen", "--out", str(key_file)])
    public = json.loads(capsys.readouterr().out)["public_key"]
    bench.reset()
    r = bench.client.post(
        f"/api/ops/parties/{world_ids().party['B']}/keys",
        headers={"Authorization": f"Bearer {bench.tokens['b_officer']}"},
        json={"public_key": public},
    )
    assert r.status_code == 403  # officers do not register keys; the operator does here
    main([*bench.base, "register-key", "Bland", public])
    receipt_file = tmp_path / "receipt.json"
    main(
        [
            *bench.base,
            "head-receipt",
            "--channel",
            "1",
            "--as",
            "b_officer",
            "--key",
            str(key_file),
            "--out",
            str(receipt_file),
        ]
    )
    receipt = json.loads(receipt_file.read_text())
    capsys.readouterr()
    with bench.db.session() as s:
        from detente.ops.models import PartyKey

        assert s.query(PartyKey).count() == 1
    # the operator rewrites history consistently: the chain, the head, every copy agree
    bench.db.dispose()
    con = sqlite3.connect(bench.path)
    con.execute("PRAGMA foreign_keys = OFF")
    _rewrite(con, edit)
    con.commit()
    con.close()
    # the server's own check cannot tell (this is the limit docs/hotline-integrity.md states) ...
    assert set(bench.api_verdicts().values()) == {True}
    assert bench.cli_exit() == 0
    # ... but B's receipt does, through the API and the CLI
    assert set(bench.api_verdicts(receipt).values()) == {False}
    assert bench.cli_exit("b_officer", "--receipt", str(receipt_file)) == 1
    out = capsys.readouterr().out
    assert "history was" in out and '"ok": false' in out
    # a receipt altered by hand is refused outright
    forged = {**receipt, "seq": receipt["seq"] - 1}
    r = bench.client.post(
        "/api/ops/channels/1/verify",
        headers={"Authorization": f"Bearer {bench.tokens['a_officer']}"},
        json={"receipt": forged},
    )
    assert r.status_code == 422 and "signature does not verify" in r.json()["error"]["message"]
    assert keys.DOMAIN in json.dumps(receipt)
    bench.db.dispose()
