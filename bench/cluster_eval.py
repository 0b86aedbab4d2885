"""Story clustering on ECB+ (982 real articles, 86 gold stories; two events of one kind per topic):
B-cubed precision/recall/F1 and stories found, for newsprism batch and stream and HDBSCAN.

    python bench/cluster_eval.py [--sweep]
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
from newsprism.parts import Parts

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories" / "ecbplus.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sweep", action="store_true")
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


if __name__ == "__main__":
    main()
