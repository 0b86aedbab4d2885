"""Judged precision of shared claims and of summary citations on ECB+ stories of one split.

    python bench/claims_judged.py --split eval --dump-shared shared.jsonl --dump-citations cites.jsonl
    python bench/claims_judged.py --split eval --judged tests/data/compare/judged-claims-eval.jsonl
    python bench/claims_judged.py --split eval --dump-sentences pairs.jsonl   # no pipeline run
    python bench/claims_judged.py --split eval --facts tests/data/compare/facts-eval.jsonl

Dumps, per story, a seeded sample of shared claims (two of each one's sentences, from different
articles) and of summary citations, in context, for a reader to judge (instructions in
tests/data/compare/judging-claims.md); with ``--judged`` prints the share judged right: "same"
(the two sentences state one fact) for claims, "supports" for citations. Unjudged items are
listed and counted apart, never as right. ``--dump-sentences`` writes two articles' numbered
sentences per story, for a reader to list the facts both state; ``--facts`` (that list) prints the
share of them one shared claim holds: the recall of shared claims.
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
from newsprism.evaluation.judged import (
    citations_in_context,
    judged_precision,
    sentences_to_pair,
    shared_pairs_in_context,
    shared_recall,
)
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
    parser.add_argument("--dump-sentences", type=Path, help="two articles' sentences per story (no pipeline)")
    parser.add_argument("--facts", type=Path, help='facts both articles state: story, a ("a3"), b ("b5")')
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    print(f"split {args.split}: {len(stories)} stories (digest {split_digest(list(stories))})")
    pairs = {gold: sentences_to_pair(gold, articles) for gold, articles in stories.items()}
    if args.dump_sentences:
        _write(args.dump_sentences, list(pairs.values()))
        return
    facts: dict[str, list[dict]] = {}
    for row in _rows(args.facts) if args.facts else []:
        if "a" in row and "b" in row:  # doubts and "none" lines are no facts
            facts.setdefault(row["story"], []).append(row)
    recalled: list[bool] = []
    pipeline = story_pipeline(Parts.default())
    shared: list[dict] = []
    citations: list[dict] = []
    started = time.perf_counter()
    with progress("stories", total=len(stories), enabled=progress_enabled(False)) as advance:
        for gold, articles in stories.items():
            brief = pipeline.results(Story.of(articles))["brief"]
            shared += shared_pairs_in_context(gold, brief)
            citations += citations_in_context(gold, brief)
            recalled += shared_recall(pairs[gold], facts.get(gold, []), brief)
            advance(description=gold)
    print(
        f"{len(shared)} shared-claim pairs, {len(citations)} citations, {time.perf_counter() - started:.0f} s"
    )
    for path, records in ((args.dump_shared, shared), (args.dump_citations, citations)):
        if path:
            _write(path, records)
    if args.facts:
        print(
            f"  shared-claim recall: {sum(recalled)}/{len(recalled)} facts both articles state"
            f" ({sum(recalled) / max(1, len(recalled)):.3f}), {len(facts)} stories"
        )
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
    return {row["key"]: row["verdict"] for row in _rows(path) if row.get("verdict")}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"  wrote {len(records)} to {path}")


if __name__ == "__main__":
    main()
