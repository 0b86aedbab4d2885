"""A real multi-node Ray cluster on this machine, started with ``ray start``: for the benchmark and
the tests of the multi-node path (bench/ray_cluster.py, tests/test_engine.py), and for trying
``--ray-address`` before having a cluster.

A head that schedules and runs no work (``--num-cpus=0``) and ``workers`` worker nodes, each with
its own raylet, object store, ports and CPU budget (``--num-cpus``), and a custom resource that
names it (``newsprism_node_1``, ...). Token authentication is on, as Ray 2.60 has it for clusters
it starts; ``environment`` holds what a driver needs to join. Every node runs ``ray start
--block`` in a process group of its own, and ``close`` ends exactly those groups: ``ray stop``
would stop every Ray on the machine, including other people's.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from newsprism.engine.local import ClosesOnExit
from newsprism.errors import MissingExtra, NewsprismError

NODE_RESOURCE = "newsprism_node_{}"  # worker node i (from 1) holds one unit of this resource
# How long a node may take to say "Ray runtime started" (a few seconds when the machine is idle).
START_TIMEOUT_SECONDS = 90.0
# `ray start --block` stops its processes gracefully on SIGTERM, which takes ~35 s for a head
# (it drains the node for 30 s); after this long whatever is left of a node is killed.
STOP_GRACE_SECONDS = 5.0
# Each node's object store. Ray's default is 30 % of memory per node, too much for a shared machine
# with several nodes; what travels here (pickled documents, texts, vectors, briefs) is tens of MB.
OBJECT_STORE_BYTES = 512 * 2**20
STARTED = "Ray runtime started."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class _Node:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


class LocalCluster(ClosesOnExit):
    """``ray start`` a head (no CPUs) and ``workers`` worker nodes of ``cpus_per_node`` CPUs each
    on 127.0.0.1; ``address`` is the head's GCS (``make_engine("ray", address=...)``)."""

    def __init__(self, workers: int = 2, cpus_per_node: int = 1) -> None:
        if workers < 1 or cpus_per_node < 1:
            raise NewsprismError(
                f"a local cluster needs at least one worker node and one CPU each, not {workers} x {cpus_per_node}"
            )
        ray_bin = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
        if ray_bin is None:
            raise MissingExtra("ray", "ray")
        self.workers = workers
        self.cpus_per_node = cpus_per_node
        self._ray = ray_bin
        # Short: Ray's socket paths under it must fit in 107 characters.
        self.temp_dir = Path(tempfile.mkdtemp(prefix="nray"))
        self.environment = {
            "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN": secrets.token_hex(32),
        }
        self._nodes: list[_Node] = []
        port = _free_port()
        self.address = f"127.0.0.1:{port}"
        try:
            head = self._start(
                "head", ["--head", f"--port={port}", f"--ray-client-server-port={_free_port()}"], cpus=0
            )
            self._wait_started(head)
            # One after the other: nodes started at once on one host race for the same log and
            # socket names in the session directory, and one of them times out.
            for i in range(1, workers + 1):
                self._wait_started(
                    self._start(f"worker-{i}", [f"--address={self.address}"], cpus=cpus_per_node, resource=i)
                )
        except BaseException:
            self.close()
            raise

    def _start(self, name: str, role: list[str], *, cpus: int, resource: int | None = None) -> _Node:
        log = self.temp_dir / f"{name}.log"
        options = [
            *role,
            "--block",
            f"--num-cpus={cpus}",
            "--num-gpus=0",
            "--node-ip-address=127.0.0.1",
            f"--object-store-memory={OBJECT_STORE_BYTES}",
            f"--node-manager-port={_free_port()}",
            f"--object-manager-port={_free_port()}",
            f"--dashboard-agent-listen-port={_free_port()}",
            f"--dashboard-agent-grpc-port={_free_port()}",
            f"--runtime-env-agent-port={_free_port()}",
            f"--metrics-export-port={_free_port()}",
            # Workers bind ports the system picks: nodes sharing one machine (and anyone else's
            # Ray on it) cannot collide, as they could in Ray's default range 10002-19999.
            "--min-worker-port=0",
            "--max-worker-port=0",
            "--disable-usage-stats",
        ]
        if "--head" in role:
            options += ["--include-dashboard=false", f"--temp-dir={self.temp_dir}"]
        if resource is not None:
            options.append(f'--resources={{"{NODE_RESOURCE.format(resource)}": 1}}')
        with log.open("wb") as output:
            process = subprocess.Popen(
                [self._ray, "start", *options],
                env={**os.environ, **self.environment},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        node = _Node(name, process, log)
        self._nodes.append(node)
        return node

    def _wait_started(self, node: _Node) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while STARTED not in node.log.read_text("utf-8", errors="replace"):
            if node.process.poll() is not None or time.monotonic() > deadline:
                tail = node.log.read_text("utf-8", errors="replace").strip().splitlines()[-5:]
                raise NewsprismError(
                    f"`ray start` of the {node.name} node did not start (exit {node.process.poll()}): "
                    + " | ".join(tail)
                )
            time.sleep(0.2)

    def node_names(self) -> dict[str, str]:
        """Ray node id → node name ("head", "worker-1", ...) for the nodes alive now. Needs a
        connected Ray driver in this process (a ``RayEngine`` made with ``address``)."""
        import ray

        names = {}
        for node in ray.nodes():  # type: ignore[no-untyped-call]
            if not node.get("Alive"):
                continue
            resources = node.get("Resources", {})
            worker = [i for i in range(1, self.workers + 1) if NODE_RESOURCE.format(i) in resources]
            names[str(node["NodeID"])] = f"worker-{worker[0]}" if worker else "head"
        return names

    def wait_for_nodes(self, timeout: float = 30.0) -> dict[str, str]:
        """``node_names()`` once every node has joined (a node may say it started a moment before
        the head lists it)."""
        deadline = time.monotonic() + timeout
        while True:
            names = self.node_names()
            if len(names) == self.workers + 1 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if len(names) != self.workers + 1:
            raise NewsprismError(
                f"{len(names)} of {self.workers + 1} Ray nodes joined the cluster at {self.address}"
            )
        return names

    def close(self) -> None:
        """Stop every node this cluster started and remove its files. Each ``ray start`` leads a
        session of its own, and everything its node started stays in that session (Ray's worker
        processes get process groups of their own, and Ray Data's helper actors outlive their
        raylet for half a minute), so the session is what is ended."""
        for node in self._nodes:
            if node.process.poll() is None:
                os.killpg(node.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for node in self._nodes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                node.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for node in self._nodes:
            for pid in _session_members(node.process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            node.process.wait()
        self._nodes = []
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def _session_members(session: int) -> list[int]:
    """The live processes of a session (Linux's /proc; elsewhere only its leader's group)."""
    proc = Path("/proc")
    if not proc.is_dir():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(session, signal.SIGKILL)
        return []
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # After "pid (command)": state, parent, process group, session.
        state, _, _, member_of = stat.rsplit(")", 1)[1].split()[:4]
        if int(member_of) == session and state != "Z":
            members.append(int(entry.name))
    return members
