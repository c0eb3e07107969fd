"""The CBM rule engine and the Vienna Document 2011 rule set."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.core.rules import Activity, RuleSet, check, is_notifiable
from detente.errors import ConfigError
from detente.ops.rulesets import RULESETS, get_ruleset, load_yaml

VD = get_ruleset("vienna_document_2011")
START = dt.date(2027, 9, 1)


def act(**kw: object) -> Activity:
    base: dict[str, object] = {
        "kind": "exercise",
        "start": START,
        "end": START + dt.timedelta(days=9),
        "notified_on": START - dt.timedelta(days=60),
        "in_annual_calendar": True,
        "calendar_submitted_on": dt.date(2026, 11, 1),
    }
    base.update(kw)
    return Activity(**base)  # type: ignore[arg-type]


def codes(a: Activity, others: list[Activity] | None = None) -> set[str]:
    return {f.code for f in check(a, VD, others or [])}


def test_every_figure_cites_a_paragraph_and_says_whether_it_is_verified() -> None:
    assert "vienna_document_2011" in RULESETS.names()
    assert VD.organisation == "OSCE" and "FSC.DOC/1/11" in VD.source
    for t in VD.thresholds:
        assert t.paragraph and t.note
    for c in VD.constraints:
        assert c.paragraph and c.note
    figures = {(t.kind, m): v for t in VD.thresholds for m, v in t.any_of.items()}
    assert figures[("prior_notification", "troops")] == 9000
    assert figures[("prior_notification", "battle_tanks")] == 250
    assert figures[("prior_notification", "acvs")] == 500
    assert figures[("prior_notification", "artillery")] == 250
    assert figures[("prior_notification", "amphibious_troops")] == 3000
    assert figures[("observation", "troops")] == 13000
    assert figures[("observation", "battle_tanks")] == 300
    assert figures[("observation", "airborne_troops")] == 3500
    assert VD.lead_time_days == 42 and VD.calendar_deadline == "11-15"


@pytest.mark.parametrize(
    ("field", "at"),
    [
        ("troops", 9000),
        ("battle_tanks", 250),
        ("acvs", 500),
        ("artillery", 250),
        ("amphibious_troops", 3000),
        ("airborne_troops", 3000),
    ],
)
def test_prior_notification_thresholds_are_inclusive(field: str, at: int) -> None:
    assert is_notifiable(act(**{field: at}), VD)
    assert not is_notifiable(act(**{field: at - 1}), VD)


def test_near_threshold_declaration_is_flagged() -> None:
    assert "near_threshold" in codes(act(troops=8_999))
    assert "near_threshold" in codes(act(troops=8_100))
    assert "near_threshold" not in codes(act(troops=8_099))
    assert "near_threshold" in codes(act(troops=12_500))  # under the observation threshold


def test_lead_time_is_42_days() -> None:
    assert "late_notification" not in codes(act(troops=9000, notified_on=START - dt.timedelta(days=42)))
    assert "late_notification" in codes(act(troops=9000, notified_on=START - dt.timedelta(days=41)))
    assert "late_notification" not in codes(act(troops=100, notified_on=START))  # not notifiable at all


def test_observation_and_annual_calendar() -> None:
    assert "observation_required" in codes(act(troops=13_000))
    assert "observation_required" not in codes(act(troops=12_999))
    assert "not_in_annual_calendar" in codes(act(troops=9000, in_annual_calendar=False))
    late = act(troops=9000, calendar_submitted_on=dt.date(2026, 11, 16))
    assert "late_annual_calendar" in codes(late)
    assert "late_annual_calendar" not in codes(act(troops=9000, calendar_submitted_on=dt.date(2026, 11, 15)))


def test_constraining_provisions() -> None:
    big = act(troops=45_000, communicated_on=dt.date(2025, 11, 10))
    assert "not_communicated_in_time" not in codes(big)
    assert "not_communicated_in_time" in codes(act(troops=45_000, communicated_on=dt.date(2025, 11, 16)))
    earlier = act(troops=41_000, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 5))
    assert "constraint_exceeded" in codes(big, [earlier])
    far = act(troops=41_000, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 5))
    assert "constraint_exceeded" not in codes(big, [far])
    medium = [act(troops=14_000, start=dt.date(2027, m, 1), end=dt.date(2027, m, 3)) for m in range(1, 7)]
    assert "constraint_exceeded" in codes(act(troops=14_000), medium)
    assert "constraint_exceeded" not in codes(act(troops=14_000), medium[:5])
    same_time = [act(troops=14_000) for _ in range(3)]
    assert "simultaneous_exceeded" in codes(act(troops=14_000), same_time)


def test_of_the_six_at_most_three_above_25000_troops() -> None:
    larger = [act(troops=26_000, start=dt.date(2027, m, 1), end=dt.date(2027, m, 3)) for m in range(1, 4)]
    found = {f.rule for f in check(act(troops=26_000), VD, larger) if f.code == "constraint_exceeded"}
    assert found == {"larger_activity_limit"}
    assert not [f for f in check(act(troops=26_000), VD, larger[:2]) if f.code == "constraint_exceeded"]
    # below 25,000 the fourth activity of the year is still within the six
    assert "constraint_exceeded" not in codes(act(troops=20_000), larger)


def test_bad_rule_sets_are_refused_with_one_line() -> None:
    for text in (
        "{",
        "[1, 2]",
        "name: x",
        "name: x\ntitle: t\norganisation: O\nsource: s\nlead_time: {days: 42, "
        "paragraph: '38'}\nannual_calendar: {deadline: '13-45', paragraph: '61'}\nthresholds: []",
    ):
        with pytest.raises(ConfigError):
            load_yaml(text)
    with pytest.raises(ValueError, match="unknown measure"):
        RuleSet.from_dict(
            {
                "name": "x",
                "title": "t",
                "organisation": "O",
                "source": "s",
                "lead_time": {"days": 1, "paragraph": "1"},
                "annual_calendar": {"deadline": "11-15", "paragraph": "2"},
                "thresholds": [{"id": "t", "kind": "observation", "any_of": {"ships": 3}, "paragraph": "3"}],
            }
        )


@given(troops=st.integers(0, 100_000), tanks=st.integers(0, 2_000), lead=st.integers(-30, 400))
def test_engine_invariants(troops: int, tanks: int, lead: int) -> None:
    a = act(troops=troops, battle_tanks=tanks, notified_on=START - dt.timedelta(days=lead))
    found = codes(a)
    notifiable = troops >= 9000 or tanks >= 250
    assert ("notifiable" in found) == notifiable
    assert ("late_notification" in found) == (notifiable and lead < 42)
    assert ("observation_required" in found) == (troops >= 13000 or tanks >= 300)
