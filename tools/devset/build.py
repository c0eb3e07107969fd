"""Build the coder's development and hold-out gold sets from their authoring sources.

The sources (``tools/devset/devset.txt``, ``tools/devset/holdout.txt``) are plain text written by
detente's developers: one document per ``== <doc> <YYYY-MM-DD>`` header, one sentence per line, and
under a sentence its events (``  > SOURCE TARGET CODE``) and hard-case tags (``  @ passive neg ...``).
An actor is ``CODE``, ``CODE/AGENT`` or ``CODE/AGENT=Name_with_underscores``; ``-`` is no target.

    python tools/devset/build.py            # writes detente/reference/data/coder/{devset,holdout}.jsonl
    python tools/devset/build.py --table    # also prints the coverage table (Markdown)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = REPO / "detente" / "reference" / "data" / "coder"
SETS = {"devset": ("devset.txt", "ds", "dev"), "holdout": ("holdout.txt", "ho", "holdout")}
TAGS = ("passive", "neg", "modal", "compound", "reported", "coref")
ROOTS = {
    "01": "statement", "02": "appeal", "03": "intend", "04": "consult", "05": "diplomatic_cooperation",
    "06": "material_cooperation", "07": "aid", "08": "yield", "09": "investigate", "10": "demand",
    "11": "disapprove", "12": "reject", "13": "threaten", "14": "protest", "15": "posture",
    "16": "reduce_relations", "17": "coerce", "18": "assault", "19": "fight", "20": "mass_violence",
}  # fmt: skip
ACTOR = re.compile(r"^(?P<code>[A-Z]{3,12})(?:/(?P<agent>[A-Z]{3}))?(?:=(?P<name>\S+))?$")
DOC = re.compile(r"^== (?P<doc>[a-z]\d{3}) (?P<date>\d{4}-\d{2}-\d{2})$")


def _codes() -> set[str]:
    path = REPO.parent / "shared" / "data" / "codebooks" / "cameo-codes.csv"
    if not path.exists():
        path = Path("/work/shared/data/codebooks/cameo-codes.csv")
    with path.open(encoding="utf-8") as f:
        return {row["code"] for row in csv.DictReader(f)}


def _actor(tok: str, where: str) -> dict[str, str | None]:
    if tok == "-":
        return {"code": None, "agent": None, "name": None}
    m = ACTOR.match(tok)
    if not m:
        sys.exit(f"{where}: bad actor {tok!r}")
    name = m["name"].replace("_", " ") if m["name"] else None
    return {"code": m["code"], "agent": m["agent"], "name": name}


def parse(path: Path, prefix: str, split: str, codes: set[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    doc = date = None
    n = 0
    for ln, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{ln}"
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            m = DOC.match(line)
            if not m:
                sys.exit(f"{where}: bad document header {line!r}")
            doc, date, n = m["doc"], m["date"], 0
            continue
        if line.startswith("  >"):
            parts = line[3:].split()
            if len(parts) != 3:
                sys.exit(f"{where}: an event is SOURCE TARGET CODE, got {line!r}")
            s, t, code = _actor(parts[0], where), _actor(parts[1], where), parts[2]
            if code not in codes:
                sys.exit(f"{where}: {code!r} is not in the CAMEO code list")
            ev: dict[str, str | None] = {"source": s["code"], "source_agent": s["agent"]}
            if s["name"]:
                ev["source_name"] = s["name"]
            ev |= {"target": t["code"], "target_agent": t["agent"]}
            if t["name"]:
                ev["target_name"] = t["name"]
            ev["cameo"] = code
            rows[-1]["events"].append(ev)  # type: ignore[attr-defined]
            continue
        if line.startswith("  @"):
            tags = line[3:].split()
            bad = [t for t in tags if t not in TAGS]
            if bad:
                sys.exit(f"{where}: unknown tags {bad}")
            rows[-1]["hard"] = sorted(set(rows[-1].get("hard", [])) | set(tags))  # type: ignore[arg-type]
            continue
        if line.startswith(" "):
            sys.exit(f"{where}: indented line is neither an event nor tags")
        if doc is None:
            sys.exit(f"{where}: sentence before any document header")
        n += 1
        rows.append(
            {"id": "", "doc": doc, "n": n, "split": split, "kind": "", "date": date, "text": line, "events": []}
        )
    for i, row in enumerate(rows, 1):
        row["id"] = f"{prefix}-{i:04d}"
        evs = row["events"]
        row["kind"] = ROOTS[evs[0]["cameo"][:2]] if evs else "none"  # type: ignore[index]
        row.setdefault("hard", [])
    return rows


def table(rows: list[dict[str, object]]) -> str:
    by_root: Counter[str] = Counter()
    events: Counter[str] = Counter()
    for row in rows:
        roots = {e["cameo"][:2] for e in row["events"]}  # type: ignore[attr-defined]
        by_root.update(roots)
        events.update(e["cameo"][:2] for e in row["events"])  # type: ignore[attr-defined]
    docs = len({row["doc"] for row in rows})
    out = [f"{len(rows)} sentences in {docs} documents, {sum(events.values())} events.", ""]
    out += ["| root | name | sentences | events |", "|---|---|---:|---:|"]
    for r, name in ROOTS.items():
        out.append(f"| {r} | {name} | {by_root[r]} | {events[r]} |")
    none = sum(1 for row in rows if not row["events"])
    multi = sum(1 for row in rows if len(row["events"]) > 1)  # type: ignore[arg-type]
    out += ["", "| case | sentences |", "|---|---:|", f"| no event | {none} |", f"| several events | {multi} |"]
    for tag in TAGS:
        out.append(f"| {tag} | {sum(1 for row in rows if tag in row['hard'])} |")  # type: ignore[operator]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--table", action="store_true", help="print the coverage table of each set")
    args = ap.parse_args()
    codes = _codes()
    for name, (src, prefix, split) in SETS.items():
        path = HERE / src
        if not path.exists():
            continue
        rows = parse(path, prefix, split, codes)
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        if args.table:
            print(f"## {name}\n\n{table(rows)}\n")


if __name__ == "__main__":
    main()
