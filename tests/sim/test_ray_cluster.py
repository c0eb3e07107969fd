"""Ensembles on a real Ray cluster (``ray start --head``), joined by address: same seed, same rows as inline."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas.testing as pdt
import pytest

from detente.cli import main
from detente.core.sim import World
from detente.errors import SimulationError
from detente.sim import EnsembleSpec, run_ensemble
from detente.sim.ensemble import check_ray_address, chunks

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ray")]

SPEC = EnsembleSpec(World.synthetic(12, seed=5), ("none", "hotline"), 60, 36, 11, batch=5)


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [int(s.getsockname()[1]) for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.fixture(scope="module")
def ray_head() -> Iterator[str]:
    """A one-node Ray cluster on loopback (2 CPUs, free ports, its own temp dir), stopped by its process group.

    Token authentication is off for it and its driver (RAY_AUTH_MODE=disabled): it listens on loopback only, and
    Ray would otherwise pick up whatever token another Ray on this machine left in ~/.ray."""
    pytest.importorskip("ray")
    saved = {k: os.environ.get(k) for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "RAY_ADDRESS")}
    os.environ["RAY_AUTH_MODE"] = "disabled"
    for k in ("RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "RAY_ADDRESS"):
        os.environ.pop(k, None)
    ray_bin = Path(sys.executable).parent / "ray"
    gcs, node, objm, client, agent, agent_grpc, metrics, renv = _free_ports(8)
    tmp = tempfile.mkdtemp(prefix="rayt", dir="/tmp")  # short: Ray's socket paths must stay under 108 bytes
    cmd = [
        str(ray_bin), "start", "--head", "--block", "--num-cpus", "2", "--node-ip-address", "127.0.0.1",
        "--port", str(gcs), "--node-manager-port", str(node), "--object-manager-port", str(objm),
        "--ray-client-server-port", str(client), "--dashboard-agent-listen-port", str(agent),
        "--dashboard-agent-grpc-port", str(agent_grpc), "--metrics-export-port", str(metrics),
        "--runtime-env-agent-port", str(renv), "--include-dashboard", "false", "--disable-usage-stats",
        "--temp-dir", tmp,
    ]  # fmt: skip
    env = dict(os.environ)
    log = open(Path(tmp) / "head.log", "w")  # noqa: SIM115  closed below, after the cluster stops
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", client), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"ray start failed: {(Path(tmp) / 'head.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield f"127.0.0.1:{gcs}"
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(proc.pid, sig)  # the group of our own `ray start`: its GCS, raylet and workers
                proc.wait(wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_ensemble_on_the_cluster_equals_the_local_run(ray_head: str) -> None:
    local = run_ensemble(SPEC, backend="inline")
    seen: list[int] = []
    remote = run_ensemble(SPEC, ray_address=ray_head, progress=lambda done, _t: seen.append(done))
    assert remote.backend == "ray"
    pdt.assert_frame_equal(local.runs, remote.runs)
    pdt.assert_frame_equal(local.wars, remote.wars)
    pdt.assert_frame_equal(local.mediators, remote.mediators)
    # 24 batches went as 4 chunks (2 per cluster CPU), and progress counted every run once
    assert len(seen) == 4 and seen[-1] == 60 * 2


def test_cli_joins_the_cluster(ray_head: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "simulate",
            "civil-war-mediation",
            "--runs",
            "20",
            "--steps",
            "12",
            "--seed",
            "3",
            "--json",
            "--ray-address",
            ray_head,
        ]
    )
    out = capsys.readouterr().out
    assert '"backend": "ray"' in out


def test_a_cluster_that_is_not_there_is_one_clear_error() -> None:
    (port,) = _free_ports(1)
    with pytest.raises(SimulationError, match="Cannot join the Ray cluster"):
        run_ensemble(SPEC, ray_address=f"127.0.0.1:{port}")


@pytest.mark.parametrize("bad", ["", "localhost", "ray://", "host:99999", "http://x:1/y"])
def test_bad_addresses_are_refused(bad: str) -> None:
    with pytest.raises(SimulationError, match="not a Ray cluster address"):
        check_ray_address(bad)


def test_chunks_cover_every_batch_once() -> None:
    tasks = [(v, b, 5) for v in ("a", "b") for b in range(13)]
    for cpus in (1, 2, 3, 64):
        cs = chunks(tasks, cpus)
        assert [t for c in cs for t in c] == tasks and len(cs) == min(len(tasks), 2 * cpus)
