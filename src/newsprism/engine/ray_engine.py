"""``RayEngine``: the same stage functions, on Ray worker actors fed by Ray Data.

Items are pickled into a Ray Data dataset (one block per batch, so every worker gets work), a pool
of ``workers`` actors maps the batches, and the driver puts the results back in the items' order
as they stream in. Each actor builds the stage's function once, when it starts: a model loads once
per worker, not once per batch. Every result batch also carries its worker's process id, how often
that worker built the function and its peak memory, so a run can show (and a test can check) what
happened on the workers: ``RayEngine.last_run``.

Ray is an optional extra (``pip install 'newsprism[ray]'``); this module imports it only when a
``RayEngine`` is made.
"""

from __future__ import annotations

import inspect
import logging
import math
import os
import pickle
import re
import resource
import socket
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from newsprism.engine.local import BatchFunction, ClosesOnExit, check_batch_size, checked_results
from newsprism.errors import MissingExtra, NewsprismError
from newsprism.threads import pinned_environment

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

T = TypeVar("T")
R = TypeVar("R")

# Ray's own chatter (token setup, Ray Data's execution plan and progress lines) would drown the
# CLI's one-line messages; errors still come through.
RAY_LOG_LEVEL = logging.ERROR
# How long to wait for a cluster's address to answer before saying it does not.
CONNECT_TIMEOUT_SECONDS = 5.0
# A Ray client server starts one process per driver; on a loaded head that start can fail
# transiently (seen in CI: the proxy lost a race with its own child process), so a ray://
# connection is tried this many times before giving up.
CLIENT_CONNECT_ATTEMPTS = 3
# Each worker actor asks for this many CPUs, and its models and BLAS get as many threads (Ray's
# own OMP_NUM_THREADS comes too late for BLAS, which reads it when numpy loads).
CPUS_PER_WORKER = 1
# Batches a worker holds at once unless the stage's factory says otherwise (``batches_in_flight``):
# one, so that a worker that queued a second story never leaves another idle at the end of a run.
DEFAULT_BATCHES_IN_FLIGHT = 1


@dataclass(frozen=True)
class WorkerReport:
    """What one worker did in the last ``map_batches`` run."""

    node: str  # the worker's host name
    node_id: str  # its Ray node: several nodes can share a host
    pid: int
    built: int  # how many times the worker built the stage's function: 1 unless something is wrong
    batches: int
    items: int
    peak_rss_bytes: int  # the worker process's peak resident memory (getrusage)
    build_seconds: float  # building the function: imports and model loads
    busy_seconds: float  # running it on batches; the rest of the run the worker waited
    busy_cpu_seconds: float  # CPU time (all its threads) while busy: below busy_seconds, it waited for a core
    first_batch_at: float  # when (time.time() on the worker) its first batch began, after building
    last_batch_at: float  # when its last batch ended

    @property
    def active_seconds(self) -> float:
        """From its first batch to the end of its last: its share of the run once started, busy or
        waiting for the next batch (a worker's start and model loads are not in it)."""
        return max(0.0, self.last_batch_at - self.first_batch_at)


# Running totals each worker process sends with every result batch; the driver keeps the largest.
# (first_batch_at is set once, so its largest is itself.)
_TOTALS = (
    "built",
    "batches",
    "items",
    "peak_rss_bytes",
    "build_seconds",
    "busy_seconds",
    "busy_cpu_seconds",
    "first_batch_at",
    "last_batch_at",
)


class WorkerProblem(Exception):
    """A ``NewsprismError`` raised on a worker, carried home as its message: newsprism's errors do
    not all survive pickling (``InputError`` needs two arguments), and Ray pickles exceptions."""


class _BatchWorker:
    """A Ray Data actor: builds the stage's function when it starts and applies it to each batch.

    Batches arrive as ``{"index": int64[], "item": pickled item[]}`` and leave with a pickled
    ``result`` per item, the worker's host, Ray node and pid, and its running totals (``_TOTALS``), which
    the driver turns into ``RayEngine.last_run``.
    """

    # Per worker process (an actor has a process to itself).
    totals: ClassVar[dict[str, float]] = dict.fromkeys(_TOTALS, 0.0)
    node_id: ClassVar[str] = ""

    def __init__(self, make_function: Callable[[], BatchFunction[Any, Any]]) -> None:
        import ray

        started = time.perf_counter()
        _BatchWorker.node_id = ray.get_runtime_context().get_node_id()
        try:
            self._function = make_function()
        except NewsprismError as exc:
            raise WorkerProblem(str(exc)) from None
        _BatchWorker.totals["built"] += 1
        _BatchWorker.totals["build_seconds"] += time.perf_counter() - started

    def __call__(self, batch: dict[str, NDArray[Any]]) -> dict[str, Any]:
        import numpy as np

        started = time.perf_counter()
        cpu_started = time.process_time()
        totals = _BatchWorker.totals
        if not totals["first_batch_at"]:
            totals["first_batch_at"] = time.time()
        items = [pickle.loads(blob) for blob in batch["item"]]
        try:
            results = checked_results(self._function(items), len(items))
        except NewsprismError as exc:
            raise WorkerProblem(str(exc)) from None
        totals["batches"] += 1
        totals["items"] += len(items)
        # ru_maxrss is in KiB on Linux, bytes on macOS.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        totals["peak_rss_bytes"] = max(totals["peak_rss_bytes"], peak)
        blobs = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in results]
        totals["busy_seconds"] += time.perf_counter() - started
        totals["busy_cpu_seconds"] += time.process_time() - cpu_started
        totals["last_batch_at"] = time.time()
        count = len(items)
        return {
            "index": batch["index"],
            "result": _objects(blobs),
            "node": _objects([socket.gethostname()] * count),
            "node_id": _objects([_BatchWorker.node_id] * count),
            "pid": np.full(count, os.getpid(), dtype=np.int64),
            **{name: np.full(count, value, dtype=np.float64) for name, value in totals.items()},
        }


def _worker_problem(error: BaseException) -> str | None:
    """The message of a ``WorkerProblem`` somewhere in what Ray raised, or None. Ray wraps it in
    its own exceptions (a task error, or an actor death when it happened while building), and only
    sometimes as an object, so the text is searched too."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        # Exactly this type: Ray's task error re-raised on the driver subclasses the error it wraps.
        if type(current) is WorkerProblem:
            return str(current)
        cause = getattr(current, "cause", None)
        pending += [
            current.__cause__,
            current.__context__,
            cause if isinstance(cause, BaseException) else None,
        ]
    found = re.search(r"WorkerProblem: (.+)", str(error))
    return found.group(1).strip() if found else None


def _actor_options() -> dict[str, Any]:
    """Fail fast rather than restart a worker that died. Ray Data's default restarts it and retries
    its batch without end, so a story that exhausts a worker's memory would hang the run; and a
    restart cannot be relied on anyway while the actor's constructor arguments live in the object
    store (ray-project/ray#53727, which Ray also prints as an error line for every such actor)."""
    return {"max_restarts": 0}


def _objects(values: list[Any]) -> NDArray[np.object_]:
    import numpy as np

    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _check_reachable(address: str) -> None:
    """Fail in seconds on an address nothing listens at: Ray itself retries for minutes."""
    target = address.removeprefix("ray://")
    if target == "auto" or ":" not in target:
        return
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_SECONDS):
            pass
    except (OSError, ValueError) as exc:
        raise ConnectionError(f"nothing answers at {target} ({exc})") from None


def _connect(address: str, options: dict[str, Any]) -> None:
    """``ray.init`` on a cluster, retrying a ray:// connection whose server side failed to start."""
    import ray

    for attempt in range(1, CLIENT_CONNECT_ATTEMPTS + 1):
        try:
            ray.init(address=address, **options)
            return
        except ConnectionError as exc:
            transient = address.startswith("ray://") and "Initialization failure from server" in str(exc)
            if not transient or attempt == CLIENT_CONNECT_ATTEMPTS:
                raise
            time.sleep(2.0 * attempt)


def _error_summary(exc: BaseException) -> str:
    """One line for an error that may carry a whole server-side traceback: its last line."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if len(lines) > 1 and any(line.startswith("Traceback") for line in lines):
        return f"{lines[0]} ... {lines[-1]}"[:400]
    return " ".join(lines)[:400]


def _stream_batches(
    make_function: Callable[[], BatchFunction[Any, Any]],
    blobs: list[bytes],
    batch_size: int,
    workers: int,
    totals: dict[tuple[str, str, int], dict[str, float]],
) -> Iterator[tuple[int, bytes]]:
    """Map pickled items through a pool of ``workers`` ``_BatchWorker`` actors with Ray Data; yield
    ``(index, pickled result)`` as results arrive (in any order) and keep each worker's latest
    totals in ``totals``. Runs in a Ray driver: this process, or the task of ``_map_on_cluster``."""
    import ray.data

    # One block per batch: blocks are what Ray Data hands out, so this is what spreads the work.
    blocks = math.ceil(len(blobs) / batch_size)
    dataset = ray.data.from_items(
        [{"index": i, "item": blob} for i, blob in enumerate(blobs)], override_num_blocks=blocks
    )
    in_flight = int(getattr(make_function, "batches_in_flight", DEFAULT_BATCHES_IN_FLIGHT))
    options: dict[str, Any] = {}
    if "ray_remote_args_fn" in inspect.signature(dataset.map_batches).parameters:
        options["ray_remote_args_fn"] = _actor_options
    with warnings.catch_warnings():
        # Deprecated (to go in Ray 2.64) with no replacement for max_restarts yet; without it we
        # fall back on Ray Data's defaults.
        warnings.filterwarnings("ignore", message=".*ray_remote_args_fn.*", category=DeprecationWarning)
        mapped = dataset.map_batches(
            _BatchWorker,
            fn_constructor_args=(make_function,),
            compute=ray.data.ActorPoolStrategy(
                size=min(workers, blocks), max_tasks_in_flight_per_actor=in_flight
            ),
            batch_size=batch_size,
            batch_format="numpy",
            num_cpus=CPUS_PER_WORKER,
            # Threads pinned to the CPUs asked for, in the environment the worker starts with.
            runtime_env={"env_vars": pinned_environment(CPUS_PER_WORKER)},
            **options,
        )
    for batch in mapped.iter_batches(batch_size=None, batch_format="numpy"):
        workers_of_rows = zip(batch["node"], batch["node_id"], batch["pid"], strict=True)
        for row, (node, node_id, pid) in enumerate(workers_of_rows):
            seen = totals.setdefault((str(node), str(node_id), int(pid)), dict.fromkeys(_TOTALS, 0.0))
            for name in _TOTALS:
                seen[name] = max(seen[name], float(batch[name][row]))
        for index, blob in zip(batch["index"], batch["result"], strict=True):
            yield int(index), bytes(blob)


def _map_on_cluster(
    make_function: Callable[[], BatchFunction[Any, Any]], blobs: list[bytes], batch_size: int, workers: int
) -> tuple[list[bytes], dict[tuple[str, str, int], dict[str, float]]]:
    """``_stream_batches`` as a Ray task, for a driver connected through Ray Client: all results,
    in order, and the workers' totals."""
    import ray.exceptions

    quiet_ray_data()
    totals: dict[tuple[str, str, int], dict[str, float]] = {}
    results: list[bytes] = [b""] * len(blobs)
    try:
        for index, blob in _stream_batches(make_function, blobs, batch_size, workers, totals):
            results[index] = blob
    except ray.exceptions.RayError as exc:
        problem = _problem_of(exc)
        if problem is None:
            raise
        raise WorkerProblem(problem) from None
    return results, totals


def _problem_of(error: BaseException) -> str | None:
    """What to tell a person about a Ray failure that is not a bug: a newsprism error raised on a
    worker, or a worker that died. None for anything else (raise it as it is)."""
    import ray.exceptions

    problem = _worker_problem(error)
    if problem is not None:
        return problem
    if isinstance(error, ray.exceptions.RayActorError):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"a Ray worker died (out of memory? each needs about 1 GB; try fewer --workers): {first_line}"
    return None


def quiet_ray_data() -> None:
    """No progress bars or execution plans from Ray Data (newsprism reports its own progress)."""
    import ray.data

    with warnings.catch_warnings():
        # Ray Data's own defaults set options it has deprecated (use_push_based_shuffle, ...).
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.enable_operator_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray").setLevel(RAY_LOG_LEVEL)
    # Ray Data logs a failed batch's traceback before raising it; the raised error carries it.
    logging.getLogger("ray.data").setLevel(logging.CRITICAL)


class RayEngine(ClosesOnExit):
    """Runs batches on ``workers`` Ray actors (one CPU each).

    With no ``address`` it starts a private local Ray with ``workers`` CPUs on 127.0.0.1 (no
    dashboard, no usage reporting) and stops it on ``close``; with one (``ray://head:10001``,
    ``head:6379`` or ``auto``) it joins that cluster, where newsprism must be installed on every
    node (docs/scaling.md), and leaves it running. If this process already runs Ray, that is used.
    """

    name = "ray"

    def __init__(self, address: str | None = None, workers: int = 2) -> None:
        if workers < 1:
            raise NewsprismError(f"--workers must be at least 1, not {workers}")
        try:
            import ray
            import ray.data
        except ImportError as exc:
            raise MissingExtra("ray", "ray") from exc
        self.address = address
        self.workers = workers
        self.last_run: list[WorkerReport] = []
        self._owns_ray = False
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if not ray.is_initialized():
            options: dict[str, Any] = {"log_to_driver": False, "logging_level": RAY_LOG_LEVEL}
            try:
                if address:
                    _check_reachable(address)
                    _connect(address, options)
                else:
                    # address="local": always a new local Ray, never one another process started.
                    ray.init(
                        address="local",
                        num_cpus=workers * CPUS_PER_WORKER,
                        include_dashboard=False,
                        _node_ip_address="127.0.0.1",
                        **options,
                    )
            except (ConnectionError, RuntimeError, ValueError, TimeoutError, OSError) as exc:
                if address:
                    raise NewsprismError(
                        f"cannot connect to the Ray cluster at {address}: {_error_summary(exc)}; check the "
                        "address (ray://HEAD:10001 or HEAD:6379) and, if the cluster uses token "
                        "authentication, set RAY_AUTH_MODE=token (docs/scaling.md)"
                    ) from None
                raise NewsprismError(
                    f"cannot start a local Ray: {str(exc).strip()[:300]}; see the Ray logs under /tmp/ray"
                ) from None
            self._owns_ray = True
        quiet_ray_data()

    def map_batches(
        self, make_function: Callable[[], BatchFunction[T, R]], items: Iterable[T], *, batch_size: int
    ) -> Iterator[R]:
        check_batch_size(batch_size)
        import ray
        import ray.exceptions
        from ray.util.client import ray as ray_client

        blobs = [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items]
        self.last_run = []
        if not blobs:
            return
        waiting: dict[int, R] = {}
        next_index = 0
        totals: dict[tuple[str, str, int], dict[str, float]] = {}
        try:
            stream: Iterable[tuple[int, bytes]]
            if ray_client.is_connected():  # type: ignore[no-untyped-call]
                # Through Ray Client (ray://) this process is not a Ray driver, and Ray Data's
                # executor needs one: a task inside the cluster runs it and sends the results.
                on_cluster = ray.remote(num_cpus=0, max_retries=0)(_map_on_cluster)
                results, totals = ray.get(on_cluster.remote(make_function, blobs, batch_size, self.workers))
                stream = enumerate(results)
            else:
                stream = _stream_batches(make_function, blobs, batch_size, self.workers, totals)
            for index, blob in stream:
                waiting[index] = pickle.loads(blob)
                while next_index in waiting:
                    yield waiting.pop(next_index)
                    next_index += 1
        except ray.exceptions.RayError as exc:
            problem = _problem_of(exc)
            if problem is None:
                raise
            raise NewsprismError(problem) from None
        self.last_run = [
            WorkerReport(
                node=node,
                node_id=node_id,
                pid=pid,
                built=int(seen["built"]),
                batches=int(seen["batches"]),
                items=int(seen["items"]),
                peak_rss_bytes=int(seen["peak_rss_bytes"]),
                build_seconds=seen["build_seconds"],
                busy_seconds=seen["busy_seconds"],
                busy_cpu_seconds=seen["busy_cpu_seconds"],
                first_batch_at=seen["first_batch_at"],
                last_batch_at=seen["last_batch_at"],
            )
            for (node, node_id, pid), seen in sorted(totals.items())
        ]
        if next_index != len(blobs):
            raise NewsprismError(
                f"Ray returned {next_index} of {len(blobs)} results in order; the run is incomplete"
            )

    def close(self) -> None:
        """Stop the local Ray this engine started; a cluster it joined is left running."""
        if self._owns_ray:
            import ray

            ray.shutdown()
            self._owns_ray = False
