"""Pure geometry of routes and the hash chain."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from detente.core import hashchain
from detente.core.geometry import bbox, haversine_km, point_polyline_km, point_segment_km

lat = st.floats(-80, 80, allow_nan=False)
lon = st.floats(-179, 179, allow_nan=False)
pt = st.tuples(lat, lon)


def test_known_distances() -> None:
    assert abs(haversine_km((51.5074, -0.1278), (48.8566, 2.3522)) - 343.5) < 1.0  # London–Paris
    assert point_segment_km((0.0, 0.5), (0.0, 0.0), (0.0, 1.0)) < 1e-6
    assert abs(point_polyline_km((1.0, 1.5), [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0)]) - 111.19) < 0.1


@given(p=pt, a=pt, b=pt)
def test_segment_distance_is_at_most_the_distance_to_either_end(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> None:
    d = point_segment_km(p, a, b)
    assert d >= 0
    assert d <= min(haversine_km(p, a), haversine_km(p, b)) + 1e-6


@given(line=st.lists(pt, min_size=1, max_size=5), km=st.floats(1, 300))
def test_bbox_contains_the_route(line: list[tuple[float, float]], km: float) -> None:
    lat0, lat1, lon0, lon1 = bbox(line, km)
    assert all(lat0 <= p[0] <= lat1 and lon0 <= p[1] <= lon1 for p in line)


def _chain(records: list[dict[str, object]]) -> list[dict[str, object]]:
    out, prev = [], hashchain.GENESIS
    for r in records:
        h = hashchain.link(prev, r)
        out.append({"record": r, "prev_hash": prev, "hash": h})
        prev = h
    return out


@given(bodies=st.lists(st.text(max_size=20), min_size=1, max_size=8), data=st.data())
def test_any_edit_is_detected(bodies: list[str], data: st.DataObject) -> None:
    entries = _chain([{"seq": i, "body": b} for i, b in enumerate(bodies)])
    assert hashchain.verify(entries)[0]
    i = data.draw(st.integers(0, len(entries) - 1))
    tampered = [dict(e) for e in entries]
    tampered[i]["record"] = {"seq": i, "body": bodies[i] + "x"}
    ok, bad, _ = hashchain.verify(tampered)
    assert not ok and bad == i
    assert not hashchain.verify(entries[:i] + entries[i + 1 :])[0] or i == len(entries) - 1
