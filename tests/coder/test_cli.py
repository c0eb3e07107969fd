"""`detente code`: table and JSON output, standard input, --evaluate, --store with provenance, bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest

from tests.invoke import invoke

TEXT = "Egypt brokered a truce between Israel and Hamas on Saturday. Trust matters.\n"


def test_code_file_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "doc.txt"
    f.write_text(TEXT, encoding="utf-8")
    code, out, _ = invoke(capsys, "code", str(f), "--date", "2024-05-09", "--json", "--no-model", "--rules")
    assert code == 0
    events = json.loads(out)["events"]
    assert {(e["source"], e["cameo_code"], e["target"]) for e in events} == {
        ("EGY", "045", "ISR"),
        ("EGY", "045", "PSE"),
    }
    assert events[0]["date"] == "2024-05-04" and events[0]["plover_type"] == "CONSULT"
    assert "mediation" in events[0]["engagement_kinds"]
    code, out, _ = invoke(capsys, "code", str(f), "--date", "2024-05-09", "--no-model", "--rules")
    assert code == 0 and "2 events coded" in out and "EGY" in out


def test_code_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"NATO held drills with Finland.")))
    code, out, _ = invoke(capsys, "code", "-", "--json", "--no-model", "--rules")
    assert code == 0 and json.loads(out)["events"][0]["target"] == "FIN"


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"", "is empty"), (b"  \n ", "is empty"), (b"\x00\x01PK\x03", "binary"), (b"caf\xe9 au lait", "not UTF-8")],
)
def test_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, words: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(data)
    code, out, err = invoke(capsys, "code", str(f), "--no-model", "--rules")
    assert code == 2 and err.startswith("error: ") and words in err and "Traceback" not in err + out


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "No such file" in invoke(capsys, "code", str(tmp_path / "none.txt"), "--no-model", "--rules")[2]
    assert "Nothing to code" in invoke(capsys, "code", "--no-model", "--rules")[2]
    assert "not a date" in invoke(capsys, "code", "-", "--date", "May 5", "--no-model", "--rules")[2]
    assert "outside 1800" in invoke(capsys, "code", "-", "--date", "0001-01-01", "--no-model", "--rules")[2]
    assert "needs a file" in invoke(capsys, "code", "-", "--store", "--no-model", "--rules")[2]


def test_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "text": "Qatar mediated between Sudan and Chad.",
                "date": "2024-01-01",
                "split": "a",
                "events": [{"source": "QAT", "target": "SDN", "cameo": "045"}],
            }
        )
        + "\n"
        + json.dumps({"text": "Nothing here.", "events": [], "split": "b"})
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(capsys, "code", "--evaluate", str(gold), "--json", "--no-model", "--rules")
    rep = json.loads(out)
    assert code == 0 and set(rep) == {"all", "a", "b", "model", "coder", "trained_on"}
    assert rep["all"]["scores"]["source"]["f1"] == 1.0 and rep["all"]["scores"]["target"]["precision"] == 0.5
    code, out, _ = invoke(capsys, "code", "--evaluate", str(gold), "--no-model", "--rules")
    assert code == 0 and "triple" in out and "precision" in out
    gold.write_text("{not json\n", encoding="utf-8")
    code, _, err = invoke(capsys, "code", "--evaluate", str(gold), "--no-model", "--rules")
    assert code == 2 and "gold.jsonl line 1 is not JSON" in err


def test_store_with_provenance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.duckdb"
    f = tmp_path / "doc.txt"
    f.write_text("Intro.\n\n" + TEXT, encoding="utf-8")
    code, out, _ = invoke(
        capsys, "--db", str(db), "code", str(f), "--date", "2024-05-09", "--store", "--json", "--no-model", "--rules"
    )
    assert code == 0
    stored = json.loads(out)["stored"]
    assert (stored["read"], stored["stored"], stored["quarantined"], stored["reconciles"]) == (2, 2, 0, True)
    code, out, _ = invoke(
        capsys, "--db", str(db), "code", str(f), "--date", "2024-05-09", "--store", "--json", "--no-model", "--rules"
    )
    again = json.loads(out)["stored"]
    assert (again["stored"], again["duplicates"]) == (0, 2)  # a second ingest adds nothing
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT e.dataset, e.source_actor, e.target_actor, e.line, e.evidence, f.name, f.sha256 "
        "FROM events e JOIN files f USING (file_id) ORDER BY e.target_actor"
    ).fetchall()
    con.close()
    assert [r[:4] for r in rows] == [("coder", "EGY", "ISR", 3), ("coder", "EGY", "PSE", 3)]
    assert rows[0][4].startswith("Egypt brokered") and rows[0][5] == "doc.txt" and len(rows[0][6]) == 64


def test_several_files_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("NATO held drills with Finland.", encoding="utf-8")
    b.write_text("Qatar mediated between Sudan and Chad.", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    code, out, _ = invoke(capsys, "--db", str(db), "code", str(a), str(b), "--store", "--json", "--no-model", "--rules")
    docs = json.loads(out)["documents"]
    assert code == 0 and [Path(d["path"]).name for d in docs] == ["a.txt", "b.txt"]
    assert [d["stored"]["stored"] for d in docs] == [1, 2]
    # a bad file among good ones: nothing is coded or stored, one error line
    (tmp_path / "c.txt").write_bytes(b"\xff")
    code, _, err = invoke(
        capsys, "--db", str(db), "code", str(a), str(tmp_path / "c.txt"), "--store", "--no-model", "--rules"
    )
    assert code == 2 and "not UTF-8" in err
