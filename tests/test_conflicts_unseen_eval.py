"""Floors for conflicts on ECB+ stories the rules were not built on (issue 13), pinned in CI on
the evaluation split (hashed: the split cannot change silently). Planted conflicts give recall;
the conflicts reported on the untouched stories are checked against the committed judgements of
a reader (tests/data/compare/judged-eval.jsonl): a conflict judged false, or one nobody has
judged yet, counts against the floor — a new finding must be judged before it may land."""

from __future__ import annotations

import json

import pytest

from newsprism.compare.detectors.base import REPORT_MIN_CONFIDENCE
from newsprism.evaluation.unseen import (
    conflicts_in_context,
    ecb_stories,
    evaluate_unseen,
    labelled_stories,
    split_digest,
)
from newsprism.parts import Parts

from conftest import DATA

CORPUS = DATA / "stories" / "ecbplus.jsonl"
LABELLED = DATA / "compare" / "stories.jsonl"
JUDGED = DATA / "compare" / "judged-eval.jsonl"
EVAL_DIGEST = "f868252696a3e8da"
EVAL_STORIES = 44
# Measured 2026-12-03 on the evaluation split (bench/conflicts_unseen.py --split eval; README):
# planted recall 0.521 of what briefs show (136 of 261 plants); 10 conflicts shown on 44 untouched
# stories, 7 judged false (0.16 per story). Raise these as quality rises; never lower them.
PLANTED_RECALL_FLOOR = 0.49
# Conflicts a reader judged false, and those not judged yet, per untouched story: measured 0.16;
# the ceiling leaves one finding of room for the embedding's numeric drift across machines (a
# changed alignment can surface one unjudged conflict).
MAX_FALSE_PER_STORY = 0.19


@pytest.mark.slow
@pytest.mark.timeout(2400)  # 44 stories and ~260 planted variants, each compared: ~10 min on 2 cores
def test_conflicts_on_unseen_stories_hold_their_floors() -> None:
    stories = ecb_stories(CORPUS, "eval", labelled_stories(LABELLED))
    assert len(stories) == EVAL_STORIES and split_digest(list(stories)) == EVAL_DIGEST
    reported: list[dict] = []
    scores = evaluate_unseen(
        stories,
        Parts.default(),
        on_story=lambda gold, comparison: reported.extend(
            conflicts_in_context(gold, comparison, stories[gold])
        ),
    )
    assert scores.planted_recall >= PLANTED_RECALL_FLOOR, [p.kind + ": " + p.original for p in scores.missed]
    verdicts = {
        j["key"]: j["verdict"] for j in map(json.loads, JUDGED.read_text(encoding="utf-8").splitlines())
    }
    shown = [r for r in reported if (r["confidence"] or 0) >= REPORT_MIN_CONFIDENCE]
    unjudged = [r["description"] for r in shown if r["key"] not in verdicts]
    false = [r["description"] for r in shown if verdicts.get(r["key"]) == "false"]
    assert (len(false) + len(unjudged)) / len(stories) <= MAX_FALSE_PER_STORY, (false, unjudged)
