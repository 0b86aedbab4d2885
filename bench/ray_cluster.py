"""Scaling of the CPU-bound stages over a real multi-node Ray cluster started on this machine.

    python bench/ray_cluster.py [--nodes 2] [--repeat 4] [--analyze 8] [--no-local]
                                [--stages clean,embed,analyze] [--unpinned]
                                [--corpus ../shared/corpus/ecbplus.jsonl]

Starts, with ``ray start``, a head that schedules and runs no work (``--num-cpus=0``) and N worker
nodes of one CPU each, each with its own raylet, object store and ports
(``newsprism.engine.cluster.LocalCluster``), and joins it as a driver
(``make_engine("ray", address="127.0.0.1:PORT", workers=k)``). Then, per stage, with k = 1 and
k = N workers, and on the local engine as the peer:

- clean: the corpus read once on the driver, repeated ``--repeat`` times under new record ids;
- embed: the story text (title and lead) of every distinct article;
- analyze: the briefs of the ``--analyze`` largest stories (clustered once, locally).

Printed per stage: wall seconds (actor start and model loads included); the steady-state
throughput, items / the longest worker's active time (its first batch to the end of its last:
actor start and the function's build excluded, waiting for batches and an uneven last batch
included); the scaling efficiency throughput(N) / (N x throughput(1)), steady and by wall; the
workers' CPU seconds per item, whose ratio N vs 1 tells extra work (the same ratio: none) from a
lack of cores (busy time above CPU time: another process had the core); per worker its node,
items, build, busy, CPU and active seconds; the driver's CPU seconds and the machine's load. The
local engine runs warm (its models loaded before timing), a steady state too. Lingua loads its
language models lazily, ~5 s of CPU inside each worker's first few hundred documents: hence a
corpus of a few thousand for cleaning. ``--unpinned`` reproduces the thread pools from before CPU
budgets (docs/scaling.md). The cluster is stopped, node by node, however the run ends.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.engine import (
    LocalEngine,
    RayEngine,
    WorkerReport,
    analyze_stories,
    clean_documents,
    make_engine,
    ray_engine,
)
from newsprism.engine.cluster import LocalCluster
from newsprism.engine.local import Engine
from newsprism.engine.stages import EMBED_BATCH_SIZE, EmbedTexts
from newsprism.errors import InputError
from newsprism.model import Article, RawDocument, Story
from newsprism.parts import Parts
from newsprism.read import read_inputs
from newsprism.stories import group_into_stories, story_text
from newsprism.threads import DEFAULT_MAX_THREADS, THREADS_VARIABLE

if TYPE_CHECKING:
    from numpy.typing import NDArray

REPO = Path(__file__).resolve().parent.parent
PARTS = Parts.default()


@dataclass
class Figure:
    label: str
    items: int
    wall: float
    steady: float  # items/s
    cpu_per_item: float  # seconds of CPU (the workers', or this process's for the local engine)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "ecbplus.jsonl")
    parser.add_argument("--nodes", type=int, default=2, help="worker nodes of one CPU each (N)")
    parser.add_argument("--repeat", type=int, default=4, help="clean the corpus this many times over")
    parser.add_argument("--analyze", type=int, default=8, help="analyse the K largest stories (0: skip)")
    parser.add_argument("--no-local", action="store_true", help="skip the local engine")
    parser.add_argument("--stages", default="clean,embed,analyze", help="which stages to measure")
    parser.add_argument(
        "--unpinned",
        action="store_true",
        help="as before thread budgets: workers' models take min(4, cores) threads, BLAS is not pinned",
    )
    args = parser.parse_args()
    if args.unpinned:
        # The engine builds a worker's environment on the driver; this one only says how many
        # threads the models take, as os.cpu_count() did before (BLAS then uses every core).
        threads = str(min(DEFAULT_MAX_THREADS, os.cpu_count() or 1))
        ray_engine.pinned_environment = lambda cpus: {THREADS_VARIABLE: threads}  # type: ignore[attr-defined]

    print(f"machine: {describe_machine()}")
    print("threads per worker: " + ("unpinned (as before)" if args.unpinned else "pinned to its 1 CPU"))
    documents = [d for d in read_inputs([str(args.corpus)]) if not isinstance(d, InputError)]
    print(
        f"corpus: {args.corpus.name}, {len(documents)} articles, "
        f"{sum(len(d.text or '') for d in documents) / 1e6:.2f} M characters (ECB+: Cybulska & Vossen 2014, "
        "CC BY 3.0)"
    )
    repeated = [
        d.model_copy(update={"record_id": f"{d.record_id or d.source}~{copy}"})
        for copy in range(args.repeat)
        for d in documents
    ]
    print(f"load average (1 min) before: {os.getloadavg()[0]:.2f}")

    started = time.perf_counter()
    cluster = LocalCluster(workers=args.nodes, cpus_per_node=1)
    one: Engine | None = None
    try:
        os.environ.update(cluster.environment)
        one = make_engine("ray", address=cluster.address, workers=1)
        many = make_engine("ray", address=cluster.address, workers=args.nodes)  # joins one's connection
        names = cluster.wait_for_nodes()
        print(
            f"cluster: a head (0 CPUs) and {args.nodes} worker nodes of 1 CPU at {cluster.address}, "
            f"up and joined in {time.perf_counter() - started:.1f} s"
        )
        local = None if args.no_local else LocalEngine()
        engines: list[tuple[str, Engine]] = [] if local is None else [("local (warm)", local)]
        engines += [("ray, 1 worker", one), (f"ray, {args.nodes} workers", many)]
        stages = {name.strip() for name in args.stages.split(",")}
        run_stages(
            engines,
            repeated,
            documents,
            args.analyze if "analyze" in stages else 0,
            stages,
            args.nodes,
            names,
        )
    finally:
        if one is not None:
            one.close()  # disconnects this driver; the cluster is stopped next
        stopping = time.perf_counter()
        cluster.close()
        print(f"\ncluster stopped in {time.perf_counter() - stopping:.1f} s")


def run_stages(
    engines: list[tuple[str, Engine]],
    repeated: list[RawDocument],
    documents: list[RawDocument],
    analyze: int,
    stages: set[str],
    nodes: int,
    names: dict[str, str],
) -> None:
    summary: list[tuple[str, list[Figure]]] = []
    local = next((engine for _, engine in engines if isinstance(engine, LocalEngine)), None)

    if local is not None:  # load lingua and MiniLM before timing the local engine
        warm = list(clean_documents(documents[:200], engine=local))
        list(
            local.map_batches(
                EmbedTexts(PARTS), [(story_text(a), a.language) for a in warm[:64]], batch_size=64
            )
        )

    articles: list[Article] = []

    def clean(engine: Engine) -> int:
        nonlocal articles
        articles = list(clean_documents(repeated, engine=engine))
        return len(repeated)

    if "clean" in stages:
        summary.append(("clean", stage("clean", f"{len(repeated)} documents", engines, clean, nodes, names)))
    else:  # the articles the other stages need, cleaned here untimed
        articles = list(clean_documents(repeated[: len(documents)], engine=local or LocalEngine()))

    unique = [a for a in articles if a.id.endswith("~0")]  # the first copy of each
    vectors: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)

    texts = [(story_text(a), a.language) for a in unique]

    def embed(engine: Engine) -> int:
        # Every text, as embed_for_stories does when every row is needed.
        nonlocal vectors
        rows: list[NDArray[np.float32]] = list(
            engine.map_batches(EmbedTexts(PARTS), texts, batch_size=EMBED_BATCH_SIZE)
        )
        vectors = np.vstack(rows)
        return len(texts)

    if "embed" in stages:
        summary.append(("embed", stage("embed", f"{len(unique)} story texts", engines, embed, nodes, names)))
    elif analyze > 0:
        embed(local or LocalEngine())

    if analyze > 0:
        stories: list[Story] = group_into_stories(unique, vectors, PARTS.get_story_clusterer())[:analyze]
        sizes = [len(s.articles) for s in stories]
        if local is not None:  # load spaCy and the comparison's models before timing
            analyze_stories(stories[-1:], local, PARTS)

        def run(engine: Engine) -> int:
            analyze_stories(stories, engine, PARTS)
            return sum(sizes)

        label = f"the {len(stories)} largest stories ({'+'.join(map(str, sizes))} = {sum(sizes)} articles)"
        summary.append(("analyze", stage("analyze", label, engines, run, nodes, names)))

    print("\nitems/s steady (wall s); efficiency = throughput(N) / (N x throughput(1))")
    if not summary:
        return
    labels = [f.label for f in summary[0][1]]
    print("| stage | " + " | ".join(labels) + " | efficiency steady / by wall | CPU per item, N vs 1 |")
    print("|---|" + "---|" * (len(labels) + 2))
    for name, figures in summary:
        one, many = figures[-2], figures[-1]
        steady = many.steady / (nodes * one.steady)
        by_wall = (many.items / many.wall) / (nodes * one.items / one.wall)
        cells = [f"{f.steady:.1f} ({f.wall:.1f} s)" for f in figures]
        ratio = many.cpu_per_item / one.cpu_per_item
        print(f"| {name} | " + " | ".join(cells) + f" | {steady:.2f} / {by_wall:.2f} | x {ratio:.2f} |")


def stage(
    name: str,
    what: str,
    engines: list[tuple[str, Engine]],
    run: Callable[[Engine], int],
    nodes: int,
    names: dict[str, str],
) -> list[Figure]:
    print(f"\n== {name}: {what}")
    figures = []
    for label, engine in engines:
        cpu = time.process_time()
        started = time.perf_counter()
        items = run(engine)
        wall = time.perf_counter() - started
        driver_cpu = time.process_time() - cpu
        line = f"{label:<15} wall {wall:6.1f} s  {items / wall:6.1f} items/s"
        steady, cpu_per_item = items / wall, driver_cpu / items
        if isinstance(engine, RayEngine):
            workers = engine.last_run
            # As if every worker had started at once: until the one with the longest active time
            # (first batch to last) is done. Start and model loads are out; waiting is in.
            steady = items / max(w.active_seconds for w in workers)
            cpu_per_item = sum(w.busy_cpu_seconds for w in workers) / items
            line += f"  steady {steady:6.1f} items/s  driver CPU {driver_cpu:5.1f} s\n"
            line += describe_workers(workers, names)
        line += f"\n{'':<15} CPU per item {1000 * cpu_per_item:.1f} ms; load average (1 min) {os.getloadavg()[0]:.2f}"
        print(line, flush=True)
        figures.append(Figure(label, items, wall, steady, cpu_per_item))
    one, many = figures[-2], figures[-1]
    print(
        f"efficiency with {nodes} workers: {many.steady / (nodes * one.steady):.2f} steady, "
        f"{(many.items / many.wall) / (nodes * one.items / one.wall):.2f} by wall; "
        f"CPU per item x {many.cpu_per_item / one.cpu_per_item:.2f}"
    )
    return figures


def describe_workers(workers: Sequence[WorkerReport], names: dict[str, str]) -> str:
    return "\n".join(
        f"{'':<15} [{names.get(w.node_id, w.node_id[:8])}, pid {w.pid}: {w.items} items in {w.batches} batches, "
        f"build {w.build_seconds:.1f} s, busy {w.busy_seconds:.1f} s (CPU {w.busy_cpu_seconds:.1f} s) "
        f"of {w.active_seconds:.1f} s active, peak RSS {w.peak_rss_bytes / 2**20:.0f} MiB]"
        for w in workers
    )


if __name__ == "__main__":
    main()
