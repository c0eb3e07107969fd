"""The `detente` command line (Typer + Rich). Rich and Typer are imported only here."""

from __future__ import annotations

import sys

from detente.errors import DetenteError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; every DetenteError becomes one line on stderr and exit code 1-2."""
    from detente.cli.app import app

    try:
        app(args=argv, standalone_mode=False)
    except DetenteError as e:
        print(f"error: {e.line()}", file=sys.stderr)
        raise SystemExit(2 if e.status in (400, 422) else 1) from None
    except KeyboardInterrupt:
        print("error: interrupted.", file=sys.stderr)
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as e:  # click usage errors and the like
        import click

        if isinstance(e, click.exceptions.Abort):
            raise SystemExit(1) from None
        if isinstance(e, click.ClickException):
            print(f"error: {e.format_message()} See `detente --help`.", file=sys.stderr)
            raise SystemExit(e.exit_code) from None
        raise
