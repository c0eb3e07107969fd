"""Dated memberships of the OAS, the Arab League, IGAD and SADC: counts, suspensions, withdrawals, successions."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from detente import reference as R
from detente.store import Store
from tests.direct import db_sql

D = dt.date.fromisoformat
REGIONAL = ("OAS", "ARL", "IGAD", "SADC")


def _members(org: str, day: str) -> set[str]:
    return set(R.actor_registry().members(org, D(day)))


def test_every_organisation_but_the_iaea_and_icrc_has_members() -> None:
    with_rows = {m.organisation for m in R.memberships()}
    assert set(REGIONAL) <= with_rows
    # Only the IAEA (universal technical agency) and the ICRC (not an IGO) have no curated membership.
    assert {o.id for o in R.organisations()} - with_rows == {"IAEA", "ICRC"}


def test_founding_members_join_on_the_organisations_founding_date() -> None:
    founded = {o.id: o.founded for o in R.organisations()}
    for org in REGIONAL:
        first = min(m.joined for m in R.memberships() if m.organisation == org)
        assert first == founded[org], org


def test_spans_of_one_member_do_not_overlap() -> None:
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for m in R.memberships():
        if m.organisation in REGIONAL:
            spans.setdefault((m.organisation, m.member), []).append((m.joined, m.left or dt.date.max))
    for key, rows in spans.items():
        rows.sort()
        for (_, end), (start, _) in itertools.pairwise(rows):
            assert end <= start, key


@pytest.mark.parametrize(
    ("org", "day", "count"),
    [
        ("OAS", "1950-01-01", 21),
        ("OAS", "1962-06-01", 20),  # Cuba's government excluded 1962-01-31
        ("OAS", "2018-06-01", 34),  # 35 states, Cuba not participating
        ("OAS", "2020-01-01", 33),  # Venezuela's withdrawal effective 2019-04-27
        ("OAS", "2024-06-01", 32),  # Nicaragua's withdrawal effective 2023-11-19
        ("ARL", "1946-01-01", 7),
        ("ARL", "1960-01-01", 10),  # Egypt and Syria share the United Arab Republic's seat
        ("ARL", "1985-01-01", 21),  # Egypt suspended 1979-1989, both Yemens members
        ("ARL", "2015-01-01", 21),  # Syria suspended 2011-11-16 .. 2023-05-07
        ("ARL", "2024-01-01", 22),
        ("IGAD", "1990-01-01", 6),
        ("IGAD", "2012-01-01", 7),  # South Sudan in, Eritrea's membership suspended
        ("IGAD", "2024-01-01", 8),
        ("SADC", "1993-01-01", 10),
        ("SADC", "2010-01-01", 14),  # Madagascar suspended, Seychelles back
        ("SADC", "2018-06-01", 16),
    ],
)
def test_regional_membership_counts(org: str, day: str, count: int) -> None:
    assert len(_members(org, day)) == count


def test_arab_league_suspensions() -> None:
    assert "SYR" in _members("ARL", "2011-11-15") and "SYR" not in _members("ARL", "2011-11-16")
    assert "SYR" not in _members("ARL", "2015-01-01") and "SYR" in _members("ARL", "2024-01-01")
    assert "EGY" not in _members("ARL", "1985-01-01") and "EGY" in _members("ARL", "1990-01-01")
    assert "LBY" not in _members("ARL", "2011-05-01") and "LBY" in _members("ARL", "2011-09-01")
    assert {"YAR", "YPR"} <= _members("ARL", "1980-01-01")
    assert "YEM" in _members("ARL", "1990-05-22") and not {"YAR", "YPR"} & _members("ARL", "1990-05-22")
    assert "ARL" in R.actor_registry().organisations_of("PSE", D("2018-06-01"))


def test_oas_exclusions_and_withdrawals() -> None:
    assert "VEN" in _members("OAS", "2019-04-26") and "VEN" not in _members("OAS", "2020-01-01")
    assert "NIC" in _members("OAS", "2023-11-18") and "NIC" not in _members("OAS", "2023-11-19")
    assert "CUB" in _members("OAS", "1961-01-01") and "CUB" not in _members("OAS", "2010-01-01")
    assert "HND" not in _members("OAS", "2010-01-01") and "HND" in _members("OAS", "2012-01-01")
    assert "CAN" not in _members("OAS", "1989-12-31") and "CAN" in _members("OAS", "1990-01-08")


def test_igad_and_sadc_details() -> None:
    assert "SSD" in _members("IGAD", "2012-01-01") and "SSD" not in _members("IGAD", "2011-07-10")
    assert "ERI" not in _members("IGAD", "2012-01-01") and "ERI" in _members("IGAD", "2024-01-01")
    assert "ERI" not in _members("IGAD", "2026-01-01")  # withdrawal notified 2025-12-12
    assert "ZAF" not in _members("SADC", "1994-01-01") and "ZAF" in _members("SADC", "1995-01-01")
    assert "SYC" not in _members("SADC", "2006-01-01") and "SYC" in _members("SADC", "2009-01-01")
    assert "MDG" not in _members("SADC", "2012-01-01") and "MDG" in _members("SADC", "2015-01-01")
    assert "COM" in _members("SADC", "2018-01-01") and "COM" not in _members("SADC", "2017-08-19")


def test_unverified_days_are_flagged_in_the_note() -> None:
    rows = [r for r in R.read_rows("memberships.csv") if r["organisation"] in REGIONAL]
    flagged = {(r["organisation"], r["member"]) for r in rows if "UNVERIFIED" in r["note"]}
    assert flagged == {("OAS", "TTO"), ("OAS", "SUR"), ("ARL", "SYR"), ("ARL", "YPR")}
    assert all(r["source"] for r in rows)


def test_store_holds_the_new_rows(store: Store) -> None:
    got = dict(
        db_sql(
            store,
            "SELECT organisation, count(*) FROM memberships WHERE organisation IN ('OAS','ARL','IGAD','SADC') "
            "GROUP BY organisation",
        ).fetchall()
    )
    assert got == {"OAS": 36, "ARL": 28, "IGAD": 9, "SADC": 18}
    assert store.count("memberships") == len(R.memberships()) == 532
