"""Scores for claim alignment and conflict detection against tests/data/compare (see its README).

Labels locate text by exact strings. Alignment is scored on pairs of predicted units (sentences)
of different articles: labelled "same" when one labelled claim is supported by text in both,
predicted "same" when both sit in one predicted claim. Precision = right same-pairs / predicted
same-pairs, recall = right same-pairs / labelled same-pairs (labelled text that no unit covers
counts as missed). A conflict is found when a predicted conflict has a side overlapping each of two sides
of a labelled conflict (in their articles); its kind is scored separately.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.compare import Comparison, compare_story
from newsprism.compare.nli import ContradictionJudge
from newsprism.embed import Embedder
from newsprism.model import Article, Conflict, Story
from newsprism.nlp import analyze_language, annotate
from newsprism.parts import Parts


@dataclass
class CompareScores:
    stories: int = 0
    articles: int = 0
    same_pairs_predicted: int = 0
    same_pairs_gold: int = 0
    same_pairs_right: int = 0
    conflicts_predicted: int = 0
    conflicts_gold: int = 0
    conflicts_found: int = 0
    conflicts_right: int = 0  # predicted conflicts that match a labelled one
    conflicts_kind_right: int = 0
    planted_gold: int = 0
    planted_found: int = 0
    false_conflicts: list[str] = field(default_factory=list)
    missed_conflicts: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    @property
    def alignment_precision(self) -> float:
        return self._ratio(self.same_pairs_right, self.same_pairs_predicted)

    @property
    def alignment_recall(self) -> float:
        return self._ratio(self.same_pairs_right, self.same_pairs_gold)

    @property
    def conflict_precision(self) -> float:
        return self._ratio(self.conflicts_right, self.conflicts_predicted)

    @property
    def conflict_recall(self) -> float:
        return self._ratio(self.conflicts_found, self.conflicts_gold)

    @property
    def planted_recall(self) -> float:
        return self._ratio(self.planted_found, self.planted_gold)


def load_stories(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def story_articles(story: dict[str, Any]) -> list[Article]:
    return [
        Article(
            id=a["id"],
            source=a["source"],
            outlet=a["id"],
            domain=None,
            title=a.get("title"),
            published=a.get("published"),
            language="en",
            text=a["text"],
        )
        for a in story["articles"]
    ]


def fold_value(value: str) -> str:
    return " ".join(value.lower().split())


def _locate(text: str, needle: str) -> tuple[int, int] | None:
    at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate_compare(
    stories: Sequence[dict[str, Any]],
    embedder: Embedder | None = None,
    judge: ContradictionJudge | None = None,
) -> tuple[CompareScores, list[Comparison]]:
    scores = CompareScores(stories=len(stories))
    comparisons = []
    for story in stories:
        articles = story_articles(story)
        scores.articles += len(articles)
        layer = analyze_language(annotate(articles))
        comparison = compare_story(
            Story.of(articles), layer, embedder or Parts.default().get_embedder(), judge
        )
        comparisons.append(comparison)
        _score_alignment(story, articles, comparison, scores)
        _score_conflicts(story, articles, comparison.conflicts, scores)
    return scores, comparisons


def _score_alignment(
    story: dict[str, Any], articles: Sequence[Article], comparison: Comparison, scores: CompareScores
) -> None:
    """Pairs of predicted units of different articles: labelled "same" when a labelled claim
    supports both (a unit may carry several labelled clauses), predicted "same" when they are in
    one predicted claim. Labelled units no predicted unit covers count as missed pairs."""
    texts = {a.id: a.text for a in articles}
    claim_of_unit = {
        u.id: claim_id for claim_id, units in comparison.alignment.units_of.items() for u in units
    }
    gold_of_unit: dict[str, set[str]] = {u.id: set() for u in comparison.units}
    missed: list[tuple[str, str]] = []  # (article, gold claim) of labelled text no unit covers
    for claim in story["claims"]:
        for support in claim["support"]:
            where = _locate(texts[support["article_id"]], support["text"])
            covering = [
                u
                for u in comparison.units
                if where is not None
                and u.article_id == support["article_id"]
                and _overlap(where, (u.start, u.end)) >= 0.5 * (where[1] - where[0])
            ]
            for unit in covering:
                gold_of_unit[unit.id].add(claim["id"])
            if not covering:
                missed.append((support["article_id"], claim["id"]))
    units = [u for u in comparison.units if gold_of_unit[u.id]]
    for i, a in enumerate(units):
        for b in units[i + 1 :]:
            if a.article_id == b.article_id:
                continue
            gold_same = bool(gold_of_unit[a.id] & gold_of_unit[b.id])
            predicted_same = claim_of_unit[a.id] == claim_of_unit[b.id]
            scores.same_pairs_gold += gold_same
            scores.same_pairs_predicted += predicted_same
            scores.same_pairs_right += gold_same and predicted_same
    for article_id, claim_id in missed:
        scores.same_pairs_gold += sum(
            1 for u in units if u.article_id != article_id and claim_id in gold_of_unit[u.id]
        )


def _score_conflicts(
    story: dict[str, Any], articles: Sequence[Article], predicted: Sequence[Conflict], scores: CompareScores
) -> None:
    texts = {a.id: a.text for a in articles}
    gold = []
    for conflict in story["conflicts"]:
        sides = []
        for side in conflict["sides"]:
            where = _locate(texts[side["article_id"]], side["text"])
            if where is not None:
                sides.append((side["article_id"], where))
        gold.append((conflict, sides))
    scores.conflicts_gold += len(gold)
    scores.planted_gold += sum(1 for c, _ in gold if c.get("planted"))
    scores.conflicts_predicted += len(predicted)

    def matches(found: Conflict, sides: list[tuple[str, tuple[int, int]]]) -> bool:
        """Both labelled sides located, or one located and the other side in another article that
        states the contradicted value (the labels pair a variant with one article; the same value
        in a third article is the same conflict)."""
        covered = {
            article
            for article, where in sides
            for side in found.sides
            if side.article_id == article and _overlap(where, (side.start, side.end))
        }
        if len(covered) >= 2:
            return True
        if len(covered) == 1:
            values = {fold_value(s.value) for s in found.sides}
            return len(values) == 2
        return False

    for conflict, sides in gold:
        hits = [p for p in predicted if matches(p, sides)]
        if hits:
            scores.conflicts_found += 1
            scores.planted_found += bool(conflict.get("planted"))
            scores.conflicts_kind_right += any(h.kind == conflict["kind"] for h in hits)
        else:
            scores.missed_conflicts.append(f"{story['story']}: {conflict['kind']}: {conflict['description']}")
    for found in predicted:
        if any(matches(found, sides) for _, sides in gold):
            scores.conflicts_right += 1
        else:
            scores.false_conflicts.append(f"{story['story']}: {found.kind}: {found.description}")
