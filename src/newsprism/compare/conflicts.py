"""Where outlets disagree on the same fact: numbers, dates, negation, who did it, a quote's words.

Conflicts are looked for only between units of one aligned claim from different articles, so
both sides are about the same thing. Each kind has its own detectors (``compare/detectors``, one
module each), and what is not a conflict is as deliberate as what is: an estimate and a figure
within its bound ("at least 12" / "15"), or two figures within a few per cent of each other, are
consistent; a paraphrase is not a quote conflict. Each conflict carries a confidence, and
conflicts are listed most certain first, so a reader is not flooded with weak ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsprism.compare.align import Alignment
from newsprism.compare.counted import CountedNouns
from newsprism.compare.detectors import REGISTRY, ConflictContext
from newsprism.compare.detectors.base import MIN_CONFIDENCE, Scored, applies, calibrated, compared
from newsprism.compare.nli import ContradictionJudge
from newsprism.model import Article, Conflict, Limit, Quote
from newsprism.nlp.entities import EntityIndex

__all__ = [
    "MAX_CONFLICTS_PER_CLAIM",
    "MAX_CONFLICTS_PER_STORY",
    "cap_conflicts",
    "compared",
    "find_conflicts",
]

MAX_CONFLICTS_PER_CLAIM = 5
MAX_CONFLICTS_PER_STORY = 50


def find_conflicts(
    alignment: Alignment,
    articles: Sequence[Article],
    quotes: Sequence[Quote],
    entities: EntityIndex | None = None,
    judge: ContradictionJudge | None = None,
    counted_nouns: CountedNouns | None = None,
) -> list[Conflict]:
    """Every registered detector over the story: the pair detectors over each pair of units of a
    claim, then the story detectors; surest first, one finding per disagreement. ``counted_nouns``
    compares figures across languages (without it, only figures of one language are compared)."""
    context = ConflictContext(alignment, articles, quotes, entities, judge, counted_nouns)
    # Restatements first, wherever their sentences were aligned; then the looser evidence of two
    # units of one claim, for the pairs that are no restatement.
    found_by: list[tuple[str, Scored]] = []  # (evidence, finding)
    for pair in context.restated_pairs():
        for found in REGISTRY:
            if found.scope == "pair" and found.evidence in ("restatement", "any"):
                found_by += [("restatement", s) for s in found.detect(context, pair)]
    for pair in context.pairs():
        for found in REGISTRY:
            if found.scope == "pair" and found.evidence != "restatement" and applies(found, pair):
                if found.evidence == "any" and pair.restated is not None:
                    continue  # met above, as a restated sentence pair
                evidence = "claim" if pair.across is None else "translation"
                found_by += [(evidence, s) for s in found.detect(context, pair)]
    for found in (d for d in REGISTRY if d.scope == "story"):
        found_by += [(found.evidence, s) for s in found.detect(context, None)]
    context.found.extend(s for _, s in found_by)
    # The confidence a reader sees is the calibrated one: how often a finding of this evidence
    # and kind was judged right (calibrate_confidence); the detector's own score orders findings
    # within it.
    ranked = sorted(
        (
            (calibrated(evidence, s.conflict.kind), evidence, s)
            for evidence, s in found_by
            if s.confidence >= MIN_CONFIDENCE
        ),
        key=lambda found: (-found[0], -found[2].confidence),
    )
    unique: dict[str, Conflict] = {}
    placed: list[Conflict] = []
    for confidence, evidence, scored in ranked:
        conflict = scored.conflict.model_copy(update={"confidence": confidence, "evidence": evidence})
        if any(_same_disagreement(conflict, other) for other in placed):
            continue
        # One disagreement about who holds a title is reported once, by its surest finding
        # (the story-wide one lists every article; the claim-level one two).
        key = (
            "entity|" + "|".join(sorted({s.value for s in conflict.sides}))
            if conflict.kind == "entity"
            else conflict.id
        )
        if key not in unique:
            unique[key] = conflict
            placed.append(conflict)
    return list(unique.values())


def _same_disagreement(a: Conflict, b: Conflict) -> bool:
    """Two findings of one kind whose sides overlap in the same articles (a sentence-level and a
    clause-level finding of one change) are one disagreement."""
    if a.kind != b.kind or len(a.sides) != 2 or len(b.sides) != 2:
        return False
    return all(
        any(x.article_id == y.article_id and x.start < y.end and y.start < x.end for y in b.sides)
        for x in a.sides
    )


def cap_conflicts(conflicts: Sequence[Conflict]) -> tuple[list[Conflict], Limit | None]:
    """The conflicts a brief shows, surest first (as given): at most MAX_CONFLICTS_PER_CLAIM per
    claim and MAX_CONFLICTS_PER_STORY in all; and, when some were left out, the limit that says so."""
    shown: list[Conflict] = []
    per_claim: dict[str, int] = {}
    for conflict in conflicts:
        claim = conflict.claim_ids[0] if conflict.claim_ids else None
        if claim is not None and per_claim.get(claim, 0) >= MAX_CONFLICTS_PER_CLAIM:
            continue
        if len(shown) == MAX_CONFLICTS_PER_STORY:
            break
        if claim is not None:
            per_claim[claim] = per_claim.get(claim, 0) + 1
        shown.append(conflict)
    if len(shown) == len(conflicts):
        return shown, None
    return shown, Limit(
        what="conflicts",
        shown=len(shown),
        found=len(conflicts),
        rule=(
            f"at most {MAX_CONFLICTS_PER_CLAIM} per claim and {MAX_CONFLICTS_PER_STORY} per story, "
            "the surest first"
        ),
    )
