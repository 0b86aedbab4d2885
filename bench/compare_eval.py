"""Claim alignment and conflict detection on the labelled multi-outlet stories (tests/data/compare).

    python bench/compare_eval.py [--sweep] [--show-errors] [--nli aegis]

Prints pairwise alignment precision/recall, conflict precision/recall (and recall on the planted
contradictions), and with --sweep the alignment scores over a grid of thresholds, which is how
ALIGN_THRESHOLD and LINK_THRESHOLD in compare/align.py were chosen.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.compare import align as align_module
from newsprism.evaluation.compare import evaluate_compare, load_stories
from newsprism.parts import Parts

REPO = Path(__file__).resolve().parent.parent
STORIES = REPO / "tests" / "data" / "compare" / "stories.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--nli", default=None, help="also use this NLI backend (aegis) for conflicts")
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    stories = load_stories(STORIES)
    started = time.perf_counter()
    judge = Parts.from_names(judge=args.nli).get_judge()
    if judge is not None:
        print(f"NLI backend: {args.nli}")
    scores, _ = evaluate_compare(stories, judge=judge)
    print(
        f"{scores.stories} stories, {scores.articles} articles, evaluated in {time.perf_counter() - started:.1f} s"
    )
    p, r = scores.alignment_precision, scores.alignment_recall
    print(
        f"  claim alignment (pairs)   P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0:.3f}"
        f"   (labelled same-fact pairs {scores.same_pairs_gold}, predicted {scores.same_pairs_predicted})"
    )
    p, r = scores.conflict_precision, scores.conflict_recall
    print(
        f"  conflicts                 P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0:.3f}"
        f"   (labelled {scores.conflicts_gold}, predicted {scores.conflicts_predicted}); "
        f"planted recall {scores.planted_recall:.3f} ({scores.planted_found}/{scores.planted_gold}); "
        f"kind right for {scores.conflicts_kind_right}/{scores.conflicts_found} found"
    )
    if args.show_errors:
        for line in scores.missed_conflicts:
            print("  missed:", line)
        for line in scores.false_conflicts:
            print("  false: ", line)
    if args.sweep:
        print("\nthreshold sweep (alignment F1):")
        for align in (0.44, 0.48, 0.52, 0.56, 0.60, 0.64):
            row = []
            for link in (0.35, 0.40, 0.45, 0.50):
                align_module.ALIGN_THRESHOLD, align_module.LINK_THRESHOLD = align, link
                s, _ = evaluate_compare(stories)
                p, r = s.alignment_precision, s.alignment_recall
                row.append(
                    f"link {link:.2f}: P {p:.2f} R {r:.2f} F1 {2 * p * r / (p + r) if p + r else 0:.3f}"
                )
            print(f"  align {align:.2f} | " + " | ".join(row))


if __name__ == "__main__":
    main()
