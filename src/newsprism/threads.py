"""How many threads this process's models may use: its CPU budget, not the machine's cores.

A Ray worker is given CPUs (one each in newsprism) and Ray says how many in ``OMP_NUM_THREADS``;
models that sized their thread pools by ``os.cpu_count()`` instead made two one-CPU workers on a
two-core machine run four ONNX threads and compete for the cores (docs/scaling.md, "Measured").
Every model that runs its own threads (MiniLM, e5, the NLI judge) asks ``cpu_budget()``.
"""

from __future__ import annotations

import os

from newsprism.errors import NewsprismError

# Set by a person (or by the Ray engine on its workers) to say how many threads models may use.
THREADS_VARIABLE = "NEWSPRISM_THREADS"
# Read by OpenMP and by the BLAS libraries numpy and spaCy's models use (OpenBLAS, MKL) when they
# load, and by the Rust thread pool of the tokenizers package: so they must be in a worker's
# environment before it starts, not set from inside it (``pinned_environment``).
LIBRARY_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")
# With no budget given, a model takes up to this many of the machine's cores (the default before
# budgets existed; local runs are unchanged).
DEFAULT_MAX_THREADS = 4


def cpu_budget() -> int:
    """Threads a model may use: ``NEWSPRISM_THREADS`` if set, else ``OMP_NUM_THREADS`` (what Ray
    sets to a worker's CPUs), else the machine's cores up to ``DEFAULT_MAX_THREADS``."""
    explicit = os.environ.get(THREADS_VARIABLE, "").strip()
    if explicit:
        if not explicit.isdigit() or int(explicit) < 1:
            raise NewsprismError(
                f"{THREADS_VARIABLE}={explicit!r}: give a whole number of threads, at least 1 "
                "(or unset it to use the machine's cores)"
            )
        return int(explicit)
    # OpenMP also allows a list per nesting level ("4,2"): the first is this level's.
    openmp = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if openmp.isdigit() and int(openmp) >= 1:
        return int(openmp)
    return min(DEFAULT_MAX_THREADS, os.cpu_count() or 1)


def pinned_environment(cpus: int) -> dict[str, str]:
    """The environment that holds a process started with it to ``cpus`` threads: newsprism's own
    models and every library that reads a thread count when it loads."""
    if cpus < 1:
        raise NewsprismError(f"a CPU budget must be at least 1, not {cpus}")
    return dict.fromkeys((THREADS_VARIABLE, *LIBRARY_VARIABLES), str(cpus))
