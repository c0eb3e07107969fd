"""A small, fast run of the validation on the real historic data (docs/validation.md has the full run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import InputError
from detente.ingest.engagements import load_all
from detente.ingest.peace_scale import read_peace_scale
from detente.ingest.peace_science import ingest_shared
from detente.measure.historic import historic_series
from detente.measure.validation import matched_sample, onset_test, peace_scale_test, prepare
from detente.store import Store
from detente.store.reference import load_reference

PANELS = ["cow_mid_dyads", "cow_contiguity", "cow_system", "cow_majors", "atop_dyad_years"]


@pytest.mark.shared
@pytest.mark.slow
def test_validation_directions_hold_on_real_data(store: Store, shared_data: Path) -> None:
    load_reference(store)
    ingest_shared(store, shared_data, PANELS)
    loaded = load_all(store, shared_data, ["mme", "sipri"])  # the two datasets of `--engagements direct`
    assert sum(s.stored for s in loaded.values()) > 10_000
    assert prepare(store, engagements="direct") == "MME and SIPRI (engagement_dyads)"
    held = store.count("engagements")
    assert prepare(store, engagements="none") == "none" and not historic_series(store, engagements="none").empty
    assert store.count("engagements") == held  # the variants read the store; they never delete the user's data
    series = historic_series(store, engagements="direct")
    # USA-Canada: allies, never a dispute in the series' span, so trust stays positive after 1945
    usa_can = series[(series.c1 == 2) & (series.c2 == 20) & (series.year >= 1950)]
    assert (usa_can.trust > 0).all()
    peace = read_peace_scale(shared_data / "peace_scale" / "peacedata3.1.csv", first_year=1990)
    res = peace_scale_test(series, peace)
    assert res.dyad_years > 40_000
    # pinned: the full run gives rho = 0.49 (1900-2016); every sub-period we tried is above 0.3
    assert res.spearman["trust"] > 0.3
    conf = res.rivalry_vs_community
    assert conf["security community"]["hostile"] == 0
    assert conf["rivalry"]["hostile"] > conf["rivalry"]["close"]
    sample = matched_sample(store, controls=3, first_year=1990)
    out = onset_test(sample, series, "trust", n_boot=300, seed=1)
    assert out.onsets > 300
    assert out.ci_high < 0  # onset dyads score lower the year before than matched dyads
    again = onset_test(sample, series, "trust", n_boot=300, seed=1)
    assert again == out  # same seed, same CI


def test_peace_scale_reader_rejects_garbage(tmp_path: Path) -> None:
    bad = tmp_path / "p.csv"
    bad.write_text("abc,19000101-19100101,0.5\n", encoding="utf-8")
    with pytest.raises(InputError, match="COW codes"):
        read_peace_scale(bad)
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="Cannot read"):
        read_peace_scale(bad)
    ok = tmp_path / "q.csv"
    ok.write_text("2020,19200110-19871002,0.75,19871003-20209999,1,,,\n2040,19020520-19590113,-9\n", encoding="utf-8")
    df = read_peace_scale(ok, first_year=1985, last_year=1990)
    assert df.to_dict("list") == {
        "c1": [2] * 6,
        "c2": [20] * 6,
        "year": list(range(1985, 1991)),
        "peace": [0.75, 0.75, 0.75, 1.0, 1.0, 1.0],
    }
