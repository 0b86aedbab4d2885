"""Cross-outlet comparison: claims, their alignment across articles, which quotes are one
statement, omissions and conflicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from newsprism.compare.align import (
    Alignment,
    ReusedSpan,
    align_claims,
    count_sources,
    omitted_claims,
    separate_denials,
)
from newsprism.compare.claims import Unit, split_units
from newsprism.compare.conflicts import cap_conflicts, find_conflicts
from newsprism.compare.counted import CountedNouns
from newsprism.compare.detectors.base import REPORT_MIN_CONFIDENCE
from newsprism.compare.name_variants import name_variants
from newsprism.compare.nli import ContradictionJudge
from newsprism.compare.quote_groups import group_quotes
from newsprism.embed import CrossLingual, Embedder
from newsprism.lexicon import READER_LANGUAGE
from newsprism.model import Claim, Conflict, Limit, NameVariant, Quote, Story, article_labels
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
    name_variants: list[NameVariant]
    # article id → the article standing for its independent source (provenance): what every
    # count of agreeing outlets counts
    sources: dict[str, str]


def compare_story(
    story: Story,
    language: LanguageLayer,
    embedder: Embedder,
    judge: ContradictionJudge | None = None,
    min_confidence: float = REPORT_MIN_CONFIDENCE,
    cross_lingual: CrossLingual | None = None,
    reader_language: str = READER_LANGUAGE,
    sources: dict[str, str] | None = None,
    reused: dict[str, list[ReusedSpan]] | None = None,
) -> Comparison:
    """Claims (shared and exclusive), quote groups, conflicts, and per article its exclusive and
    omitted claims. ``cross_lingual`` compares units not in English (see align_claims); a claim
    is worded in ``reader_language`` when one of its sentences is. ``sources`` (article id → the
    article standing for its independent source, from provenance; default: wire copies) decides
    what is shared: a claim two rewrites of one wire state has one source; ``reused`` (per
    article, passages it took from another) does the same for a rewritten sentence."""
    articles = story.articles
    source_of = {a.id: (sources or {}).get(a.id) or a.copy_of or a.id for a in articles}
    quotes = group_quotes(language.quotes, language.annotated, cross_lingual)
    units = split_units(language.annotated, language.entities, quotes, language.dates)
    alignment = align_claims(units, embedder, cross_lingual, reader_language)
    counted_nouns = CountedNouns(cross_lingual.multilingual) if cross_lingual is not None else None
    found = find_conflicts(alignment, articles, quotes, language.entities, judge, counted_nouns)
    strong = [c for c in found if (c.confidence or 0) >= min_confidence]
    alignment = separate_denials(alignment, strong)  # only what the brief asserts reshapes claims
    alignment = count_sources(alignment, source_of, reused)
    conflicts, limit = cap_conflicts(strong)
    if len(strong) < len(found):
        limit = Limit(
            what="conflicts",
            shown=len(conflicts),
            found=len(found),
            rule=(
                f"only conflicts of confidence {min_confidence:.2f} or more (how often such findings "
                "were judged right)" + (f"; then {limit.rule}" if limit is not None else "")
            ),
        )
    exclusive: dict[str, list[str]] = defaultdict(list)
    for claim in alignment.claims:
        if claim.status == "exclusive":
            # One source: its own article's, or the article standing for the source of several
            # (a wire and its rewrites state it, and it is that wire's alone).
            owners = [a for a in claim.article_ids if source_of.get(a, a) == a] or claim.article_ids[:1]
            exclusive[owners[0]].append(claim.id)

    return Comparison(
        units=units,
        alignment=alignment,
        claims=alignment.claims,
        conflicts=conflicts,
        quotes=quotes,
        exclusive={a.id: exclusive.get(a.id, []) for a in articles},
        omitted=omitted_claims(alignment.claims, [a.id for a in articles], source_of),
        limits=[limit] if limit is not None else [],
        name_variants=name_variants(language.entities, article_labels(articles)),
        sources=source_of,
    )
