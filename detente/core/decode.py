"""How an event reader's raw fields become the store's staging columns, declared as data.

A reader says *what* to decode: its fields (:class:`Field`: a name, a kind, where it sits), the checks that
reject a row (:class:`Check`: the first that holds gives the row's quarantine reason), and the value of each
staging column as a small expression tree. The store compiles a :class:`Decode` to its engine's query
(:mod:`detente.store.decode`), so no reader holds engine text.

Field kinds: ``str``, ``int``, ``float`` or ``date:<strptime format>``. :class:`Text` is a field's text (NULL
when empty), :class:`Typed` its value of its kind (NULL when the text does not parse), :class:`Raw` the text
exactly as read (for messages and row keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Abs",
    "And",
    "Between",
    "Cast",
    "Check",
    "Cmp",
    "Coalesce",
    "Concat",
    "Decode",
    "Expr",
    "Field",
    "IsNull",
    "Join",
    "Left",
    "Lines",
    "ListMatch",
    "Lit",
    "Md5",
    "Not",
    "NotNull",
    "Null",
    "NullIfEmpty",
    "Or",
    "Raw",
    "Round",
    "Text",
    "TryCast",
    "Typed",
    "Upper",
    "When",
    "unparsed",
]

Type = Literal["str", "int", "bigint", "float", "date"]


@dataclass(frozen=True)
class Text:
    """A field's text, NULL when empty (and, for a :class:`Lines` format, when it is the format's NA token)."""

    name: str


@dataclass(frozen=True)
class Raw:
    """A field's text exactly as read (NULL when absent)."""

    name: str


@dataclass(frozen=True)
class Typed:
    """A field's value of its declared kind; NULL when empty or when its text does not parse."""

    name: str


@dataclass(frozen=True)
class Lit:
    value: str | int | float | bool


@dataclass(frozen=True)
class Null:
    type: Type


@dataclass(frozen=True)
class Cast:
    """``x`` converted to ``type``; an error when it cannot be (see :class:`TryCast`)."""

    x: Expr
    type: Type


@dataclass(frozen=True)
class TryCast:
    """``x`` converted to ``type``, NULL when it cannot be."""

    x: Expr
    type: Type


@dataclass(frozen=True)
class Coalesce:
    xs: tuple[Expr | Cond, ...]


@dataclass(frozen=True)
class Join:
    """The parts joined by ``sep``. ``skip_nulls``: NULL parts are left out; else they count as empty text."""

    sep: str
    parts: tuple[Expr, ...]
    skip_nulls: bool = False


@dataclass(frozen=True)
class Concat:
    """The parts end to end (NULL when any is NULL)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Upper:
    x: Expr


@dataclass(frozen=True)
class NullIfEmpty:
    x: Expr


@dataclass(frozen=True)
class Left:
    """The first ``n`` characters."""

    x: Expr
    n: int


@dataclass(frozen=True)
class Md5:
    """The hex MD5 of the text."""

    x: Expr


@dataclass(frozen=True)
class Abs:
    x: Expr


@dataclass(frozen=True)
class Round:
    x: Expr


@dataclass(frozen=True)
class When:
    """``then`` where ``cond`` holds, else ``otherwise`` (NULL when not given)."""

    cond: Cond
    then: Expr
    otherwise: Expr | None = None


@dataclass(frozen=True)
class ListMatch:
    """A ``sep``-separated list mapped to one code: the first rule whose names or ``%``-patterns an item
    matches gives its code; NULL when none does. Rules are ``(code, names, patterns)``."""

    x: Expr
    rules: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    sep: str = ","


@dataclass(frozen=True)
class IsNull:
    x: Expr


@dataclass(frozen=True)
class NotNull:
    x: Expr


@dataclass(frozen=True)
class Cmp:
    x: Expr
    op: Literal["=", "<>", "<", "<=", ">", ">="]
    y: Expr


@dataclass(frozen=True)
class Between:
    x: Expr
    low: Expr
    high: Expr


@dataclass(frozen=True)
class Not:
    c: Cond


@dataclass(frozen=True)
class And:
    cs: tuple[Cond, ...]


@dataclass(frozen=True)
class Or:
    cs: tuple[Cond, ...]


Expr = (
    Text | Raw | Typed | Lit | Null | Cast | TryCast | Coalesce | Join | Concat | Upper | NullIfEmpty | Left | Md5
    | Abs | Round | When | ListMatch
)  # fmt: skip
Cond = IsNull | NotNull | Cmp | Between | Not | And | Or | Coalesce


@dataclass(frozen=True)
class Field:
    """A raw field: its name, kind and, in a :class:`Lines` format, its column (0-based)."""

    name: str
    kind: str = "str"
    index: int = -1

    def __post_init__(self) -> None:
        if self.kind not in ("str", "int", "float") and not self.kind.startswith("date:"):
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Check:
    """Reject a row where ``when`` holds, with the reason ``message`` followed by ``show`` (first 40 chars)."""

    when: Cond
    message: str
    show: Expr | None = None


def unparsed(name: str, message: str) -> Check:
    """Reject a row whose field ``name`` has text that does not parse as its kind: ``message`` + the text."""
    return Check(And((NotNull(Text(name)), IsNull(Typed(name)))), message, Raw(name))


@dataclass(frozen=True)
class Lines:
    """Fields come as raw bytes from delimited lines of ``field_counts`` fields (GDELT, ICEWS).

    The store decodes them as UTF-8 and rejects, before the reader's checks: an empty line, a field that is
    not UTF-8, and a typed field whose text does not parse ("bad number in F: …", "bad date in F: …"). ``na``
    is a token the format writes for a missing value.
    """

    field_counts: tuple[int, ...]
    na: str | None = None


@dataclass(frozen=True)
class Decode:
    """One reader's decode step: fields, ordered checks, the staging columns, and the text of a bad row.

    ``columns`` maps staging columns to expressions (columns not named are NULL). ``trim``: a field's
    :class:`Text` is stripped of surrounding blanks. ``raw``: how to rebuild a rejected row's text from its
    fields, when the reader cannot read it back from the file. ``lines``: fields are raw bytes of delimited
    lines (:class:`Lines`), not text columns.
    """

    fields: tuple[Field, ...]
    columns: tuple[tuple[str, Expr], ...]
    checks: tuple[Check, ...] = ()
    raw: Expr | None = None
    trim: bool = False
    lines: Lines | None = None

    def key_fixes_date(self) -> bool:
        """Whether two rows with the same dedup key surely have the same ``date``: the key's text (``dedup_src``)
        starts with the text of the field ``date`` types, and the separator is not in that field's date format
        (so a valid date's text cannot hold it, and a key's first part is its date). The store then looks a
        file's keys up among the events on the file's days only, not among all it holds.

        >>> key = Join("|", (Text("day"), Text("who")))
        >>> d = Decode((Field("day", "date:%Y%m%d"), Field("who")), (("dedup_src", key), ("date", Typed("day"))))
        >>> d.key_fixes_date(), Decode(d.fields, (("dedup_src", Text("who")), ("date", Typed("day")))).key_fixes_date()
        (True, False)
        """
        cols = dict(self.columns)
        key, date = cols.get("dedup_src"), cols.get("date")
        if not isinstance(key, Join) or key.skip_nulls or not key.sep or not isinstance(date, Typed):
            return False
        if not key.parts or key.parts[0] != Text(date.name):
            return False
        kind = self.field(date.name).kind
        return kind.startswith("date:") and key.sep not in kind[5:]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)
