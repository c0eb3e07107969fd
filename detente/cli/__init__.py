"""The `detente` command line (Typer + Rich). Rich and Typer are imported only here."""

from __future__ import annotations

import sys

from detente.cli import streams
from detente.errors import DetenteError

__all__ = ["main", "run"]


def run(argv: list[str]) -> int:
    """Run one command; every DetenteError becomes one line on stderr. Returns the exit code.

    Where the command first needs the store and ``detente serve`` holds it, the whole command is sent to
    the server (:mod:`detente.cli.remote`), which runs this same function for it.
    """
    import typer

    from detente.cli.app import app

    try:
        rc = app(args=argv, standalone_mode=False)
    except streams.Forward as f:
        from detente.cli.remote import forward

        return forward(argv, f.url, f.token)
    except DetenteError as e:
        streams.err().write(f"error: {e.line()}\n")
        return 2 if e.status in (400, 422) else 1
    except KeyboardInterrupt:
        streams.err().write("error: interrupted.\n")
        return 130
    except typer.Abort:
        return 1
    except typer.Exit as e:
        return int(e.exit_code or 0)
    except typer.TyperException as e:  # usage errors: unknown option, missing argument, bad value
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        ctx = getattr(e, "ctx", None)  # the (sub)command the usage error is about
        where = " ".join(["detente", *ctx.command_path.split()[1:]]) if ctx is not None else "detente"
        streams.err().write(f"error: {message.rstrip('.')}. See `{where} --help`.\n")
        return int(getattr(e, "exit_code", 2))
    return rc if isinstance(rc, int) else 0


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and exit with its code (Ctrl-C while it is still starting: one line too)."""
    try:
        rc = run(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted.\n")
        rc = 130
    if rc:
        raise SystemExit(rc)
