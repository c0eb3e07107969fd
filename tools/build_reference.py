"""Rebuild the package's derived reference tables from the real codebooks in ../shared/data.

usage: python tools/build_reference.py [SHARED_DATA]

Writes detente/reference/data/cameo.csv (CAMEO codebook + CAMEO→PLOVER) and a
first draft of states.csv (COW state system × countrycode crosswalk). The draft
is then curated by hand (gaps and notes); see detente/reference/data/SOURCES.md.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "detente" / "reference" / "data"


def build_cameo(shared: Path) -> None:
    plover: dict[str, tuple[str, str, str]] = {}
    for raw in (shared / "codebooks" / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m or "," not in m.group(2):
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        parts += [""] * (3 - len(parts))
        plover[m.group(1)] = (parts[0], parts[1], parts[2])
    rows = []
    with open(shared / "codebooks" / "cameo-codes.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            p = plover.get(r["code"], ("", "", ""))
            rows.append([r["code"], r["name"].strip(), r["goldstein"], *p])
    with open(OUT / "cameo.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "goldstein", "plover_type", "plover_mode", "plover_context"])
        w.writerows(rows)


def build_states_draft(shared: Path) -> None:
    """Draft crosswalk: every COW state with its ISO3, GW and FIPS codes from countrycode."""
    import pandas as pd
    import pyreadr

    cl = next(iter(pyreadr.read_r(str(shared / "states" / "countrycode" / "codelist.rda")).values()))
    st = pd.read_csv(shared / "states" / "cow" / "states2016.csv")
    spans = st.groupby("ccode").agg(
        name=("statenme", "first"), cowc=("stateabb", "first"),
        sy=("styear", "min"), sm=("stmonth", "first"), sd=("stday", "first"),
        ey=("endyear", "max"), em=("endmonth", "last"), ed=("endday", "last"), n=("styear", "size"),
    )
    cl = cl[cl["cown"].notna()].drop_duplicates("cown").set_index("cown")
    out = []
    for ccode, r in spans.iterrows():
        c = cl.loc[ccode] if ccode in cl.index else None
        iso3 = c["iso3c"] if c is not None and isinstance(c["iso3c"], str) else ""
        gw = int(c["gwn"]) if c is not None and c["gwn"] == c["gwn"] else ""
        fips = c["fips"] if c is not None and isinstance(c["fips"], str) else ""
        end = "" if r.ey >= 2016 else f"{r.ey:04d}-{r.em:02d}-{r.ed:02d}"
        out.append({
            "id": iso3 or r.cowc, "name": r["name"], "cow": ccode, "cowc": r.cowc, "iso3": iso3,
            "cameo": iso3 or r.cowc, "gw": gw, "fips": fips,
            "start": f"{r.sy:04d}-{r.sm:02d}-{r.sd:02d}", "end": end,
            "note": "interrupted membership of the state system" if r.n > 1 else "",
        })
    pd.DataFrame(out).to_csv(OUT / "states.csv", index=False)


if __name__ == "__main__":
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    build_cameo(shared)
    if "--states-draft" in sys.argv:
        build_states_draft(shared)

