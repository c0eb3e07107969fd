"""The index over the real GDELT 2.0 and ICEWS samples, ingested by the foundation's pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.ingest import ingest_file
from detente.measure.alerts import alerts
from detente.measure.frames import frame
from detente.measure.report import dyad_report, tension
from detente.store import Store
from detente.store.analytics.index import dyad_index


@pytest.mark.shared
def test_index_on_real_samples(store: Store, shared_data: Path) -> None:
    gdelt = shared_data / "events" / "gdelt2" / "20191024143000.export.CSV"
    icews = next((shared_data / "events" / "icews").glob("*.tab"))
    for path, fmt in ((gdelt, "gdelt2"), (icews, "icews")):
        cur = store.cursor()  # one cursor per ingest, as the API does per request
        ingest_file(cur, path, fmt)
        cur.close()
    before = frame(dyad_index(store, "day"))
    assert len(before) > 100
    # ICEWS, 1-2 June 2018: the run-up to the Singapore summit reads as cooperation between PRK and USA
    prk_usa = before[(before.a == "PRK") & (before.b == "USA")]
    assert (prk_usa.cooperation > prk_usa.conflict).all()
    # a handful of covered days: no dyad has a baseline, so nothing alerts
    assert alerts(store).empty
    rep = dyad_report(store, "PRK", "USA", "day")
    assert len(rep["series"]) >= 2 and rep["trust"] > 0
    assert tension(store, "USA")["tension"]
