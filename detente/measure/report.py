"""What the faces show: a dyad's index series with trust and engagements, tension with one actor."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from detente.core.indices.weights import TENSION_WINDOW_DAYS, TRUST_HALF_LIFE_DAYS
from detente.errors import InputError, NotFound
from detente.store import derived
from detente.store.analytics.dyads import actor_known, dyad_engagement_list, tension_sums
from detente.store.analytics.index import check_resolution, dyad_index
from detente.store.analytics.trust import trust_at
from detente.store.resident import LIST_LIMIT, Resident
from detente.store.warehouse import Store

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: The trust stock's day 0 (:data:`detente.measure.trust.EPOCH`; repeated so that serving imports no pandas).
EPOCH = dt.date(1800, 1, 1)


def records(data: pa.Table | pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`detente.measure.frames.rows`, imported when an answer is computed by the engine (pandas)."""
    from detente.measure.frames import rows

    return rows(data)


__all__ = [
    "TRUST", "alert_list", "check_actor", "check_series_question", "dyad_engagements", "dyad_report", "event_search",
    "first_period", "kept_alert_list", "kept_event_search", "kept_tension", "tension", "trust_report",
]  # fmt: skip

#: The columns of a trust answer after its period (:func:`trust_report`).
TRUST = ("trust_input", "engagements", "trust")


def _resident(store: Store) -> Resident | None:
    """The derived tables in memory for the data this cursor reads (the server's cursors), else None."""
    return store.served.resident if store.served is not None else None


def check_actor(store: Store, actor: str) -> str:
    """Upper-cased actor id; NotFound if neither the reference nor any event knows it."""
    a = actor.strip().upper()
    if not a or len(a) > 12 or not all(c.isalnum() or c in "_-" for c in a):
        raise InputError(f"{actor!r} is not an actor id.", hint="Use an id such as USA, RUS or NATO.")
    r = _resident(store)
    if not (a in r.known if r is not None else actor_known(store, a)):
        raise NotFound(f"Unknown actor {a!r}.", hint="Use an id such as USA, RUS or NATO (GET /api/actors lists them).")
    return a


def _check_dyad(store: Store, a: str, b: str) -> tuple[str, str]:
    a, b = check_actor(store, a), check_actor(store, b)
    if a == b:
        raise InputError(f"A dyad needs two different actors, got {a} twice.", hint="Example: USA RUS.")
    return a, b


def dyad_engagements(store: Store, a: str, b: str, limit: int = 20) -> list[dict[str, Any]]:
    """Latest engagements linking the two actors (from the engagements importer's view)."""
    r = _resident(store)
    if r is not None and limit == LIST_LIMIT:
        return list(r.engagement_lists.get((min(a, b), max(a, b)), []))
    table = dyad_engagement_list(store, a, b, limit)
    return [] if table is None else records(table)


def kept_event_search(
    store: Store,
    a: str,
    b: str | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    directed: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]] | None:
    """:func:`event_search` when the page is among a dyad's events held whole in memory
    (:func:`detente.measure.resident.kept_page`: no engine at all); else None."""
    r = _resident(store)
    if r is None or b is None:
        return None
    from detente.measure import resident as fast
    from detente.store.records import records as rows_of

    kept = fast.kept_page(r, a, b, directed, since, until, limit, offset)
    return None if kept is None else rows_of(kept)


def event_search(
    store: Store,
    a: str,
    b: str | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    directed: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Events of the dyad a–b (a→b only when ``directed``), or of actor ``a`` with anyone (``b`` None), newest
    first: rows ``offset`` to ``offset + limit`` of :func:`detente.store.analytics.events.dyad_events`.

    On the server's cursors the resident tables say where the page lies: a dyad's first pages are held whole in
    memory (:func:`kept_event_search`); else the engine fetches only the rows of the page's days by row id
    (:func:`detente.measure.resident.event_page`); else the newest events lie on or after a day
    (:func:`detente.measure.resident.events_since`) and the scan skips every older row group."""
    from detente.store.analytics import events as queries
    from detente.store.records import records as rows_of

    kept = kept_event_search(store, a, b, since, until, directed=directed, limit=limit, offset=offset)
    if kept is not None:
        return kept
    scan_from = since
    r = _resident(store)
    if r is not None:
        from detente.measure import resident as fast

        if b is not None:  # a dyad: the page's rows by row id
            page = fast.event_page(r, a, b, directed, since, until, limit, offset)
            if page is not None and page.rows == 0:
                return []
            if page is not None:
                got = queries.dyad_events_at(
                    store, page.rowids, a, b, page.since, page.until, directed=directed, limit=page.limit,
                    offset=page.offset,
                )  # fmt: skip
                if got.num_rows == page.rows:  # else (never seen: row ids moved) the search below answers
                    return rows_of(got)
        scan_from = fast.events_since(r, a, b, directed, since, until, limit + offset)
        if scan_from == fast.NONE:
            return []
    got = queries.dyad_events(store, a, b, scan_from, until, directed=directed, limit=limit, offset=offset)
    return rows_of(got)


def dyad_report(
    store: Store,
    a: str,
    b: str,
    res: str = "day",
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    points: int | None = None,
    digits: int | None = None,
) -> dict[str, Any]:
    """Undirected index series with the trust stock, both directed series, and latest engagements.

    ``points``: keep the latest ``points`` periods only (what a chart can show); ``page`` then says where the
    previous page ends (``next_until``: pass it as ``until``), or is null when the series came back whole.
    ``digits``: round the series' floats to this many decimals (the API sends 4: what a chart shows)."""
    a, b = check_series_question(store, a, b, res, since, until)
    r = _resident(store)
    if r is not None:
        from detente.measure import resident as fast

        cols = fast.kept_series(r, a, b, res, until)
        first, page = first_period(cols, since, points)
        series = fast.series_records(cols, first, fast.SERIES, digits)
        out = {
            "dyad": [a, b],
            "res": res,
            "series": series,
            "directed": {
                f"{s}->{t}": fast.directed_series(r, s, t, res, first, until, digits) for s, t in ((a, b), (b, a))
            },
            "trust": series[-1]["trust"] if series else 0.0,
            "engagements": dyad_engagements(store, a, b),
        }
        if points is not None:
            out["page"] = page
        return out
    from detente.measure.trust import trust_series

    base = derived.base(store)
    tr = trust_series(store, res, a, b, until=until, base=base)
    if since is not None and not tr.empty:
        import pandas as pd

        tr = tr[pd.to_datetime(tr["period"]) >= pd.Timestamp(since)]
    series = records(tr.drop(columns=["a", "b"]))
    directed = {}
    for s, t in ((a, b), (b, a)):
        directed[f"{s}->{t}"] = records(
            dyad_index(
                store, res, directed=True, a=s, b=t, since=since, until=until, base=base,
                columns=("period", "cooperation", "conflict", "balance", "events"),
            )
        )  # fmt: skip
    out = {
        "dyad": [a, b],
        "res": res,
        "series": series,
        "directed": directed,
        "trust": series[-1]["trust"] if series else 0.0,
        "engagements": dyad_engagements(store, a, b),
    }
    if digits is not None:
        rounded = _rounded(series, digits)
        out["series"] = rounded
        out["directed"] = {k: _rounded(v, digits) for k, v in directed.items()}
        out["trust"] = rounded[-1]["trust"] if rounded else 0.0
    return out if points is None else page_series(out, points)


def check_series_question(
    store: Store, a: str, b: str, res: str, since: dt.date | None, until: dt.date | None
) -> tuple[str, str]:
    """The checks of a dyad series question (resolution, two known distinct actors, since before until); the
    actor ids upper-cased."""
    check_resolution(res)
    a, b = _check_dyad(store, a, b)
    if since and until and since > until:
        raise InputError("since is after until.", hint="Swap them.")
    return a, b


def first_period(cols: dict[str, Any], since: dt.date | None, points: int | None) -> tuple[Any, Any]:
    """The first period a page of a resident series shows, and the ``page`` answer (None: the series is whole)."""
    from detente.measure import resident as fast

    n = fast.count_from(cols, since)
    if points is None or n <= points:
        return since, None
    start = dt.date.fromisoformat(fast.iso_at(cols, -points))
    return start, {"points": points, "periods": n, "next_until": (start - dt.timedelta(days=1)).isoformat()}


def _rounded(rows: list[dict[str, Any]], digits: int) -> list[dict[str, Any]]:
    """Rows with their floats rounded to ``digits`` decimals (as the resident path rounds them)."""
    return [{k: round(v, digits) + 0.0 if isinstance(v, float) else v for k, v in row.items()} for row in rows]


def page_series(out: dict[str, Any], points: int, key: str = "series") -> dict[str, Any]:
    """Keep the latest ``points`` periods of a dyad report's ``key`` series (and of its directed series, if any:
    what a chart can show); ``page`` says where the previous page ends (``next_until``: pass it as ``until``), or
    null when the series came back whole."""
    series = out[key]
    out["page"] = None
    if len(series) > points:
        first = series[-points]["period"]
        out[key] = series[-points:]
        if "directed" in out:
            out["directed"] = {k: [r for r in v if r["period"] >= first] for k, v in out["directed"].items()}
        before = dt.date.fromisoformat(first) - dt.timedelta(days=1)
        out["page"] = {"points": points, "periods": len(series), "next_until": before.isoformat()}
    return out


def trust_report(
    store: Store,
    a: str,
    b: str,
    res: str = "day",
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    points: int | None = None,
    digits: int | None = None,
) -> dict[str, Any]:
    """The dyad's trust stock per period (with its input and engagements) up to ``until``, from ``since`` on.

    ``points`` and ``digits`` as for :func:`dyad_report`: at most the latest ``points`` periods, ``page`` saying
    where the previous page ends (``next_until``) or null when the series came back whole."""
    a, b = check_series_question(store, a, b, res, since, until)
    r = _resident(store)
    if r is not None:
        from detente.measure import resident as fast

        cols = fast.kept_series(r, a, b, res, until)
        first, page = first_period(cols, since, points)
        fast_out: dict[str, Any] = {
            "dyad": [a, b],
            "res": res,
            "trust": fast.series_records(cols, first, TRUST, digits),
        }
        if points is not None:
            fast_out["page"] = page
        return fast_out
    from detente.measure.trust import trust_series

    tr = trust_series(store, res, a, b, until=until, base=derived.base(store))
    if since is not None and not tr.empty:
        import pandas as pd

        tr = tr[pd.to_datetime(tr["period"]) >= pd.Timestamp(since)]
    rows = records(tr[["period", *TRUST]]) if not tr.empty else []
    if digits is not None:
        rows = _rounded(rows, digits)
    out: dict[str, Any] = {"dyad": [a, b], "res": res, "trust": rows}
    return out if points is None else page_series(out, points, "trust")


def kept_tension(store: Store, actor: str, on: dt.date | None = None) -> dict[str, Any] | None:
    """:func:`tension` from the resident tables alone (its default day too); None when they cannot tell."""
    r = _resident(store)
    if r is None or (on is None and actor.strip().upper() not in r.coverage):
        return None
    return tension(store, actor, on)


def tension(store: Store, actor: str, on: dt.date | None = None) -> dict[str, Any]:
    """Tension of every actor with ``actor`` over the TENSION_WINDOW_DAYS up to ``on``.

    ``on`` defaults to the actor's latest day of real coverage
    (:func:`detente.store.analytics.coverage.latest_covered_day`, returned as ``default_day``), not its last
    event, which may come from a tiny demo dataset.

    ``tension`` = conflict / (cooperation + conflict) in [0, 1] over the window; ``trust`` = the
    stock on ``on``. Actors with no event with ``actor`` in the window are left out.
    """
    from detente.store.analytics.coverage import latest_covered_day

    a = check_actor(store, actor)
    r = _resident(store)
    coverage = None
    if on is None:  # the latest day the real data covers, not a stray event of a tiny dataset
        coverage = r.coverage.get(a) if r is not None else None
        coverage = coverage or latest_covered_day(store, a)
        on = dt.date.fromisoformat(coverage["day"]) if coverage["day"] else dt.date.today()
    since = on - dt.timedelta(days=TENSION_WINDOW_DAYS) if on.toordinal() > TENSION_WINDOW_DAYS else dt.date.min
    if r is not None:
        from detente.measure import resident as fast

        rows = fast.tension_rows(r, a, since, on)
        trust = fast.trust_stocks(r, a, [x["actor"] for x in rows], on, TRUST_HALF_LIFE_DAYS)
    else:
        base = derived.base(store)
        rows = records(tension_sums(store, a, since, on, base))
        stocks = trust_at(store, a, on, TRUST_HALF_LIFE_DAYS, base)
        trust = dict(zip(stocks.column("actor").to_pylist(), stocks.column("trust").to_pylist(), strict=True))
    for row in rows:
        row["trust"] = round(trust.get(row["actor"], 0.0), 6)
    return {
        "actor": a,
        "on": on.isoformat(),
        "window_days": TENSION_WINDOW_DAYS,
        "epoch": EPOCH.isoformat(),
        "default_day": coverage,
        "tension": rows,
    }


def kept_alert_list(
    store: Store, res: str = "day", *, top: int | None = 20, since: dt.date | None = None, n_events: int = 5
) -> list[dict[str, Any]] | None:
    """:func:`alert_list` from what the resident tables' version keeps (the ranked alerts, a list from ``since`` on
    taken from the whole one, and each alert's triggering events as many as asked so far: any smaller question is a
    slice of them); else None."""
    r = _resident(store)
    if r is None:
        return None
    check_resolution(res)
    ranked: list[dict[str, Any]] | None = r.memo.get(("alerts", res, since))
    if ranked is None and since is not None and ("alerts", res, None) in r.memo:
        from detente.measure.ranking import since_list

        ranked = r.memo[("alerts", res, since)] = since_list(r.memo[("alerts", res, None)], since)
    if ranked is None:
        return None
    out = []
    for row in ranked if top is None else ranked[:top]:
        kept: tuple[int, list[Any]] | None = (
            r.memo.get(("triggering", row["a"], row["b"], row["period"], res)) if n_events else (0, [])
        )
        if kept is None or kept[0] < n_events:
            return None
        out.append({**row, "events_triggering": kept[1][:n_events]})
    return out


def alert_list(
    store: Store, res: str = "day", *, top: int | None = 20, since: dt.date | None = None, n_events: int = 5
) -> list[dict[str, Any]]:
    """Ranked alerts, each with the events that triggered it.

    On the server's cursors the whole ranked list and each alert's triggering events are kept per data version
    (:func:`kept_alert_list` answers from them)."""
    from detente.measure.alerts import alerts, triggering_events

    kept = kept_alert_list(store, res, top=top, since=since, n_events=n_events)
    if kept is not None:
        return kept
    r = _resident(store)
    if r is None:
        ranked = records(alerts(store, res, top=top, since=since))
    else:
        ranked = r.memo.get(("alerts", res, since)) or records(alerts(store, res, top=None, since=since))
        r.memo[("alerts", res, since)] = ranked
    out = []
    for row in ranked if top is None else ranked[:top]:
        key = ("triggering", row["a"], row["b"], row["period"], res)
        kept_events = r.memo.get(key) if r is not None else None
        if kept_events is None or kept_events[0] < n_events:
            period = dt.date.fromisoformat(row["period"])
            found = triggering_events(store, row["a"], row["b"], period, res, n_events) if n_events else []
            kept_events = (n_events, found)
            if r is not None:
                r.memo[key] = kept_events
        out.append({**row, "events_triggering": kept_events[1][:n_events]})
    return out
