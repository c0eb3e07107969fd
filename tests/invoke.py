"""Run the CLI in-process as a user would and get its exit code, standard output and standard error."""

from __future__ import annotations

import pytest

from detente.cli import main


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
