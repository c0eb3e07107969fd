"""The server's ranked alerts (detente.measure.ranking): kept per dyad and re-ranked only for what a write touched,
yet equal to the engine's ranking of the same data after every write, a write killed part-way included, and never
of another version for a reader running while writes land."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from detente.api.app import prepare
from detente.ingest import ingest_file
from detente.measure import pages, ranking, report
from detente.measure import resident as fast
from detente.store import Store
from detente.store.event_writer import PUBLISH_HOOKS
from detente.store.reference import load_reference
from detente.store.writer import Writer
from tests.store.test_resident import _same

RES = ("day", "week", "month", "year")
FIRST = dt.date(2019, 9, 1)


class Days:
    """GDELT 2.0 files of the shared sample's first rows moved to a given day, new ids each; or, with ``hostile``,
    that many ``source`` -> ``target`` assaults (Goldstein -10) alone."""

    def __init__(self, shared_data: Path, tmp_path: Path) -> None:
        sample = shared_data / "events" / "gdelt2" / "20191024143000.export.CSV"
        self.rows = [ln.split("\t") for ln in sample.read_text(encoding="utf-8").splitlines()[:120]]
        self.tmp, self.n = tmp_path, 0

    def file(self, day: dt.date, hostile: int = 0, source: str = "USA", target: str = "CHN") -> Path:
        self.n += 1
        stamp = day.strftime("%Y%m%d")
        p = self.tmp / f"{stamp}{self.n % 96 // 4:02d}{self.n % 4 * 15:02d}00.export.CSV"
        with open(p, "w", encoding="utf-8") as f:
            for i, r in enumerate(self.rows[:hostile] if hostile else self.rows):
                r = list(r)
                r[0] = str(3_000_000_000 + self.n * 10_000 + i)
                r[1], r[2], r[3] = stamp, stamp[:6], stamp[:4]
                r[59] = stamp + r[59][8:]
                if i < hostile:
                    r[5], r[6], r[7] = source, source, source
                    r[15], r[16], r[17] = target, target, target
                    r[26], r[27], r[28], r[29], r[30] = "190", "190", "19", "4", "-10.0"
                    r[31], r[32], r[33] = "10", "5", "10"
                    r[60] = f"https://escalation.invalid/{self.n}/{i}"
                f.write("\t".join(r) + "\n")
        return p


@pytest.fixture()
def served(tmp_path: Path, shared_data: Path) -> Iterator[tuple[Store, Writer, Days]]:
    s = Store.open(tmp_path / "s.duckdb")
    load_reference(s)
    days = Days(shared_data, tmp_path)
    for k in range(16):  # a quiet baseline: the same sample every day
        ingest_file(s, days.file(FIRST + dt.timedelta(days=k)), "auto")
    w = Writer(s, resident=True)
    w.on_prepare.append(prepare)
    w.refresh(wait=True)
    yield s, w, days
    w.join()
    s.close()


def _write(w: Writer, f: Path) -> None:
    with w.write() as wr:
        ingest_file(wr, f, "auto")
    w.refresh(wait=True)


def _check(store: Store, w: Writer) -> dict[str, list[dict[str, Any]]]:
    """Every resolution's ranked alerts from memory equal the engine's, with and without ``since`` and with the head's
    triggering events; the ranking kept per dyad equals one computed from scratch."""
    out = {}
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        r = cur.served.resident
        for res in RES:
            whole = report.kept_alert_list(cur, res, top=None, n_events=0)
            assert whole is not None
            _same(whole, report.alert_list(store, res, top=None, n_events=0))
            kept, scratch = r.memo[("ranking", res)], ranking.ranked(r, res, None, None)
            assert kept.dyads == scratch.dyads and np.array_equal(kept.covered, scratch.covered)
            for since in (FIRST + dt.timedelta(days=17), FIRST + dt.timedelta(days=40)):
                got = report.kept_alert_list(cur, res, top=None, since=since, n_events=0)
                _same(got, report.alert_list(store, res, top=None, since=since, n_events=0))
            if res in ranking.WARMED:
                head = report.kept_alert_list(cur, res, top=ranking.HEAD, n_events=ranking.HEAD_EVENTS)
                assert head is not None, res  # ready before the version is served
                _same(head, report.alert_list(store, res, top=ranking.HEAD, n_events=ranking.HEAD_EVENTS))
            out[res] = whole
    return out


def test_each_write_reranks_only_what_it_touched_and_equals_the_engine(
    served: tuple[Store, Writer, Days], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, w, days = served
    assert _check(store, w)["day"] == []  # a quiet baseline: no alert
    computed: list[tuple[str, str, str]] = []
    real = ranking._departures

    def counted(r: Any, lo: str, hi: str, res: str, covered: Any) -> Any:
        computed.append((lo, hi, res))
        return real(r, lo, hi, res, covered)

    monkeypatch.setattr(ranking, "_departures", counted)
    day = FIRST + dt.timedelta(days=16)
    _write(w, days.file(day, hostile=40))  # an escalation on a new day
    # a newly covered day lies past every other dyad's span: only the touched dyad was ranked again
    assert {(lo, hi) for lo, hi, _ in computed} == {("CHN", "USA")}
    first = _check(store, w)
    assert [(x["a"], x["b"], x["period"]) for x in first["day"][:1]] == [("CHN", "USA", day.isoformat())]
    computed.clear()
    _write(w, days.file(day, hostile=25))  # more on the same day: the alert's triggering events merge the new ones
    assert {(lo, hi) for lo, hi, _ in computed} == {("CHN", "USA")}
    second = _check(store, w)
    assert second["day"][0]["hostile_events"] == first["day"][0]["hostile_events"] + 25
    computed.clear()
    _write(w, days.file(day + dt.timedelta(days=1), hostile=30, source="SAU", target="GBR"))  # another, next day
    assert {(lo, hi) for lo, hi, _ in computed} == {("GBR", "SAU")}
    third = _check(store, w)
    assert {(x["a"], x["b"]) for x in third["day"]} >= {("CHN", "USA"), ("GBR", "SAU")}


def test_a_write_killed_part_way_leaves_the_ranking_as_it_was(served: tuple[Store, Writer, Days]) -> None:
    store, w, days = served
    day = FIRST + dt.timedelta(days=16)
    _write(w, days.file(day, hostile=40))
    before = _check(store, w)

    def killed(con: Any, file_id: int) -> None:
        raise RuntimeError("killed part-way through the publish")

    PUBLISH_HOOKS.add("zz_killed", killed)  # after the derived tables took the file's events, in its transaction
    try:
        with pytest.raises(RuntimeError, match="killed"):
            _write(w, days.file(day + dt.timedelta(days=1), hostile=60, target="RUS"))
    finally:
        PUBLISH_HOOKS._entries.pop("zz_killed")
    w.refresh(wait=True)
    assert _check(store, w) == before  # nothing of it, and the version after it ranks as the one before
    _write(w, days.file(day + dt.timedelta(days=1), hostile=60, target="RUS"))  # the same file again: lands whole
    assert _check(store, w)["day"][0]["b"] == "USA"


def test_readers_during_writes_get_the_ranking_of_their_own_version(served: tuple[Store, Writer, Days]) -> None:
    store, w, days = served
    want: dict[int, list[dict[str, Any]]] = {w.generation: report.alert_list(store, "day", top=None, n_events=3)}
    seen: list[tuple[int, list[dict[str, Any]]]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            with w.read() as cur:
                assert cur.served is not None
                got = report.kept_alert_list(cur, "day", top=None, n_events=3)
                if got is not None:  # served from memory: the version's own tables
                    assert cur.served.resident is not None and cur.served.resident.version == cur.served.version
                    seen.append((cur.served.version[1], got))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for k in range(3):
            _write(w, days.file(FIRST + dt.timedelta(days=16 + k), hostile=30 + 10 * k))
            want[w.generation] = report.alert_list(store, "day", top=None, n_events=3)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert {g for g, _ in seen} <= set(want) and len({g for g, _ in seen}) >= 2
    for g, got in seen:
        _same(got, want[g])


def test_series_and_pages_of_untouched_dyads_are_carried_to_the_next_version(
    served: tuple[Store, Writer, Days],
) -> None:
    from detente.api.routes.measure import DIGITS

    store, w, days = served
    asked = [("USA", "CHN"), ("USA", "RUS"), ("GBR", "USA")]
    with w.read() as cur:
        before = {d: pages.kept_dyad_index_json(cur, *d, "week", None, None, 50, DIGITS) for d in asked}
        r0 = cur.served.resident  # type: ignore[union-attr]
    _write(w, days.file(FIRST + dt.timedelta(days=10), hostile=20))  # USA -> CHN only, on a covered day
    with w.read() as cur:
        r1 = cur.served.resident  # type: ignore[union-attr]
        assert r1 is not None and r1 is not r0
        kept = fast.memo_lru(r1, "series", fast.KEPT_SERIES_BYTES, len)
        assert r0 is not None and kept.get(("RUS", "USA", "week", None)) is r0.memo["series"].get(
            ("RUS", "USA", "week", None)
        )
        touched = kept.get(("CHN", "USA", "week", None))  # computed again (its pages are, before it is served)
        assert touched is None or touched is not r0.memo["series"].get(("CHN", "USA", "week", None))
        for d in asked:
            got = pages.kept_dyad_index_json(cur, *d, "week", None, None, 50, DIGITS)
            assert got is not None
            _same(orjson.loads(got), report.dyad_report(store, *d, "week", points=50, digits=DIGITS))
        assert pages.kept_dyad_index_json(cur, "USA", "RUS", "week", None, None, 50, DIGITS) == before[("USA", "RUS")]
        assert pages.kept_dyad_index_json(cur, "USA", "CHN", "week", None, None, 50, DIGITS) != before[("USA", "CHN")]


def test_series_encoded_ahead_give_the_bytes_of_pages_encoded_on_demand(served: tuple[Store, Writer, Days]) -> None:
    from detente.api.routes.measure import DIGITS

    _, w, _ = served
    questions = [
        (a, b, res, since, until, points)
        for a, b in (("USA", "CHN"), ("GBR", "SAU"), ("FRA", "USA"))
        for res in pages.RESOLUTIONS
        for since, until, points in (
            (None, None, 2000), (None, None, 3), (FIRST + dt.timedelta(days=4), None, 5),
            (None, FIRST + dt.timedelta(days=9), 2), (FIRST + dt.timedelta(days=2), FIRST + dt.timedelta(days=12), 4),
        )
    ]  # fmt: skip
    with w.read() as cur:
        assert cur.served is not None and cur.served.resident is not None
        r = cur.served.resident
        r.memo.pop("pages", None), r.memo.pop("series", None)
        want = [
            (pages.kept_dyad_index_json(cur, *q, DIGITS), pages.kept_trust_json(cur, *q, DIGITS)) for q in questions
        ]
        r.memo.pop("pages"), r.memo.pop("series")
        assert pages.warm(cur, DIGITS, idle=lambda: False) == 0  # told to stop: nothing encoded
        assert pages.warm(cur, DIGITS) > 0
        kept = r.memo["pages"]
        assert kept.get(("series", "CHN", "USA", "day", None, DIGITS)).first == 0  # the whole series
        got = [(pages.kept_dyad_index_json(cur, *q, DIGITS), pages.kept_trust_json(cur, *q, DIGITS)) for q in questions]
        assert got == want
        assert pages.warm(cur, DIGITS) == 0  # all there already


def test_pages_of_touched_dyads_are_encoded_again_from_the_first_changed_period_byte_for_byte(
    served: tuple[Store, Writer, Days],
) -> None:
    """A write re-encodes the pages it touched before its version is served (old bytes up to the first changed
    period, new rows after it): the same bytes and row offsets as encoding the new series whole."""
    from detente.api.routes.measure import DIGITS

    _, w, days = served
    with w.read() as cur:
        assert pages.warm(cur, DIGITS) > 0
    touched = ("series", "CHN", "USA", "day", None, DIGITS)
    # a covered day changed (USA -> CHN only), then a new last day for every dyad of the sample, then a middle day
    for day, hostile in ((FIRST + dt.timedelta(days=10), 20), (FIRST + dt.timedelta(days=16), 0), (FIRST, 30)):
        with w.read() as cur:
            old = cur.served.resident.memo["pages"].get(touched)  # type: ignore[union-attr]
        _write(w, days.file(day, hostile=hostile))
        with w.read() as cur:
            assert cur.served is not None and cur.served.resident is not None
            r = cur.served.resident
            kept = dict(r.memo["pages"].entries())
            assert touched in kept and kept[touched] is not old  # made again before any question
            r.memo.pop("pages"), r.memo.pop("series")
            for key, enc in kept.items():
                kind, a, b, res, until, digits = key
                whole = 1 << 30
                if kind == "trust":
                    pages.kept_trust_json(cur, a, b, res, until, until, whole, digits)
                else:
                    pages.kept_dyad_index_json(cur, min(a, b), max(a, b), res, None, until, whole, digits)
                fresh = r.memo["pages"].get(key)
                assert fresh is not None and fresh.first == enc.first == 0, key
                assert fresh.body == enc.body and np.array_equal(fresh.starts, enc.starts), key
                assert np.array_equal(fresh.periods, enc.periods), key
    with w.read() as cur:  # an earlier page encodes only the rows before the ones kept: the same bytes as whole
        assert cur.served is not None and cur.served.resident is not None
        r = cur.served.resident
        for res in pages.RESOLUTIONS:
            r.memo.pop("pages"), r.memo.pop("series")
            got = [pages.kept_dyad_index_json(cur, "USA", "CHN", res, None, None, n, DIGITS) for n in (2, 7, 1 << 30)]
            grown = {k: (v.body, v.starts.tolist(), v.first) for k, v in r.memo["pages"].entries()}
            r.memo.pop("pages"), r.memo.pop("series")
            want = [pages.kept_dyad_index_json(cur, "USA", "CHN", res, None, None, n, DIGITS) for n in (1 << 30, 7, 2)]
            assert got == want[::-1]
            assert grown == {k: (v.body, v.starts.tolist(), v.first) for k, v in r.memo["pages"].entries()}
