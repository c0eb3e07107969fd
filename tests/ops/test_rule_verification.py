"""Rule-set verification as a feature: statuses, who verified which figure, office copies, comparison."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.cli import main
from detente.core.rules import Activity, Verification, check, compare
from detente.ops.rulesets import get_ruleset

from .conftest import Api, World, assert_error

VD = get_ruleset("vienna_document_2011")
TODAY = dt.date.today()


def test_the_questionable_references_are_marked_to_check() -> None:
    assert VD.status_of("large_activity_communication") == "to_check"
    assert "¶68" in VD.rule_rows()[VD.rule_ids().index("large_activity_communication")]["to_check"]
    assert VD.status_of("simultaneous_limit") == "to_check"
    assert VD.status_of("prior_notification_land") == "unverified"
    assert VD.status_of("lead_time") == "unverified"
    counts = VD.status_counts()
    assert counts["verified"] == 0 and counts["to_check"] >= 4 and sum(counts.values()) == len(VD.rule_ids())


def test_a_verification_holds_only_for_the_figures_it_checked() -> None:
    v = Verification(VD.name, "lead_time", VD.fingerprint("lead_time"), "FSC.DOC/1/11 EN", "J. Checker", TODAY)
    checked = VD.with_verifications([v])
    assert checked.status_of("lead_time") == "verified"
    assert checked.verification_of("lead_time") == v
    changed = dataclasses.replace(checked, lead_time_days=40)  # someone edits the figure afterwards
    assert changed.status_of("lead_time") == "unverified"
    other = Verification("another_set", "lead_time", VD.fingerprint("lead_time"), "x", "y", TODAY)
    assert VD.with_verifications([other]).status_of("lead_time") == "unverified"


def test_every_finding_carries_the_status_of_the_rule_it_cites() -> None:
    a = Activity(kind="exercise", start=dt.date(2027, 9, 1), end=dt.date(2027, 9, 5), troops=41000)
    findings = check(a, VD, [a, dataclasses.replace(a, start=dt.date(2027, 9, 2))])
    assert findings and {f.status for f in findings} <= {"verified", "to_check", "unverified"}
    by_rule = {f.rule: f.status for f in findings}
    assert by_rule["large_activity_communication"] == "to_check"
    v = Verification(VD.name, "prior_notification_land", VD.fingerprint("prior_notification_land"), "e", "b", TODAY)
    again = check(a, VD.with_verifications([v]))
    assert {f.rule: (f.status, f.verified) for f in again}["prior_notification_land"] == ("verified", True)


@given(st.sampled_from(VD.rule_ids()), st.integers(1, 100_000))
def test_compare_finds_exactly_the_figure_that_changed(rule: str, figure: int) -> None:
    assert compare(VD, VD) == []
    if rule == "lead_time":
        theirs = dataclasses.replace(VD, lead_time_days=figure)
    elif rule == "annual_calendar":
        theirs = dataclasses.replace(VD, calendar_paragraph=f"{figure}")
    else:
        theirs = dataclasses.replace(
            VD,
            thresholds=tuple(
                dataclasses.replace(t, any_of={**t.any_of, "troops": figure}) if t.id == rule else t
                for t in VD.thresholds
            ),
            constraints=tuple(
                dataclasses.replace(c, over={**c.over, "troops": figure}) if c.id == rule else c for c in VD.constraints
            ),
        )
    diffs = compare(VD, theirs)
    assert {d.rule for d in diffs} <= {rule}
    assert bool(diffs) == (VD.fingerprint(rule) != theirs.fingerprint(rule))


@pytest.fixture()
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    base = ["--db", str(tmp_path / "d.duckdb"), "ops", "--ops-url", f"sqlite:///{tmp_path / 'ops.sqlite'}"]

    def run(*args: str, code: int = 0) -> Any:
        try:
            main([*base, *args])
        except SystemExit as e:
            assert e.code == code, capsys.readouterr()
        else:
            assert code == 0
        out = capsys.readouterr()
        if code == 2:  # a refusal: one line on stderr, nothing on stdout
            assert out.err.startswith("error: ") and out.err.count("\n") == 1 and not out.out, out
            return out.err
        return json.loads(out.out) if out.out.strip().startswith(("{", "[")) else out

    return run


def test_an_office_records_its_check_and_every_face_shows_it(cli: Any) -> None:
    shown = {r["rule"]: r for r in cli("rules", "show", "--json")["rules"]}
    assert shown["lead_time"]["status"] == "unverified"
    out = cli(
        "rules", "verify", "vienna_document_2011", "lead_time", "prior_notification_land",
        "--edition", "FSC.DOC/1/11, 30 Nov 2011, English", "--by", "A. Analyst, MoD", "--on", "2026-12-01",
    )  # fmt: skip
    assert [v["rule"] for v in out["recorded"]] == ["lead_time", "prior_notification_land"]
    assert out["status"]["verified"] == 2
    shown = {r["rule"]: r for r in cli("rules", "show", "--json")["rules"]}
    assert shown["lead_time"]["status"] == "verified"
    assert shown["lead_time"]["verification"]["verified_by"] == "A. Analyst, MoD"
    assert shown["lead_time"]["verification"]["edition"].startswith("FSC.DOC/1/11")
    listed = cli("rules", "list", "--json")
    assert listed[0]["name"] == "vienna_document_2011" and listed[0]["verified"] == 2


def test_bad_verifications_are_one_clear_line(cli: Any, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["rules", "verify", "vienna_document_2011"]
    for args in (
        [*base, "no_such_rule", "--edition", "e", "--by", "b"],
        [*base, "lead_time", "--edition", " ", "--by", "b"],
        [*base, "lead_time", "--edition", "e", "--by", "b", "--on", "2999-01-01"],
        ["rules", "verify", "warsaw_pact", "--edition", "e", "--by", "b"],
    ):
        cli(*args, code=2)


def test_an_office_copy_is_loaded_under_its_own_name_and_compared(cli: Any, tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "detente" / "ops" / "rulesets" / "vienna_document_2011.yaml"
    text = shipped.read_text(encoding="utf-8")
    same = tmp_path / "same.yaml"
    same.write_text(text, encoding="utf-8")
    cli("rules", "load", str(same), code=2)  # the shipped name is refused: an office copy needs its own
    assert cli("rules", "compare", str(same), "--json")["differences"] == []
    ours = tmp_path / "ours.yaml"
    ours.write_text(
        text.replace('paragraph: "66"', 'paragraph: "68"').replace("days: 42", "days: 42"), encoding="utf-8"
    )
    loaded = cli("rules", "load", str(ours), "--name", "vd2011_mod_checked", "--by", "MoD legal")
    assert loaded["loaded"] == "vd2011_mod_checked"
    diffs = cli("rules", "compare", "vd2011_mod_checked", "--json", code=1)["differences"]
    assert diffs == [{"rule": "large_activity_communication", "field": "paragraph", "ours": "66", "theirs": "68"}]
    assert {r["name"] for r in cli("rules", "list", "--json")} == {"vienna_document_2011", "vd2011_mod_checked"}


def test_the_api_shows_statuses_to_logged_in_parties_only(api: Api, world: World) -> None:
    assert_error(api.call("GET", "/api/ops/rulesets"), 401)
    assert_error(api.call("GET", "/api/ops/rulesets/vienna_document_2011"), 401)
    rs = api.call("GET", "/api/ops/rulesets/vienna_document_2011", "a_observer").json()
    assert rs["status_counts"]["to_check"] >= 4
    assert {c["id"]: c["status"] for c in rs["constraints"]}["simultaneous_limit"] == "to_check"
    assert_error(api.call("GET", "/api/ops/rulesets/warsaw_pact", "a_observer"), 400)
    text = (Path(__file__).parents[2] / "detente" / "ops" / "rulesets" / "vienna_document_2011.yaml").read_text()
    r = api.call(
        "POST", "/api/ops/rulesets/vienna_document_2011/compare", "a_observer",
        content=text.replace("days: 42", "days: 30"), headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert r.json()["differences"] == [{"rule": "lead_time", "field": "days", "ours": 42, "theirs": 30}]
    bad = api.call(
        "POST", "/api/ops/rulesets/vienna_document_2011/compare", "a_observer",
        content="thresholds: [", headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    assert_error(bad, 400, 422)
