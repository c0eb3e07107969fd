"""Readers of the peace-science panels behind early warning: COW MID, NMC, contiguity, state system and
major powers, ATOP alliance dyad-years, UCDP/PRIO ACD and UCDP onsets.

Each source is a :class:`PanelSpec` in the :data:`PANELS` registry: its store table, its columns with
their types and ranges, and the key that makes a row unique. :func:`ingest_panel` reads one file
(``.rda``/``.rds`` through pyreadr, ``.csv`` through pandas), types every value, puts rows it cannot
accept in ``quarantine`` with the line and the reason, folds repeated keys, and *replaces* the table
(so a second ingest of the same file adds nothing). Its :class:`IngestSummary` reconciles:
read = stored + duplicates + quarantined.

Producers: Correlates of War (MID 5.0, NMC, Direct Contiguity 3.2, State System 2016), ATOP 5.1
(Leeds et al.), UCDP/PRIO Armed Conflict Dataset and UCDP onsets; the ``.rda`` extracts are those of
the peacesciencer R package (Miller 2022).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detente.errors import IngestError
from detente.ingest.base import IngestSummary, check_readable, finish_file, register_file
from detente.ingest.cow import load_system
from detente.registry import Registry
from detente.store.panels import replace_panel
from detente.store.quarantine import add_quarantine
from detente.store.warehouse import Store

__all__ = ["PANELS", "Col", "PanelSpec", "ingest_panel", "ingest_shared", "read_frame"]

YEARS = (1800.0, 2100.0)
CCODES = (1.0, 999.0)


@dataclass(frozen=True)
class Col:
    """One source column: its name in the file, type, whether it may be missing, range and store name."""

    name: str
    kind: str = "int"  # int | float | str | date
    required: bool = True
    lo: float | None = None
    hi: float | None = None
    target: str | None = None

    @property
    def out(self) -> str:
        return self.target or self.name


def _year(name: str, **kw: Any) -> Col:
    return Col(name, "int", lo=YEARS[0], hi=YEARS[1], **kw)


def _cc(name: str, **kw: Any) -> Col:
    return Col(name, "int", lo=CCODES[0], hi=CCODES[1], **kw)


def _opt(*names: str) -> tuple[Col, ...]:
    return tuple(Col(n, required=False) for n in names)


@dataclass(frozen=True)
class PanelSpec:
    name: str
    table: str
    file: str  # path under the shared data folder
    cols: tuple[Col, ...]
    key: tuple[str, ...]
    description: str = ""
    #: The file's own reader elsewhere in ``ingest/``, when it has one (one reader per source file).
    reader: Callable[[Store, Path], IngestSummary] | None = None


PANELS: Registry[PanelSpec] = Registry("peace-science panel")


def _add(spec: PanelSpec) -> None:
    PANELS.add(spec.name, spec)


_add(
    PanelSpec(
        "cow_mid_disputes",
        "mid_disputes",
        "disputes/cow_mid_disps.rda",
        (
            Col("dispnum", lo=1),
            _year("styear"),
            *_opt("stmon", "outcome", "settle", "fatality", "mindur"),
            *_opt("maxdur", "hiact"),
            Col("hostlev", lo=1, hi=5),
            *_opt("recip"),
        ),
        ("dispnum",),
        "COW Militarized Interstate Disputes 5.0, one row per dispute",
    )
)
_add(
    PanelSpec(
        "cow_mid_dyads",
        "mid_dyad_years",
        "disputes/cow_mid_dirdisps.rda",
        (
            Col("dispnum", lo=1),
            _cc("ccode1"),
            _cc("ccode2"),
            _year("year"),
            Col("disponset", lo=0, hi=1),
            *_opt("sidea1", "hostlev1", "hostlev2", "fatality1", "orig1", "orig2"),
        ),
        ("dispnum", "ccode1", "ccode2", "year"),
        "COW MID 5.0 directed dispute dyad-years",
    )
)
_add(
    PanelSpec(
        "cow_nmc",
        "nmc",
        "disputes/cow_nmc.rda",
        (
            _cc("ccode"),
            _year("year"),
            *(Col(c, "float", required=False, lo=0) for c in ("milex", "milper", "irst", "pec", "tpop", "upop")),
            Col("cinc", "float", required=False, lo=0, hi=1),
        ),
        ("ccode", "year"),
        "COW National Material Capabilities (CINC)",
    )
)
_add(
    PanelSpec(
        "cow_contiguity",
        "contiguity",
        "disputes/cow_contdir.rda",
        (
            _cc("ccode1"),
            _cc("ccode2"),
            Col("conttype", lo=0, hi=5),
            Col("stdate", "date", target="start_date"),
            Col("enddate", "date", required=False, target="end_date"),
        ),
        ("ccode1", "ccode2", "start_date"),
        "COW Direct Contiguity 3.2",
    )
)
_add(
    PanelSpec(
        "cow_system",
        "state_years",
        "states/cow/system2016.csv",
        (),
        ("cow", "year"),
        "COW state system membership, state-years 2016 (read by the COW reference reader)",
        reader=load_system,
    )
)
_add(
    PanelSpec(
        "cow_majors",
        "cow_majors",
        "states/cow/majors2016.csv",
        (
            Col("stateabb", "str", required=False),
            _cc("ccode"),
            _year("styear", target="start_year"),
            _year("endyear", target="end_year"),
        ),
        ("ccode", "start_year"),
        "COW major powers 2016",
    )
)
_add(
    PanelSpec(
        "atop_dyad_years",
        "atop_dyad_years",
        "alliances/atop/atop_alliance_dyad_year.rda",
        (
            _cc("ccode1"),
            _cc("ccode2"),
            _year("year"),
            *(Col(f"atop_{c}", lo=0, hi=1, target=c) for c in ("defense", "offense", "neutral", "nonagg", "consul")),
        ),
        ("ccode1", "ccode2", "year"),
        "ATOP 5.1 alliance dyad-years",
    )
)
_add(
    PanelSpec(
        "ucdp_acd",
        "ucdp_conflict_years",
        "disputes/ucdp_acd.rda",
        (
            Col("conflict_id", lo=1),
            _year("year"),
            _cc("gwno_a"),
            _cc("gwno_a_2nd", required=False),
            _cc("gwno_b", required=False),
            _cc("gwno_b_2nd", required=False),
            Col("incompatibility", "str"),
            Col("intensity_level", lo=1, hi=2),
            Col("type_of_conflict", "str"),
            Col("start_date", "date"),
            Col("start_date2", "date", required=False),
            Col("ep_end", required=False, lo=0, hi=1),
            Col("ep_end_date", "date", required=False),
        ),
        ("conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"),
        "UCDP/PRIO Armed Conflict Dataset, conflict-years",
    )
)
_add(
    PanelSpec(
        "ucdp_onsets",
        "ucdp_onsets",
        "disputes/ucdp_onsets.rda",
        (
            _cc("gwcode"),
            _year("year"),
            *(Col(c, lo=0) for c in ("sumnewconf", "sumonset1", "sumonset2", "sumonset3", "sumonset5", "sumonset10")),
        ),
        ("gwcode", "year"),
        "UCDP conflict onsets per country-year",
    )
)

_add(
    PanelSpec(
        "cow_war_dyads",
        "war_dyad_years",
        "disputes/cow_war_inter.rda",
        (
            Col("warnum", lo=1),
            _cc("ccode1"),
            _cc("ccode2"),
            _year("year"),
            Col("cowinteronset", lo=0, hi=1),
            Col("batdeath1", "float", required=False),
            Col("batdeath2", "float", required=False),
        ),
        ("warnum", "ccode1", "ccode2", "year"),
        "COW inter-state war directed dyad-years",
    )
)
_add(
    PanelSpec(
        "cow_war_participants",
        "war_participants",
        "disputes/Inter-StateWarData_v4.0.csv",
        (
            Col("WarNum", lo=1, target="warnum"),
            _cc("ccode"),
            Col("Side", required=False, target="side"),
            _year("StartYear1", target="start_year"),
            Col("BatDeath", "float", required=False, target="batdeath"),
        ),
        ("warnum", "ccode", "side", "start_year"),
        "COW Inter-State War Data v4.0, one row per participant",
    )
)


def read_frame(path: Path) -> pd.DataFrame:
    """The one data frame in an .rda/.rds/.csv file, or one clear IngestError."""
    p = check_readable(path)
    suffix = p.suffix.lower()
    try:
        if suffix in (".rda", ".rdata", ".rds"):
            import pyreadr

            objs = pyreadr.read_r(str(p))
            frames = [v for v in objs.values() if isinstance(v, pd.DataFrame)]
            if not frames:
                raise IngestError(f"{p.name} holds no data frame.", hint="Pass the R data file of the panel.")
            df = frames[0]
        elif suffix == ".csv":
            df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=["", "NA"], encoding="utf-8")
        else:
            raise IngestError(f"{p.name}: unknown format {suffix!r}.", hint="Pass an .rda, .rds or .csv file.")
    except IngestError:
        raise
    except UnicodeDecodeError:
        raise IngestError(f"{p.name} is not UTF-8 text.", hint="Re-save it as UTF-8.") from None
    except Exception as e:  # pyreadr/librdata and pandas raise many types for corrupt files
        first = (str(e).splitlines() or [type(e).__name__])[0][:200]
        raise IngestError(
            f"Cannot read {p.name}: {first}.", hint="The file is truncated or corrupt; fetch it again."
        ) from None
    if df.empty:
        raise IngestError(f"{p.name} holds no rows.", hint="Pass the complete file.")
    return df


def _typed(df: pd.DataFrame, spec: PanelSpec, fname: str) -> tuple[pd.DataFrame, pd.Series]:
    """The store columns, typed, and per row the first reason it cannot be accepted ('' when it can)."""
    missing = [c.name for c in spec.cols if c.name not in df.columns]
    if missing:
        raise IngestError(
            f"{fname} lacks the columns {', '.join(missing)} of {spec.name}.",
            hint=f"Pass the {spec.description or spec.name} file.",
        )
    reason = pd.Series("", index=df.index, dtype=object)
    out: dict[str, pd.Series] = {}

    def flag(mask: pd.Series, why: str) -> None:
        m = mask & (reason == "")
        reason[m] = why

    for c in spec.cols:
        raw = df[c.name]
        present = raw.notna() & (raw.astype(str).str.strip() != "")
        if c.kind in ("int", "float"):
            val = pd.to_numeric(raw, errors="coerce").astype("float64")
            bad = present & val.isna()
            if present.any() and not (present & val.notna()).any():  # no value of it is a number
                raise IngestError(f"{fname}: column {c.name} is not numeric.", hint=f"Check the {spec.name} file.")
            flag(bad, f"{c.name}: not a number")
            finite = val.notna()
            flag(finite & ~np.isfinite(val.fillna(0.0)), f"{c.name}: not finite")
            if c.kind == "int":
                flag(finite & (val.fillna(0.0) % 1 != 0), f"{c.name}: not an integer")
            if c.lo is not None:
                flag(finite & (val < c.lo), f"{c.name}: below {c.lo:g}")
            if c.hi is not None:
                flag(finite & (val > c.hi), f"{c.name}: above {c.hi:g}")
            usable = finite & np.isfinite(val.fillna(0.0)) & (val.fillna(0.0) % 1 == 0)
            out[c.out] = val.where(usable).astype("Int64") if c.kind == "int" else val
        elif c.kind == "date":
            when = pd.to_datetime(raw.astype(str).where(present), errors="coerce", format="ISO8601")
            flag(present & when.isna(), f"{c.name}: not a date")
            out[c.out] = when.dt.date.astype(object).where(when.notna(), None)
        else:
            out[c.out] = raw.astype(str).where(present, None)
        if c.required:
            flag(~present, f"{c.name}: missing")
    return pd.DataFrame(out, index=df.index), reason


def ingest_panel(store: Store, path: Path, name: str) -> IngestSummary:
    """Read one panel file into its table (replacing what the table held); returns the reconciled summary."""
    spec = PANELS.get(name)
    if spec.reader is not None:
        return spec.reader(store, check_readable(path))
    t0 = time.perf_counter()
    p = check_readable(path)
    df = read_frame(p).reset_index(drop=True)
    typed, reason = _typed(df, spec, p.name)
    line = pd.Series(np.arange(1, len(df) + 1), index=df.index)
    ok = reason == ""
    good = typed[ok]
    dup = good.duplicated(list(spec.key), keep="first")
    keep = good[~dup].copy()
    keep["line"] = line[ok][~dup].to_numpy()
    with store.transaction():
        file_id = register_file(store, p, spec.name)
        keep.insert(len(keep.columns) - 1, "file_id", file_id)
        bad = df[~ok]
        n_q = add_quarantine(
            store,
            file_id,
            (
                (
                    int(line[i]),
                    str(reason[i]),
                    json.dumps({str(k): (None if pd.isna(v) else str(v)) for k, v in bad.loc[i].items()}),
                )
                for i in bad.index
            ),
        )
        replace_panel(store, spec.table, keep)
        s = IngestSummary(
            str(p), spec.name, file_id, read=len(df), stored=len(keep), duplicates=int(dup.sum()), quarantined=n_q
        )
        for r in reason[~ok]:
            k = str(r).split(":")[0]
            s.reasons[k] = s.reasons.get(k, 0) + 1
        s.seconds = round(time.perf_counter() - t0, 3)
        finish_file(store, s)
    return s


def ingest_shared(store: Store, data_dir: Path, names: list[str] | None = None) -> list[IngestSummary]:
    """Ingest every registered panel from the shared data folder (``../shared/data``)."""
    base = Path(data_dir).expanduser()
    if not base.is_dir():
        raise IngestError(f"No data folder at {base}.", hint="Set DETENTE_SHARED_DATA or pass --data.")
    return [ingest_panel(store, base / PANELS.get(n).file, n) for n in (names or PANELS.names())]
