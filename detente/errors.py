"""The one exception tree of detente.

Every error a user can meet is a :class:`DetenteError`. Its message is one line
that says what is wrong and how to fix it; the CLI prints that line and exits
non-zero, the API turns it into one JSON shape with the HTTP ``status`` below.

::

    DetenteError (status 500)
    ├── ConfigError (ValueError, 400)        bad setting, option or argument
    ├── NotFound (LookupError, 404)          unknown actor, event, run, record
    ├── InputError (ValueError, 422)         bad user input: a file, a payload
    │   └── IngestError                      a source file that cannot be read at all
    ├── Conflict (409)                       would duplicate or contradict stored state
    ├── AccessDenied (PermissionError, 403)  authenticated, but not allowed
    ├── Unauthorized (401)                   no or expired credentials
    │   └── TooManyAttempts (429)            a wait after repeated failed logins (from an address, on an account)
    ├── RateLimited (429)                    too many writes in a short time (per token and per party)
    ├── StoreError (500)                     the store cannot be opened or migrated
    ├── FetchError (502)                     a download failed after its retries
    ├── SimulationError (ValueError, 422)    a scenario or policy that cannot run
    └── ModelError (500)                     a forecast or coder model problem
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "ConfigError",
    "Conflict",
    "DetenteError",
    "FetchError",
    "IngestError",
    "InputError",
    "ModelError",
    "NotFound",
    "RateLimited",
    "SimulationError",
    "StoreError",
    "TooManyAttempts",
    "Unauthorized",
]


class DetenteError(Exception):
    """Root of every error detente raises on purpose."""

    status: int = 500
    code: str = "error"
    retry_after: int | None = None  # seconds: the API sends it as Retry-After (a 429)

    def __init__(self, message: str, *, hint: str | None = None, retry_after: int | None = None) -> None:
        self.message = " ".join(message.split())
        self.hint = " ".join(hint.split()) if hint else None
        self.retry_after = retry_after
        super().__init__(self.line())

    def line(self) -> str:
        """The one line shown to a user: what is wrong, then how to fix it."""
        return f"{self.message} {self.hint}" if self.hint else self.message

    def to_dict(self) -> dict[str, object]:
        """The canonical JSON error body used by the API."""
        return {"error": {"code": self.code, "status": self.status, "message": self.message, "hint": self.hint}}


class ConfigError(DetenteError, ValueError):
    status = 400
    code = "config"


class NotFound(DetenteError, LookupError):
    status = 404
    code = "not_found"


class InputError(DetenteError, ValueError):
    status = 422
    code = "invalid_input"


class IngestError(InputError):
    code = "ingest"


class Conflict(DetenteError):
    status = 409
    code = "conflict"


class AccessDenied(DetenteError, PermissionError):
    status = 403
    code = "forbidden"


class Unauthorized(DetenteError):
    status = 401
    code = "unauthorized"


class TooManyAttempts(Unauthorized):
    status = 429
    code = "too_many_attempts"


class RateLimited(DetenteError):
    status = 429
    code = "rate_limited"


class StoreError(DetenteError):
    status = 500
    code = "store"


class FetchError(DetenteError):
    status = 502
    code = "fetch"


class SimulationError(DetenteError, ValueError):
    status = 422
    code = "simulation"


class ModelError(DetenteError):
    status = 500
    code = "model"
