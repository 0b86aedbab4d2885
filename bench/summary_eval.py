"""The brief's summary against LexRank and TextRank (sumy) on the labelled multi-outlet stories.

    python bench/summary_eval.py

Prints ROUGE-1/2/L F1 against reference summaries made of the labelled claims most articles
support, coverage of those claims, citation balance and citations per sentence, per system (see
newsprism/evaluation/summary.py for how each is computed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.evaluation.compare import load_stories
from newsprism.evaluation.summary import evaluate_summaries

REPO = Path(__file__).resolve().parent.parent
STORIES = REPO / "tests" / "data" / "compare" / "stories.jsonl"


def main() -> None:
    print(f"machine: {describe_machine()}")
    started = time.perf_counter()
    result = evaluate_summaries(load_stories(STORIES))
    print(
        f"{result.stories} stories, {result.sentences} summary sentences, "
        f"evaluated in {time.perf_counter() - started:.1f} s"
    )
    print(
        f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'coverage':>9} {'balance':>8} {'cites/sent':>10}"
    )
    for name, scores in result.systems.items():
        print(
            f"{name:<10} {scores.mean('rouge1'):8.3f} {scores.mean('rouge2'):8.3f} {scores.mean('rouge_l'):8.3f} "
            f"{scores.mean('coverage'):9.3f} {scores.mean('balance'):8.3f} {scores.mean('citations_per_sentence'):10.2f}"
        )


if __name__ == "__main__":
    main()
