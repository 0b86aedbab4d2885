"""Judged precision of shared claims and of summary citations on ECB+ stories of one split.

    python bench/claims_judged.py --split eval --dump-shared shared.jsonl --dump-citations cites.jsonl
    python bench/claims_judged.py --split eval --judged tests/data/compare/judged-claims-eval.jsonl

Dumps, per story, a seeded sample of shared claims (two of each one's sentences, from different
articles) and every summary citation, in context, for a reader to judge (instructions in
tests/data/compare/judging-claims.md); with ``--judged`` prints the share judged right: "same"
(the two sentences state one fact) for claims, "supports" for citations. Unjudged items are
listed and counted apart, never as right.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.analysis import story_pipeline
from newsprism.evaluation.judged import citations_in_context, judged_precision, shared_pairs_in_context
from newsprism.evaluation.unseen import ecb_stories, labelled_stories, split_digest
from newsprism.model import Story
from newsprism.parts import Parts
from newsprism.progress import progress, progress_enabled

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
LABELLED = REPO / "tests" / "data" / "compare" / "stories.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="eval")
    parser.add_argument("--dump-shared", type=Path)
    parser.add_argument("--dump-citations", type=Path)
    parser.add_argument(
        "--judged", type=Path, help="verdicts: key, verdict (same/related/different, supports/partly/no)"
    )
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    print(f"split {args.split}: {len(stories)} stories (digest {split_digest(list(stories))})")
    pipeline = story_pipeline(Parts.default())
    shared: list[dict] = []
    citations: list[dict] = []
    started = time.perf_counter()
    with progress("stories", total=len(stories), enabled=progress_enabled(False)) as advance:
        for gold, articles in stories.items():
            brief = pipeline.results(Story.of(articles))["brief"]
            shared += shared_pairs_in_context(gold, brief)
            citations += citations_in_context(gold, brief)
            advance(description=gold)
    print(
        f"{len(shared)} shared-claim pairs, {len(citations)} citations, {time.perf_counter() - started:.0f} s"
    )
    for path, records in ((args.dump_shared, shared), (args.dump_citations, citations)):
        if path:
            path.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
            )
            print(f"  wrote {len(records)} to {path}")
    if args.judged:
        verdicts = _verdicts(args.judged)
        for label, records, right in (
            ("shared claims", shared, "same"),
            ("summary citations", citations, "supports"),
        ):
            good, judged, unjudged = judged_precision(records, verdicts, right)
            print(
                f"  {label}: {good}/{judged} judged right ({good / max(1, judged):.3f}); {unjudged} unjudged"
            )


def _verdicts(path: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["key"]: row["verdict"] for row in rows if row.get("verdict")}


if __name__ == "__main__":
    main()
