"""Attacks on the receipt key ring (:mod:`detente.ops.receipt_keys`): rotation, revocation, forged and replayed
receipts.

The operator rotates the key that signs log receipts (routine, or because it leaked). Receipts signed before a
routine rotation must still verify, through the API and offline against the ring the parties pinned; after a
revocation every receipt of that key must fail, with one line saying why. The attackers: a party forging a
receipt with a key of its own (naming the workspace's key id, or not), a party editing a receipt after
signing, a party replaying another party's receipt, and a thief of a retired key signing after its retirement.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from detente.errors import InputError
from detente.ops import receipt_keys, receipts
from detente.ops.models import utcnow

from ..conftest import Api, World, assert_error
from .test_receipts import RECORDS, _cli


def _key_path(api: Api) -> Path:
    return Path(api.client.app.state.settings.receipt_key_path()).resolve()  # type: ignore[attr-defined]


def _verify(api: Api, rid: int, user: str, receipt: dict[str, Any]) -> Any:
    return api.call("POST", f"/api/ops/notifications/{rid}/verify", user, json={"receipt": receipt})


def test_old_receipts_still_verify_after_a_rotation(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rid, first, acked, _ = RECORDS["notification"](api, world)
    before = api.client.get("/api/ops/receipt-key").json()
    assert acked["key_id"] == before["key_id"] == receipt_keys.fingerprint(before["public_key"])
    old_pem = _key_path(api).read_bytes()

    out = _cli(api, capsys, "rotate-key")
    assert out.exit_code == 0, out.output
    rotated = json.loads(out.stdout)
    assert rotated["old"]["key_id"] == before["key_id"] and rotated["old"]["valid_until"]
    assert _key_path(api).read_bytes() != old_pem  # the retired private key is gone from the workspace

    # the running server signs with the new key at once (it notices the file changed), and keeps the old public one
    now = api.client.get("/api/ops/receipt-key").json()
    assert now["key_id"] == rotated["new"]["key_id"] != before["key_id"]
    ring = api.client.get("/api/ops/receipt-keys").json()
    assert ring["current"] == now["key_id"] and [k["key_id"] for k in ring["keys"]] == [before["key_id"], now["key_id"]]
    fresh = api.call("GET", f"/api/ops/notifications/{rid}/receipt", "b_officer").json()
    assert fresh["key_id"] == now["key_id"]
    for user, r in (("a_officer", first), ("b_officer", acked), ("b_officer", fresh)):
        got = _verify(api, rid, user, r)
        assert got.status_code == 200 and got.json()["ok"] and got.json()["receipt"]["holds"], got.text
        assert receipts.check(r, ring)["key_id"] == r["key_id"]  # offline, against the pinned ring
    # offline with the CLI: the ring as a file
    (tmp_path / "ring.json").write_text(json.dumps(ring), encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps(acked), encoding="utf-8")
    out = _cli(api, capsys, "check-receipt", str(tmp_path / "r.json"), "--key", str(tmp_path / "ring.json"))
    assert out.exit_code == 0, out.output


def test_a_revoked_key_proves_nothing_any_more(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rid, _, acked, _ = RECORDS["notification"](api, world)
    out = _cli(api, capsys, "rotate-key", "--revoke", "the backup tape was stolen")
    assert out.exit_code == 0, out.output
    r = _verify(api, rid, "b_officer", acked)
    assert_error(r, 422)
    msg = r.json()["error"]["message"]
    assert f"key {acked['key_id']}, revoked on" in msg and "the backup tape was stolen" in msg, msg
    ring = api.client.get("/api/ops/receipt-keys").json()
    with pytest.raises(InputError, match="revoked on"):
        receipts.check(acked, ring)
    (tmp_path / "ring.json").write_text(json.dumps(ring), encoding="utf-8")
    (tmp_path / "r.json").write_text(json.dumps(acked), encoding="utf-8")
    out = _cli(api, capsys, "check-receipt", str(tmp_path / "r.json"), "--key", str(tmp_path / "ring.json"))
    assert out.exit_code != 0 and "revoked on" in out.output and "Traceback" not in out.output
    # new receipts, under the new key, verify
    fresh = api.call("GET", f"/api/ops/notifications/{rid}/receipt", "b_officer").json()
    assert _verify(api, rid, "b_officer", fresh).json()["ok"]


def test_revoking_a_retired_key_and_refusing_to_revoke_the_signing_one(
    api: Api, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rid, _, acked, _ = RECORDS["notification"](api, world)
    current = api.client.get("/api/ops/receipt-key").json()["key_id"]
    out = _cli(api, capsys, "revoke-key", current, "--reason", "test")
    assert out.exit_code != 0 and "cannot be revoked alone" in out.output and len(out.output.strip().splitlines()) <= 2
    out = _cli(api, capsys, "revoke-key", "0123456789abcdef", "--reason", "test")
    assert out.exit_code != 0 and "No receipt key" in out.output
    assert _cli(api, capsys, "rotate-key").exit_code == 0
    assert _verify(api, rid, "b_officer", acked).json()["ok"]  # retired, not revoked: still good
    out = _cli(api, capsys, "revoke-key", acked["key_id"], "--reason", "found on a laptop")
    assert out.exit_code == 0, out.output
    assert "revoked on" in _verify(api, rid, "b_officer", acked).json()["error"]["message"]


def test_a_receipt_forged_with_another_key_fails_whatever_key_id_it_claims(api: Api, world: World) -> None:
    _, rid, _, acked, _ = RECORDS["notification"](api, world)
    mine = receipts.Signer(Ed25519PrivateKey.generate())
    forged = mine.sign("notification", rid, acked["seq"], "e" * 64, world.party["B"])
    r = _verify(api, rid, "b_officer", forged)
    assert_error(r, 422)
    assert f"key {forged['key_id']}, which this workspace never had" in r.json()["error"]["message"]
    # naming the workspace's key id over another public key
    r = _verify(api, rid, "b_officer", {**forged, "key_id": acked["key_id"]})
    assert_error(r, 422)
    assert "key_id is not the id of its public key" in r.json()["error"]["message"]
    # the workspace's public key and key id over the forger's signature
    r = _verify(api, rid, "b_officer", {**forged, "key_id": acked["key_id"], "public_key": acked["public_key"]})
    assert_error(r, 422)
    assert "altered or forged" in r.json()["error"]["message"]


def test_a_receipt_edited_after_signing_fails(api: Api, world: World) -> None:
    _, rid, _, acked, _ = RECORDS["notification"](api, world)
    for field, value in (("seq", acked["seq"] - 1), ("hash", "0" * 64), ("signed_at", "2030-01-01T00:00:00"),
                         ("party", world.party["A"]), ("id", rid + 1)):  # fmt: skip
        r = _verify(api, rid, "b_officer", {**acked, field: value})
        assert_error(r, 422)
        assert "altered or forged" in r.json()["error"]["message"], (field, r.text)


def test_another_partys_receipt_replayed_is_refused(api: Api, world: World) -> None:
    _, rid, first, acked, _ = RECORDS["notification"](api, world)  # first: Aland's; acked: Bland's
    r = _verify(api, rid, "a_officer", acked)
    assert_error(r, 422)
    assert r.json()["error"]["message"] == f"The receipt was issued to party {world.party['B']}, not to yours."
    assert_error(_verify(api, rid, "b_officer", first), 422)
    assert_error(_verify(api, rid, "c_officer", acked), 404)  # Cland is not a recipient: the record is hidden
    assert _verify(api, rid, "b_admin", acked).json()["ok"]  # any user of the party it was issued to


def test_offline_a_receipt_shown_by_another_party_is_refused(
    api: Api, world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, _, acked, _ = RECORDS["notification"](api, world)  # Bland's
    (tmp_path / "r.json").write_text(json.dumps(acked), encoding="utf-8")
    out = _cli(api, capsys, "check-receipt", str(tmp_path / "r.json"), "--party", str(world.party["A"]))
    assert out.exit_code != 0 and f"issued to party {world.party['B']}, not to party" in out.output
    assert "Traceback" not in out.output
    out = _cli(api, capsys, "check-receipt", str(tmp_path / "r.json"), "--party", str(world.party["B"]))
    assert out.exit_code == 0, out.output


def test_a_thief_of_a_retired_key_cannot_sign_after_its_retirement(api: Api, world: World) -> None:
    _, rid, _, acked, _ = RECORDS["notification"](api, world)
    stolen = receipts.Signer(receipts._load_or_make(_key_path(api)))  # a copy taken before the rotation
    receipts.rotate(_key_path(api))
    later = utcnow() + dt.timedelta(seconds=receipt_keys.GRACE_SECONDS + 1)
    late = stolen.sign("notification", rid, acked["seq"], acked["hash"], world.party["B"], at=later)
    r = _verify(api, rid, "b_officer", late)
    assert_error(r, 422)
    assert "outside key" in r.json()["error"]["message"] and "validity" in r.json()["error"]["message"]
    # backdated into the key's validity it would pass — that is what revoking a leaked key is for
    path = _key_path(api)
    receipt_keys.revoke(path, stolen.key_id, "leaked", receipts.signer_at(path).public_key)
    assert "revoked on" in _verify(api, rid, "b_officer", acked).json()["error"]["message"]


def test_an_unreadable_ring_is_one_line(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    signer = receipts.signer_at(key)
    assert [k["key_id"] for k in signer.ring()] == [signer.key_id]
    receipt_keys.ring_path(key).write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception, match=r"key ring .* is unreadable") as e:
        signer.ring()
    assert "\n" not in str(e.value)


def test_a_signer_handed_out_before_a_rotation_signs_with_the_new_key(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    before = receipts.signer_at(path)  # a request holding it while another process rotates
    rotated = receipts.rotate(path)
    r = before.sign("movement", 1, 1, "a" * 64, 1)
    assert r["key_id"] == rotated["new"]["key_id"] != before.key_id
    assert receipts.check(r, receipts.signer_at(path).ring())["key_id"] == rotated["new"]["key_id"]


def test_a_rotation_killed_part_way_loses_no_receipt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after the new key replaced the old one but before the ring was written: the old receipts still
    verify (their key stays in the ring), and the new key joins the ring when it is first used."""
    path = tmp_path / "k.pem"
    old = receipts.signer_at(path)
    kept = old.sign("agreement", 4, 2, "b" * 64, 3)

    def killed(*_: Any) -> None:
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(receipt_keys, "_save", killed)
    with pytest.raises(KeyboardInterrupt):
        receipts.rotate(path)
    monkeypatch.undo()
    now = receipts.signer_at(path)
    assert now.key_id != old.key_id
    ring = now.ring()
    assert {k["key_id"] for k in ring} == {old.key_id, now.key_id}
    assert receipts.check(kept, ring)["key_id"] == old.key_id
    fresh = now.sign("agreement", 4, 3, "c" * 64, 3)
    assert receipts.check(fresh, ring)["key_id"] == now.key_id
    assert not list(tmp_path.glob(".receipt-*"))  # no half-written file left behind
