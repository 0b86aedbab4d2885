"""Conflicts on ECB+ stories the rules were not built on (newsprism.evaluation.unseen).

    python bench/conflicts_unseen.py --split dev [--dump conflicts.jsonl] [--show-missed]
    python bench/conflicts_unseen.py --split eval --dump eval.jsonl   # the README's figures

Prints planted-conflict recall by kind, conflicts reported per untouched story, and — with
``--judged FILE`` (judgements of dumped conflicts, one JSON object a line with "key" and
"verdict": "real" | "false") — the judged precision of what was reported. Never change rules
while looking at the eval split's output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.compare.detectors.base import REPORT_MIN_CONFIDENCE
from newsprism.evaluation.unseen import (
    conflicts_in_context,
    ecb_stories,
    evaluate_unseen,
    labelled_stories,
    split_digest,
)
from newsprism.parts import Parts

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
LABELLED = REPO / "tests" / "data" / "compare" / "stories.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--dump", type=Path, help="write every reported conflict in context here")
    parser.add_argument("--judged", type=Path, help="judgements of dumped conflicts")
    parser.add_argument("--show-missed", action="store_true")
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="with --judged: print judged precision per evidence and kind, (right + 1) / (judged + 2)",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N stories")
    parser.add_argument("--nli", default=None)
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    stories = ecb_stories(args.corpus, args.split, labelled_stories(LABELLED))
    if args.limit:
        stories = dict(list(stories.items())[: args.limit])
    print(f"split {args.split}: {len(stories)} stories (digest {split_digest(list(stories))})")
    records: list[dict] = []
    started = time.perf_counter()
    scores = evaluate_unseen(
        stories,
        Parts.from_names(judge=args.nli),
        on_story=lambda gold, comparison: records.extend(
            conflicts_in_context(gold, comparison, stories[gold])
        ),
    )
    print(f"{scores.stories} stories, {scores.articles} articles, {time.perf_counter() - started:.0f} s")
    print(
        f"  conflicts on untouched stories: {scores.conflicts} ({scores.conflicts / max(1, scores.stories):.2f} per story)"
    )
    total = sum(scores.plants.values())
    print(
        f"  planted recall {scores.planted_recall:.3f} ({sum(scores.found.values())}/{total}) of what briefs show "
        f"(confidence ≥ {REPORT_MIN_CONFIDENCE}); {scores.candidate_recall:.3f} of all candidates"
    )
    for kind, planted in sorted(scores.plants.items()):
        found = scores.found.get(kind, 0)
        print(
            f"    {kind:14} {found}/{planted} shown, {scores.candidates.get(kind, 0)} candidates; "
            f"kind right {scores.kind_right.get(kind, 0)}"
        )
    if args.show_missed:
        for plant in scores.missed:
            print(
                f"  missed {plant.kind}: {plant.story} {plant.article_id}: {plant.original!r} → {plant.altered!r}"
            )
    if args.dump:
        args.dump.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
        )
        print(f"  wrote {len(records)} conflicts to {args.dump}")
    if args.judged:
        verdicts = {
            j["key"]: j["verdict"]
            for j in map(json.loads, args.judged.read_text(encoding="utf-8").splitlines())
            if j.get("verdict")
        }
        for label, group in (
            ("shown", [r for r in records if (r["confidence"] or 0) >= REPORT_MIN_CONFIDENCE]),
            ("all candidates", records),
        ):
            judged = [r for r in group if r["key"] in verdicts]
            real = sum(verdicts[r["key"]] == "real" for r in judged)
            print(
                f"  {label}: {len(group)}, judged {len(judged)}: precision {real / max(1, len(judged)):.3f}, "
                f"false per story {(len(judged) - real) / max(1, scores.stories):.2f}"
            )
        judged = [r for r in records if r["key"] in verdicts]
        for r in records:
            if r["key"] not in verdicts:
                print(f"  unjudged: {r['story']} {r['kind']}: {r['description']}")
        if args.calibrate:
            buckets: dict[str, list[bool]] = {}
            for r in judged:
                for key in (r["evidence"], f"{r['evidence']}/{r['kind']}"):
                    buckets.setdefault(key, []).append(verdicts[r["key"]] == "real")
            print("  calibration (evidence, evidence/kind): right/judged -> (right + 1) / (judged + 2)")
            for key, marks in sorted(buckets.items()):
                print(f"    {key:28} {sum(marks)}/{len(marks)} -> {(sum(marks) + 1) / (len(marks) + 2):.2f}")


if __name__ == "__main__":
    main()
