"""The package's public surface, layering and error shape."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import detente
from detente.errors import DetenteError, InputError, NotFound

PKG = Path(detente.__file__).parent
ADAPTERS = ("detente.store", "detente.ingest", "detente.api", "detente.web", "detente.cli", "detente.ops")
ENGINES = ("duckdb", "fastapi", "typer", "rich", "sqlalchemy", "httpx", "uvicorn", "ibis")


def test_public_api_is_pinned() -> None:
    assert set(detente.__all__) == {"DetenteError", "Settings", "Store", "__version__"}


def test_core_imports_no_adapter() -> None:
    offenders = []
    for f in (PKG / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.startswith(ADAPTERS) or n.split(".")[0] in ENGINES:
                    offenders.append(f"{f.relative_to(PKG)}: {n}")
    assert not offenders, offenders


def test_error_line_and_shape() -> None:
    e = InputError("Bad date  '2020-13-01'.", hint="Use YYYY-MM-DD.")
    assert e.line() == "Bad date '2020-13-01'. Use YYYY-MM-DD."
    assert e.to_dict() == {
        "error": {
            "code": "invalid_input",
            "status": 422,
            "message": "Bad date '2020-13-01'.",
            "hint": "Use YYYY-MM-DD.",
        }
    }
    assert isinstance(NotFound("x"), LookupError)
    assert isinstance(e, ValueError) and isinstance(e, DetenteError)


# The store is the one boundary of the analytics data: outside detente/store no module imports the engine
# (duckdb, ibis), touches a connection (``._con``, private) or the Ibis backend (``.ibis``), calls ``.execute``/``.sql``
# or holds SQL text. ops/ keeps SQLAlchemy for the operational database (its sessions ``execute`` SQLAlchemy
# statements; its Alembic migrations and SQLite pragmas are the ops boundary), but reaches the analytics
# store only through the store's named queries and writers.
SQL_TEXT = re.compile(
    r"^\s*(SELECT\s|INSERT INTO|DELETE FROM|UPDATE \w+ SET|CREATE (OR REPLACE )?(TEMP |TEMPORARY )?(TABLE|VIEW)"
    r"|DROP (TABLE|VIEW)|ALTER TABLE|WITH \w+ AS|COPY |ATTACH |DESCRIBE |PRAGMA )"
)
ENGINE_ATTRS = {"con", "_con", "ibis"}
RUN_SQL = {"execute", "executemany", "sql", "fetchall", "fetchone", "to_pyarrow"}
OPS_DB = ("ops/migrations/", "ops/db.py")  # the operational database's own boundary (SQLAlchemy, Alembic)


def _boundary_offences(rel: str, tree: ast.AST) -> list[str]:
    out = []
    in_ops = rel.startswith("ops/")
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for n in names:
            if n.split(".")[0] in ("duckdb", "ibis"):
                out.append(f"{rel}:{node.lineno} imports {n}")
        if isinstance(node, ast.Attribute) and node.attr in ENGINE_ATTRS:
            out.append(f"{rel}:{node.lineno} uses .{node.attr}")
        call = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
        # an ops session executing a SQLAlchemy statement is the ops boundary
        if call in RUN_SQL and not (in_ops and call == "execute"):
            out.append(f"{rel}:{node.lineno} calls .{call}()")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            out.append(f"{rel}:{node.lineno} holds SQL {node.value[:40]!r}")
    return out


def test_store_is_the_one_boundary() -> None:
    offenders = []
    for f in sorted(PKG.rglob("*.py")):
        rel = f.relative_to(PKG).as_posix()
        if rel.startswith("store/") or rel.startswith(OPS_DB):
            continue
        offenders += _boundary_offences(rel, ast.parse(f.read_text(encoding="utf-8")))
    assert not offenders, "\n".join(offenders)


def test_the_boundary_check_catches_each_breach() -> None:
    src = (
        "import duckdb\nfrom ibis import _\n"
        "def f(store):\n    store.con.execute('SELECT 1')\n    store.ibis.table('events')\n"
        "    q = '''\n  DELETE FROM engagements'''\n    store.sql(q)\n"
    )
    found = _boundary_offences("measure/x.py", ast.parse(src))
    assert len(found) == 8, found
    assert _boundary_offences("ops/x.py", ast.parse("def f(s, q):\n    s.execute(q)\n")) == []
