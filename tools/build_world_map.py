"""Build detente/web/static/world.json (country outlines as SVG paths keyed by actor id) once.

Input: the Natural Earth 1:110m countries TopoJSON shipped by the npm package ``world-atlas``
(``npm pack world-atlas@2``; file ``package/countries-110m.json``; ISC licence, Natural Earth
data in the public domain) and the ISO 3166 numeric -> alpha-3 crosswalk of the countrycode R
package (``shared/data/states/countrycode/codelist.rda``). Output: an equirectangular SVG path
per country in a 1000 x 500 box (longitude -180..180, latitude 90..-90 mapped linearly,
coordinates rounded to 0.1 unit), keyed by the detente actor id of the same ISO3 code.

Usage: python tools/build_world_map.py countries-110m.json codelist.rda detente/reference/data/states.csv OUT
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from pathlib import Path

import pyreadr

W, H = 1000.0, 500.0


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], idx: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def unwrap(r: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Fiji, Chukotka) is moved whole to the side of most of
    its points; the part beyond the map's edge is clipped by the SVG box."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(r)):
        return r
    east = sum(1 for lon, _ in r if lon > 0) >= len(r) / 2
    return [(lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat) for lon, lat in r]


def path_of(rings: list[list[tuple[float, float]]]) -> str:
    out = []
    for r in map(unwrap, rings):
        prev = None
        seg = []
        for lon, lat in r:
            p = (round((lon + 180.0) / 360.0 * W, 1), round((90.0 - lat) / 180.0 * H, 1))
            if p != prev:
                seg.append(f"{p[0]:g},{p[1]:g}")
            prev = p
        if len(seg) >= 3:
            out.append("M" + "L".join(seg) + "Z")
    return "".join(out)


def main(topo_path: str, codelist: str, states_csv: str, out: str) -> None:
    topo = json.loads(Path(topo_path).read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    cl = next(iter(pyreadr.read_r(codelist).values()))
    iso3_of = {int(n): c for n, c in zip(cl["iso3n"], cl["iso3c"], strict=True) if n == n and isinstance(c, str)}
    with open(states_csv, encoding="utf-8") as f:
        actor_of = {r["iso3"]: r["id"] for r in csv.DictReader(f) if r.get("iso3")}
    countries = {}
    for g in topo["objects"]["countries"]["geometries"]:
        gid = g.get("id")
        if gid is None or not str(gid).isdigit():
            continue
        iso3 = iso3_of.get(int(gid))
        if not iso3 or iso3 == "ATA":  # Antarctica: no state, and its ring wraps the whole globe
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings = [ring(arcs, r) for poly in polys for r in poly]
        d = path_of(rings)
        if d:
            countries[actor_of.get(iso3, iso3)] = {"name": g["properties"].get("name", iso3), "d": d}
    doc = {
        "source": "Natural Earth 1:110m admin-0 countries (public domain) via the world-atlas npm package 2.0.2",
        "projection": "equirectangular, x = (lon + 180) / 360 * 1000, y = (90 - lat) / 180 * 500",
        "viewBox": f"0 0 {W:g} {H:g}",
        "countries": dict(sorted(countries.items())),
    }
    Path(out).write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(f"{len(countries)} countries -> {out} ({Path(out).stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:5])
