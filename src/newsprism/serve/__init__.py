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
from typing import Any

from newsprism.errors import NewsprismError
from newsprism.serve.app import Settings, create_app

__all__ = ["Settings", "WorkerPool", "check_exposure", "create_app", "run_server", "run_worker"]

log = logging.getLogger("newsprism.serve")
STOP_GRACE_SECONDS = 10.0
WATCH_SECONDS = 5.0


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
    judge_name: str | None,
    stop: Any,
    worker_id: str | None = None,
    parent_pid: int | None = None,
) -> None:
    """A worker process's main: claim and process jobs until ``stop`` is set, the parent process
    is gone, or SIGTERM/SIGINT arrives (the job in progress is then handed back)."""
    from newsprism.compare.nli import load_judge
    from newsprism.serve.worker import Worker
    from newsprism.store.database import open_store

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # unwinds the job; Worker.run's cleanup hands it back

    signal.signal(signal.SIGTERM, interrupt)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(process)d: %(message)s")
    store = open_store(db_url)
    try:
        worker = Worker(store, allow_private_urls=allow_private_urls, judge=load_judge(judge_name))
        if worker_id:
            worker.worker_id = worker_id
        worker.run(stop, parent_pid=parent_pid)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


class WorkerPool:
    """The server's worker processes: started together, each replaced if it dies (its job handed
    back first), stopped together."""

    def __init__(self, settings: Settings, count: int, judge_name: str | None) -> None:
        from newsprism.serve.worker import new_worker_id

        self.settings = settings
        self.judge_name = judge_name
        self.context = multiprocessing.get_context("spawn")
        self.stop = self.context.Event()
        self.processes: dict[str, Any] = {f"{new_worker_id()}-w{n}": None for n in range(count)}
        self._watching = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="worker-watcher", daemon=True)

    def _start(self, worker_id: str) -> None:
        process = self.context.Process(
            target=run_worker,
            args=(
                self.settings.db_url,
                self.settings.allow_private_urls,
                self.judge_name,
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
        for worker_id in self.processes:
            self._start(worker_id)
        if self.processes:
            self._watcher.start()

    def _watch(self) -> None:
        while not self._watching.wait(WATCH_SECONDS):
            for worker_id, process in list(self.processes.items()):
                if process is not None and not process.is_alive() and not self.stop.is_set():
                    log.warning("worker %s exited (status %s); starting another", worker_id, process.exitcode)
                    self._release(worker_id)
                    self._start(worker_id)

    def _release(self, worker_id: str) -> None:
        from newsprism.store import queue
        from newsprism.store.database import open_store

        try:
            store = open_store(self.settings.db_url)
            try:
                queue.release(store, worker_id)
            finally:
                store.close()
        except Exception:  # the database may be what failed; the job's heartbeat then runs out
            log.exception("could not hand back the jobs of worker %s", worker_id)

    def close(self) -> None:
        self._watching.set()
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


def run_server(
    settings: Settings, *, host: str, port: int, workers: int = 1, judge_name: str | None = None
) -> None:
    import uvicorn

    from newsprism.store.database import open_store

    check_exposure(host, settings.token)
    open_store(settings.db_url).close()  # migrate once, before workers and server race to
    pool = WorkerPool(settings, workers, judge_name)
    pool.start()
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", server_header=False)
    finally:
        pool.close()
