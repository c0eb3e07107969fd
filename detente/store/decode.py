"""A reader's declared decode step (:class:`detente.core.decode.Decode`) compiled to DuckDB SQL.

:func:`select` is the SELECT over one staged batch that the event writer validates and stages
(:mod:`detente.store.event_writer`); :func:`raw_text` rebuilds a rejected row's text from its fields. Both
are compiled once per spec.
"""

from __future__ import annotations

from functools import cache

from detente.core import decode as d

__all__ = ["literal", "raw_text", "select"]

_TYPES = {"str": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "float": "DOUBLE", "date": "DATE"}

# Columns every decode step gives (the event writer's staging input), with their DuckDB types.
STAGE_COLUMNS: dict[str, str] = {
    "line": "BIGINT",
    "reason": "VARCHAR",
    "raw": "VARCHAR",
    "row_key": "VARCHAR",
    "dedup_src": "VARCHAR",
    "source_event_id": "VARCHAR",
    "date": "DATE",
    "source_code": "VARCHAR",
    "target_code": "VARCHAR",
    "source_name": "VARCHAR",
    "target_name": "VARCHAR",
    "source_sector": "VARCHAR",
    "target_sector": "VARCHAR",
    "cameo_code": "VARCHAR",
    "goldstein": "DOUBLE",
    "fatalities": "INTEGER",
    "num_mentions": "INTEGER",
    "num_sources": "INTEGER",
    "num_articles": "INTEGER",
    "place": "VARCHAR",
    "country_code": "VARCHAR",
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "url": "VARCHAR",
    "evidence": "VARCHAR",
    "confidence": "DOUBLE",
}


def literal(v: str | float | bool) -> str:
    """A SQL literal.

    >>> literal("it's"), literal(2e9), literal(False)
    ("'it''s'", '2000000000.0', 'false')
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return "'" + v.replace("'", "''") + "'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Compiler:
    def __init__(self, spec: d.Decode) -> None:
        self.spec = spec

    def text(self, name: str) -> str:
        self.spec.field(name)  # a typo in a spec fails here, not as a SQL error
        if self.spec.lines is not None:
            return _q(name)  # decoded, blanked and NA-nulled once in the frame
        return f"nullif(trim({_q(name)}), '')" if self.spec.trim else f"nullif({_q(name)}, '')"

    def typed(self, name: str) -> str:
        return _q(name) if self.spec.field(name).kind == "str" else _q(f"{name}__v")

    def cast_of(self, name: str) -> str:
        """The typed value of a field, from its text."""
        kind, x = self.spec.field(name).kind, self.text(name)
        if kind == "int":
            return f"TRY_CAST({x} AS BIGINT)"
        if kind == "float":
            return f"TRY_CAST({x} AS DOUBLE)"
        if kind.startswith("date:"):
            return f"CAST(try_strptime({x}, {literal(kind[5:])}) AS DATE)"
        return x

    def expr(self, e: d.Expr | d.Cond) -> str:
        x = self.expr
        match e:
            case d.Text(name):
                return self.text(name)
            case d.Raw(name):
                return self.text(name) if self.spec.lines is not None else _q(name)
            case d.Typed(name):
                return self.typed(name)
            case d.Lit(value):
                return literal(value)
            case d.Null(t):
                return f"CAST(NULL AS {_TYPES[t]})"
            case d.Cast(a, t):
                return f"CAST({x(a)} AS {_TYPES[t]})"
            case d.TryCast(a, t):
                return f"TRY_CAST({x(a)} AS {_TYPES[t]})"
            case d.Coalesce(xs):
                return f"coalesce({', '.join(x(a) for a in xs)})"
            case d.Join(sep, parts, skip):
                items = [x(a) if skip else f"coalesce({x(a)}, '')" for a in parts]
                return f"concat_ws({literal(sep)}, {', '.join(items)})"
            case d.Concat(parts):
                return "(" + " || ".join(x(a) for a in parts) + ")"
            case d.Upper(a):
                return f"upper({x(a)})"
            case d.NullIfEmpty(a):
                return f"nullif({x(a)}, '')"
            case d.Left(a, n):
                return f"left({x(a)}, {int(n)})"
            case d.Md5(a):
                return f"md5({x(a)})"
            case d.Abs(a):
                return f"abs({x(a)})"
            case d.Round(a):
                return f"round({x(a)})"
            case d.When(c, then, otherwise):
                other = "" if otherwise is None else f" ELSE {x(otherwise)}"
                return f"CASE WHEN {x(c)} THEN {x(then)}{other} END"
            case d.ListMatch(a, rules, sep):
                return self.list_match(x(a), rules, sep)
            case d.IsNull(a):
                return f"({x(a)} IS NULL)"
            case d.NotNull(a):
                return f"({x(a)} IS NOT NULL)"
            case d.Cmp(a, op, b):
                return f"({x(a)} {op} {x(b)})"
            case d.Between(a, lo, hi):
                return f"({x(a)} BETWEEN {x(lo)} AND {x(hi)})"
            case d.Not(c):
                return f"(NOT {x(c)})"
            case d.And(cs):
                return "(" + " AND ".join(x(c) for c in cs) + ")"
            case d.Or(cs):
                return "(" + " OR ".join(x(c) for c in cs) + ")"
        raise TypeError(f"not a decode expression: {e!r}")

    @staticmethod
    def list_match(v: str, rules: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...], sep: str) -> str:
        parts = f"string_split({v}, {literal(sep)})"
        whens = []
        for code, names, patterns in rules:
            conds = [f"list_has_any({parts}, [{', '.join(literal(n) for n in names)}])"] if names else []
            conds += [f"len(list_filter({parts}, lambda x: x LIKE {literal(p)})) > 0" for p in patterns]
            whens.append(f"WHEN {' OR '.join(conds)} THEN {literal(code)}")
        return f"CASE WHEN {v} IS NULL THEN NULL {' '.join(whens)} END"

    def checks(self) -> str:
        out = []
        for c in self.spec.checks:
            reason = literal(c.message)
            if c.show is not None:
                reason += f" || coalesce(left({self.expr(c.show)}, 40), '')"
            out.append(f"WHEN {self.expr(c.when)} THEN {reason}")
        return "\n".join(out)

    def columns(self) -> str:
        given = dict(self.spec.columns)
        unknown = set(given) - set(STAGE_COLUMNS)
        if unknown:
            raise ValueError(f"not staging columns: {sorted(unknown)}")
        return ",\n".join(
            f"{self.expr(given[c]) if c in given else f'CAST(NULL AS {t})'} AS {c}"
            for c, t in list(STAGE_COLUMNS.items())[3:]
        )

    def records(self, rel: str) -> str:
        typed = [f"{self.cast_of(f.name)} AS {_q(f.name + '__v')}" for f in self.spec.fields if f.kind != "str"]
        return f"""
        WITH t AS (SELECT *{"".join(", " + t for t in typed)} FROM {rel})
        SELECT line,
            CASE
                WHEN reason IS NOT NULL THEN reason
                {self.checks()}
            END AS reason,
            raw,
            {self.columns()}
        FROM t
        """

    def lines(self, rel: str, fmt: d.Lines, utf8: bool = False) -> str:
        fields = self.spec.fields
        keep = sorted({f.index for f in fields} | {0, 1})
        # utf8: the reader checked the batch's fields are UTF-8 and gives them as text; else they are bytes
        text = [f"{f'c{f.index}' if utf8 else f'try(decode(c{f.index}))'} AS {_q(f.name + '__t')}" for f in fields]
        inner = ", ".join(["line", "reason AS pre", "raw AS pre_raw", "nfields", *(f"c{i}" for i in keep), *text])
        named, typed, checks = [], [], []
        last = {c - 1 for c in fmt.field_counts}  # only a line's last field can carry a CR
        for f in fields:
            n = f.name
            value = _q(n + "__t")
            if f.index in last:
                value = f"rtrim({value}, chr(13))"
            value = f"nullif({value}, '')"
            if fmt.na is not None:
                value = f"nullif({value}, {literal(fmt.na)})"
            named.append(f"{value} AS {_q(n)}")
            if f.kind != "str":
                typed.append(f"{self.cast_of(n)} AS {_q(n + '__v')}")
                label = "date" if f.kind.startswith("date:") else "number"
                checks.append(
                    f"WHEN {_q(n)} IS NOT NULL AND {_q(n + '__v')} IS NULL "
                    f"THEN {literal(f'bad {label} in {n}: ')} || left({_q(n)}, 40)"
                )
        bad_utf8 = (
            "false"
            if utf8
            else " OR ".join(f"{_q(f.name + '__t')} IS NULL" for f in fields if f.index < min(fmt.field_counts))
        )
        empty = "''" if utf8 else "''::BLOB"
        return f"""
        WITH d AS (SELECT {inner} FROM {rel}),
        t0 AS (SELECT *, {", ".join(named)} FROM d),
        t AS (SELECT *, {", ".join(typed) or "NULL AS _none"} FROM t0),
        r AS (
            SELECT *, CASE
                WHEN pre IS NOT NULL THEN pre
                WHEN c0 = {empty} AND c1 = {empty} THEN 'empty line'
                WHEN {bad_utf8} THEN 'not valid UTF-8'
                {chr(10).join(checks)}
                {self.checks()}
            END AS reason FROM t
        )
        SELECT line, reason, pre_raw AS raw,
            {self.columns()}
        FROM r
        """


@cache
def select(spec: d.Decode, rel: str, utf8: bool = False) -> str:
    """The SELECT over relation ``rel`` (one batch) giving the staging columns :data:`STAGE_COLUMNS`.

    ``utf8`` (delimited lines only): the batch's fields come as text the reader found valid UTF-8, not bytes,
    so they are not decoded (nor checked) again."""
    c = _Compiler(spec)
    return c.lines(rel, spec.lines, utf8) if spec.lines is not None else c.records(rel)


@cache
def raw_text(spec: d.Decode, rel: str) -> str | None:
    """A SELECT of (line, raw) rebuilding rejected rows' text from a batch, or None when the spec has no way."""
    if spec.raw is None:
        return None
    return f"SELECT line, {_Compiler(spec).expr(spec.raw)} AS raw FROM {rel}"
