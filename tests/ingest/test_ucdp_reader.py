"""UCDP GED reader: the real .rda sample, the same events from its CSV form, CAMEO mapping and GW actors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.errors import IngestError
from detente.ingest.ucdp import COLUMNS
from detente.store import Store
from tests.direct import db_sql
from tests.ingest.synth import SPECS, comma, ingest, quarantined, write

SPEC = SPECS["ucdp-ged"]
SAMPLE = "events/ucdp_ged/ucdpged_sample.rda"
FIELDS = (
    "source_event_id, date, source_actor, target_actor, source_sector, target_sector, source_name, target_name, "
    "cameo_code, quad_class, goldstein, fatalities, num_sources, place, country, latitude, longitude, evidence"
)


def _events(store: Store) -> list[tuple[Any, ...]]:
    return db_sql(store, f"SELECT {FIELDS} FROM events ORDER BY source_event_id").fetchall()


@pytest.mark.shared
def test_real_rda_sample(store: Store, shared_data: Path) -> None:
    s = ingest(store, shared_data / SAMPLE)
    assert (s.dataset, s.read, s.stored, s.duplicates, s.quarantined) == ("ucdp-ged", 1000, 1000, 0, 0)
    # 707 state-based + 133 non-state -> 190; 160 one-sided -> 180 (type_of_violence counts checked with pandas).
    assert db_sql(store, "SELECT cameo_code, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall() == [
        ("180", 160),
        ("190", 840),
    ]
    assert db_sql(store, "SELECT count(*) FROM events WHERE source_actor IS NULL").fetchone() == (0,)
    row = db_sql(
        store,
        "SELECT source_actor, target_actor, source_sector, target_sector, fatalities, goldstein FROM events "
        "WHERE source_event_id = '300380'",
    ).fetchone()
    assert row == ("SYR", "SYR", "MIL", "REB", 2, -10.0)
    interstate = db_sql(
        store, "SELECT count(*) FROM events WHERE source_actor = 'RUS' AND target_actor = 'UKR'"
    ).fetchone()
    assert interstate is not None and interstate[0] > 0
    assert ingest(store, shared_data / SAMPLE).stored == 0


@pytest.mark.shared
def test_csv_and_rda_forms_give_identical_events(store: Store, shared_data: Path, tmp_path: Path) -> None:
    import pyreadr

    from detente.store.reference import load_reference

    frame = pyreadr.read_r(str(shared_data / SAMPLE))["ucdpged"]
    assert frame["source_article"].str.contains("\n").sum() > 0  # records span lines in the CSV form
    csv_path = tmp_path / "GEDEvent_sample.csv"
    frame.to_csv(csv_path, index=False)
    ingest(store, shared_data / SAMPLE)
    from_rda = _events(store)
    other = Store.open(":memory:")
    try:
        load_reference(other)
        s = ingest(other, csv_path)
        assert (s.dataset, s.read, s.stored, s.quarantined) == ("ucdp-ged", 1000, 1000, 0)
        assert _events(other) == from_rda
    finally:
        other.close()


def _row(**kw: str) -> list[str]:
    r = SPEC.row(int(kw.pop("n", "0")))
    for k, v in kw.items():
        r[COLUMNS.index(k)] = v
    return r


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, ("SYR", "SYR", "MIL", "REB", "190")),
        ({"type_of_violence": "2", "gwnoa": "", "side_a": "Group A"}, ("SYR", "SYR", "REB", "REB", "190")),
        ({"type_of_violence": "3", "side_b": "Civilians"}, ("SYR", "SYR", "MIL", "CVL", "180")),
        ({"gwnoa": "365", "gwnob": "369", "country_id": "369"}, ("RUS", "UKR", "MIL", "MIL", "190")),
        ({"gwnoa": "2, 200", "country_id": "700"}, ("USA", "AFG", "MIL", "REB", "190")),
        ({"gwnoa": "345", "date_start": "1995-05-01", "country_id": "345"}, ("YUG", "YUG", "MIL", "REB", "190")),
        ({"gwnoa": "260", "date_start": "1980-05-01", "country_id": "260"}, ("GFR", "GFR", "MIL", "REB", "190")),
        ({"gwnoa": "260", "date_start": "2001-05-01", "country_id": "260"}, ("DEU", "DEU", "MIL", "REB", "190")),
        ({"gwnoa": "652.0", "best": "7.0"}, ("SYR", "SYR", "MIL", "REB", "190")),
    ],
)
def test_actor_and_code_mapping(store: Store, tmp_path: Path, kw: dict[str, str], expected: tuple[str, ...]) -> None:
    s = ingest(store, write(tmp_path / "ged.csv", comma([list(COLUMNS), _row(**kw)])), "ucdp-ged")
    assert s.stored == 1, quarantined(store, s.file_id)
    got = db_sql(
        store, "SELECT source_actor, target_actor, source_sector, target_sector, cameo_code FROM events"
    ).fetchone()
    assert got == expected


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"type_of_violence": "4"}, "unknown type_of_violence: 4"),
        ({"type_of_violence": ""}, "unknown type_of_violence: "),
        ({"best": "-1"}, "bad number in best: -1"),
        ({"best": "many"}, "bad number in best: many"),
        ({"best": "5e9"}, "bad number in best: 5000000000"),  # beyond a count (it stopped the ingest before)
        ({"id": ""}, "missing id"),
        ({"date_start": "2013-02-30"}, "bad date in date_start: 2013-02-30"),
        ({"latitude": "north"}, "bad number in latitude: north"),
    ],
)
def test_bad_values_are_quarantined(store: Store, tmp_path: Path, kw: dict[str, str], reason: str) -> None:
    s = ingest(store, write(tmp_path / "ged.csv", comma([list(COLUMNS), _row(n="1"), _row(**kw)])), "ucdp-ged")
    assert quarantined(store, s.file_id) == [(3, reason)]


def test_csv_lacking_columns_is_one_error(store: Store, tmp_path: Path) -> None:
    p = write(tmp_path / "ged.csv", b"id,date_start,side_a\n1,2013-01-03,X\n")
    with pytest.raises(IngestError, match="lacks the columns type_of_violence, side_b, best"):
        ingest(store, p, "ucdp-ged")


def test_corrupt_rda_is_one_error(store: Store, tmp_path: Path) -> None:
    p = write(tmp_path / "ged.rda", b"\x1f\x8b\x08\x00garbage" * 10)
    with pytest.raises(IngestError, match=r"Cannot read ged\.rda as R data"):
        ingest(store, p)


def test_rda_without_ged_columns_is_one_error(store: Store, tmp_path: Path) -> None:
    import pandas as pd
    import pyreadr

    p = tmp_path / "other.rda"
    pyreadr.write_rdata(str(p), pd.DataFrame({"a": [1.0], "b": ["x"]}), df_name="other")
    with pytest.raises(IngestError, match="not a UCDP GED file"):
        ingest(store, p, "ucdp-ged")
