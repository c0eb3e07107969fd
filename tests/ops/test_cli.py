"""`detente ops ...` end to end on a SQLite ops store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    main(list(args))
    return json.loads(capsys.readouterr().out)


def test_cli_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "d.duckdb")
    url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    monkeypatch.setenv("DETENTE_OPS_PASSWORD", "a long password")
    base = ["--db", db, "ops", "--ops-url", url]
    assert run(capsys, *base, "create-party", "Aland", "--actor", "ALA", "--org", "OSCE")["kind"] == "state"
    run(capsys, *base, "create-party", "Bland", "--actor", "BLA", "--org", "OSCE")
    run(capsys, *base, "create-user", "alice", "--party", "Aland", "--role", "officer")
    run(capsys, *base, "create-user", "bob", "--party", "Bland", "--role", "officer")
    out = run(
        capsys,
        *base,
        "notify",
        "--as",
        "alice",
        "--start",
        "2030-06-01",
        "--end",
        "2030-06-05",
        "--troops",
        "8500",
        "--dry-run",
    )
    assert [f["code"] for f in out["findings"]] == ["near_threshold"]  # type: ignore[index]
    n = run(
        capsys,
        *base,
        "notify",
        "--as",
        "alice",
        "--start",
        "2030-06-01",
        "--end",
        "2030-06-05",
        "--troops",
        "9500",
        "--title",
        "Spring",
    )
    assert n["recipients"][0]["name"] == "Bland"  # type: ignore[index]
    seen = run(capsys, *base, "list", "notifications", "--as", "bob", "--json")
    assert [x["title"] for x in seen] == ["Spring"]  # type: ignore[union-attr]
    assert run(capsys, *base, "sweep") == {"escalated": 0}
    main([*base, "list", "parties"])
    assert "Aland" in capsys.readouterr().out
    # the chain verifier works offline on a downloaded chain, and refuses a tampered one
    from detente.core.hashchain import GENESIS, link

    rec = {"kind": "opened", "at": "2026-01-01T00:00:00", "name": "hello", "parties": [1, 2], "party": 1, "seq": 1}
    good = {"entries": [{"seq": 1, "record": rec, "prev_hash": GENESIS, "hash": link(GENESIS, rec)}]}
    f = tmp_path / "chain.json"
    f.write_text(json.dumps(good))
    assert run(capsys, "ops", "verify-chain", "--file", str(f))["ok"] is True  # type: ignore[index]
    good["entries"][0]["record"] = {**rec, "name": "bye"}
    f.write_text(json.dumps(good))
    with pytest.raises(SystemExit):
        main(["ops", "verify-chain", "--file", str(f)])
    assert '"ok": false' in capsys.readouterr().out


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", f"sqlite:///{tmp_path / 'o.sqlite'}"]
    for args in (
        ["create-party", "X", "--kind", "empire"],
        ["list", "notifications", "--as", "ghost"],
        ["notify", "--as", "ghost", "--start", "2030-13-01", "--end", "2030-01-01"],
        ["verify-chain", "--file", str(tmp_path / "missing.json")],
    ):
        with pytest.raises(SystemExit) as e:
            main([*base, *args])
        assert e.value.code != 0
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1, err
