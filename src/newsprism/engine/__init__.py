"""Where the heavy stages run: in this process (``LocalEngine``, the default) or on Ray workers
(``RayEngine``), behind one protocol, ``Engine.map_batches``.

The stages (``read_clean``, ``embed_for_stories``, ``find_stories``, ``analyze_stories`` and ``run_analyze``, which
chains them) are written once against the protocol and give the same results on either engine.
docs/scaling.md explains what is partitioned, what is shared and how to use a Ray cluster.
"""

from __future__ import annotations

from newsprism.engine.local import BatchFunction, Engine, LocalEngine
from newsprism.engine.ray_engine import RayEngine, WorkerReport
from newsprism.engine.stages import (
    RunStats,
    analyze_stories,
    clean_documents,
    embed_for_stories,
    find_stories,
    read_clean,
    run_analyze,
)
from newsprism.errors import NewsprismError

ENGINES = ("local", "ray")


def make_engine(name: str = "local", *, address: str | None = None, workers: int = 2) -> Engine:
    """The engine that the CLI's ``--engine local|ray``, ``--ray-address`` and ``--workers`` name.

    ``address`` (a running Ray cluster: ``ray://HEAD:10001``, ``HEAD:6379`` or ``auto``) and
    ``workers`` (Ray worker processes, one CPU each; with no address, the size of the local Ray)
    only apply to ``ray``. Close the engine when done (or use it as a context manager).
    """
    key = name.strip().lower()
    if key not in ENGINES:
        raise NewsprismError(f"--engine: unknown engine {name!r}; choose from {', '.join(ENGINES)}")
    if workers < 1:
        raise NewsprismError(f"--workers must be at least 1, not {workers}")
    if key == "local":
        if address:
            raise NewsprismError("--ray-address needs --engine ray")
        return LocalEngine()
    return RayEngine(address=address, workers=workers)


__all__ = [
    "ENGINES",
    "BatchFunction",
    "Engine",
    "LocalEngine",
    "RayEngine",
    "RunStats",
    "WorkerReport",
    "analyze_stories",
    "clean_documents",
    "embed_for_stories",
    "find_stories",
    "make_engine",
    "read_clean",
    "run_analyze",
]
