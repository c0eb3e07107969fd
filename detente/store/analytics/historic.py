"""What the historic dyad-year series (:mod:`detente.measure.historic`) and its validation
(:mod:`detente.measure.validation`) read, as Ibis expressions over the store's panels and engagements.

Inputs per undirected COW dyad (``c1 < c2``) and year: ATOP alliance dyad-years (``atop_dyad_years``), the
engagements (``engagement_dyads``, a copy recorded by a second dataset counted once) and COW MID dispute
dyad-years (``mid_dyad_years``), each weighted in :mod:`detente.core.indices.weights`.
"""

from __future__ import annotations

from typing import Final, Literal, cast

import ibis
import ibis.expr.types as ir

from detente.core.indices.weights import (
    ALLIANCE_WEIGHTS,
    ENGAGEMENT_DEFAULT_WEIGHT,
    ENGAGEMENT_WEIGHTS,
    MID_HOSTILITY_WEIGHTS,
)
from detente.errors import InputError
from detente.store import prepared
from detente.store.panels import panel_table
from detente.store.warehouse import Store

__all__ = [
    "DIRECT_DATASETS",
    "LAST_YEAR",
    "EngagementChoice",
    "engagement_choice",
    "historic_dense",
    "historic_dense_expr",
    "historic_inputs_expr",
    "matched_sample",
    "matched_sample_expr",
]

LAST_YEAR: Final = 2016
#: ``engagements="direct"``: only the two datasets the historic series first used (MME exercises, SIPRI arms).
DIRECT_DATASETS: Final = ("mme_v7", "sipri_arms_dyad_year")
#: Which engagements feed the series: every dataset, only :data:`DIRECT_DATASETS`, or none.
EngagementChoice = Literal["importers", "direct", "none"]

_COLS = ("alliance", "engagement", "dispute", "hostlev")


def engagement_choice(name: str) -> EngagementChoice:
    if name not in ("importers", "direct", "none"):
        raise InputError(f"Engagements {name!r} is not known.", hint="Use importers, direct or none.")
    return cast(EngagementChoice, name)


def _alliances(store: Store) -> ir.Table:
    t = store.ibis.table("atop_dyad_years")
    t = t.filter(t.ccode1 < t.ccode2)
    w = sum(
        (t[k.removeprefix("atop_")].fill_null(0) * v for k, v in ALLIANCE_WEIGHTS.items()),
        start=ibis.literal(0.0),
    )
    return t.group_by(c1=t.ccode1, c2=t.ccode2, year=t.year).aggregate(alliance=w.sum())


def _engagements(store: Store, choice: EngagementChoice) -> ir.Table | None:
    if choice == "none" or not store.has("engagement_dyads"):
        return None
    d = store.ibis.table("engagement_dyads")
    d = d.filter(d.duplicate_of.isnull())
    if choice == "direct":
        d = d.filter(d.dataset.isin(DIRECT_DATASETS))
    actors = store.ibis.table("actors").filter(lambda a: a.cow.notnull()).select("actor_id", "cow")
    x = actors.rename(x_id="actor_id", x_cow="cow")
    y = actors.rename(y_id="actor_id", y_cow="cow")
    j = d.join(x, d.a == x.x_id).join(y, d.b == y.y_id)
    j = j.filter(j.x_cow != j.y_cow)
    weight = j.kind.substitute(ENGAGEMENT_WEIGHTS, else_=ENGAGEMENT_DEFAULT_WEIGHT).cast("float64")
    # one engagement counts once per COW dyad (two actor ids can share a COW code: RUS/SUN)
    e = j.select(
        "engagement_id",
        c1=ibis.least(j.x_cow, j.y_cow).cast("int32"),
        c2=ibis.greatest(j.x_cow, j.y_cow).cast("int32"),
        year=j.start_date.year().cast("int32"),
        weight=weight,
    ).distinct()
    return e.group_by("c1", "c2", "year").aggregate(engagement=e.weight.sum())


def _disputes(store: Store) -> ir.Table:
    m = store.ibis.table("mid_dyad_years")
    level = ibis.greatest(m.hostlev1.fill_null(1), m.hostlev2.fill_null(1))
    per = m.group_by(
        "dispnum", c1=ibis.least(m.ccode1, m.ccode2), c2=ibis.greatest(m.ccode1, m.ccode2), year=m.year
    ).aggregate(hostlev=level.max())
    w = per.hostlev.substitute(MID_HOSTILITY_WEIGHTS, else_=0).cast("float64")
    return per.group_by("c1", "c2", "year").aggregate(dispute=w.sum(), hostlev=per.hostlev.max())


def historic_inputs_expr(store: Store, engagements: EngagementChoice = "importers") -> ir.Table:
    """Sparse inputs per dyad-year up to LAST_YEAR: c1, c2, year, alliance, engagement, dispute, hostlev."""
    parts = [_alliances(store), _disputes(store)]
    eng = _engagements(store, engagements)
    if eng is not None:
        parts.append(eng)
    keys = ("c1", "c2", "year")
    typed = {"alliance": "float64", "engagement": "float64", "dispute": "float64", "hostlev": "int64"}
    unified = [
        p.select(
            *(p[k].cast("int64").name(k) for k in keys),
            *(p[c].cast(dt).name(c) if c in p.columns else ibis.null(dt).name(c) for c, dt in typed.items()),
        )
        for p in parts
    ]
    u = ibis.union(*unified, distinct=False)
    u = u.filter(u.year <= LAST_YEAR)
    return u.group_by(*keys).aggregate(
        alliance=u.alliance.sum().fill_null(0.0),
        engagement=u.engagement.sum().fill_null(0.0),
        dispute=u.dispute.sum().fill_null(0.0),
        hostlev=u.hostlev.max().fill_null(0),
    )


def historic_dense_expr(store: Store, engagements: EngagementChoice = "importers") -> ir.Table:
    """:func:`historic_inputs_expr` with every year from the dyad's first input to LAST_YEAR (0 where none)."""
    s = historic_inputs_expr(store, engagements)
    span = s.group_by("c1", "c2").aggregate(y0=s.year.min())
    dense = span.select("c1", "c2", year=ibis.range(span.y0, LAST_YEAR + 1).unnest())
    j = dense.left_join(s, ["c1", "c2", "year"])
    return j.select(
        "c1",
        "c2",
        "year",
        *(j[c].fill_null(0).name(c) for c in _COLS),
    ).order_by(["c1", "c2", "year"])


historic_dense = prepared.named(historic_dense_expr)


def matched_sample_expr(store: Store, controls: int = 5, seed: int = 0, first_year: int = 1900) -> ir.Table:
    """Onset dyad-years and their matched controls: columns case, is_onset, c1, c2, year.

    Every undirected dyad-year with a new MID (``disponset = 1``) in ``first_year``..LAST_YEAR is a case; its
    controls are up to ``controls`` dyads of the state system in t-1 and t without an onset in t, in the same
    year, contiguity class in t-1 (land, sea, none) and number of major powers; the draw is a seeded, engine
    independent pseudo-random order (integer arithmetic, so DuckDB and Spark draw the same controls).
    """
    m = store.ibis.table("mid_dyad_years")
    m = m.filter((m.disponset == 1) & m.year.between(first_year, LAST_YEAR))
    onset = m.select(c1=ibis.least(m.ccode1, m.ccode2), c2=ibis.greatest(m.ccode1, m.ccode2), year=m.year).distinct()
    sys = panel_table(store, "cow_system_years").select("ccode", "year").distinct()
    nxt = sys.select(ccode="ccode", year=sys.year - 1)
    both = sys.semi_join(nxt, ["ccode", "year"])  # members in t-1 and t (keyed on t-1)
    y = both.rename(ccode_y="ccode", year_y="year")
    p = both.join(y, (both.year == y.year_y) & (both.ccode < y.ccode_y))
    pairs = p.select(c1=p.ccode, c2=p.ccode_y, year=p.year + 1)
    pairs = pairs.filter(pairs.year.between(first_year, LAST_YEAR))
    ct = store.ibis.table("contiguity")
    cont = ct.group_by(
        c1=ibis.least(ct.ccode1, ct.ccode2),
        c2=ibis.greatest(ct.ccode1, ct.ccode2),
        y0=ct.start_date.year(),
        y1=ct.end_date.year().fill_null(9999),
    ).aggregate(conttype=ct.conttype.min())
    cont = cont.rename(k1="c1", k2="c2")
    pc = pairs.left_join(
        cont, (pairs.c1 == cont.k1) & (pairs.c2 == cont.k2) & (pairs.year - 1 >= cont.y0) & (pairs.year - 1 <= cont.y1)
    )
    cls = pc.group_by("c1", "c2", "year").aggregate(ct=pc.conttype.min())
    cls = cls.mutate(cont=ibis.cases((cls.ct == 1, "land"), (cls.ct > 1, "sea"), else_="none")).drop("ct")
    maj = store.ibis.table("cow_majors")

    def majors(side: str) -> ir.Table:
        j = cls.join(maj, (cls[side] == maj.ccode) & (cls.year - 1 >= maj.start_year) & (cls.year - 1 <= maj.end_year))
        return j.group_by("c1", "c2", "year").aggregate(**{f"m_{side}": j.count()})

    strat = cls.left_join(majors("c1"), ["c1", "c2", "year"]).left_join(majors("c2"), ["c1", "c2", "year"])
    strat = strat.select("c1", "c2", "year", "cont", majors=strat.m_c1.fill_null(0) + strat.m_c2.fill_null(0))
    on = onset.mutate(is_onset=ibis.literal(True))
    lab = strat.left_join(on, ["c1", "c2", "year"]).select(
        "c1", "c2", "year", "cont", "majors", is_onset=ibis._.is_onset.fill_null(False)
    )
    strata = ["year", "cont", "majors"]
    cases = lab.filter(lab.is_onset)
    cases = cases.mutate(
        case_id=ibis.row_number().over(order_by=["year", "c1", "c2"]) + 1,
        k=ibis.row_number().over(group_by=strata, order_by=["c1", "c2"]) + 1,
    )
    pool = lab.filter(~lab.is_onset)
    c1, c2, yr = pool.c1.cast("int64"), pool.c2.cast("int64"), pool.year.cast("int64")
    x = ((c1 * 1009 + c2) * 10007 + yr * 31 + int(seed) % 2147483647) % 2147483647
    draw = (x * 48271 % 2147483647) * 48271 % 2147483647  # two MINSTD steps: a seeded order, no engine hash
    pool = pool.mutate(r=ibis.row_number().over(group_by=strata, order_by=[draw, pool.c1, pool.c2]) + 1)
    n = int(controls)
    pj = cases.join(
        pool,
        (pool.year == cases.year)
        & (pool.cont == cases.cont)
        & (pool.majors == cases.majors)
        & (pool.r > (cases.k - 1) * n)
        & (pool.r <= cases.k * n),
    )
    ctrl = pj.select(case=pj.case_id, is_onset=ibis.literal(False), c1=pj.c1_right, c2=pj.c2_right, year=pj.year)
    hits = cases.select(case=cases.case_id, is_onset=ibis.literal(True), c1="c1", c2="c2", year="year")
    out = ibis.union(hits, ctrl, distinct=False)
    return out.order_by([out.case, ibis.desc("is_onset"), "c1", "c2"])


matched_sample = prepared.named(matched_sample_expr)
