"""``newsprism serve``: the REST API and web UI over a database, with background workers.

``run_server`` starts the worker processes (each claims jobs from the database queue and runs the
pipeline) and then uvicorn in this process; on exit the workers stop and hand back unfinished
jobs.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
from typing import Any

from newsprism.errors import NewsprismError
from newsprism.serve.app import Settings, create_app

__all__ = ["Settings", "check_exposure", "create_app", "run_server", "run_worker"]

log = logging.getLogger("newsprism.serve")
STOP_GRACE_SECONDS = 10.0


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
) -> None:
    """A worker process's main: claim and process jobs until ``stop`` is set."""
    from newsprism.compare.nli import load_judge
    from newsprism.serve.worker import Worker
    from newsprism.store.database import open_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(process)d: %(message)s")
    store = open_store(db_url)
    try:
        worker = Worker(store, allow_private_urls=allow_private_urls, judge=load_judge(judge_name))
        if worker_id:
            worker.worker_id = worker_id
        worker.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


def run_server(
    settings: Settings, *, host: str, port: int, workers: int = 1, judge_name: str | None = None
) -> None:
    import uvicorn

    from newsprism.serve.worker import new_worker_id
    from newsprism.store import queue
    from newsprism.store.database import open_store

    check_exposure(host, settings.token)
    open_store(settings.db_url).close()  # migrate once, before workers and server race to
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    worker_ids = [f"{new_worker_id()}-w{n}" for n in range(workers)]
    processes = [
        context.Process(
            target=run_worker,
            args=(settings.db_url, settings.allow_private_urls, judge_name, stop, worker_id),
            name=f"newsprism-worker-{n}",
            daemon=True,
        )
        for n, worker_id in enumerate(worker_ids)
    ]
    for process in processes:
        process.start()
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", server_header=False)
    finally:
        stop.set()
        for process in processes:
            process.join(STOP_GRACE_SECONDS)
            if process.is_alive():
                process.terminate()
                process.join()
        # A worker killed mid-job cannot hand its job back itself.
        store = open_store(settings.db_url)
        try:
            for worker_id in worker_ids:
                queue.release(store, worker_id)
        finally:
            store.close()
