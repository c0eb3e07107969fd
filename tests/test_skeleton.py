"""The package's public surface, layering and error shape."""

from __future__ import annotations

import ast
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
