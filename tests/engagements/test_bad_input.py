"""Every engagement importer on small synthetic files: good rows, bad rows, broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from detente.errors import IngestError
from detente.ingest.engagements import ENGAGEMENT_SOURCES, load
from detente.store import Store
from engagements.synth import FRAMES, make, write
from tests.direct import db_sql

NAMES = sorted(FRAMES)
# (stored, filtered, quarantined) of each synthetic file: one deliberately bad or non-engagement row at least.
# A non-engagement row (a SIPRI year without deliveries, a CWM episode without mediation) is filtered, not bad.
EXPECTED = {
    "mme": (2, 0, 1), "jme": (2, 0, 1), "us_visits": (2, 0, 0), "pko": (1, 0, 1), "tpkm": (1, 0, 1),
    "pax": (2, 0, 1), "ucdp_pa": (2, 0, 0), "cwm": (2, 1, 0), "sipri": (2, 1, 1),
}  # fmt: skip
# A column each importer cannot do without.
NEEDED = {
    "mme": "MMEID", "jme": "Start Date", "us_visits": "State Visit", "pko": "missionid", "tpkm": "CCODE1",
    "pax": "AgtId", "ucdp_pa": "GWNO", "cwm": "Med_yes.no", "sipri": "ccode1",
}  # fmt: skip


def quarantined(store: Store) -> list[tuple[int, str, str]]:
    return [
        (int(a), str(b), str(c)) for a, b, c in db_sql(store, "SELECT line, reason, raw FROM quarantine").fetchall()
    ]


def test_every_registered_source_has_a_synthetic_file() -> None:
    assert set(ENGAGEMENT_SOURCES.names()) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_good_file_reconciles_and_is_idempotent(store: Store, tmp_path: Path, name: str) -> None:
    path = make(name, tmp_path)
    s = load(store, name, path)
    assert s.reconciles and s.read == len(FRAMES[name][0]())
    assert (s.stored, s.filtered, s.quarantined) == EXPECTED[name]
    assert s.read == s.stored + s.duplicates + s.filtered + s.quarantined
    assert store.count("engagements") == s.stored
    assert len(quarantined(store)) == s.quarantined
    assert all(not r.startswith("not an engagement") for _, r, _ in quarantined(store))  # filtered is not bad
    files = db_sql(store, "SELECT read, stored, duplicates, filtered, quarantined FROM files").fetchall()
    assert files == [(s.read, s.stored, s.duplicates, s.filtered, s.quarantined)]
    kept = db_sql(store, "SELECT coalesce(sum(rows), 0) FROM filtered").fetchone()
    assert kept == (s.filtered,) and sum(s.filtered_reasons.values()) == s.filtered
    again = load(store, name, path)
    assert again.stored == 0 and again.duplicates == s.stored + s.duplicates and again.reconciles
    assert store.count("engagements") == s.stored
    for line, reason, raw in quarantined(store):
        assert line >= 1 and reason and json.loads(raw)


@pytest.mark.parametrize("name", NAMES)
def test_empty_file_is_one_clear_error(store: Store, tmp_path: Path, name: str) -> None:
    p = tmp_path / FRAMES[name][1]
    p.write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        load(store, name, p)
    assert store.count("engagements") == 0 and store.count("files") == 0


@pytest.mark.parametrize("name", NAMES)
def test_missing_column_is_one_clear_error(store: Store, tmp_path: Path, name: str) -> None:
    df = FRAMES[name][0]().drop(columns=[NEEDED[name]])
    with pytest.raises(IngestError, match=NEEDED[name].replace(".", r"\.")) as e:
        load(store, name, make(name, tmp_path, df))
    assert e.value.hint and "Expected" in e.value.hint
    assert store.count("files") == 0


@pytest.mark.parametrize("name", NAMES)
def test_wrong_format_and_truncated_files_are_one_clear_error(store: Store, tmp_path: Path, name: str) -> None:
    good = make(name, tmp_path).read_bytes()
    p = tmp_path / ("cut_" + FRAMES[name][1])
    if p.suffix == ".csv":  # a CSV cut mid-row keeps its complete rows; the cut row is quarantined
        p.write_bytes(good[: len(good) - 25])
        s = load(store, name, p)
        assert s.reconciles and s.read == len(FRAMES[name][0]())
        return
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(IngestError, match="not a readable"):
        load(store, name, p)
    p.write_bytes(b"this is not the dataset at all\n" * 10)
    with pytest.raises(IngestError, match="not a readable"):
        load(store, name, p)
    assert store.count("engagements") == 0


def test_missing_file_and_folder(store: Store, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="No such file"):
        load(store, "mme", tmp_path / "nope.csv")
    with pytest.raises(IngestError, match="folder"):
        load(store, "mme", tmp_path)


def test_mme_not_utf8_is_one_clear_error(store: Store, tmp_path: Path) -> None:
    df = FRAMES["mme"][0]()
    df.loc[0, "Location"] = "Vieques, Puerto Rico \u2013 España"
    p = write(df, tmp_path / "mme.csv", encoding="cp1252")
    with pytest.raises(IngestError, match=r"not UTF-8 text: byte 0x96 on line 2"):
        load(store, "mme", p)


def test_cwm_legacy_encoding_is_read(store: Store, tmp_path: Path) -> None:
    df = FRAMES["cwm"][0]()
    df.loc[0, "name.of.third.party"] = "ECOWAS, Norway, Sant\u2019Egidio"
    s = load(store, "cwm", write(df, tmp_path / "cwm.csv", encoding="cp1252"))
    assert s.stored == 2
    attrs = json.loads(db_sql(store, "SELECT attributes FROM engagements WHERE 'SLE' IN participants").fetchone()[0])
    assert "Sant\u2019Egidio" in attrs["mediators"]


def test_mme_bad_rows_are_quarantined_with_reasons(store: Store, tmp_path: Path) -> None:
    df = FRAMES["mme"][0]()
    df = pd.concat([df] * 3, ignore_index=True)
    df.loc[3, "MMEID"] = None  # missing id
    df.loc[4, "s.month"] = 13  # impossible month
    df.loc[5, "e.year"] = 1970  # ends before it starts
    df.loc[6, "s.day"] = "abc"  # wrong type
    df.loc[7, "s.year"] = -9  # unknown start
    df["MMEID"] = [f"m{i}" if pd.notna(v) else None for i, v in enumerate(df["MMEID"])]
    s = load(store, "mme", make("mme", tmp_path, df))
    reasons = " | ".join(r for _, r, _ in quarantined(store))
    for want in ("missing MMEID", "bad start date", "end date before start", "missing start date",
                 "fewer than 2 resolvable participants: resolved NOR; unresolved Atlantis"):  # fmt: skip
        assert want in reasons
    assert s.reconciles and s.read == 9 and s.quarantined == 3 + 5 - 1  # row 7 was already the bad-participant row


def test_mme_repeated_id_with_another_exercise_is_kept(store: Store, tmp_path: Path) -> None:
    df = FRAMES["mme"][0]()
    df = pd.concat([df, df.iloc[[0]], df.iloc[[1]].assign(MMEID="mme1")], ignore_index=True)
    s = load(store, "mme", make("mme", tmp_path, df))
    ids = sorted(r[0] for r in db_sql(store, "SELECT source_id FROM engagements").fetchall())
    assert ids == ["mme1", "mme1~2", "mme2"] and s.duplicates == 1 and s.reconciles


def test_sipri_wrong_types_and_unknown_codes(store: Store, tmp_path: Path) -> None:
    df = FRAMES["sipri"][0]()
    df["value"] = df["value"].astype(object)
    df = pd.concat([df, pd.DataFrame({"year": [None, 1990.0], "sender": ["x", "y"], "ccode1": [2.0, None],
                                       "receiver": ["a", "b"], "ccode2": [20.0, 20.0], "value": [1.0, 1.0]})],
                   ignore_index=True)  # fmt: skip
    s = load(store, "sipri", make("sipri", tmp_path, df))
    reasons = {r.split(":")[0] for _, r, _ in quarantined(store)}
    assert reasons == {"COW code does not resolve", "bad or missing year", "missing supplier or recipient code"}
    assert s.filtered_reasons == {"not an engagement: no deliveries this year (TIV 0)": 1}
    assert s.reconciles and s.stored == 2


def test_pko_months_fold_into_one_mission(store: Store, tmp_path: Path) -> None:
    s = load(store, "pko", make("pko", tmp_path))
    row = db_sql(store, "SELECT name, start_date, end_date, participants, attributes FROM engagements").fetchone()
    attrs = json.loads(row[4])
    assert row[0] == "MINUGUA" and str(row[1]) == "1997-01-01" and str(row[2]) == "1997-03-31"
    assert row[3] == ["GTM"] and attrs["months"] == 3 and attrs["peak_troops"] == 5 and attrs["org_type"] == "UN"
    assert (s.stored, s.duplicates, s.quarantined) == (1, 2, 1)


def test_engagement_dyads_view(store: Store, tmp_path: Path) -> None:
    load(store, "pax", make("pax", tmp_path))
    rows = db_sql(
        store,
        "SELECT a, b, role FROM engagement_dyads d JOIN engagements e USING (engagement_id) "
        "WHERE e.source_id = 'pax:389' ORDER BY role, a, b",
    ).fetchall()
    assert ("BIH", "HRV", "participant") in rows and ("HRV", "YUG", "participant") in rows
    assert ("BIH", "USA", "third_party") in rows and ("FRA", "YUG", "third_party") in rows
    assert all(a < b for a, b, _ in rows)
    mozambique = db_sql(
        store,
        "SELECT count(*) FROM engagement_dyads JOIN engagements USING (engagement_id) WHERE source_id = 'pax:256'",
    ).fetchone()
    assert mozambique == (0,)  # one participant, no third party: no dyad


def test_the_same_exercise_in_mme_and_jme_is_linked(store: Store, tmp_path: Path) -> None:
    load(store, "mme", make("mme", tmp_path))  # mme1: NLD, GBR, USA from 14 January 1980
    jme = FRAMES["jme"][0]()
    jme.loc[0, ["Start Date", "s.year", "s.month", "s.day"]] = ["1/20/1980", 1980.0, "1", "20"]
    jme.loc[0, ["enddate", "e.year", "e.month", "e.day"]] = ["1/25/1980", "1980", "1", "25"]
    jme.loc[0, ["State A", "State B", "State C"]] = ["USA", "NLD", "GBR"]
    load(store, "jme", make("jme", tmp_path, jme))
    rows = db_sql(
        store,
        "SELECT m.source_id, d.days_apart FROM engagement_duplicates d "
        "JOIN engagements m ON m.engagement_id = d.duplicate_of",
    ).fetchall()
    assert rows == [("mme1", 6)]
    dup = db_sql(store, "SELECT count(*) FROM engagement_dyads WHERE duplicate_of IS NOT NULL").fetchone()
    assert dup == (3,)  # the JME copy's three pairs point at the MME exercise


def test_replace_starts_the_dataset_afresh(store: Store, tmp_path: Path) -> None:
    path = make("mme", tmp_path)
    load(store, "mme", path)
    load(store, "pax", make("pax", tmp_path))
    again = load(store, "mme", path, replace=True)
    assert (again.stored, again.duplicates, again.quarantined) == (2, 0, 1) and again.reconciles
    per = dict(db_sql(store, "SELECT dataset, count(*) FROM engagements GROUP BY 1").fetchall())
    assert per == {"mme_v7": 2, "pax": 2}  # other datasets untouched
    q = db_sql(store, "SELECT count(*) FROM quarantine JOIN files USING (file_id) WHERE dataset = 'mme_v7'")
    assert q.fetchone() == (1,)  # only the new file's quarantine is left
    assert db_sql(store, "SELECT count(*) FROM files WHERE dataset = 'mme_v7'").fetchone() == (2,)
