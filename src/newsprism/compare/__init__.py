"""Cross-outlet comparison: claims, their alignment across articles, which quotes are one
statement, omissions and conflicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from newsprism.compare.align import Alignment, align_claims, omitted_claims
from newsprism.compare.claims import Unit, split_units
from newsprism.compare.conflicts import cap_conflicts, find_conflicts
from newsprism.compare.nli import ContradictionJudge
from newsprism.compare.quote_groups import group_quotes
from newsprism.embed import Embedder
from newsprism.model import Claim, Conflict, Limit, Quote, Story
from newsprism.nlp import LanguageLayer

__all__ = [
    "Comparison",
    "align_claims",
    "compare_story",
    "find_conflicts",
    "group_quotes",
    "omitted_claims",
    "split_units",
]


@dataclass(frozen=True)
class Comparison:
    units: list[Unit]
    alignment: Alignment
    claims: list[Claim]
    conflicts: list[Conflict]
    quotes: list[Quote]  # the language layer's, with group_id set for quotes of one statement
    exclusive: dict[str, list[str]]  # article id → the claims only it reports
    omitted: dict[str, list[str]]  # article id → shared claims most others report and it does not
    limits: list[Limit]


def compare_story(
    story: Story,
    language: LanguageLayer,
    embedder: Embedder,
    judge: ContradictionJudge | None = None,
) -> Comparison:
    """Claims (shared and exclusive), quote groups, conflicts, and per article its exclusive and
    omitted claims."""
    articles = story.articles
    quotes = group_quotes(language.quotes, language.annotated)
    units = split_units(language.annotated, language.entities, quotes, language.dates)
    alignment = align_claims(units, embedder)
    exclusive: dict[str, list[str]] = defaultdict(list)
    for claim in alignment.claims:
        if claim.status == "exclusive" and len(claim.article_ids) == 1:
            exclusive[claim.article_ids[0]].append(claim.id)
    conflicts, limit = cap_conflicts(find_conflicts(alignment, articles, quotes, language.entities, judge))
    return Comparison(
        units=units,
        alignment=alignment,
        claims=alignment.claims,
        conflicts=conflicts,
        quotes=quotes,
        exclusive={a.id: exclusive.get(a.id, []) for a in articles},
        omitted=omitted_claims(alignment.claims, [a.id for a in articles], story.copies),
        limits=[limit] if limit is not None else [],
    )
