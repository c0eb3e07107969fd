"""The importers on the real extracts in ../shared/data: counts reconcile, known facts hold, re-import adds 0."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from detente.ingest.base import IngestSummary
from detente.ingest.engagements import load_all
from detente.measure.report import dyad_engagements
from detente.store import Store
from detente.store.analytics.trust import trust_inputs
from detente.store.reference import load_reference
from tests.direct import db_sql

pytestmark = [pytest.mark.shared, pytest.mark.slow]

# Rows in each file (records, not counting the header and empty sheet rows).
READ = {"mme": 3707, "jme": 1790, "us_visits": 377, "pko": 8100, "tpkm": 215, "pax": 1789, "ucdp_pa": 216,
        "cwm": 762, "sipri": 81335}  # fmt: skip
# Lower bounds of what is stored with today's reference data (more resolves as states/aliases grow).
MIN_STORED = {"mme": 3500, "jme": 1700, "us_visits": 340, "pko": 120, "tpkm": 205, "pax": 1780, "ucdp_pa": 214,
              "cwm": 470, "sipri": 13400}  # fmt: skip


@pytest.fixture(scope="module")
def loaded(shared_data: Path) -> Iterator[tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]]:
    store = Store.open(":memory:")
    load_reference(store)
    first = load_all(store, shared_data)
    second = load_all(store, shared_data)
    yield store, first, second
    store.close()


def one(store: Store, dataset: str, source_id: str) -> dict[str, Any]:
    cur = db_sql(
        store,
        "SELECT kind, name, start_date, end_date, participants, third_parties, place, attributes "
        "FROM engagements WHERE dataset = ? AND source_id = ?",
        [dataset, source_id],
    )
    row = cur.fetchone()
    assert row is not None, f"{dataset} {source_id} not stored"
    keys = ["kind", "name", "start", "end", "participants", "third_parties", "place", "attributes"]
    out = dict(zip(keys, row, strict=True))
    out["attributes"] = json.loads(out["attributes"])
    return out


def test_counts_reconcile_exactly(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    store, first, _ = loaded
    assert set(first) == set(READ)
    for name, s in first.items():
        assert s.read == READ[name], name
        assert s.read == s.stored + s.duplicates + s.filtered + s.quarantined, name
        assert s.stored >= MIN_STORED[name], (name, s.stored)
        n = db_sql(store, "SELECT count(*) FROM engagements WHERE file_id = ?", [s.file_id]).fetchone()
        q = db_sql(store, "SELECT count(*) FROM quarantine WHERE file_id = ?", [s.file_id]).fetchone()
        assert n == (s.stored,) and q == (s.quarantined,), name
    assert first["pko"].stored + first["pko"].duplicates == 8100  # every mission-month folds into its mission
    # rows that are simply not engagements are filtered (counted with their reason), not quarantined as bad
    assert first["sipri"].filtered == 67833 and first["sipri"].quarantined == 0  # dyad-years without deliveries
    assert first["cwm"].filtered == 278 and "not an engagement" not in first["cwm"].reasons  # no (coded) mediation


def test_second_import_adds_nothing(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    store, first, second = loaded
    for name in READ:
        a, b = first[name], second[name]
        assert b.stored == 0 and b.duplicates == a.stored + a.duplicates and b.quarantined == a.quarantined, name
    assert store.count("engagements") == sum(s.stored for s in first.values())


def test_known_mme_exercise(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    e = one(loaded[0], "mme_v7", "mme87")  # Readex 1-80: Netherlands, United Kingdom, United States at Vieques
    assert e["kind"] == "joint_exercise" and e["name"] == "Readex 1-80" and e["place"] == "Vieques"
    assert e["participants"] == ["NLD", "GBR", "USA"]
    assert (e["start"], e["end"]) == (dt.date(1980, 1, 14), dt.date(1980, 1, 21))
    assert "Sea" in e["attributes"]["types"] and e["attributes"]["start_precision"] == "day"
    e = one(loaded[0], "mme_v7", "mme88")  # a partial date: January 1980, day unknown
    assert e["start"] == dt.date(1980, 1, 1) and e["attributes"]["start_precision"] == "month"


def test_known_jme_exercise(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    row = db_sql(
        loaded[0],
        "SELECT participants, start_date, end_date, attributes FROM engagements "
        "WHERE dataset = 'jme_v3' AND name = 'Midlink 74'",
    ).fetchone()
    assert row is not None
    assert {"USA", "TUR", "PAK"} <= set(row[0])
    assert row[1] == dt.date(1974, 11, 1) and row[2] == dt.date(1974, 11, 30)  # 11/xx/1974 .. 11/30/1974
    assert json.loads(row[3])["start_precision"] == "month"


def test_dayton_accords(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    e = one(loaded[0], "pax", "pax:389")
    assert e["kind"] == "agreement" and "Dayton" in e["name"] and e["start"] == dt.date(1995, 11, 21)
    assert {"BIH", "HRV"} <= set(e["participants"]) and {"YUG", "SRB"} & set(e["participants"])
    assert {"USA", "FRA", "GBR", "RUS"} <= set(e["third_parties"])
    assert e["attributes"]["stage"] == "SubComp"
    dyads = db_sql(
        loaded[0],
        "SELECT a, b, role FROM engagement_dyads JOIN engagements USING (engagement_id) WHERE source_id = 'pax:389'",
    ).fetchall()
    assert ("BIH", "HRV", "participant") in dyads


def test_pax_ceasefires(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    e = one(loaded[0], "pax", "pax:256")  # Mozambique, Agreement on a Partial Ceasefire, 1 December 1990
    assert e["kind"] == "ceasefire" and e["participants"] == ["MOZ"] and e["start"] == dt.date(1990, 12, 1)
    kinds = dict(
        db_sql(loaded[0], "SELECT kind, count(*) FROM engagements WHERE dataset = 'pax' GROUP BY 1").fetchall()
    )
    assert kinds["ceasefire"] == 369  # PA-X's ceasefire stage (Stage = 'Cea')


def test_ucdp_peace_agreement(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    e = one(loaded[0], "ucdp_peace_agreements", "ucdp:5521979122101")  # Lancaster House, 21 December 1979
    assert e["name"] == "Lancaster House Agreement" and e["start"] == dt.date(1979, 12, 21)
    assert e["participants"] == ["ZWE"] and "GBR" in e["third_parties"]


def test_cwm_mediators(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    rows = db_sql(
        loaded[0],
        "SELECT participants, third_parties, start_date, attributes FROM engagements "
        "WHERE dataset = 'cwm' AND list_contains(participants, 'SLE') ORDER BY start_date",
    ).fetchall()
    mediated = [(p, t, d, json.loads(a)) for p, t, d, a in rows if "NOR" in t]
    assert mediated, "Sierra Leone: mediation by ECOWAS and Norway"
    assert any("ECOWAS" in a["mediators"] and d == dt.date(1999, 2, 21) for _, _, d, a in mediated)
    row = db_sql(
        loaded[0], "SELECT count(*) FROM engagements WHERE dataset = 'cwm' AND len(third_parties) > 0"
    ).fetchone()
    assert row is not None and row[0] > 250  # most mediators are states or organisations the registry knows


def test_sipri_transfer(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    e = one(loaded[0], "sipri_arms_dyad_year", "2007:316:700")  # Czechia → Afghanistan, 2007, TIV 13
    assert e["kind"] == "military_aid" and e["participants"] == ["CZE", "AFG"]
    assert e["attributes"]["tiv"] == 13.0 and e["attributes"]["supplier"] == "CZE"
    assert (e["start"], e["end"]) == (dt.date(2007, 1, 1), dt.date(2007, 12, 31))


def test_peacekeeping(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    e = one(loaded[0], "pko_v2_2019", "90050:90")  # MINUGUA in Guatemala, January 1997 – December 2003
    assert e["name"] == "MINUGUA" and e["participants"] == ["GTM"]
    assert (e["start"], e["end"]) == (dt.date(1997, 1, 1), dt.date(2003, 12, 31))
    assert e["attributes"]["months"] == 84 and e["attributes"]["org_type"] == "UN"
    e = one(loaded[0], "third_party_pkms_v3_1", "1")  # UN Good Offices Committee, Dutch East Indies, US lead
    assert e["participants"] == ["NLD"] and "USA" in e["third_parties"]
    assert e["start"] == dt.date(1947, 9, 1)


def test_us_visit(loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]]) -> None:
    row = db_sql(
        loaded[0],
        "SELECT kind, start_date, end_date FROM engagements WHERE dataset = 'us_defense_visits' "
        "AND participants = ['USA', 'JPN'] AND start_date = DATE '2012-04-21'",
    ).fetchone()
    assert row == ("defense_dialogue", dt.date(2012, 4, 21), dt.date(2012, 4, 28))


def test_exercises_in_both_mme_and_jme(
    loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]],
) -> None:
    row = db_sql(loaded[0], "SELECT count(*), max(days_apart) FROM engagement_duplicates").fetchone()
    assert row is not None and row[0] > 1000 and row[1] <= 31  # most JME exercises are also in MME


def test_trust_counts_an_exercise_in_mme_and_jme_once(
    loaded: tuple[Store, dict[str, IngestSummary], dict[str, IngestSummary]],
) -> None:
    """Issue 14, finding 8: a JME copy of an MME exercise (``duplicate_of`` set) adds no trust and is listed once."""
    store = loaded[0]
    ti = trust_inputs(store, "year", "KOR", "USA").to_pylist()
    y1985 = next(r for r in ti if r["period"] == dt.date(1985, 1, 1))
    assert y1985["trust_input"] == 7.0  # one exercise (5) and one SIPRI transfer year (2); 12 when JME counted twice
    names = [r["name"] for r in dyad_engagements(store, "USA", "JPN", limit=1000)]
    assert names.count("Keen Sword 2010") == 1
