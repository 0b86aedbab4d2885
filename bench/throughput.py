"""Corpus throughput: read → clean → language → story assignment, articles per second.

    python bench/throughput.py [--corpus ../shared/corpus/ecbplus.jsonl] [--repeat 1]

Plain JSONL news (ECB+: 982 real articles, CC BY 3.0) through the path `newsprism analyze` and
`newsprism cluster` take before any story is analysed: the reader, cleaning with language
detection and metadata, wire-copy detection, the encoder over the articles batch clustering
reads (``stories.dense_rows_needed``) and average linkage. One process on the local engine, after
a warm-up on the bundled sample so that model loads (lingua, MiniLM, stop words) are not counted,
as in a long run. The same articles are then grouped with both cosines for every pair (every
lead through the encoder), the way batch mode worked before lexical-first, as the peer.
``--repeat N`` reads the corpus N times (each copy with its own ids and a word changed per
paragraph, so it is neither a wire copy nor skipped as already read).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine

REPO = Path(__file__).resolve().parent.parent


def _repeated(corpus: Path, repeat: int, folder: Path) -> Path:
    if repeat == 1:
        return corpus
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    target = folder / f"repeated-{repeat}.jsonl"
    with target.open("w", encoding="utf-8") as handle:
        for copy in range(repeat):
            for row in rows:
                text = row.get("text", "")
                if copy:  # one word per paragraph changed: same story, not a copy of the text
                    text = "\n".join(
                        f"{line} (copy {copy})" if line.strip() else line for line in text.split("\n")
                    )
                handle.write(json.dumps({**row, "id": f"{row.get('id')}-{copy}", "text": text}) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "ecbplus.jsonl")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    from newsprism.engine import LocalEngine
    from newsprism.engine.stages import embed_for_stories
    from newsprism.parts import Parts
    from newsprism.pipeline import read_articles
    from newsprism.stories import cluster_stories, dense_rows_needed, find_copies, with_copies

    print(describe_machine())
    parts, engine = Parts.default(), LocalEngine()
    warm = list(read_articles([str(REPO / "examples" / "blinken-beijing-2023")], report=lambda _: None))
    cluster_stories(with_copies(warm), embed_for_stories(warm, engine, parts, every_row=True))
    with tempfile.TemporaryDirectory() as folder:
        corpus = _repeated(args.corpus, args.repeat, Path(folder))
        times: dict[str, float] = {}

        def timed(name: str, started: float) -> float:
            now = time.perf_counter()
            times[name] = now - started
            return now

        started = first = time.perf_counter()
        articles = list(read_articles([str(corpus)], report=lambda _: None))
        started = timed("read + clean + language + metadata", started)
        copies = find_copies(articles)
        articles = [a.model_copy(update={"copy_of": copies.get(a.id)}) for a in articles]
        started = timed("wire copies (MinHash LSH)", started)
        vectors = embed_for_stories(articles, engine, parts)
        started = timed(
            f"encoder ({int(dense_rows_needed(articles).sum())} of {len(articles)} leads)", started
        )
        stories = cluster_stories(articles, vectors)
        started = timed("average linkage", started)
        total = started - first
    count = len(articles)
    print(
        f"{corpus.name if args.repeat == 1 else args.corpus.name + f' x{args.repeat}'}: {count} articles, {len(stories)} stories"
    )
    for name, seconds in times.items():
        print(f"  {name:<44} {seconds:7.2f} s  {count / seconds:8.0f} articles/s")
    print(f"  {'read → clean → language → stories':<44} {total:7.2f} s  {count / total:8.0f} articles/s")
    started = time.perf_counter()
    every = embed_for_stories(articles, engine, parts, every_row=True)
    both = cluster_stories(articles, every, words_decide=False)
    peer = (
        times["read + clean + language + metadata"]
        + times["wire copies (MinHash LSH)"]
        + time.perf_counter()
        - started
    )
    print(
        f"  peer: every lead through the encoder, both cosines for every pair: {peer:.2f} s, "
        f"{count / peer:.0f} articles/s ({len(both)} stories); ratio {peer / total:.1f}x slower"
    )
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
