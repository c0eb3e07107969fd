"""ICEWS reader: the real sample, the header rule, actors as countries, sectors, NA values, story-level repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import IngestError
from detente.ingest.icews import HEADER
from detente.store import Store
from tests.direct import db_sql
from tests.ingest.synth import SPECS, ingest, tab, write

SPEC = SPECS["icews"]


@pytest.mark.shared
def test_real_sample_reconciles_exactly(store: Store, shared_data: Path) -> None:
    path = shared_data / "events/icews/events.2018.sample.tab"
    s = ingest(store, path)
    assert s.dataset == "icews"
    # 80 rows repeat an event of the same story (date, actor names, code, Story ID), checked with pandas.
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (3705, 3625, 80, 0)
    row = db_sql(
        store,
        "SELECT source_actor, source_sector, source_name, target_actor, target_sector, cameo_code, goldstein, "
        "place, country, latitude, longitude, evidence FROM events WHERE source_event_id = '32889836'",
    ).fetchone()
    assert row == (
        "BGD", "GOV", "Bangladesh", "VNM", "MIL", "040", 1.0, "Hanoi, Thanh Pho Ha Noi", "VNM", 21.0245, 105.841,
        "Foreign Affairs (Bangladesh) | Consult | High Ranking Military Personnel (Vietnam)",
    )  # fmt: skip
    # Every event with an ICEWS country has a resolved actor (incl. 'Moldova, Republic of').
    unresolved = db_sql(
        store,
        "SELECT count(*) FROM events WHERE source_actor IS NULL AND evidence NOT LIKE '%(%'"
        " AND source_name IN ('Moldova, Republic of', 'Russian Federation', 'United States')",
    ).fetchone()
    assert unresolved == (0,)
    again = ingest(store, path)
    assert (again.stored, again.duplicates, again.quarantined) == (0, 3705, 0)


SECTOR_CASES = [
    ("Government,Military", "MIL"),
    ("Government,Marines,Executive,Defense / Security Ministry,Military", "MIL"),
    ("Executive,Foreign Ministry,Government", "GOV"),
    ("Government,Legislative / Parliamentary", "LEG"),
    ("Police,Government", "COP"),
    ("International Government Organization,Global,Global Diplomatic IGOs", "IGO"),
    ("Global Defense / Security IGOs", "IGO"),
    ("Medical / Health NGOs", "NGO"),
    ("General Population / Civilian / Social", "CVL"),
    ("Religious,Hindu", None),
    ("NA", None),
]


def test_sector_table(store: Store, tmp_path: Path) -> None:
    """Each sector list, ingested as a source's sectors, gives its one CAMEO code (the store compiles the map)."""
    rows = []
    for i, (sectors, _) in enumerate(SECTOR_CASES):
        r = SPEC.row(i)
        r[0], r[3] = str(900 + i), sectors
        rows.append(r)
    s = ingest(store, write(tmp_path / "s.tab", SPEC.encode(rows)), "icews")
    assert s.stored == len(SECTOR_CASES)
    got = dict(db_sql(store, "SELECT source_event_id, source_sector FROM events").fetchall())
    assert [got[str(900 + i)] for i in range(len(SECTOR_CASES))] == [c for _, c in SECTOR_CASES]


def test_actor_without_country_is_named(store: Store, tmp_path: Path) -> None:
    r = SPEC.row(0)
    r[2], r[3], r[4] = "United Nations", "International Government Organization,Global", "NA"
    s = ingest(store, write(tmp_path / "a.tab", SPEC.encode([r])), "icews")
    assert s.stored == 1
    got = db_sql(store, "SELECT source_actor, source_name, source_sector FROM events").fetchone()
    assert got == ("UN", "United Nations", "IGO")


def test_na_values_are_missing_not_bad(store: Store, tmp_path: Path) -> None:
    r = SPEC.row(0)
    r[14:20] = ["NA"] * 6
    s = ingest(store, write(tmp_path / "a.tab", SPEC.encode([r])), "icews")
    assert (s.stored, s.quarantined) == (1, 0)
    assert db_sql(store, "SELECT place, country, latitude FROM events").fetchone() == (None, None, None)


def test_same_story_repeats_fold_other_stories_do_not(store: Store, tmp_path: Path) -> None:
    a, b, c = SPEC.row(0), SPEC.row(1), SPEC.row(2)
    b[11] = a[11]  # same story, another sentence: a repeat
    b[12] = "7"
    s = ingest(store, write(tmp_path / "a.tab", SPEC.encode([a, b, c])), "icews")
    assert (s.read, s.stored, s.duplicates) == (3, 2, 1)
    assert db_sql(store, "SELECT duplicates FROM events ORDER BY line").fetchall() == [(1,), (0,)]


def test_garbled_header_names_the_column(store: Store, tmp_path: Path) -> None:
    head = list(HEADER)
    head[6] = "Event Code"
    p = write(tmp_path / "a.tab", tab([head, SPEC.row(0)]))
    with pytest.raises(IngestError, match="header column 7 is 'Event Code', expected 'CAMEO Code'"):
        ingest(store, p, "icews")


def test_missing_header_is_one_error(store: Store, tmp_path: Path) -> None:
    p = write(tmp_path / "a.tab", tab([SPEC.row(0)]))
    with pytest.raises(IngestError, match="not an ICEWS event file"):
        ingest(store, p, "icews")


def test_header_with_bom_and_crlf(store: Store, tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + SPEC.encode([SPEC.row(0), SPEC.row(1)]).replace(b"\n", b"\r\n")
    s = ingest(store, write(tmp_path / "a.tab", data))
    assert (s.dataset, s.stored, s.quarantined) == ("icews", 2, 0)
