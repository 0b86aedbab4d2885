"""Cross-outlet comparison: claims, their alignment across articles, omissions and conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.compare.align import Alignment, align_claims, omitted_claims
from newsprism.compare.claims import Unit, split_units
from newsprism.compare.conflicts import cap_conflicts, find_conflicts
from newsprism.compare.nli import ContradictionJudge
from newsprism.embed import Embedder
from newsprism.model import Article, Claim, Conflict, Limit, Perspective
from newsprism.nlp import LanguageLayer

__all__ = ["Comparison", "align_claims", "compare_story", "find_conflicts", "omitted_claims", "split_units"]


@dataclass(frozen=True)
class Comparison:
    units: list[Unit]
    alignment: Alignment
    claims: list[Claim]
    conflicts: list[Conflict]
    perspectives: list[Perspective]
    limits: list[Limit]


def compare_story(
    articles: Sequence[Article],
    language: LanguageLayer,
    embedder: Embedder | None = None,
    judge: ContradictionJudge | None = None,
) -> Comparison:
    """Claims (shared and exclusive), conflicts, and per article its exclusive and omitted claims."""
    units = split_units(language.annotated, language.entities, language.quotes, language.dates)
    alignment = align_claims(units, embedder)
    copies = {a.id: a.copy_of for a in articles if a.copy_of}
    omitted = omitted_claims(alignment.claims, [a.id for a in articles], copies)
    perspectives = [
        Perspective(
            article_id=article.id,
            outlet=article.outlet,
            topics=[],
            voices=[],
            tone=None,
            exclusive_claim_ids=[
                c.id for c in alignment.claims if c.status == "exclusive" and c.article_ids == [article.id]
            ],
            omitted_claim_ids=omitted[article.id],
            loaded_terms=[],
        )
        for article in articles
    ]
    conflicts, limit = cap_conflicts(
        find_conflicts(alignment, articles, language.quotes, language.entities, judge)
    )
    return Comparison(
        units=units,
        alignment=alignment,
        claims=alignment.claims,
        conflicts=conflicts,
        perspectives=perspectives,
        limits=[limit] if limit is not None else [],
    )
