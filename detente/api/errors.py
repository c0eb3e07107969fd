"""Every API error leaves in one JSON shape: {"error": {code, status, message, hint}}.

This module is the one place that maps errors to HTTP status codes.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import DetenteError

__all__ = ["error_body", "install"]


def error_body(status: int, code: str, message: str, hint: str | None = None) -> dict[str, object]:
    return {"error": {"code": code, "status": status, "message": message, "hint": hint}}


def install(app: FastAPI) -> None:
    @app.exception_handler(DetenteError)
    async def _detente(_: Request, exc: DetenteError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = f"{where}: {first.get('msg', 'invalid request')}" if where else str(first.get("msg", "invalid request"))
        return JSONResponse(error_body(422, "invalid_input", msg, "See the OpenAPI schema at /docs."), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        from detente.api.limits import HINT

        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden", 413: "too_large"}
        hint = HINT if exc.status_code == 413 else None
        return JSONResponse(
            error_body(exc.status_code, code.get(exc.status_code, "http"), str(exc.detail), hint),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            error_body(500, "internal", f"Internal error: {type(exc).__name__}.", "Report it with the request."),
            status_code=500,
        )
