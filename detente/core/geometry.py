"""Great-circle geometry for routes: haversine distance from a point to a polyline.

Pure functions over (lat, lon) degrees; distances in kilometres on a sphere of
the mean Earth radius (6,371.0088 km, IUGG).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

__all__ = ["EARTH_KM", "LatLon", "bbox", "haversine_km", "point_polyline_km", "point_segment_km"]

EARTH_KM = 6371.0088
LatLon = tuple[float, float]


def haversine_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance in km.

    >>> round(haversine_km((0.0, 0.0), (0.0, 1.0)), 1)
    111.2
    """
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _vec(p: LatLon) -> tuple[float, float, float]:
    la, lo = math.radians(p[0]), math.radians(p[1])
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))


def _cross(u: tuple[float, float, float], v: tuple[float, float, float]) -> tuple[float, float, float]:
    return (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])


def _dot(u: tuple[float, float, float], v: tuple[float, float, float]) -> float:
    return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]


def point_segment_km(p: LatLon, a: LatLon, b: LatLon) -> float:
    """Distance from ``p`` to the great-circle arc a→b (to the nearer end when the foot falls outside).

    >>> round(point_segment_km((1.0, 0.5), (0.0, 0.0), (0.0, 1.0)), 1)
    111.2
    >>> round(point_segment_km((0.0, 2.0), (0.0, 0.0), (0.0, 1.0)), 1)
    111.2
    """
    if a == b:
        return haversine_km(p, a)
    va, vb, vp = _vec(a), _vec(b), _vec(p)
    n = _cross(va, vb)
    nn = math.sqrt(_dot(n, n))
    if nn < 1e-12:
        return min(haversine_km(p, a), haversine_km(p, b))
    n = (n[0] / nn, n[1] / nn, n[2] / nn)
    # the foot of the perpendicular lies on the arc when it is between a and b
    d = _dot(vp, n)
    c = (vp[0] - d * n[0], vp[1] - d * n[1], vp[2] - d * n[2])
    on_arc = _dot(_cross(va, c), n) >= 0 and _dot(_cross(c, vb), n) >= 0
    if on_arc:
        return abs(math.asin(max(-1.0, min(1.0, d)))) * EARTH_KM
    return min(haversine_km(p, a), haversine_km(p, b))


def point_polyline_km(p: LatLon, line: Sequence[LatLon]) -> float:
    """Distance from ``p`` to the nearest segment of ``line`` (one point: distance to it)."""
    if not line:
        raise ValueError("a route needs at least one point")
    if len(line) == 1:
        return haversine_km(p, line[0])
    return min(point_segment_km(p, a, b) for a, b in itertools.pairwise(line))


def bbox(line: Sequence[LatLon], km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing ``line`` widened by ``km`` (a cheap pre-filter)."""
    lats = [p[0] for p in line]
    lons = [p[1] for p in line]
    dlat = km / 111.0
    maxlat = min(89.9, max(abs(x) for x in lats) + dlat)
    dlon = min(180.0, km / (111.0 * max(0.01, math.cos(math.radians(maxlat)))))
    return (max(-90.0, min(lats) - dlat), min(90.0, max(lats) + dlat), min(lons) - dlon, max(lons) + dlon)
