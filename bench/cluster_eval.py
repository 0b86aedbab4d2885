"""Story clustering on ECB+ (982 real articles, 86 gold stories; two events of one kind per topic):
B-cubed precision/recall/F1 and stories found, for newsprism batch and stream and HDBSCAN.

    python bench/cluster_eval.py [--sweep] [--lexical]

--lexical: per split of ECB+ stories (dev, where LEXICAL_STORY_THRESHOLD was set, and eval), batch
B-cubed F1 with one language's pairs read by their words (at several lexical cuts) against both
cosines for every pair, and how many articles the encoder reads each way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism import stories as stories_module
from newsprism.evaluation.stories import bcubed, evaluate_clustering, labels_of, load_gold
from newsprism.model import Article
from newsprism.parts import Parts

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories" / "ecbplus.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--lexical", action="store_true")
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    articles, gold = load_gold(args.corpus)
    print(f"{len(articles)} articles, {len(set(gold))} gold stories ({args.corpus.name})")
    started = time.perf_counter()
    results = evaluate_clustering(articles, gold)
    print(f"evaluated in {time.perf_counter() - started:.1f} s")
    print(f"{'system':<36} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'stories':>8}")
    for name, s in results.items():
        print(f"{name:<36} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.stories:8d}")
    if args.sweep:
        vectors = stories_module.dense_vectors(articles, Parts.default().get_embedder())
        print("\nsweep (batch B3 F1): rows similarity threshold, columns dense weight")
        for threshold in (0.30, 0.35, 0.40, 0.45):
            row = []
            for weight in (0.4, 0.5, 0.6):
                stories_module.DENSE_WEIGHT = weight
                found = stories_module.cluster_stories(articles, vectors, threshold=threshold)
                row.append(f"{bcubed(labels_of(found, articles), gold).f1:.3f}")
            print(f"  {threshold:.2f}  " + "  ".join(row))
    if args.lexical:
        lexical_sweep(articles, gold)


def lexical_sweep(articles: list[Article], gold: list[str]) -> None:
    from newsprism.evaluation.unseen import labelled_stories, split_of

    labelled = labelled_stories(CORPUS.parent.parent / "compare" / "stories.jsonl")
    vectors = stories_module.dense_vectors(articles, Parts.default().get_embedder())
    cuts = (0.10, 0.125, 0.15, 0.175)
    print("\nlexical-first (batch B3 F1 per split; columns: lexical cut, then both cosines everywhere)")
    print(
        f"  {'split':<6} {'articles':>8} "
        + " ".join(f"{c:>6.3f}" for c in cuts)
        + f" {'both':>6}  encoder reads"
    )
    for split in ("dev", "eval"):
        rows = [i for i, g in enumerate(gold) if split_of(g, labelled) == split]
        part, truth, dense = [articles[i] for i in rows], [gold[i] for i in rows], vectors[rows]
        scores = [
            bcubed(
                labels_of(stories_module.cluster_stories(part, dense, lexical_threshold=c), part), truth
            ).f1
            for c in cuts
        ]
        both = bcubed(
            labels_of(stories_module.cluster_stories(part, dense, words_decide=False), part), truth
        ).f1
        read = int(stories_module.dense_rows_needed(part).sum())
        print(
            f"  {split:<6} {len(part):>8} " + " ".join(f"{f:6.3f}" for f in scores) + f" {both:6.3f}  "
            f"{read} of {len(part)} (both cosines: all)"
        )


if __name__ == "__main__":
    main()
