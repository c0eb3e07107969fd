"""`detente ops rules ...`: rule sets, who verified which figure against which edition, office copies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from detente.cli.context import console, print_json
from detente.cli.ops import _date, _session, ops_app
from detente.errors import InputError

__all__ = ["rules_app"]

rules_app = typer.Typer(
    help="CBM rule sets: each figure's verification status, recording a check against the official text, "
    "loading an office's own checked copy and comparing it with the shipped one.",
    no_args_is_help=True,
)
ops_app.add_typer(rules_app, name="rules", rich_help_panel="CBM notifications")

STATUS_STYLE = {"verified": "green", "to_check": "yellow", "unverified": "red"}


@rules_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Rule sets (shipped and the office's own) with how many figures are verified, to check, unverified."""
    from detente.ops import rules

    with _session() as s:
        rows = [{"name": n, **rules.effective(s, n).status_counts()} for n in rules.names(s)]
    if as_json:
        print_json(rows)
        return
    table = Table(title="rule sets")
    for k in ("name", "verified", "to_check", "unverified"):
        table.add_column(k)
    for r in rows:
        table.add_row(*(str(r[k]) for k in ("name", "verified", "to_check", "unverified")))
    console.print(table)


@rules_app.command("show")
def show_cmd(
    name: str = typer.Argument("vienna_document_2011", help="Rule set"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Every figure of a rule set: paragraph, figures, status, why it is to be checked, who verified it."""
    from detente.ops import rules

    with _session() as s:
        rs = rules.effective(s, name)
        rows = rs.rule_rows()
    if as_json:
        print_json({"name": rs.name, "source": rs.source, "rules": rows})
        return
    table = Table(title=f"{rs.name}: {rs.source}")
    for k in ("rule", "¶", "figures", "status", "to check / verified by"):
        table.add_column(k, overflow="fold")
    for r in rows:
        figs = {k: v for k, v in r.items() if k in ("days", "deadline", "any_of", "over", "at_most") and v}
        v = r["verification"]
        who = f"{v['verified_by']}, {v['edition']}, {v['verified_on']}" if v else r["to_check"]
        st = r["status"]
        table.add_row(r["rule"], r["paragraph"], _figs(figs), f"[{STATUS_STYLE[st]}]{st}[/]", who)
    console.print(table)


def _figs(figs: dict[str, Any]) -> str:
    return "; ".join(
        f"{k}: " + (", ".join(f"{m} {n:,}" for m, n in v.items()) if isinstance(v, dict) else str(v))
        for k, v in figs.items()
    )


@rules_app.command("verify")
def verify_cmd(
    name: str = typer.Argument(..., help="Rule set, e.g. vienna_document_2011"),
    rule: list[str] = typer.Argument(None, help="Rule ids to record as checked (see `rules show`); none: all"),
    edition: str = typer.Option(..., "--edition", help='The document checked, e.g. "FSC.DOC/1/11, 30 Nov 2011, EN"'),
    by: str = typer.Option(..., "--by", help="Who checked it (name, office)"),
    on: str | None = typer.Option(None, "--on", help="Day of the check, YYYY-MM-DD (default: today)"),
    note: str = typer.Option("", "--note", help="What was compared, any remark"),
) -> None:
    """Record that figures were checked against an edition of the official text (operator)."""
    from detente.ops import rules

    day = _date(on, "on") if on else dt.date.today()
    with _session() as s:
        done = rules.verify(s, name, rule or [], edition=edition, verified_by=by, verified_on=day, note=note)
        counts = rules.effective(s, name).status_counts()
    print_json({"recorded": [v.to_dict() for v in done], "status": counts})


@rules_app.command("load")
def load_cmd(
    file: Path = typer.Argument(..., help="The office's checked copy (YAML, same format as the shipped one)"),
    name: str | None = typer.Option(None, "--name", help="Name to keep it under (default: the name in the file)"),
    by: str = typer.Option("", "--by", help="Who loaded it"),
) -> None:
    """Load an office's own checked copy of a rule set; notifications can then be checked against it."""
    from detente.ops import rules

    text = _read(file)
    with _session() as s:
        rs = rules.load_copy(s, text, name=name, loaded_by=by)
        print_json({"loaded": rs.name, "status": rules.effective(s, rs.name).status_counts()})


@rules_app.command("compare")
def compare_cmd(
    other: str = typer.Argument(..., help="A YAML file, or the name of a loaded rule set"),
    against: str = typer.Option("vienna_document_2011", "--against", help="Rule set to compare with"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Every figure, paragraph and status that differs between two rule sets; exits 1 when any differs."""
    from detente.ops import rules
    from detente.ops.rulesets import load_yaml

    with _session() as s:
        theirs = load_yaml(_read(Path(other))) if other.endswith((".yaml", ".yml")) else rules.effective(s, other)
        diffs = [d.to_dict() for d in rules.compare_with(s, theirs, against)]
    if as_json:
        print_json({"ours": against, "theirs": theirs.name, "differences": diffs})
    elif not diffs:
        console.print(f"{theirs.name} and {against} agree on every figure, paragraph and status.")
    else:
        table = Table(title=f"{against} (ours) vs {theirs.name} (theirs)")
        for k in ("rule", "field", "ours", "theirs"):
            table.add_column(k, overflow="fold")
        for d in diffs:
            table.add_row(d["rule"], d["field"], str(d["ours"]), str(d["theirs"]))
        console.print(table)
    if diffs:
        raise typer.Exit(1)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"Cannot read {file}: {e}", hint="Pass a readable UTF-8 YAML file.") from None
