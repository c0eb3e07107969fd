"""Relations-index benchmark: detente (Ibis/DuckDB + vectorised NumPy) vs a straightforward pandas groupby.

usage: python -m benchmarks.bench_index [--csv /tmp/gdelt_1m.csv] [--db /tmp/bench_index.duckdb] [--reps 3]

Two workloads, each computed both ways in its own process (time = best of ``--reps``, peak memory =
VmHWM of that process, data loading not timed):

* **events** - the ~1M-row tiled GDELT 2.0 file (``python ../shared/tools/tile_gdelt.py
  ../shared/data/events/gdelt2/20191024143000.export.CSV 500 /tmp/gdelt_1m.csv``), ingested by
  ``detente.ingest.ingest_file`` (or, with ``--direct-load``, a bare ``read_csv``) into ``events``:
  the index (cooperation, conflict, counts, balance, conflict share) for every directed and
  undirected dyad at day, week, month and year resolution (8 tables), then
  the trust stock of every undirected dyad by week.
* **historic** - every dyad-year of the historic series (ATOP alliances, engagements, COW MIDs):
  inputs, dense years, balance and two trust stocks (:func:`detente.measure.historic.historic_series`).

The pandas side holds the events' columns in a DataFrame before the clock starts (so it is spared
the scan), filters them as the engine does, then does what one would write by hand:
``groupby(...).agg``, and the trust recursion as a loop per dyad. Both sides' results are checked against each other.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SAMPLE = SHARED / "data" / "events" / "gdelt2" / "20191024143000.export.CSV"
RES = ("day", "week", "month", "year")

# GDELT 2.0 export columns used: id, day, actor country codes, event code/root/quad, Goldstein,
# mentions, sources, articles, url. Loaded straight with read_csv (the benchmark is of the index).
LOAD_SQL = """
INSERT INTO events (event_id, dataset, source_event_id, date, source_actor, target_actor, cameo_code, cameo_root,
                    quad_class, goldstein, num_mentions, num_sources, num_articles, url, file_id, line, duplicates,
                    dedup_key)
SELECT row_number() OVER (), 'gdelt2', column00::VARCHAR, strptime(column01::VARCHAR, '%Y%m%d')::DATE,
       nullif(column07, ''), nullif(column17, ''), column26::VARCHAR, column28::INTEGER, column29::INTEGER,
       column30::DOUBLE, column31::INTEGER, column32::INTEGER, column33::INTEGER, column60, 1,
       row_number() OVER (), 0, column00::BIGINT
FROM read_csv(?, delim = '\t', header = false, all_varchar = true, quote = '', escape = '', columns = {cols})
"""


def _peak_mib() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it is not inherited through exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _best(fn: Any, reps: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


# ---------------------------------------------------------------------------------------------------
# detente
def engine_events(db: str, reps: int) -> dict[str, Any]:
    import pyarrow.compute as pc

    from detente.measure.trust import trust_series
    from detente.store import Store
    from detente.store.analytics.index import dyad_index, materialise_base

    s = Store.open(db, read_only=True, memory_limit="2GB")
    base = _peak_mib()

    def run() -> dict[str, float]:
        sums: dict[str, float] = {}
        cube = materialise_base(s)  # one scan of the events: directed daily sums
        for res in RES:
            for directed in (True, False):
                # the engine's result, materialised as an Arrow table (what the API serialises)
                tab = dyad_index(s, res, directed=directed, base=cube)
                conflict = float(pc.sum(tab["conflict"]).as_py() or 0.0)
                sums[f"{res}/{'dir' if directed else 'und'}"] = conflict + tab.num_rows
        tr = trust_series(s, "week", base=cube)
        sums["trust"] = float(tr["trust"].abs().sum())
        return sums

    secs, sums = _best(run, reps)
    return {"seconds": secs, "peak_mib": _peak_mib(), "base_mib": base, "check": sums}


def engine_historic(db: str, reps: int) -> dict[str, Any]:
    from detente.measure.historic import historic_series
    from detente.store import Store

    s = Store.open(db, read_only=True, memory_limit="2GB")
    base = _peak_mib()
    secs, df = _best(lambda: historic_series(s), reps)
    return {
        "seconds": secs,
        "peak_mib": _peak_mib(),
        "base_mib": base,
        "rows": len(df),
        "check": {"trust": float(df["trust"].abs().sum()), "rows": float(len(df))},
    }


# ---------------------------------------------------------------------------------------------------
# pandas, written the straightforward way
def _trust_loop(days: Any, x: Any, half_life: float) -> list[float]:
    out, prev, last = [], 0.0, None
    for d, v in zip(days, x, strict=True):
        prev = (prev * 2.0 ** (-(d - last) / half_life) if last is not None else 0.0) + v
        last = d
        out.append(prev)
    return out


def pandas_events(db: str, reps: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from detente.core.indices.weights import CONFLICT_TO_TRUST, COOPERATION_TO_TRUST, REPORT_CAP, TRUST_HALF_LIFE_DAYS
    from detente.store import Store

    with Store.open(db, read_only=True) as s:
        allev = s._con.execute("SELECT source_actor, target_actor, date, goldstein, num_sources FROM events").df()
    allev["date"] = pd.to_datetime(allev["date"])
    base = _peak_mib()
    ev = allev
    freq = {"day": None, "week": "W", "month": "M", "year": "Y"}

    def index(res: str, directed: bool) -> pd.DataFrame:
        df = ev.copy()
        n = df["num_sources"].fillna(1).clip(1, REPORT_CAP)
        df["w"] = df["goldstein"].fillna(0.0) * np.log2(1 + n)
        if not directed:
            sa, ta = df["source_actor"], df["target_actor"]
            swap = sa > ta
            df["source_actor"], df["target_actor"] = sa.where(~swap, ta), ta.where(~swap, sa)
        f = freq[res]
        df["period"] = df["date"] if f is None else df["date"].dt.to_period(f).dt.start_time
        df["coop"] = df["w"].where(df["w"] > 0, 0.0)
        df["conf"] = (-df["w"]).where(df["w"] < 0, 0.0)
        df["is_coop"], df["is_host"] = (df["w"] > 0).astype(int), (df["w"] < 0).astype(int)
        g = (
            df.groupby(["source_actor", "target_actor", "period"])
            .agg(
                cooperation=("coop", "sum"),
                conflict=("conf", "sum"),
                events=("w", "size"),
                cooperative_events=("is_coop", "sum"),
                hostile_events=("is_host", "sum"),
            )
            .reset_index()
        )
        g["balance"] = (g["cooperation"] - g["conflict"]) / (g["cooperation"] + g["conflict"] + 1e-9)
        g["conflict_share"] = g["conflict"] / (g["cooperation"] + g["conflict"] + 1e-9)
        return g

    def run() -> dict[str, float]:
        nonlocal ev
        # like the engine, start from every event and keep those between two different actors
        keep = allev["source_actor"].notna() & allev["target_actor"].notna()
        ev = allev[keep & (allev["source_actor"] != allev["target_actor"])]
        sums: dict[str, float] = {}
        for res in RES:
            for directed in (True, False):
                g = index(res, directed)
                sums[f"{res}/{'dir' if directed else 'und'}"] = float(g["conflict"].sum() + len(g))
        wk = index("week", False)
        wk["input"] = COOPERATION_TO_TRUST * wk["cooperation"] - CONFLICT_TO_TRUST * wk["conflict"]
        wk["day"] = (wk["period"] - pd.Timestamp("1800-01-01")).dt.days.astype(float)
        trust = []
        for _, grp in wk.sort_values(["source_actor", "target_actor", "period"]).groupby(
            ["source_actor", "target_actor"], sort=False
        ):
            trust.extend(_trust_loop(grp["day"].tolist(), grp["input"].tolist(), TRUST_HALF_LIFE_DAYS))
        sums["trust"] = float(np.abs(trust).sum())
        return sums

    secs, sums = _best(run, reps)
    return {"seconds": secs, "peak_mib": _peak_mib(), "base_mib": base, "check": sums}


def pandas_historic(db: str, reps: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from detente.core.indices.weights import (
        ALLIANCE_WEIGHTS,
        ENGAGEMENT_DEFAULT_WEIGHT,
        ENGAGEMENT_WEIGHTS,
        MID_HOSTILITY_WEIGHTS,
        TRUST_HALF_LIFE_DAYS,
    )
    from detente.measure.historic import LAST_YEAR, YEAR_DAYS
    from detente.store import Store

    with Store.open(db, read_only=True) as s:
        atop = s._con.execute("SELECT * FROM atop_dyad_years").df()
        mid = s._con.execute("SELECT * FROM mid_dyad_years").df()
        eng = s._con.execute(
            "SELECT DISTINCT d.engagement_id, d.kind, x.cow AS ca, y.cow AS cb, year(d.start_date) AS year "
            "FROM engagement_dyads d JOIN actors x ON x.actor_id = d.a JOIN actors y ON y.actor_id = d.b "
            "WHERE x.cow IS NOT NULL AND y.cow IS NOT NULL AND x.cow <> y.cow AND d.duplicate_of IS NULL"
        ).df()
    base = _peak_mib()

    def run() -> pd.DataFrame:
        al = atop[atop["ccode1"] < atop["ccode2"]].copy()
        al["alliance"] = sum(al[k.removeprefix("atop_")].fillna(0) * w for k, w in ALLIANCE_WEIGHTS.items())
        al = al.rename(columns={"ccode1": "c1", "ccode2": "c2"}).groupby(["c1", "c2", "year"])["alliance"].sum()
        e = eng.copy()
        e["c1"], e["c2"] = np.minimum(e["ca"], e["cb"]), np.maximum(e["ca"], e["cb"])
        e = e.drop_duplicates(["engagement_id", "c1", "c2", "year", "kind"])
        e["w"] = e["kind"].map(ENGAGEMENT_WEIGHTS).fillna(ENGAGEMENT_DEFAULT_WEIGHT)
        e = e.groupby(["c1", "c2", "year"])["w"].sum().rename("engagement")
        m = mid.copy()
        m["c1"], m["c2"] = np.minimum(m["ccode1"], m["ccode2"]), np.maximum(m["ccode1"], m["ccode2"])
        m["h"] = np.maximum(m["hostlev1"].fillna(1), m["hostlev2"].fillna(1))
        m = m.groupby(["dispnum", "c1", "c2", "year"])["h"].max().reset_index()
        m["dispute"] = m["h"].map(MID_HOSTILITY_WEIGHTS).fillna(0.0)
        m = m.groupby(["c1", "c2", "year"]).agg(dispute=("dispute", "sum"), hostlev=("h", "max"))
        allin = pd.concat([al, e, m], axis=1).fillna(0.0).reset_index()
        allin = allin[allin["year"] <= LAST_YEAR]
        rows = []
        for (c1, c2), g in allin.groupby(["c1", "c2"]):
            years = range(int(g["year"].min()), LAST_YEAR + 1)
            g = g.set_index("year").reindex(years, fill_value=0.0)
            coop = (g["alliance"] + g["engagement"]).tolist()
            conf = g["dispute"].tolist()
            days = [y * YEAR_DAYS for y in years]
            tr = _trust_loop(days, [c - k for c, k in zip(coop, conf, strict=True)], TRUST_HALF_LIFE_DAYS)
            tn = _trust_loop(days, coop, TRUST_HALF_LIFE_DAYS)
            rows.append(pd.DataFrame({"c1": c1, "c2": c2, "year": list(years), "trust": tr, "trust_no_mid": tn}))
        return pd.concat(rows, ignore_index=True)

    secs, df = _best(run, reps)
    return {
        "seconds": secs,
        "peak_mib": _peak_mib(),
        "base_mib": base,
        "rows": len(df),
        "check": {"trust": float(df["trust"].abs().sum()), "rows": float(len(df))},
    }


PARTS = {
    "engine_events": engine_events,
    "pandas_events": pandas_events,
    "engine_historic": engine_historic,
    "pandas_historic": pandas_historic,
}


# ---------------------------------------------------------------------------------------------------
def prepare(csv: Path, db: Path, data: Path, direct: bool = False) -> dict[str, Any]:
    from detente.ingest.engagements import load_all
    from detente.ingest.peace_science import ingest_shared
    from detente.store import Store
    from detente.store.reference import load_reference

    if not csv.exists():
        subprocess.run(
            [sys.executable, str(SHARED / "tools" / "tile_gdelt.py"), str(SAMPLE), "500", str(csv)], check=True
        )
    hist = _hist_db(db)
    for f in (db, hist):
        if f.exists():
            f.unlink()
    with Store.open(db, memory_limit="4GB") as s:  # events only: the trust stock is then events-only too
        load_reference(s)
        t = time.perf_counter()
        if direct:
            cols = "{" + ", ".join(f"'column{i:02d}': 'VARCHAR'" for i in range(61)) + "}"
            s._con.execute(LOAD_SQL.format(cols=cols), [str(csv)])
        else:
            from detente.ingest import ingest_file

            ingest_file(s, csv, "gdelt2")  # the real pipeline: actors resolved, repeats folded
        load_s = time.perf_counter() - t
        n_events = s.count("events")
    with Store.open(hist, memory_limit="4GB") as s:
        load_reference(s)
        ingest_shared(s, data, ["cow_mid_dyads", "atop_dyad_years"])
        load_all(s, data)
        return {"events": n_events, "load_seconds": round(load_s, 2), "engagements": s.count("engagements")}


def _hist_db(db: Path) -> Path:
    return db.with_name(db.stem + "_historic" + db.suffix)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=Path("/tmp/gdelt_1m.csv"))
    ap.add_argument("--db", type=Path, default=Path("/tmp/bench_index.duckdb"))
    ap.add_argument("--data", type=Path, default=SHARED / "data")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--part", choices=sorted(PARTS))
    ap.add_argument("--skip-prepare", action="store_true")
    ap.add_argument("--only", choices=["events", "historic"], help="run one workload")
    ap.add_argument("--direct-load", action="store_true", help="load the CSV with read_csv instead of ingest_file")
    a = ap.parse_args()
    if a.part:  # child process: one measurement, JSON on stdout
        print(json.dumps(PARTS[a.part](str(a.db), a.reps)))
        return
    info = {} if a.skip_prepare else prepare(a.csv, a.db, a.data, a.direct_load)
    out: dict[str, Any] = {"machine": f"{os.cpu_count()} cores, {platform.machine()}", "prepared": info}
    works = [a.only] if a.only else ["events", "historic"]
    for part in [p for p in PARTS if p.split("_")[1] in works]:
        db = a.db if part.endswith("events") else _hist_db(a.db)
        r = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_index", "--part", part, "--db", str(db), "--reps", str(a.reps)],
            check=True,
            capture_output=True,
            text=True,
        )
        out[part] = json.loads(r.stdout.strip().splitlines()[-1])
        print(part, {k: v for k, v in out[part].items() if k != "check"}, flush=True)
    for w in works:
        e, p = out[f"engine_{w}"], out[f"pandas_{w}"]
        for k, v in e["check"].items():
            pv = p["check"][k]
            if abs(v - pv) > 1e-6 * max(1.0, abs(v)):
                print(f"MISMATCH {w} {k}: engine {v} pandas {pv}")
        out[f"ratio_{w}"] = p["seconds"] / e["seconds"]
        print(
            f"{w}: detente {e['seconds']:.2f} s (peak {e['peak_mib']:.0f} MiB) vs pandas {p['seconds']:.2f} s "
            f"(peak {p['peak_mib']:.0f} MiB): {out[f'ratio_{w}']:.1f}x"
        )
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
