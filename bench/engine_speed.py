"""Throughput of the engine stages on the local engine and on a local Ray with 1 and 2 workers.

    python bench/engine_speed.py [--corpus ../shared/corpus/ecbplus.jsonl] [--articles 982]
                                 [--workers 1,2] [--analyze 4] [--no-local]

The corpus is read once by the repository's JSONL reader (on the driver, as ``run_analyze`` does);
then each engine cleans every document and embeds every article's story text (title and lead),
and, with ``--analyze K``, writes the briefs of the K largest stories (clustered once, locally).
Figures include what a real run pays: Ray's start, each worker's model loads. Printed per engine:
seconds and articles/second per stage, and the peak resident memory of each Ray worker process
(getrusage on the worker, so it is right on remote nodes too) and of the driver.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.engine import (
    LocalEngine,
    RayEngine,
    WorkerReport,
    analyze_stories,
    clean_documents,
    embed_for_stories,
)
from newsprism.engine.local import Engine
from newsprism.errors import InputError
from newsprism.model import RawDocument, Story
from newsprism.parts import Parts
from newsprism.read import read_inputs
from newsprism.stories import group_into_stories

REPO = Path(__file__).resolve().parent.parent
MIB = 2**20
R = TypeVar("R")
PARTS = Parts.default()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "ecbplus.jsonl")
    parser.add_argument("--articles", type=int, default=None, help="use only the first N records")
    parser.add_argument("--workers", default="1,2", help="Ray worker counts to measure, comma-separated")
    parser.add_argument("--analyze", type=int, default=4, help="also analyse the K largest stories (0: skip)")
    parser.add_argument("--no-local", action="store_true", help="skip the local engine")
    args = parser.parse_args()

    print(f"machine: {describe_machine()}")
    started = time.perf_counter()
    documents = [d for d in read_inputs([str(args.corpus)]) if not isinstance(d, InputError)]
    documents = documents[: args.articles] if args.articles else documents
    print(
        f"corpus: {args.corpus.name}, {len(documents)} articles, "
        f"{sum(len(d.text or '') for d in documents) / 1e6:.2f} M characters "
        f"(read on the driver in {time.perf_counter() - started:.2f} s)"
    )
    print("ECB+: Cybulska & Vossen 2014, CC BY 3.0")

    stories: list[Story] | None = None  # the K largest, clustered once
    runs: list[int | None] = [] if args.no_local else [None]  # None: the local engine
    runs += [int(n) for n in args.workers.split(",") if n.strip()]
    for workers in runs:
        print(
            "\n== " + ("local" if workers is None else f"ray, {workers} worker{'s' if workers > 1 else ''}")
        )
        started = time.perf_counter()
        engine: Engine = LocalEngine() if workers is None else RayEngine(workers=workers)
        if workers is not None:
            print(f"start         {time.perf_counter() - started:6.1f} s")
        try:
            stories = bench_engine(engine, documents, args.analyze, stories)
        finally:
            engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ndriver peak RSS over all runs: {peak:.0f} MiB")


def bench_engine(
    engine: Engine, documents: list[RawDocument], analyze: int, stories: list[Story] | None
) -> list[Story] | None:
    started = time.perf_counter()
    articles = measure(
        engine, "clean", len(documents), lambda: list(clean_documents(documents, engine=engine))
    )
    vectors = measure(
        engine, "embed", len(articles), lambda: embed_for_stories(articles, engine, PARTS, every_row=True)
    )
    seconds = time.perf_counter() - started
    print(f"{'clean+embed':<13} {seconds:6.1f} s  {len(articles) / seconds:7.1f} articles/s")
    if analyze > 0:
        if stories is None:
            stories = group_into_stories(articles, vectors, PARTS.get_story_clusterer())[:analyze]
            print(
                f"(the {len(stories)} largest stories hold {', '.join(str(len(s.articles)) for s in stories)} articles)"
            )
        chosen = stories
        measure(
            engine,
            "analyze",
            sum(len(s.articles) for s in chosen),
            lambda: analyze_stories(chosen, engine, PARTS),
        )
    return stories


def measure(engine: Engine, stage: str, count: int, run: Callable[[], R]) -> R:
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    line = f"{stage:<13} {seconds:6.1f} s  {count / seconds:7.1f} articles/s"
    if isinstance(engine, RayEngine):
        line += "  " + worker_memory(engine.last_run)
    print(line)
    return result


def worker_memory(workers: list[WorkerReport]) -> str:
    parts = [
        f"[pid {w.pid}: {w.items} items, build {w.build_seconds:.1f} s, busy {w.busy_seconds:.1f} s, "
        f"peak RSS {w.peak_rss_bytes / MIB:.0f} MiB]"
        for w in workers
    ]
    return " ".join(parts)


if __name__ == "__main__":
    main()
