"""Convert the OEDA/PETRARCH2 dictionaries into detente's coder dictionary format.

Usage: python tools/convert_petrarch.py [SOURCE_DIR] [OUT_DIR]
(defaults: ../shared/data/coder and detente/reference/data/coder/petrarch)

Writes compact JSON (gzip for the actors) that detente.coder.dictionary loads lazily:
  verbs.json     {"synsets": {...}, "verbs": {phrase: [block, own code]}, "blocks": [[name, code, [[code, before, after]...]]]}
  actors.json.gz {"rows": [[[phrase, ...], [[code, start, end], ...], person 0/1], ...]}   (dates ISO or null)
  agents.json    {"agents": [[phrase, code], ...]}
  discards.json  {"sentence": [...], "story": [...]}
and copies LICENSE.petrarch2. The readers are detente.core.coder.petrarch (pure, property-tested).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detente.core.coder.petrarch import read_actors, read_agents, read_discards, read_verbs  # noqa: E402

ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8", "replace").splitlines()


def convert(src: Path, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    synsets, blocks = read_verbs(_lines(src / "CAMEO.2.0.txt"))
    verbs: dict[str, list[object]] = {}
    packed_blocks = []
    for i, b in enumerate(blocks):
        packed_blocks.append([b.name, b.code, [[p.code, list(p.before), list(p.after)] for p in b.patterns]])
        for phrase, own in b.verbs.items():
            verbs.setdefault(phrase, [i, own])
    (out / "verbs.json").write_text(
        json.dumps({"synsets": {k: list(v) for k, v in synsets.items()}, "verbs": verbs, "blocks": packed_blocks},
                   separators=(",", ":"), sort_keys=True), encoding="utf-8")
    rows = []
    for name in ACTOR_FILES:
        for r in read_actors(_lines(src / name)):
            # a person: in the country or international files, with a role beyond a bare code (RUSGOV, IGOUNO 8201..)
            # (a country has a bare code among its roles: UKR; a person only sector roles: RUSGOV, RUSELI)
            person = ("MilNonState" not in name and all(len(x.code) > 3 for x in r.roles)
                      and ("Countries" in name or any(x.start or x.end for x in r.roles)))
            rows.append([list(r.phrases), [[x.code, x.start.isoformat() if x.start else None,
                                             x.end.isoformat() if x.end else None] for x in r.roles], int(person)])
    with gzip.open(out / "actors.json.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(json.dumps({"rows": rows}, separators=(",", ":")))
    agents = read_agents(_lines(src / "Phoenix.agents.txt"))
    (out / "agents.json").write_text(json.dumps({"agents": agents}, separators=(",", ":")), encoding="utf-8")
    sentence, story = read_discards(_lines(src / "Phoenix.discards.txt"))
    (out / "discards.json").write_text(json.dumps({"sentence": sentence, "story": story}, separators=(",", ":")),
                                       encoding="utf-8")
    shutil.copyfile(src / "LICENSE.petrarch2", out / "LICENSE.petrarch2")
    return {"verbs": len(verbs), "patterns": sum(len(b.patterns) for b in blocks), "actor_rows": len(rows),
            "agents": len(agents), "discards": len(sentence) + len(story)}


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".." / "shared" / "data" / "coder"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "detente" / "reference" / "data" / "coder" / "petrarch"
    print(json.dumps(convert(src, out)))
