"""Ops fixtures: the ops store on SQLite and on a real PostgreSQL started here, parties, users, a client."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente.config import Settings
from detente.ops.db import OpsDB
from detente.store import Store

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
PASSWORD = "correct horse"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the `postgres` account when we are root."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-c", " ".join(cmd)]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a free loopback port, once per test session (per xdist worker)."""
    if not PG_BINS:
        pytest.skip("no PostgreSQL binaries in /usr/lib/postgresql/*/bin; run scripts/system-deps.sh")
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` account to run PostgreSQL as")
    binp = Path(PG_BINS[-1])
    root = Path(tempfile.mkdtemp(prefix="detente-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        os.chmod(root, 0o700)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    subprocess.run(
        _as_postgres(
            [str(binp / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_postgres([str(binp / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
        env=env,
        cwd=root,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(binp / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            env=env,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


_dbs = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashing() -> Iterator[None]:
    """argon2 at its lowest cost in tests (the deployment default is set back afterwards)."""
    from detente.ops.auth import set_hash_cost

    set_hash_cost(1, 64)
    yield
    set_hash_cost()


def fresh_pg_database(server: str, template: str | None = None) -> str:
    import psycopg

    name = f"ops_{os.getpid()}_{next(_dbs)}"
    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return f"{server}/{name}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, _cheap_hashing: None) -> Path:
    """A migrated SQLite ops store holding the test world, copied for each test."""
    path = tmp_path_factory.mktemp("ops-template") / "ops.sqlite"
    db = OpsDB(f"sqlite:///{path}")
    db.migrate()
    built = build_world(db)
    assert (built.party, built.user) == (world_ids().party, world_ids().user)
    with db.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: str, _cheap_hashing: None) -> str:
    url = fresh_pg_database(pg_server)
    db = OpsDB(url)
    db.migrate()
    build_world(db)
    db.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("ops-pg")])]
)
def ops_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh ops store holding the test world (see :class:`World`), on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "ops.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    return fresh_pg_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_template"))


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("ops-pg")])]
)
def ops_at(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], OpsDB]]:
    """``ops_at(revision)``: an empty ops store on SQLite or on PostgreSQL, migrated to an older Alembic
    ``revision`` only (a migration test fills it as the old schema had it, then migrates to the head)."""
    opened: list[OpsDB] = []

    def at(revision: str) -> OpsDB:
        url = f"sqlite:///{tmp_path / f'ops{len(opened)}.sqlite'}"
        if request.param == "postgres":
            url = fresh_pg_database(request.getfixturevalue("pg_server"))
        db = OpsDB(url)
        opened.append(db)
        db.migrate(revision)
        return db

    yield at
    for db in opened:
        db.dispose()


@pytest.fixture()
def ops_db(ops_url: str) -> Iterator[OpsDB]:
    db = OpsDB(ops_url)
    db.migrate()
    yield db
    db.dispose()


@dataclass
class World:
    """Parties and users: A, B (OSCE states), C (a state outside the OSCE), M (mediator), N (NGO)."""

    db: OpsDB
    party: dict[str, int] = field(default_factory=dict)
    user: dict[str, int] = field(default_factory=dict)


def world_ids() -> World:
    """The ids :func:`build_world` assigns (deterministic: the store is fresh)."""
    w = World(db=None)  # type: ignore[arg-type]
    for i, key in enumerate("ABCMN", start=1):
        w.party[key] = i
    n = 0
    for key in "ABCN":
        for role in ("admin", "officer", "observer"):
            n += 1
            w.user[f"{key.lower()}_{role}"] = n
    w.user["m_monitor"], w.user["m_admin"] = n + 1, n + 2
    return w


def build_world(db: OpsDB) -> World:
    from detente.ops import parties

    w = World(db)
    spec = [
        ("A", "Aland", "state", "ALA", ["OSCE"]),
        ("B", "Bland", "state", "BLA", ["OSCE"]),
        ("C", "Cland", "state", "CLA", []),
        ("M", "Mediators", "mediator", None, ["OSCE"]),
        ("N", "Relief NGO", "ngo", None, []),
    ]
    with db.session() as s:
        for key, name, kind, actor, orgs in spec:
            w.party[key] = parties.create_party(s, name, kind, actor=actor, organisations=orgs).id
        for key in "ABCN":
            for role in ("admin", "officer", "observer"):
                w.user[f"{key.lower()}_{role}"] = parties.create_user(
                    s, w.party[key], f"{key.lower()}_{role}", PASSWORD, role
                ).id
        w.user["m_monitor"] = parties.create_user(s, w.party["M"], "m_monitor", PASSWORD, "monitor").id
        w.user["m_admin"] = parties.create_user(s, w.party["M"], "m_admin", PASSWORD, "admin").id
    return w


def build_old_world(db: OpsDB) -> World:
    """:func:`build_world` in an ops store at an older revision, in SQL of the columns every revision since 0006
    has (the models describe the newest schema, so they cannot insert into an older one)."""
    from sqlalchemy import text

    from detente.ops.auth import hash_password

    w, pw = world_ids(), hash_password(PASSWORD)
    w.db = db
    names = {"A": ("Aland", "state"), "B": ("Bland", "state"), "C": ("Cland", "state"),
             "M": ("Mediators", "mediator"), "N": ("Relief NGO", "ngo")}  # fmt: skip
    with db.engine.begin() as con:
        for key, pid in w.party.items():
            con.execute(text("INSERT INTO ops_parties (id, name, kind, organisations, created_at) "
                             "VALUES (:i, :n, :k, '[]', '2026-01-01 00:00:00')"),
                        {"i": pid, "n": names[key][0], "k": names[key][1]})  # fmt: skip
        for username, uid in w.user.items():
            role = username.split("_")[1]
            con.execute(text("INSERT INTO ops_users (id, username, party_id, role, password_hash, active, created_at) "
                             "VALUES (:i, :u, :p, :r, :h, true, '2026-01-01 00:00:00')"),
                        {"i": uid, "u": username, "p": w.party[username[0].upper()], "r": role, "h": pw})  # fmt: skip
    return w


@pytest.fixture()
def world(ops_db: OpsDB) -> World:
    w = world_ids()
    w.db = ops_db
    return w


class Api:
    """A TestClient with one token per username."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def h(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            r = self.client.post("/api/ops/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def call(self, method: str, path: str, user: str | None = None, **kw: Any) -> Any:
        headers = {**(self.h(user) if user else {}), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture()
def api(world: World, ops_url: str, tmp_path: Path, store: Store) -> Iterator[Api]:
    from detente.api import create_app

    settings = Settings(db=tmp_path / "t.duckdb", ops_url=ops_url, secret_key="test-secret")
    app = create_app(settings, store=store)
    app.state.ops = world.db
    with TestClient(app) as client:
        yield Api(client)


def assert_error(r: Any, *statuses: int) -> None:
    """The response is refused with one of ``statuses`` and the canonical JSON error shape."""
    assert r.status_code in statuses, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "status", "message", "hint"}, body
    assert body["error"]["status"] == r.status_code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
