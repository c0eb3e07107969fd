"""CLI: `detente code` — English text to events; `--evaluate GOLD` scores the coder against gold sentences."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from detente.cli import streams
from detente.cli.app import app
from detente.cli.context import console, err, print_json, state
from detente.errors import ConfigError, InputError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from detente.core.coder import CodedEvent, DocumentResult, EventCoder
    from detente.core.taxonomy import Taxonomy

__all__ = ["FORMATS", "code"]

FORMATS = ("detente", "jsonl", "plover")  # `detente code --format`


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
    files: list[str] | None = typer.Argument(
        None, help="Text files, folders of .txt/.jsonl documents, JSON-lines corpora, or - for standard input."
    ),
    date: str | None = typer.Option(None, "--date", help="Document date YYYY-MM-DD (default: today, UTC)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    store: bool = typer.Option(False, "--store", help="Store the events (dataset 'coder') with provenance."),
    evaluate: Path | None = typer.Option(None, "--evaluate", help="Score the coder on a gold JSON-lines file."),
    model: bool | None = typer.Option(
        None, "--model/--no-model", help="Rules coder: use the embedding fallback (default: when installed)."
    ),
    parser: bool | None = typer.Option(
        None, "--parser/--rules", help="Use the dependency parser (default: when installed) or the rules only."
    ),
    dictionary: Path | None = typer.Option(
        None, "--dictionary", help="A user dictionary (JSON/YAML: actors, agents, verbs) added to the parser's."
    ),
    out_format: str = typer.Option(
        "detente",
        "--format",
        help="detente: a table, or detente's JSON with --json; jsonl: one JSON line per document; "
        "plover: one PLOVER/POLECAT-shaped JSON line per event.",
    ),
    output_format: str = typer.Option("detente", "--output-format", help="Records in --json: detente or plover."),
    workers: int = typer.Option(1, "--workers", min=1, max=8, help="Parser processes for a corpus (2 = both cores)."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", help="Drop events below this confidence."),
) -> None:
    """Code English text into events: who did what to whom, when and where (CAMEO, PLOVER, Goldstein)."""
    from detente import reference
    from detente.coder import make_coder, parser_status

    if output_format not in ("detente", "plover"):
        raise ConfigError(f"--output-format {output_format!r} is not known.", hint="Use detente or plover.")
    if out_format not in FORMATS:
        raise ConfigError(f"--format {out_format!r} is not known.", hint=f"Use one of: {', '.join(FORMATS)}.")
    if parser is False and dictionary is not None:
        raise ConfigError("--dictionary needs the parser.", hint="Drop --rules, or drop --dictionary.")
    doc_date = _date(date)
    coder = make_coder(
        parser=parser, model=model if parser is False or parser is None else False, dictionary=dictionary
    )
    warning = parser_status() if parser is None and coder.mode == "rules" else None
    if warning:
        err.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    if evaluate is not None:
        _evaluate(coder, evaluate, as_json)
        return
    if not files:
        raise InputError(
            "Nothing to code.", hint="Name a text file, a folder, a .jsonl corpus, or - for standard input."
        )
    if store and "-" in files:
        raise InputError(
            "--store needs a file: text from standard input has no provenance.",
            hint="Save the text to a file and code that.",
        )
    lines = out_format != "detente"  # JSON Lines: every input is a corpus of documents, coded one by one
    if lines or any(f != "-" and (Path(f).is_dir() or f.endswith((".jsonl", ".ndjson"))) for f in files):
        fmt = "plover-events" if out_format == "plover" else output_format
        _corpus(coder, files, doc_date, store=store, as_json=as_json or lines, fmt=fmt, workers=workers,
                min_confidence=min_confidence)  # fmt: skip
        return
    texts = [_read(f) for f in files]  # every input checked before any is coded or stored
    tax = reference.taxonomy()
    docs: list[tuple[str, DocumentResult, dict[str, Any] | None]] = []
    for f, (what, text) in zip(files, texts, strict=True):
        res = coder.code_document(text, doc_date)
        res.events = [e for e in res.events if e.confidence >= min_confidence]
        summary = None
        if store:
            from detente.coder.storage import store_events

            with state.store() as st:
                summary = store_events(st, Path(f), text, res.events)
        docs.append((what, res, summary))
    if as_json:
        rendered: list[dict[str, Any]] = []
        for n, (what, res, summary) in enumerate(docs):
            d: dict[str, Any] = {"path": what, "events": _records(res, tax, output_format, f"{n}")}
            d["unresolved"] = [u.__dict__ for u in res.unresolved]
            if summary is not None:
                d["stored"] = summary
            rendered.append(d)
        out: dict[str, Any] = (
            {k: v for k, v in rendered[0].items() if k != "path"} if len(rendered) == 1 else {"documents": rendered}
        )
        out["model"] = coder.fallback is not None
        out["coder"] = coder.mode
        if warning:
            out["warning"] = warning
        print_json(out)
        return
    for what, res, summary in docs:
        _table(what, res.events, tax)
        if res.unresolved:
            names = ", ".join(sorted({u.text for u in res.unresolved}))
            err.print(f"unresolved names (no actor code): {names}", markup=False, highlight=False)
        if summary is not None:
            err.print(
                f"stored {summary.get('stored')} events, {summary.get('duplicates')} duplicates "
                f"(dataset coder, file_id {summary.get('file_id')})"
            )


def _records(res: DocumentResult, tax: Taxonomy, fmt: str, doc: str) -> list[dict[str, Any]]:
    from detente.core.coder import to_plover, to_record

    if fmt == "plover":
        return [to_plover(e, tax, event_id=f"{doc}-{i}") for i, e in enumerate(res.events)]
    return [to_record(e, tax) for e in res.events]


def _documents(files: list[str], day: dt.date) -> Iterator[tuple[str, Path | None, str | None, dt.date, str | None]]:
    """(name, path, text, date, error) for every document of the arguments: .txt files, folders, .jsonl lines."""
    import json

    from detente.coder import decode_text

    for f in files:
        if f == "-":
            try:
                text = decode_text(sys.stdin.buffer.read(), what="standard input")
            except InputError as e:
                yield "standard input", None, None, day, str(e.args[0] if e.args else e)
                continue
            yield ("-", None, text, day, None) if text.strip() else ("-", None, None, day, "standard input is empty")
            continue
        p = Path(f)
        paths = sorted(q for q in p.rglob("*") if q.suffix in (".txt", ".jsonl", ".ndjson")) if p.is_dir() else [p]
        for q in paths:
            try:
                data = q.read_bytes()
                if q.suffix not in (".jsonl", ".ndjson"):
                    text = decode_text(data, what="the file")
                    yield (str(q), q, text, day, None) if text.strip() else (str(q), q, None, day, "the file is empty")
                    continue
                lines = decode_text(data, what="the file", limit=1 << 31).splitlines()
            except (OSError, InputError) as e:
                yield str(q), q, None, day, str(e.args[0] if e.args else e)
                continue
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                name = f"{q}:{n}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    yield name, q, None, day, f"not JSON ({e.msg})"
                    continue
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
                    yield name, q, None, day, "no 'text' (each line must be an object with a non-empty text)"
                    continue
                when = day
                if obj.get("date") is not None:
                    try:
                        when = dt.date.fromisoformat(str(obj["date"]))
                    except ValueError:
                        yield name, q, None, day, f"'date' {obj['date']!r} is not YYYY-MM-DD"
                        continue
                doc_id = obj.get("id")
                yield (f"{q}:{doc_id}" if doc_id is not None else name), q, obj["text"], when, None


def _corpus(
    coder: EventCoder,
    files: list[str],
    day: dt.date,
    *,
    store: bool,
    as_json: bool,
    fmt: str,
    workers: int,
    min_confidence: float,
) -> None:
    """Code a corpus: a progress bar, one error line per bad document, JSON lines or a summary table.

    ``fmt`` is the record shape (``detente`` or ``plover``, one JSON line per document) or ``plover-events``
    (one PLOVER/POLECAT-shaped JSON line per event, as ``--format plover`` asks).
    """
    import json

    from rich.progress import Progress

    from detente import reference

    tax = reference.taxonomy()
    docs = list(_documents(files, day))
    bad = [(name, error) for name, _, _, _, error in docs if error]
    for name, error in bad:
        err.print(f"error: {name}: {error}", markup=False, highlight=False, soft_wrap=True)
    good = [(name, path, text, when) for name, path, text, when, error in docs if not error and text is not None]
    counts = {"documents": len(good), "errors": len(bad), "events": 0, "stored": 0, "unresolved": 0}
    many = getattr(coder, "code_many", None)
    results: Iterator[DocumentResult] = (
        many(((t, w) for _, _, t, w in good), n_process=workers)
        if many is not None
        else (coder.code_document(t, w) for _, _, t, w in good)
    )
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("coding", total=len(good))
        for (name, path, text, _), res in zip(good, results, strict=True):
            res.events = [e for e in res.events if e.confidence >= min_confidence]
            counts["events"] += len(res.events)
            counts["unresolved"] += len(res.unresolved)
            if store and path is not None:
                from detente.coder.storage import store_events

                with state.store() as st:
                    counts["stored"] += int(store_events(st, path, text, res.events).get("stored") or 0)
            if fmt == "plover-events":
                for rec in _records(res, tax, "plover", name):
                    streams.out().write(json.dumps(rec, default=str) + "\n")
            elif as_json:
                line = {"document": name, "events": _records(res, tax, fmt, name)}
                line["unresolved"] = [u.__dict__ for u in res.unresolved]
                streams.out().write(json.dumps(line, default=str) + "\n")  # the client's, when the server runs it
            bar.advance(task)
    err.print(
        f"{counts['documents']} documents coded ({coder.mode}), {counts['events']} events, "
        f"{counts['unresolved']} unresolved names, {counts['errors']} bad documents"
        + (f", {counts['stored']} events stored" if store else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if bad:
        raise typer.Exit(1)


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


def _evaluate(coder: EventCoder, path: Path, as_json: bool) -> None:
    from rich.table import Table

    from detente.coder.evaluation import load_gold, score

    gold = load_gold(path)
    splits = sorted({g.split for g in gold})
    model = getattr(getattr(coder, "core", None), "model", None)
    seen = sum(model.seen(g.text) for g in gold) if model is not None else 0
    if seen:  # the root model learnt from these sentences: say the figures are no independent estimate
        err.print(
            f"warning: {seen} of {len(gold)} sentences were in the root model's training data: these figures are "
            "not an independent estimate (see the cross-validated figures in docs/coder.md).",
            soft_wrap=True, markup=False, highlight=False,
        )  # fmt: skip
    reports = {"all": score(coder, gold)}
    if len(splits) > 1:
        for sp in splits:
            reports[sp] = score(coder, [g for g in gold if g.split == sp])
    if as_json:
        print_json(
            {name: r.to_dict() for name, r in reports.items()}
            | {"model": coder.fallback is not None, "coder": coder.mode, "trained_on": seen}
        )
        return
    for name, rep in reports.items():
        how = "parser" if coder.mode == "parser" else ("rules + model" if coder.fallback is not None else "rules only")
        console.print(
            f"{path.name} [{name}]: {rep.sentences} sentences in {rep.documents} documents ({how}); "
            f"root accuracy {rep.root_accuracy:.3f}, root recall {rep.scores['root'].recall:.3f}, "
            f"no-event accuracy {rep.no_event_accuracy:.3f}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )
        table = Table(title=f"{path.name} [{name}]")
        for col in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
            table.add_column(col, justify="right" if col != "field" else "left")
        for field, s in rep.scores.items():
            table.add_row(
                field, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn)
            )
        console.print(table)
        roots = Table(title=f"{path.name} [{name}] per CAMEO root")
        for col in ("root", "root P", "root R", "root F1", "triple P", "triple R", "triple F1", "gold"):
            roots.add_column(col, justify="right")
        for r, d in sorted(rep.per_root.items()):
            rt, tr = d["root"], d["triple"]
            roots.add_row(f"{r:02d}", f"{rt.precision:.2f}", f"{rt.recall:.2f}", f"{rt.f1:.2f}",
                          f"{tr.precision:.2f}", f"{tr.recall:.2f}", f"{tr.f1:.2f}", str(rt.tp + rt.fn))  # fmt: skip
        console.print(roots)
