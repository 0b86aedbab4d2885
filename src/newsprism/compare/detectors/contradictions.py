"""``negation`` found by the optional NLI judge: pairs of one claim that the model says contradict
each other, when no shaped detector already explains the disagreement."""

from __future__ import annotations

from newsprism.compare.align import Alignment
from newsprism.compare.claims import Unit
from newsprism.compare.detectors.base import (
    MIN_CONFIDENCE,
    ConflictContext,
    Pair,
    Scored,
    compared,
    detector,
    scored,
    side,
)
from newsprism.compare.nli import ContradictionJudge

# The NLI model is asked only about this many unit pairs per story (≈ 19 pairs/s on 2 cores, both
# ways), the most similar first, and only about units that say nearly the same thing (cosine ≥
# JUDGE_MIN_SIMILARITY): on looser pairs it reads "different" as "contradicts". On the labelled
# stories (bench/compare_eval.py --nli aegis) 0.6 gave conflict P 0.80 / R 0.64, 0.75 gave 0.88 /
# 0.64, 0.85 gave 1.00 / 0.60 (without the model: 1.00 / 0.47).
MAX_JUDGED_PAIRS = 200
JUDGE_MIN_SIMILARITY = 0.85


@detector("negation", scope="story", order=10)
def detect(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    if context.judge is None:
        return []
    shaped = {
        (s.article_id, claim_id)
        for found in context.found
        for s in found.conflict.sides
        for claim_id in found.conflict.claim_ids
    }
    return _contradictions(context.alignment, context.outlets, context.judge, shaped)


def _contradictions(
    alignment: Alignment,
    outlets: dict[str, str],
    judge: ContradictionJudge,
    shaped: set[tuple[str, str]],
) -> list[Scored]:
    """Pairs in one claim that an NLI model says contradict each other, when no shaped test (number,
    date, negation, role) already explains the disagreement. Reported as ``negation``: one outlet
    states what the other denies."""
    pairs: list[tuple[float, str, Unit, Unit]] = []
    for claim in alignment.claims:
        units = compared(alignment.units_of[claim.id], lambda u: u.text)
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                if (
                    a.article_id == b.article_id
                    or {(a.article_id, claim.id), (b.article_id, claim.id)} <= shaped
                ):
                    continue
                similarity = alignment.cosine(a.id, b.id)
                if similarity >= JUDGE_MIN_SIMILARITY and not a.quote_ids and not b.quote_ids:
                    pairs.append((similarity, claim.id, a, b))
    pairs.sort(key=lambda p: -p[0])
    pairs = pairs[:MAX_JUDGED_PAIRS]
    # Asked both ways: a contradiction holds whichever sentence is the premise.
    forward = judge.contradiction([(a.text, b.text) for _, _, a, b in pairs])
    backward = judge.contradiction([(b.text, a.text) for _, _, a, b in pairs])
    results = []
    for (_, claim_id, a, b), one, two in zip(pairs, forward, backward, strict=True):
        score = min(one, two)
        if score < MIN_CONFIDENCE:
            continue
        sides = [side(u.article_id, u.start, u.end, u.text, u.text) for u in (a, b)]
        description = (
            f"{outlets[a.article_id]} and {outlets[b.article_id]} state opposite things here "
            f"(NLI model, {score:.2f})."
        )
        results.append(scored("negation", description, sides, [claim_id], score))
    return results
