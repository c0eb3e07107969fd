"""CLI: `detente code` — English text to events; `--evaluate GOLD` scores the coder against gold sentences."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.errors import ConfigError, InputError

if TYPE_CHECKING:
    from detente.core.coder import CodedEvent
    from detente.core.taxonomy import Taxonomy

__all__ = ["code"]


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.datetime.now(dt.UTC).date()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date {value!r} is not a date.", hint="Write it as YYYY-MM-DD.") from None
    if not 1800 <= day.year <= 2100:
        raise ConfigError(f"--date {value} is outside 1800–2100.", hint="Give the document's own date.")
    return day


@app.command("code", rich_help_panel="Observe")
def code(
    files: list[str] | None = typer.Argument(None, help="Text files to code, or - for standard input."),
    date: str | None = typer.Option(None, "--date", help="Document date YYYY-MM-DD (default: today, UTC)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    store: bool = typer.Option(False, "--store", help="Store the events (dataset 'coder') with provenance."),
    evaluate: Path | None = typer.Option(None, "--evaluate", help="Score the coder on a gold JSON-lines file."),
    model: bool | None = typer.Option(
        None, "--model/--no-model", help="Use the embedding fallback (default: when installed)."
    ),
    min_confidence: float = typer.Option(0.0, "--min-confidence", help="Drop events below this confidence."),
) -> None:
    """Code English text into military-diplomacy events: who did what to whom, when and where."""
    from detente import reference
    from detente.core.coder import to_record

    doc_date = _date(date)
    if evaluate is not None:
        from detente.coder import build_coder

        _evaluate(build_coder(model), evaluate, as_json)
        return
    if not files:
        raise InputError("Nothing to code.", hint="Name a text file, or - to read standard input.")
    if store and "-" in files:
        raise InputError(
            "--store needs a file: text from standard input has no provenance.",
            hint="Save the text to a file and code that.",
        )
    texts = [_read(f) for f in files]  # every input checked before any is coded or stored
    from detente.coder import build_coder

    coder = build_coder(model)
    tax = reference.taxonomy()
    docs: list[tuple[str, list[CodedEvent], dict[str, Any] | None]] = []
    for f, (what, text) in zip(files, texts, strict=True):
        events = [e for e in coder.code(text, doc_date) if e.confidence >= min_confidence]
        summary = None
        if store:
            from detente.coder.storage import store_events

            with state.store() as st:
                summary = store_events(st, Path(f), text, events)
        docs.append((what, events, summary))
    if as_json:
        rendered: list[dict[str, Any]] = []
        for what, events, summary in docs:
            d: dict[str, Any] = {"path": what, "events": [to_record(e, tax) for e in events]}
            if summary is not None:
                d["stored"] = summary
            rendered.append(d)
        out: dict[str, Any] = (
            {k: v for k, v in rendered[0].items() if k != "path"} if len(rendered) == 1 else {"documents": rendered}
        )
        out["model"] = coder.fallback is not None
        print_json(out)
        return
    for what, events, summary in docs:
        _table(what, events, tax)
        if summary is not None:
            err.print(
                f"stored {summary.get('stored')} events, {summary.get('duplicates')} duplicates "
                f"(dataset coder, file_id {summary.get('file_id')})"
            )


def _read(file: str) -> tuple[str, str]:
    """(what, text) of a file or of standard input, or one clear error."""
    from detente.coder import decode_text

    if file == "-":
        data, what = sys.stdin.buffer.read(), "standard input"
    else:
        from detente.ingest.base import check_readable

        path = check_readable(Path(file))
        data, what = path.read_bytes(), str(path)
    text = decode_text(data, what=what)
    if not text.strip():
        raise InputError(f"{what} is empty.", hint="Give the coder some English text.")
    return what, text


def _table(what: str, events: list[CodedEvent], tax: Taxonomy) -> None:
    from rich.table import Table

    table = Table(title=f"{len(events)} events coded from {what}")
    widths = {"date": 10, "source": 8, "cameo": 5, "plover": 9, "target": 7, "where": 5, "conf": 4}
    for col, width in widths.items():
        table.add_column(col, no_wrap=True, min_width=width)
    rest = console.width - sum(widths.values()) - 3 * (len(widths) + 1) - 1  # what the borders leave
    table.add_column("evidence", overflow="ellipsis", no_wrap=True, width=max(8, min(80, rest)))
    for e in events:
        src = f"{e.source}/{e.source_sector}" if e.source_sector else str(e.source)
        tgt = (f"{e.target}/{e.target_sector}" if e.target_sector else e.target) or "-"
        where = e.country or e.place or ""
        table.add_row(e.day.isoformat(), src, e.cameo, tax.plover(e.cameo)[0] or "", tgt, where,
                      f"{e.confidence:.2f}", e.evidence[:160])  # fmt: skip
    console.print(table)


def _evaluate(coder: object, path: Path, as_json: bool) -> None:
    from rich.table import Table

    from detente.coder.evaluation import load_gold, score
    from detente.core.coder import Coder

    assert isinstance(coder, Coder)
    gold = load_gold(path)
    splits = sorted({g.split for g in gold})
    reports = {"all": score(coder, gold)}
    if len(splits) > 1:
        for sp in splits:
            reports[sp] = score(coder, [g for g in gold if g.split == sp])
    if as_json:
        print_json({name: r.to_dict() for name, r in reports.items()} | {"model": coder.fallback is not None})
        return
    for name, rep in reports.items():
        table = Table(
            title=f"{path.name} [{name}]: {rep.sentences} sentences"
            f" ({'rules + model' if coder.fallback is not None else 'rules only'})"
        )
        for col in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
            table.add_column(col, justify="right" if col != "field" else "left")
        for field, s in rep.scores.items():
            table.add_row(
                field, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn)
            )
        console.print(table)
