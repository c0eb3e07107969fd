"""The `detente` command line (Typer + Rich). Rich and Typer are imported only here."""

from __future__ import annotations

import sys

from detente.errors import DetenteError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; every DetenteError becomes one line on stderr and a non-zero exit."""
    import typer

    from detente.cli.app import app

    try:
        rc = app(args=argv, standalone_mode=False)
    except DetenteError as e:
        print(f"error: {e.line()}", file=sys.stderr)
        raise SystemExit(2 if e.status in (400, 422) else 1) from None
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        raise SystemExit(130) from None
    except typer.Abort:
        raise SystemExit(1) from None
    except typer.TyperException as e:  # usage errors: unknown option, missing argument, bad value
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        print(f"error: {message} See `detente --help`.", file=sys.stderr)
        raise SystemExit(getattr(e, "exit_code", 2)) from None
    if isinstance(rc, int) and rc:
        raise SystemExit(rc)
