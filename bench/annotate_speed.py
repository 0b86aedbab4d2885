"""Throughput of the language layer on real articles: spaCy annotation, then entities, quotes, dates.

    python bench/annotate_speed.py [--articles 300] [--corpus ../shared/corpus/ecbplus.jsonl]

Annotation runs in ``--processes`` spaCy processes (nlp.pipe n_process; the small model is
single-threaded per process, so 2 cores need 2 processes). Prints articles/second, characters/second and
peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.model import Article
from newsprism.nlp import analyze_language, annotate, load_model

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "ecbplus.jsonl")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument(
        "--processes", type=int, default=1, help="spaCy worker processes (nlp.pipe n_process)"
    )
    args = parser.parse_args()
    records = [
        json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines()[: args.articles]
    ]
    articles = [
        Article(
            id=r["id"],
            source=r["id"],
            outlet=None,
            domain=None,
            title=r.get("title"),
            published=None,
            language="en",
            text=r["text"],
        )
        for r in records
    ]
    chars = sum(len(a.text) for a in articles)
    print(f"machine: {describe_machine()}")
    started = time.perf_counter()
    load_model()
    loaded = time.perf_counter()
    annotated = annotate(articles, n_process=args.processes)
    annotated_at = time.perf_counter()
    stories: dict[str, list] = defaultdict(list)
    for record, item in zip(records, annotated, strict=True):
        stories[record.get("gold", record["id"])].append(item)
    quotes = entities = 0
    for members in stories.values():
        layer = analyze_language(members)
        quotes += len(layer.quotes)
        entities += len(layer.entities.entities)
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(articles)
    print(f"{n} ECB+ articles, {chars / n:.0f} characters on average, {len(stories)} stories")
    print(f"  model load                      {loaded - started:.2f} s")
    print(
        f"  annotation (spaCy, {args.processes} process(es)) {n / (annotated_at - loaded):.1f} articles/s  {chars / (annotated_at - loaded) / 1000:.0f} k chars/s"
    )
    print(
        f"  entities + quotes + dates       {n / (done - annotated_at):.1f} articles/s  ({entities} entities, {quotes} quotes)"
    )
    print(f"  whole language layer            {n / (done - loaded):.1f} articles/s")
    print(f"  peak memory                     {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
