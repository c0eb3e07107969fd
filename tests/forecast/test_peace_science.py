"""Readers of the peace-science panels: real files reconcile, bad files give one clear error or quarantine rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadr
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import IngestError
from detente.ingest.peace_science import PANELS, ingest_panel, ingest_shared
from detente.store import Store
from tests.direct import db_sql


@pytest.mark.shared
def test_real_panels_reconcile_and_reingest_adds_nothing(store: Store, shared_data: Path) -> None:
    names = ["cow_contiguity", "cow_majors", "ucdp_onsets", "ucdp_acd"]
    first = ingest_shared(store, shared_data, names)
    assert all(s.reconciles and s.quarantined == 0 for s in first)
    assert store.count("ucdp_onsets") == 10142 and store.count("cow_majors") == 14
    assert store.count("ucdp_conflict_years") == 5652
    again = ingest_shared(store, shared_data, names)
    assert [s.stored for s in again] == [s.stored for s in first]
    assert store.count("ucdp_onsets") == 10142


def _onsets(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gwcode": [2.0, 20.0, 40.0, 41.0, 42.0][:n],
            "year": [1990.0] * n,
            **{c: [0.0] * n for c in ("sumnewconf", "sumonset1", "sumonset2", "sumonset3", "sumonset5", "sumonset10")},
        }
    )


def test_truncated_and_corrupt_rda_give_one_ingest_error(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.rda"
    pyreadr.write_rdata(str(good), _onsets(), df_name="ucdp_onsets")
    cut = tmp_path / "cut.rda"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    junk = tmp_path / "junk.rda"
    junk.write_bytes(b"\x00\xffnot R at all" * 50)
    empty = tmp_path / "empty.rda"
    empty.write_bytes(b"")
    for p in (cut, junk, empty):
        with pytest.raises(IngestError) as e:
            ingest_panel(store, p, "ucdp_onsets")
        assert p.name in e.value.message and "\n" not in e.value.line()
    with pytest.raises(IngestError, match="No such file"):
        ingest_panel(store, tmp_path / "absent.rda", "ucdp_onsets")
    assert store.count("ucdp_onsets") == 0


def test_missing_columns_and_wrong_types(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "m.rda"
    pyreadr.write_rdata(str(p), _onsets().drop(columns=["sumonset2"]), df_name="x")
    with pytest.raises(IngestError, match="lacks the columns sumonset2"):
        ingest_panel(store, p, "ucdp_onsets")
    df = _onsets().astype({"year": object})
    df["year"] = ["nineteen"] * 5
    pyreadr.write_rdata(str(p), df, df_name="x")
    with pytest.raises(IngestError, match="column year is not numeric"):
        ingest_panel(store, p, "ucdp_onsets")


def test_bad_rows_are_quarantined_and_counts_reconcile(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "majors.csv"
    p.write_text(
        "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version\n"
        "USA,2,1898,8,13,2016,12,31,2016\n"
        "USA,2,1898,8,13,2016,12,31,2016\n"  # duplicate key
        "XXX,abc,1900,1,1,1910,1,1,2016\n"  # not a number
        "YYY,2000,1900,1,1,1910,1,1,2016\n"  # out of range
        "ZZZ,3,,1,1,1910,1,1,2016\n"  # missing
        "Q\u202e,4,1900.5,1,1,1910,1,1,2016\n",  # not an integer; hostile text kept in raw
        encoding="utf-8",
    )
    s = ingest_panel(store, p, "cow_majors")
    assert (s.read, s.stored, s.duplicates, s.quarantined) == (6, 1, 1, 4) and s.reconciles
    assert set(s.reasons) == {"ccode", "styear"}
    reasons = {r[0] for r in db_sql(store, "SELECT reason FROM quarantine").fetchall()}
    assert reasons == {"ccode: not a number", "ccode: above 999", "styear: missing", "styear: not an integer"}
    row = db_sql(store, "SELECT read, stored, duplicates, quarantined FROM files").fetchone()
    assert row == (6, 1, 1, 4)


def test_non_utf8_csv(store: Store, tmp_path: Path) -> None:
    p = tmp_path / "majors.csv"
    p.write_bytes("stateabb,ccode,styear,endyear\nS\xe9,2,1898,2016\n".encode("latin-1"))
    with pytest.raises(IngestError, match="not UTF-8"):
        ingest_panel(store, p, "cow_majors")


def test_registry_lists_every_panel() -> None:
    assert {"cow_mid_dyads", "cow_nmc", "cow_contiguity", "ucdp_acd", "ucdp_onsets", "atop_dyad_years"} <= set(
        PANELS.names()
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.integers(-5, 1200), st.none(), st.sampled_from(["x", "1e3", "nan", "2.5"])),
        min_size=1,
        max_size=30,
    )
)
def test_property_counts_always_reconcile(tmp_path: Path, codes: list[object]) -> None:
    # system2016.csv has one reader (the COW reference reader): a bad code is a quarantine row, never lost
    p = tmp_path / "sys.csv"
    lines = ["stateabb,ccode,year,version"] + [f"S,{'' if c is None else c},1990,2016" for c in codes]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(":memory:") as s:
        summary = ingest_panel(s, p, "cow_system")
        assert summary.reconciles and summary.read == len(codes)
        assert s.count("state_years") == summary.stored
        assert s.count("quarantine") == summary.quarantined
