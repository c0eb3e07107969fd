"""The packaged reference data: unique ids, valid memberships, known counts, every sample code resolves."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from detente import reference as R
from detente.store import Store
from tests.direct import db_sql

D = dt.date.fromisoformat


def test_state_ids_unique_and_codes_consistent() -> None:
    ids = [s.id for s in R.states()]
    assert len(ids) == len(set(ids))
    iso = [s.iso3 for s in R.states() if s.iso3]
    assert len(iso) == len(set(iso)), "an ISO code names two rows"
    for s in R.states():
        assert s.start is None or s.end is None or s.start <= s.end, s.id
    rows = R.read_rows("states.csv")
    fips = [r["fips"] for r in rows if r["fips"]]
    assert len(fips) == len(set(fips))


@pytest.mark.parametrize(
    ("cow", "day", "expected"),
    [
        (365, "1980-01-01", "SUN"),
        (365, "2018-06-01", "RUS"),
        (365, "1900-01-01", "RUS"),
        (345, "1950-01-01", "YUG"),
        (345, "2005-01-01", "YUG"),
        (345, "2018-06-01", "SRB"),
        (345, "1900-01-01", "SRB"),
        (347, "2018-06-01", "XKX"),
        (626, "2018-06-01", "SSD"),
        (315, "1980-01-01", "CSK"),
        (316, "2018-06-01", "CZE"),
        (255, "2018-06-01", "DEU"),
        (260, "1980-01-01", "GFR"),
        (265, "1980-01-01", "DDR"),
        (678, "1980-01-01", "YAR"),
        (679, "2018-06-01", "YEM"),
        (680, "1980-01-01", "YPR"),
        (730, "1900-01-01", "COR"),
        (732, "2018-06-01", "KOR"),
        (816, "2018-06-01", "VNM"),
        (817, "1970-01-01", "RVN"),
    ],
)
def test_cow_codes_resolve_by_date(cow: int, day: str, expected: str) -> None:
    assert R.actor_registry().by_cow(cow, on=D(day)) == expected


@pytest.mark.parametrize(
    ("gw", "day", "expected"),
    [
        (260, "1970-01-01", "GFR"),
        (260, "2018-06-01", "DEU"),
        (340, "2018-06-01", "SRB"),
        (345, "1990-01-01", "YUG"),
        (678, "2018-06-01", "YEM"),
        (678, "1980-01-01", "YAR"),
        (816, "2018-06-01", "VNM"),
        (347, "2018-06-01", "XKX"),
    ],
)
def test_gw_codes_that_differ_from_cow(gw: int, day: str, expected: str) -> None:
    assert R.actor_registry().by_gw(gw, on=D(day)) == expected


def test_every_note_present_where_a_choice_was_made() -> None:
    for sid in ("CSK", "YUG", "SRB", "SUN", "RUS", "GFR", "DEU", "DDR", "XKX", "SSD", "COR", "YEM", "YAR", "VNM"):
        assert R.actor_registry().states[sid].note, sid


def test_memberships_valid() -> None:
    reg = R.actor_registry()
    orgs = {o.id for o in R.organisations()}
    for m in R.memberships():
        assert m.organisation in orgs, m
        assert m.member in reg.states, m
        assert m.left is None or m.joined < m.left, m
        assert m.source, m
    needed = {"NATO", "EU", "AU", "OSCE", "GCC", "ASEAN", "CSTO", "SCO", "ECOWAS", "UN"}
    assert needed <= {m.organisation for m in R.memberships()}


@pytest.mark.parametrize(
    ("org", "day", "count"),
    [
        ("NATO", "2018-06-01", 29),
        ("NATO", "2020-06-01", 30),
        ("NATO", "2024-06-01", 32),
        ("NATO", "1990-01-01", 16),
        ("EU", "2018-06-01", 28),
        ("EU", "2020-02-01", 27),
        ("EU", "1995-06-01", 15),
        ("UN", "1945-10-24", 51),
        ("UN", "2018-06-01", 193),
        ("OSCE", "2018-06-01", 57),
        ("OSCE", "1975-08-01", 35),
        ("AU", "2018-06-01", 55),
        ("ASEAN", "2018-06-01", 10),
        ("GCC", "2018-06-01", 6),
        ("SCO", "2018-06-01", 8),
        ("CSTO", "2018-06-01", 6),
        ("ECOWAS", "2018-06-01", 15),
        ("ECOWAS", "2025-06-01", 12),
    ],
)
def test_membership_counts(org: str, day: str, count: int) -> None:
    assert len(R.actor_registry().members(org, D(day))) == count


def test_nato_details() -> None:
    reg = R.actor_registry()
    n2018 = set(reg.members("NATO", D("2018-06-01")))
    assert "MNE" in n2018 and "MKD" not in n2018 and "SWE" not in n2018 and "FIN" not in n2018
    assert "FRA" in reg.members("NATO", D("1970-01-01"))  # 1966 left the integrated command only
    assert "GFR" in reg.members("NATO", D("1980-01-01")) and "DEU" not in reg.members("NATO", D("1980-01-01"))
    assert "GBR" in reg.members("EU", D("2020-01-31")) and "GBR" not in reg.members("EU", D("2020-02-01"))


def test_organisation_codes() -> None:
    reg = R.actor_registry()
    assert reg.by_code("NAT") == "NATO" and reg.by_code("UNO") == "UN" and reg.by_code("EEC") == "EU"
    assert reg.by_code("AFU") == "AU" and reg.by_code("ASN") == "ASEAN"
    assert reg.by_name("IGOWSTNAT") == "NATO"


def _resolves(token: str) -> bool:
    reg = R.actor_registry()
    return bool(reg.by_code(token) or reg.by_name(token))


@pytest.mark.shared
def test_every_gdelt_sample_country_code_resolves_or_is_a_region(shared_data: Path) -> None:
    codes: set[str] = set()
    groups: set[str] = set()
    with open(shared_data / "events/gdelt2/20191024143000.export.CSV", encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            codes.update(c for c in (row[7], row[17]) if c)
            groups.update(c for c in (row[8], row[18]) if c)
    regions = R.regions()
    missing = sorted(c for c in codes if not _resolves(c) and c not in regions)
    assert not missing, missing
    assert {"AFR", "EUR"} <= codes & set(regions)
    igo = groups - {"TAL"}  # TAL: the Taliban, a non-state group, not an IGO
    assert all(_resolves(g) for g in igo), sorted(g for g in igo if not _resolves(g))


@pytest.mark.shared
def test_every_icews_sample_country_name_resolves(shared_data: Path) -> None:
    names: set[str] = set()
    with open(shared_data / "events/icews/events.2018.sample.tab", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            # ICEWS writes "NA" for a missing location country
            names.update(row[c] for c in ("Source Country", "Target Country", "Country") if row[c] not in ("", "NA"))
    assert len(names) > 100
    missing = sorted(n for n in names if not R.actor_registry().by_name(n))
    assert not missing, missing


@pytest.mark.shared
def test_every_ucdp_ged_sample_country_resolves(shared_data: Path) -> None:
    pyreadr = pytest.importorskip("pyreadr")
    df = next(iter(pyreadr.read_r(str(shared_data / "events/ucdp_ged/ucdpged_sample.rda")).values()))
    reg = R.actor_registry()
    for name, gw, year in df[["country", "country_id", "year"]].drop_duplicates("country").itertuples(index=False):
        by_name = reg.by_name(name)
        assert by_name, name
        by_gw = reg.by_gw(int(gw), on=dt.date(int(year), 7, 1))
        # A name covering two ids over time (Serbia (Yugoslavia)) resolves by its GW code and date.
        assert by_gw == by_name or (name, by_gw) == ("Serbia (Yugoslavia)", "YUG"), (name, gw, year, by_gw)


def test_store_has_codes_for_aliases_and_fips(store: Store) -> None:
    got = dict(db_sql(store, "SELECT code, actor_id FROM actor_codes WHERE code IN ('KSV','ROM','EN','UK')").fetchall())
    assert got == {"KSV": "XKX", "ROM": "ROU", "EN": "EST", "UK": "GBR"}
