"""API: the event coder. ``POST /api/code`` turns English text into events (nothing is stored)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from detente.api.deps import StoreDep
from detente.errors import ConfigError, InputError

__all__ = ["MAX_BODY", "MAX_TEXT", "CodeRequest", "TooLarge", "coded", "router"]

router = APIRouter(prefix="/api", tags=["coder"])

MAX_TEXT = 100_000  # characters of text per request
MAX_BODY = 4 * MAX_TEXT + 4096  # bytes of JSON (escapes can quadruple the text)


class TooLarge(InputError):
    status = 413
    code = "too_large"


class CodeRequest(BaseModel):
    text: str = Field(description=f"English text, at most {MAX_TEXT:,} characters.")
    date: dt.date | None = Field(None, description="Document date (default: today, UTC); dates resolve against it.")
    model: bool = Field(False, description="Rules coder: also use the embedding fallback (needs the [model] extra).")
    parser: bool | None = Field(
        None, description="Use the dependency parser (needs the [nlp] extra); null: when installed, else the rules."
    )
    output_format: Literal["detente", "plover"] = Field("detente", description="Event records: detente or plover.")
    min_confidence: float = Field(0.0, ge=0.0, le=1.0, description="Drop events below this confidence.")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(
            f"The request body is {int(declared):,} bytes; at most {MAX_BODY:,} are accepted.",
            hint=f"Send at most {MAX_TEXT:,} characters of text per request.",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(
                f"The request body exceeds {MAX_BODY:,} bytes.",
                hint=f"Send at most {MAX_TEXT:,} characters of text per request.",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(body: bytes) -> CodeRequest:
    if not body.strip():
        raise InputError("The request body is empty.", hint='Send JSON: {"text": "...", "date": "YYYY-MM-DD"}.')
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("The request body is not UTF-8.", hint="Send UTF-8 encoded JSON.") from None
    try:
        req = CodeRequest.model_validate_json(body)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise InputError(
            f"{where}: {first.get('msg', 'invalid')}.", hint='Send JSON: {"text": "...", "date": "YYYY-MM-DD"}.'
        ) from None
    if len(req.text) > MAX_TEXT:
        raise TooLarge(
            f"The text has {len(req.text):,} characters; at most {MAX_TEXT:,} are accepted.",
            hint="Split it into documents and code them one by one.",
        )
    if req.date is not None and not 1800 <= req.date.year <= 2100:
        raise InputError(f"date {req.date} is outside 1800–2100.", hint="Give the document's own date.")
    if "\x00" in req.text:
        raise InputError("The text contains NUL characters; it looks binary.", hint="Send English text.")
    return req


def _code(req: CodeRequest) -> dict[str, Any]:
    from detente import reference
    from detente.coder import make_coder, parser_status
    from detente.coder.embedding import available
    from detente.coder.nlp import available as parser_available
    from detente.core.coder import to_plover, to_record

    if req.model and not available():
        raise ConfigError(
            "The embedding model is not installed on this server.",
            hint="Ask for model=false, or install the [model] extra.",
        )
    if req.parser and not parser_available():
        raise ConfigError(
            "The parser is not installed on this server.", hint="Ask for parser=false, or install the [nlp] extra."
        )
    coder = make_coder(parser=False if req.model else req.parser, model=req.model)
    day = req.date or dt.datetime.now(dt.UTC).date()
    tax = reference.taxonomy()
    res = coder.code_document(req.text, day)
    kept = [e for e in res.events if e.confidence >= req.min_confidence]
    if req.output_format == "plover":
        events = [to_plover(e, tax, event_id=f"api-{i}") for i, e in enumerate(kept)]
    else:
        events = [to_record(e, tax) for e in kept]
    out: dict[str, Any] = {
        "date": day.isoformat(),
        "coder": coder.mode,
        "model": coder.fallback is not None,
        "count": len(events),
        "events": events,
        "unresolved": [{"text": u.text, "sentence": u.sentence, "role": u.role} for u in res.unresolved],
    }
    if req.parser is None and coder.mode == "rules" and not req.model:
        out["warning"] = parser_status()
    return out


@router.post(
    "/code",
    summary="Code English text into events",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": CodeRequest.model_json_schema()}}}
    },
    responses={413: {"description": "Text or body too large"}, 422: {"description": "Bad input"}},
)
async def code_text(request: Request) -> dict[str, Any]:
    """Who did what to whom, when and where, with each event's sentence and confidence."""
    req = _parse(await _body(request))
    return await run_in_threadpool(_code, req)


@router.get("/coded", summary="Events the text coder stored, with their evidence sentences")
def coded(
    store: StoreDep,
    actor: str | None = Query(None, max_length=20, description="Keep events this actor is the source or target of."),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    """Coded events, newest first (``detente code --store`` writes them)."""
    from detente.store.coded import coded_events
    from detente.store.records import records

    rows = records(coded_events(store, actor.strip().upper() if actor else None, limit=limit, offset=offset))
    return {"events": rows, "count": len(rows), "limit": limit, "offset": offset}
