"""Load the packaged reference facts (actors, codes, memberships, CAMEO) into the store."""

from __future__ import annotations

from typing import Any

import pandas as pd

from detente import reference
from detente.core.actors import normalise_name
from detente.errors import ConfigError
from detente.store.warehouse import Store

__all__ = ["REFERENCE_SOURCE_TABLES", "load_reference", "replace_dataset_rows"]

#: The tables the reference readers (COW, ATOP) fill, one snapshot per dataset: :func:`replace_dataset_rows`.
REFERENCE_SOURCE_TABLES = frozenset({"state_system", "state_years", "alliances", "alliance_members"})


def load_reference(store: Store) -> dict[str, int]:
    """Replace the reference tables with the packaged ones; returns row counts."""
    states = reference.states()
    orgs = reference.organisations()
    actors = pd.DataFrame(
        [
            {
                "actor_id": s.id,
                "kind": "state",
                "name": s.name,
                "cow": s.cow,
                "iso3": s.iso3,
                "cameo": s.cameo,
                "gw": s.gw,
                "start": s.start,
                "end": s.end,
            }
            for s in states
        ]
        + [
            {
                "actor_id": o.id,
                "kind": "organisation",
                "name": o.name,
                "cow": None,
                "iso3": None,
                "cameo": o.cameo,
                "gw": None,
                "start": o.founded,
                "end": None,
            }
            for o in orgs
        ]
    ).drop_duplicates("actor_id", keep="last")
    codes: list[tuple[str, str, str]] = []
    for r in reference.read_rows("states.csv"):
        for system in ("id", "iso3", "cameo", "fips"):
            if r.get(system):
                codes.append((r[system].upper(), system, r["id"]))
        codes.append((normalise_name(r["name"]), "name", r["id"]))
    for o in orgs:
        codes.append((o.id.upper(), "id", o.id))
        codes.append((normalise_name(o.name), "name", o.id))
        if o.cameo:
            codes.append((o.cameo.upper(), "cameo", o.id))
    for alias, target in reference.aliases().items():
        is_code = alias.isupper() and " " not in alias
        codes.append((alias.upper() if is_code else normalise_name(alias), "alias", target))
    codes_df = pd.DataFrame(codes, columns=["code", "system", "actor_id"]).drop_duplicates(["code", "system"])
    members = pd.DataFrame(
        [
            {"organisation": m.organisation, "member": m.member, "joined": m.joined, "left": m.left, "source": m.source}
            for m in reference.memberships()
        ],
        columns=["organisation", "member", "joined", "left", "source"],
    )
    cameo = pd.DataFrame(reference.read_rows("cameo.csv"))
    cameo["goldstein"] = cameo["goldstein"].astype(float)
    for col in ("plover_type", "plover_mode", "plover_context"):
        cameo[col] = cameo[col].replace("", None)
    with store.transaction() as con:
        for table, df in (("actors", actors), ("actor_codes", codes_df), ("memberships", members), ("cameo", cameo)):
            con.execute(f"DELETE FROM {table}")
            con.register("_df", df)
            cols = ", ".join(f'"{c}"' for c in df.columns)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _df")
            con.unregister("_df")
    return {"actors": len(actors), "actor_codes": len(codes_df), "memberships": len(members), "cameo": len(cameo)}


def replace_dataset_rows(store: Store, table: str, dataset: str, file_id: int, rows: list[dict[str, Any]]) -> None:
    """Replace what earlier loads of ``dataset`` stored in ``table`` (reference data is a snapshot) by ``rows``.

    Call it inside :meth:`Store.transaction` with the file's provenance row (``file_id``)."""
    if table not in REFERENCE_SOURCE_TABLES:
        raise ConfigError(
            f"{table!r} is not a reference source table.", hint=f"Use one of {sorted(REFERENCE_SOURCE_TABLES)}."
        )
    store._con.execute(f"DELETE FROM {table} WHERE file_id IN (SELECT file_id FROM files WHERE dataset = ?)", [dataset])
    if not rows:
        return
    df = pd.DataFrame(rows)
    df["file_id"] = file_id
    store._con.register("_ref", df)
    try:
        cols = ", ".join(f'"{c}"' for c in df.columns)
        store._con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _ref")
    finally:
        store._con.unregister("_ref")
