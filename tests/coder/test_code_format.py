"""`detente code --format detente|jsonl|plover`: detente's records, JSON Lines, PLOVER/POLECAT-shaped lines.

Runs the rules coder (fast, no parser needed); the record shapes are the same for the parser coder.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from detente.cli.coder import FORMATS
from tests.invoke import invoke

PLOVER_KEYS = {"event_id", "event_type", "event_mode", "actor_code", "recipient_code", "event_text", "cameo_code"}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text("Pakistan attacked India on Monday. India condemned Pakistan.", encoding="utf-8")
    (d / "b.txt").write_text("Egypt hosted talks with Israel.", encoding="utf-8")
    return d


def test_formats_are_three() -> None:
    assert FORMATS == ("detente", "jsonl", "plover")


def test_jsonl_one_line_per_document(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(capsys, "code", str(docs / "a.txt"), str(docs / "b.txt"), "--format", "jsonl",
                         "--rules", "--no-model", "--date", "2024-01-01")  # fmt: skip
    assert code == 0, err
    lines = [json.loads(ln) for ln in out.splitlines()]
    assert [Path(x["document"]).name for x in lines] == ["a.txt", "b.txt"]
    assert all(set(x) == {"document", "events", "unresolved"} for x in lines)
    events = lines[0]["events"]
    assert events and {"source", "target", "cameo_code", "evidence", "confidence"} <= set(events[0])
    assert "2 documents coded (rules)" in err


def test_plover_one_line_per_event(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(capsys, "code", str(docs), "--format", "plover", "--rules", "--no-model",
                         "--date", "2024-01-01")  # fmt: skip
    assert code == 0, err
    recs = [json.loads(ln) for ln in out.splitlines()]
    assert len(recs) >= 2 and all(set(r) >= PLOVER_KEYS for r in recs)
    assert len({r["event_id"] for r in recs}) == len(recs)  # ids name the document and the event
    assert all(r["coder"] == "detente" and r["event_text"] for r in recs)
    assert any(r["event_type"] == "ASSAULT" and "a.txt" in r["event_id"] for r in recs), recs
    assert f"{len(recs)} events" in err


def test_bad_document_is_one_error_line_and_the_others_code(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (docs / "empty.txt").write_text("   ", encoding="utf-8")
    (docs / "binary.txt").write_bytes(b"\x00\x01PK\x03")
    for fmt in ("jsonl", "plover"):
        code, out, err = invoke(capsys, "code", str(docs), "--format", fmt, "--rules", "--no-model")
        assert code == 1 and "Traceback" not in err
        errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
        assert len(errors) == 2 and any("empty.txt" in e for e in errors) and any("binary.txt" in e for e in errors)
        assert "2 documents coded" in err and "2 bad documents" in err
        assert out.strip(), "the good documents are still coded"
        assert all(json.loads(ln) for ln in out.splitlines())


def test_standard_input_as_json_lines(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Pakistan attacked India.")))
    code, out, err = invoke(capsys, "code", "-", "--format", "jsonl", "--rules", "--no-model")
    assert code == 0, err
    (line,) = [json.loads(ln) for ln in out.splitlines()]
    assert line["document"] == "-" and line["events"]


def test_empty_standard_input_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"  \n")))
    code, out, err = invoke(capsys, "code", "-", "--format", "plover", "--rules", "--no-model")
    assert code == 1 and out == "" and "error: -: standard input is empty" in err


def test_default_is_detente_records(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(capsys, "code", str(docs / "b.txt"), "--json", "--rules", "--no-model")
    assert code == 0, err
    body = json.loads(out)  # one JSON object, as before --format existed
    assert body["coder"] == "rules" and "events" in body


def test_unknown_format_is_one_clear_error(docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = invoke(capsys, "code", str(docs / "a.txt"), "--format", "xml", "--rules")
    assert code == 2 and "--format 'xml' is not known" in err and "jsonl" in err and "Traceback" not in err
