"""The brief's summary against LexRank and TextRank (sumy) on the labelled multi-outlet stories,
and against the lead sentences, LexRank and TextRank on ECB+ stories with written roundups.

    python bench/summary_eval.py [--split dev|eval|labelled]

Prints ROUGE-1/2/L F1 against reference summaries made of the labelled claims most articles
support, coverage of those claims, citation balance and citations per sentence, per system (see
newsprism/evaluation/summary.py for how each is computed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.evaluation.compare import load_stories
from newsprism.evaluation.summary import (
    SummaryEvaluation,
    evaluate_references,
    evaluate_summaries,
    load_references,
)
from newsprism.evaluation.unseen import ecb_stories, labelled_stories

REPO = Path(__file__).resolve().parent.parent
STORIES = REPO / "tests" / "data" / "compare" / "stories.jsonl"
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
REFERENCES = REPO / "tests" / "data" / "summary"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval", "labelled"), default="eval")
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    started = time.perf_counter()
    result: SummaryEvaluation
    if args.split == "labelled":
        result = evaluate_summaries(load_stories(STORIES))
    else:
        stories = ecb_stories(CORPUS, args.split, labelled_stories(STORIES))
        result = evaluate_references(stories, load_references(REFERENCES / f"references-{args.split}.jsonl"))
    print(
        f"{result.stories} stories, {result.sentences} summary sentences, "
        f"evaluated in {time.perf_counter() - started:.1f} s"
    )
    if args.split != "labelled":
        print(f"written roundups ({args.split} split); empty summaries: {len(result.empty)} {result.empty}")
        print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
        for name, scores in result.systems.items():
            print(
                f"{name:<10} {scores.mean('rouge1'):8.3f} {scores.mean('rouge2'):8.3f} {scores.mean('rouge_l'):8.3f}"
            )
        return
    print(
        f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'coverage':>9} {'balance':>8} {'cites/sent':>10}"
    )
    for name, scores in result.systems.items():
        if not scores.rouge1:
            continue
        print(
            f"{name:<10} {scores.mean('rouge1'):8.3f} {scores.mean('rouge2'):8.3f} {scores.mean('rouge_l'):8.3f} "
            f"{scores.mean('coverage'):9.3f} {scores.mean('balance'):8.3f} {scores.mean('citations_per_sentence'):10.2f}"
        )


if __name__ == "__main__":
    main()
