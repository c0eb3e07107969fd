"""Named queries compiled once: an Ibis expression becomes DuckDB SQL with named parameters the first time a
query of that shape runs, and every later call only binds the values and executes.

Building and compiling an Ibis expression costs tens to hundreds of milliseconds of Python per query, whatever
the data size (issue 11: the fixed cost behind every slow answer); executing the compiled SQL costs what the
data costs. The expression stays the one definition (it still compiles to Spark or PostgreSQL); here it is
compiled with placeholder values, which are then swapped for DuckDB parameters (``$name``).

A query's *shape* is what changes its SQL: the options that select branches (resolution, which filters are
given) and the order of its string values (a builder may order two actor ids in Python). Values that only fill
a filter or a clause (actor ids, dates, a limit or an offset) are *binds*.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, ParamSpec

import pyarrow as pa

from detente.store.warehouse import Store

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["base_key", "compiled", "named", "run", "run_compiled"]

P = ParamSpec("P")

_CACHE: dict[Hashable, tuple[str, list[str], pa.Schema]] = {}
_LOCK = threading.Lock()


def _placeholders(binds: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], tuple[Any, ...]]:
    """Placeholder values for the binds, the SQL text each compiles to, and the shape they imply."""
    strings = sorted((v, k) for k, v in binds.items() if isinstance(v, str))
    fake: dict[str, Any] = {}
    text: dict[str, str] = {}
    for rank, (_, k) in enumerate(strings):
        fake[k] = f"__detente_p{rank:02d}_{k}__"  # sorts like the real values
        text[k] = f"'{fake[k]}'"
    day = 0
    for k, v in binds.items():
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            day += 1
            fake[k] = dt.date(1001, 1, day)
            text[k] = f"MAKE_DATE(1001, 1, {day})"
        elif isinstance(v, int) and not isinstance(v, bool):  # a limit or an offset
            day += 1
            fake[k] = 7_301_000_000 + day
            text[k] = str(fake[k])
        elif v is not None and k not in fake:
            raise TypeError(f"bind {k!r}: only strings, dates and integers are bound, got {type(v).__name__}")
    shape = tuple(sorted((k, v is None) for k, v in binds.items())) + tuple(k for _, k in strings)
    return fake, text, shape


def compiled(
    store: Store, key: Hashable, build: Callable[..., ir.Table], binds: dict[str, Any]
) -> tuple[str, list[str], pa.Schema]:
    """The SQL (with ``$name`` parameters), its parameter names and result schema for this shape."""
    import ibis

    fake, text, shape = _placeholders(binds)
    full_key = (key, shape)
    with _LOCK:
        hit = _CACHE.get(full_key)
    if hit is not None:
        return hit
    expr = build(store, **{k: fake.get(k) for k in binds})
    sql = str(ibis.to_sql(expr, dialect="duckdb"))
    names = []
    for k, t in text.items():
        if t in sql:
            sql = sql.replace(t, f"CAST(${k} AS DATE)" if t.startswith("MAKE_DATE") else f"${k}")
            names.append(k)
        elif isinstance(fake[k], int):
            raise RuntimeError(
                f"query {key!r}: the integer {k!r} was transformed before compiling; make it a shape option"
            )
    if "__detente_p" in sql or "MAKE_DATE(1001," in sql:
        raise RuntimeError(f"query {key!r}: a bound value was transformed before compiling; make it a shape option")
    out = (sql, names, expr.schema().to_pyarrow())
    with _LOCK:
        if len(_CACHE) > 4096:
            _CACHE.clear()
        _CACHE[full_key] = out
    return out


def run(store: Store, key: Hashable, build: Callable[..., ir.Table], **binds: Any) -> pa.Table:
    """The result of ``build(store, **binds)``; ``key`` names the query and every shape option of it.

    The store decides how (:meth:`Store.run_named`): the DuckDB store runs it as compiled SQL
    (:func:`run_compiled`); a lake store on Spark runs the expression as it is.
    """
    return store.run_named(key, build, binds)


def run_compiled(store: Store, key: Hashable, build: Callable[..., ir.Table], binds: dict[str, Any]) -> pa.Table:
    """Run ``build(store, **binds)`` as SQL compiled once per shape.

    SQL compiled for a store whose tables or views have since changed shape (a view redefined) fails to bind:
    it is compiled again for the store as it is, once.
    """
    import duckdb

    key = (store.path, key)
    for attempt in (0, 1):
        sql, names, schema = compiled(store, key, build, binds)
        try:
            table = store._con.sql(sql, params={k: binds[k] for k in names} or None).to_arrow_table()
            return table.cast(schema) if table.schema != schema else table
        except (duckdb.BinderException, duckdb.CatalogException, pa.ArrowInvalid, pa.ArrowNotImplementedError):
            if attempt:
                raise
            with _LOCK:
                for k in [k for k in _CACHE if isinstance(k, tuple) and k[0] == key]:
                    del _CACHE[k]
    raise AssertionError("unreachable")


def named(build: Callable[P, ir.Table]) -> Callable[P, pa.Table]:
    """The named query of an expression builder ``x_expr``: same signature, runs it, returns Arrow.

    ``x = named(x_expr)`` in place of a function repeating ``x_expr``'s whole signature.
    """

    def run_expr(*args: P.args, **kwargs: P.kwargs) -> pa.Table:
        out: pa.Table = build(*args, **kwargs).to_pyarrow()
        return out

    name = build.__name__.removesuffix("_expr")
    run_expr.__name__, run_expr.__qualname__ = name, name
    run_expr.__module__ = build.__module__
    run_expr.__doc__ = f":func:`{build.__name__}`, run (an Arrow table)."
    run_expr.__wrapped__ = build  # type: ignore[attr-defined]
    return run_expr


def base_key(base: ir.Table | None) -> tuple[str, ...] | None:
    """A shape key for an optional ``base`` table expression: the tables it reads."""
    if base is None:
        return None
    from ibis.expr import operations as ops

    return tuple(sorted({t.name for t in base.op().find(ops.DatabaseTable)}))
