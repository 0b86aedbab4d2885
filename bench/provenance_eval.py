"""Text reuse between articles: precision and recall on labelled ECB+ pairs and planted rewrites.

    python bench/provenance_eval.py --split dev|eval

See newsprism.evaluation.provenance for what is counted; thresholds in newsprism.provenance are
chosen on the dev split only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism import provenance
from newsprism.evaluation.provenance import labelled_scores, planted_scores

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "provenance"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    args = parser.parse_args()
    print(describe_machine())
    print(
        f"seed containment {provenance.SEED_MIN_CONTAINMENT}, rewrite content {provenance.REWRITE_MIN_CONTENT}, "
        f"reach {provenance.REWRITE_REACH}, shared words {provenance.REWRITE_MIN_SHARED_WORDS}, "
        f"seeds {provenance.MIN_SEEDS}"
    )
    started = time.perf_counter()
    labelled = labelled_scores(DATA, args.split)
    print(
        f"\nlabelled pairs, {args.split}: {labelled.pairs} pairs, {labelled.paragraphs_labelled} paragraphs"
    )
    print(f"  pairs with reuse         {labelled.pair_reuse.line()}")
    print(f"  reused paragraphs        {labelled.paragraphs.line()}")
    for label, (hit, total) in labelled.found_by_label.items():
        print(f"    {label:10} found {hit}/{total}")
    print(f"  one source (most reused) {labelled.one_source.line()}")
    planted = planted_scores(DATA, args.split)
    print(f"\nplanted rewrites, {args.split}: {planted.rewrites} rewrites of real wire articles")
    for operation, (hit, total) in planted.found_by_operation.items():
        what = "found (false)" if operation == "own" else "found"
        print(f"  {operation:12} paragraphs {what} {hit}/{total}")
    print(f"  counted as one source with their wire: {planted.one_source}/{planted.rewrites}")
    print(f"\n{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
