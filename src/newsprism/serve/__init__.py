"""``newsprism serve``: the REST API and web UI over a database, with background workers.

``run_server`` starts the worker processes (each claims jobs from the database queue and runs the
pipeline) and then uvicorn in this process; on exit the workers stop and hand back unfinished
jobs.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
import os
import signal
import threading
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from newsprism.errors import NewsprismError
from newsprism.parts import Parts
from newsprism.serve.app import allowed_hosts, create_app
from newsprism.serve.deps import Settings

if TYPE_CHECKING:
    from newsprism.store.database import Store

__all__ = [
    "Settings",
    "WorkerPool",
    "check_exposure",
    "create_app",
    "run_server",
    "run_worker",
    "run_workers",
]

log = logging.getLogger("newsprism.serve")
STOP_GRACE_SECONDS = 10.0
WATCH_SECONDS = 5.0
# A job (one ingest request of up to 1,000 records, or one story's brief) running longer than this
# is stopped and fails with that reason: a 50-article brief takes well under a minute here.
DEFAULT_JOB_TIME_LIMIT = timedelta(minutes=30)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> None:
    """Refuse to listen beyond this machine without a token: anyone could write otherwise."""
    if not token and not is_loopback(host):
        raise NewsprismError(
            f"refusing to serve on {host} without a token: anyone who can reach it could add articles; "
            "set --token or NEWSPRISM_TOKEN (or listen on 127.0.0.1)"
        )


def run_worker(
    db_url: str | None,
    allow_private_urls: bool,
    parts: Parts,
    stop: Any,
    worker_id: str | None = None,
    parent_pid: int | None = None,
) -> None:
    """A worker process's main: claim and process jobs until ``stop`` is set, the parent process
    is gone, or SIGTERM/SIGINT arrives (the job in progress is then handed back)."""
    from newsprism.serve.worker import Worker
    from newsprism.store.database import open_store

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # unwinds the job; Worker.run's cleanup hands it back

    signal.signal(signal.SIGTERM, interrupt)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(process)d: %(message)s")
    store = open_store(db_url)
    try:
        worker = Worker(store, allow_private_urls=allow_private_urls, parts=parts)
        if worker_id:
            worker.worker_id = worker_id
        worker.run(stop, parent_pid=parent_pid)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


class WorkerPool:
    """Worker processes supervised together: started together; each replaced if it dies (its
    job back in the queue with the attempt counted, so a job that kills its worker ends failed
    after ``queue.MAX_ATTEMPTS``) or if its job runs past ``job_time_limit`` (the job then fails
    with that reason); stopped together, each handing its job back. ``newsprism serve`` and
    ``newsprism worker`` both run one."""

    def __init__(
        self,
        settings: Settings,
        count: int,
        parts: Parts | None = None,
        job_time_limit: timedelta = DEFAULT_JOB_TIME_LIMIT,
    ) -> None:
        from newsprism.serve.worker import new_worker_id

        self.settings = settings
        self.parts = parts or Parts.default()
        self.job_time_limit = job_time_limit
        self.context = multiprocessing.get_context("spawn")
        self.stop = self.context.Event()
        self.processes: dict[str, Any] = {f"{new_worker_id()}-w{n}": None for n in range(count)}
        self._watching = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="worker-watcher", daemon=True)
        self._store: Store | None = None

    def _start(self, worker_id: str) -> None:
        process = self.context.Process(
            target=run_worker,
            args=(
                self.settings.db_url,
                self.settings.allow_private_urls,
                self.parts,
                self.stop,
                worker_id,
                os.getpid(),
            ),
            name=f"newsprism-worker-{worker_id}",
            daemon=True,
        )
        process.start()
        self.processes[worker_id] = process

    def start(self) -> None:
        from newsprism.store.database import open_store

        if self.processes:
            self._store = open_store(self.settings.db_url)
        for worker_id in self.processes:
            self._start(worker_id)
        if self.processes:
            self._watcher.start()

    def _watch(self) -> None:
        while not self._watching.wait(WATCH_SECONDS):
            for worker_id, process in list(self.processes.items()):
                if process is None or self.stop.is_set():
                    continue
                try:
                    self._check(worker_id, process)
                except Exception:  # the database may be down; the next round tries again
                    log.exception("could not check worker %s", worker_id)

    def _check(self, worker_id: str, process: Any) -> None:
        from newsprism.store import queue

        assert self._store is not None
        if not process.is_alive():
            status = process.exitcode
            how = (
                f"was killed by signal {-status}"
                if status is not None and status < 0
                else f"exited ({status})"
            )
            for job in queue.release_dead(self._store, worker_id, how):
                log.warning(
                    "worker %s %s while running job %s (attempt %d)", worker_id, how, job.id, job.attempts
                )
            log.warning("worker %s %s; starting another", worker_id, how)
            self._start(worker_id)
            return
        late = queue.overdue(self._store, worker_id, self.job_time_limit)
        if not late:
            return
        seconds = self.job_time_limit.total_seconds()
        limit = f"{seconds / 60:g}-minute" if seconds >= 60 else f"{seconds:g}-second"
        # Killed, not asked to stop: a worker asked to stop hands its job back, and this job
        # would run out of time again.
        process.kill()
        process.join(STOP_GRACE_SECONDS)
        for job in late:
            queue.fail(
                self._store,
                job.id,
                worker_id,
                f"stopped after running longer than the {limit} limit for one job",
            )
            log.warning("job %s stopped: over the %s limit", job.id, limit)
        queue.release(self._store, worker_id)  # its leases
        self._start(worker_id)

    def _release(self, worker_id: str) -> None:
        from newsprism.store import queue

        try:
            if self._store is not None:
                queue.release(self._store, worker_id)
        except Exception:  # the database may be what failed; the job's heartbeat then runs out
            log.exception("could not hand back the jobs of worker %s", worker_id)

    def close(self) -> None:
        self._watching.set()
        if self._watcher.is_alive():
            self._watcher.join()
        self.stop.set()
        for worker_id, process in self.processes.items():
            if process is None:
                continue
            process.join(STOP_GRACE_SECONDS)
            if process.is_alive():
                process.terminate()  # SIGTERM: the worker hands its job back and exits
                process.join(STOP_GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
            self._release(worker_id)  # in case it could not
            process.close()
        if self._store is not None:
            self._store.close()
            self._store = None


def _exit_on_sigterm() -> None:
    """SIGTERM ends the server like Ctrl-C does: uvicorn shuts down, then re-raises the signal it
    caught; with the default handler that would kill this process before the workers are
    stopped, leaving them running under init."""

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def run_server(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int = 1,
    parts: Parts | None = None,
    job_time_limit: timedelta = DEFAULT_JOB_TIME_LIMIT,
) -> None:
    import uvicorn

    from newsprism.store.database import open_store

    check_exposure(host, settings.token)
    open_store(settings.db_url).close()  # migrate (and check) once, before workers and server race to
    pool = WorkerPool(settings, workers, parts, job_time_limit)
    _exit_on_sigterm()
    pool.start()
    try:
        uvicorn.run(
            create_app(replace(settings, allowed_hosts=allowed_hosts(host, settings))),
            host=host,
            port=port,
            log_level="info",
            server_header=False,
        )
    finally:
        pool.close()


def run_workers(
    db_url: str | None,
    allow_private_urls: bool,
    parts: Parts | None = None,
    *,
    count: int = 1,
    job_time_limit: timedelta = DEFAULT_JOB_TIME_LIMIT,
) -> None:
    """``newsprism worker``: a supervised pool of worker processes on a database that a server
    writes to, until SIGINT or SIGTERM (each worker then hands its job back)."""
    from newsprism.store.database import open_store

    open_store(db_url).close()
    pool = WorkerPool(
        Settings(db_url=db_url, allow_private_urls=allow_private_urls), count, parts, job_time_limit
    )
    _exit_on_sigterm()
    pool.start()
    try:
        threading.Event().wait()  # until a signal ends the process
    except KeyboardInterrupt:
        pass
    finally:
        pool.close()
