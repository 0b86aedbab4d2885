"""Throughput and peak memory of read + clean (+ metadata) over real corpora.

    python bench/read_clean.py [--shared ../shared]

Each corpus runs in a fresh process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine

REPO = Path(__file__).resolve().parent.parent


def _run(inputs: list[str], queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from newsprism.pipeline import read_articles

    problems: list[str] = []
    # Warm the lazy parts (language models, lexicon) outside the timed loop, as a long run would.
    list(
        read_articles(
            [str(REPO / "examples" / "blinken-beijing-2023" / "000_d37313c2899a58bf.txt")],
            report=problems.append,
        )
    )
    start = time.perf_counter()
    count = 0
    chars = 0
    for article in read_articles(inputs, report=problems.append):
        count += 1
        chars += len(article.text)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((count, chars, elapsed, peak_mb, len(problems)))


def measure(label: str, inputs: list[str]) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(inputs, queue))
    process.start()
    count, chars, elapsed, peak_mb, problems = queue.get()
    process.join()
    print(
        f"{label:<38} {count:>5} articles  {elapsed:6.1f} s  {count / elapsed:7.1f} articles/s  "
        f"{chars / elapsed / 1000:7.0f} k chars/s  peak RSS {peak_mb:5.0f} MB  ({problems} inputs skipped)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--shared", default=str(REPO.parent / "shared"), help="the project's shared data directory"
    )
    args = parser.parse_args()
    shared = Path(args.shared)
    print(f"machine: {describe_machine()}")
    print("stage: read + clean + metadata (newsprism.pipeline.read_articles), one process\n")
    measure("ECB+ corpus (JSONL, plain text)", [str(shared / "corpus" / "ecbplus.jsonl")])
    measure("extraction benchmark pages (HTML.gz)", [str(shared / "extraction" / "html")])
    measure("bundled sample (scraped text)", [str(REPO / "examples" / "blinken-beijing-2023")])


if __name__ == "__main__":
    main()
