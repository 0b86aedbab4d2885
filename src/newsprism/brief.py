"""The brief of one story: a short neutral summary in which every sentence cites the outlets that
support it, "only in X" highlights, and the assembled ``Brief`` with the timeline, claims,
conflicts and perspectives.

The summary is extractive (STACK.md: the small generative models on PyPI invent facts). It picks
5-10 aligned claims, ranked by how many outlets support them and how central they are to the
story, kept diverse by maximal marginal relevance (MMR), with a nudge toward claims from outlets
cited least so far so that the set draws on the outlets evenly. Each claim is worded by its least
loaded supporting sentence: lowest VADER intensity, fewest of its outlet's characteristic terms,
not a quote, not a headline. Sentences follow the order the articles tell the story in.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from newsprism import __version__
from newsprism.compare.align import jaccard, restated
from newsprism.compare.detectors.base import TRANSLATED_MIN_COSINE
from newsprism.compare.detectors.restated import changes_value, written_alike
from newsprism.compare.restatement import is_negation_change, pieces, restatement
from newsprism.lexicon import READER_LANGUAGE, language_key
from newsprism.model import (
    Article,
    Brief,
    Claim,
    Generator,
    Highlight,
    Perspective,
    Provenance,
    Story,
    SummarySentence,
    TimelineEvent,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from newsprism.compare import Comparison
    from newsprism.compare.align import Alignment
    from newsprism.compare.claims import Unit
    from newsprism.nlp import LanguageLayer

# How many sentences: about one per four shared claims, within 5..10.
MIN_SUMMARY, MAX_SUMMARY = 5, 10
# MMR: relevance against redundancy (cosine of centred claim vectors); 0.7 as in most extractive
# summarisers; BALANCE_WEIGHT nudges toward claims of the outlets cited least so far.
MMR_LAMBDA = 0.7
BALANCE_WEIGHT = 0.15
SUPPORT_WEIGHT = 0.6  # relevance = SUPPORT_WEIGHT × share of outlets + the rest × centrality
# ... + LEAD_WEIGHT × how early in their articles the claim's sentences sit (news puts the main
# event first: the inverted pyramid). Swept on the dev roundups (0 … 1.2): 0.4 was best (ROUGE-1
# 0.455 → 0.474); the eval split was measured once, after.
LEAD_WEIGHT = 0.4
MIN_SUMMARY_WORDS, MAX_SUMMARY_WORDS = 8, 60
# A summary sentence cites an article only if its sentence shares this Jaccard share of content
# lemmas with it (or restates it). Chosen on 168 judged dev citations (bench/claims_judged.py):
# the citations then made were judged to state their sentence 0.84 of the time on dev (0.54
# before) and 0.75 on eval (0.52); a citation that does not state the sentence misleads.
CITATION_MIN_JACCARD = 0.4
HIGHLIGHTS_PER_ARTICLE = 2
# An exclusive claim is highlighted only if no other article has a unit this close (centred
# cosine): where paraphrases of one fact mostly lie (align.py: above 0.4, same-topic sentences
# about other facts below), so a paraphrase the alignment missed is not called "only in X".
HIGHLIGHT_MAX_CENTRED_COSINE = 0.4


def summarize(
    articles: Sequence[Article],
    comparison: Comparison,
    perspectives: Sequence[Perspective] = (),
    reader_language: str = READER_LANGUAGE,
) -> list[SummarySentence]:
    """5-10 sentences from the aligned claims, every one citing the articles whose sentence states
    it, each worded by a sentence in ``reader_language`` when the claim has one that may be shown."""
    alignment = comparison.alignment
    # Copies and rewrites of one wire text count as one outlet agreeing, not several.
    source_of = {a.id: comparison.sources.get(a.id, a.copy_of or a.id) for a in articles}
    n_articles = len(set(source_of.values())) or 1
    loaded = {p.article_id: {t.term for t in p.loaded_terms} for p in perspectives}
    disputed = {(side.article_id, side.start) for c in comparison.conflicts for side in c.sides}
    reader = language_key(reader_language)
    wording = {c.id: _least_loaded(c.id, alignment, loaded, disputed, reader) for c in alignment.claims}
    candidates = [c for c in alignment.claims if wording[c.id] is not None and c.status == "shared"]
    if len(candidates) < MIN_SUMMARY:  # a story few outlets agree on: add its most central exclusives
        candidates += [c for c in alignment.claims if wording[c.id] is not None and c.status == "exclusive"]
    if not candidates:
        return []
    vectors = alignment.centred
    plain = np.stack([alignment.claim_vector(c.id) for c in candidates])
    spread = np.stack([alignment.claim_vector(c.id, vectors) for c in candidates])
    weights = np.array([len({source_of.get(a, a) for a in c.article_ids}) for c in candidates], dtype=float)
    # Degree centrality (LexRank's idea without the graph walk): mean cosine to all claims (itself
    # included, the same for every claim), weighted by how many outlets carry them.
    centrality = (plain @ plain.T) @ weights / weights.sum()
    span = float(centrality.max() - centrality.min()) or 1.0
    position = {c.id: _position(alignment.units_of[c.id], articles) for c in candidates}
    early = np.array([1.0 - position[c.id] for c in candidates])
    relevance = (
        SUPPORT_WEIGHT * weights / n_articles
        + (1 - SUPPORT_WEIGHT) * (centrality - centrality.min()) / span
        + LEAD_WEIGHT * early
    )
    wanted = min(MAX_SUMMARY, max(MIN_SUMMARY, len([c for c in candidates if c.status == "shared"]) // 4))
    chosen = _mmr(candidates, relevance, spread, wanted)
    units = {c.id: wording[c.id] for c in chosen}
    chosen.sort(key=lambda c: position[c.id])
    summary = []
    for claim in chosen:
        unit = units[claim.id]
        assert unit is not None
        # Cite only the articles whose sentence states what the shown one does: not those that
        # restate it with another figure, date, name or a negation (they are the other side), nor
        # those of the claim that say something next to it.
        backing = [
            u
            for u in alignment.units_of[claim.id]
            if u is unit or (not differs_in_value(unit, u) and _states_in_any_language(u, unit, alignment))
        ]
        summary.append(
            SummarySentence(
                text=unit.text,
                citations=list(dict.fromkeys(u.article_id for u in backing)),
                claim_ids=[claim.id],
                support=[u.span() for u in backing],
                language=unit.language,
            )
        )
    return summary


def _mmr(
    candidates: Sequence[Claim], relevance: NDArray[np.float64], vectors: NDArray[np.float32], wanted: int
) -> list[Claim]:
    chosen: list[int] = []
    every_article = {a for c in candidates for a in c.article_ids}
    cited: dict[str, int] = dict.fromkeys(every_article, 0)
    remaining = set(range(len(candidates)))
    while remaining and len(chosen) < wanted:
        least = min(cited.values(), default=0)  # over every article, cited or not yet

        def gain(i: int, least: int = least) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            fresh = sum(1 for a in candidates[i].article_ids if cited.get(a, 0) <= least)
            balance = fresh / len(candidates[i].article_ids)
            return MMR_LAMBDA * float(relevance[i]) - (1 - MMR_LAMBDA) * redundancy + BALANCE_WEIGHT * balance

        best = max(sorted(remaining), key=gain)
        chosen.append(best)
        remaining.discard(best)
        for article_id in candidates[best].article_ids:
            cited[article_id] = cited.get(article_id, 0) + 1
    return [candidates[i] for i in chosen]


def _least_loaded(
    claim_id: str,
    alignment: Alignment,
    loaded: dict[str, set[str]],
    disputed: set[tuple[str, int]],
    reader: str = READER_LANGUAGE,
) -> Unit | None:
    """The supporting sentence to show: one that reads alone, is not a side of a conflict (a
    neutral account does not take one outlet's side), agrees with the others on its values, is
    in the reader's language if one is, and is closest to what all the claim's sentences say,
    less its emotional intensity and its outlet's characteristic words."""
    from newsprism.perspectives import tone_analyzer

    units = alignment.units_of[claim_id]
    usable = [
        u
        for u in units
        if _reads_alone(u) and not any(a == u.article_id and u.start <= at < u.end for a, at in disputed)
    ]
    if not usable:
        return None
    analyzer = tone_analyzer()
    centre = alignment.claim_vector(claim_id)

    def cost(unit: Unit) -> tuple[int, bool, float, int]:
        # The wording most of the claim's sentences agree with on its values comes first, then one
        # in the reader's language.
        foreign = language_key(unit.language) != reader
        disagreeing = sum(1 for other in units if other is not unit and differs_in_value(unit, other))
        typical = float(alignment.embeddings[alignment.row_of[unit.id]] @ centre)
        intensity = abs(float(analyzer.polarity_scores(unit.text)["compound"]))
        marked = len(unit.lemmas & loaded.get(unit.article_id, set()))
        return disagreeing, foreign, intensity + 0.25 * marked - typical, len(unit.text)

    return min(usable, key=cost)


def states(cited: Unit, shown: Unit) -> bool:
    """Whether ``cited`` can state what ``shown`` says: no figure in common where both give
    figures, and CITATION_MIN_JACCARD of their content lemmas shared or one restating the other. A sentence one claim holds beside the shown
    one may be about the same event and say something else ("arrested on suspicion of DUI" / "will
    play on Sunday despite his arrest"); a summary sentence cites only what states it."""
    figures = {q.value for q in shown.quantities}, {q.value for q in cited.quantities}
    if all(figures) and not figures[0] & figures[1]:
        return False  # "a depth of 1.2 miles" is not stated by "12 miles deep"
    if not (shown.lemmas or cited.lemmas):
        return True
    return jaccard(shown.lemmas, cited.lemmas) >= CITATION_MIN_JACCARD or restated(shown, cited)


def _states_in_any_language(cited: Unit, shown: Unit, alignment: Alignment) -> bool:
    """``states`` in one language; across two, words cannot be compared, so the multilingual model
    must put the two as close as a sentence and its translation (TRANSLATED_MIN_COSINE), and
    they must not give different figures."""
    if language_key(cited.language) == language_key(shown.language):
        return states(cited, shown)
    figures = {q.value for q in shown.quantities}, {q.value for q in cited.quantities}
    if all(figures) and not figures[0] & figures[1]:
        return False
    cosine = alignment.cosine_across(cited.id, shown.id)
    return cosine is not None and cosine >= TRANSLATED_MIN_COSINE


def differs_in_value(a: Unit, b: Unit) -> bool:
    """One restates the other with a value changed (a figure, a date word, a name) or negated."""
    found = restatement(pieces(a.text, a.start), pieces(b.text, b.start))
    return found is not None and any(
        (changes_value(change) and not written_alike(change, a, b)) or is_negation_change(change)
        for change in found.changes
    )


def _reads_alone(unit: Unit) -> bool:
    """A sentence that stands on its own in a summary: a capital (or a quote mark) first, a full
    stop last, a sensible length, no direct quote inside and not a headline."""
    text = unit.text.strip()
    words = len(text.split())
    return (
        not unit.headline
        and not any(mark in text for mark in '“”"«»')  # another's words are not the summary's
        and MIN_SUMMARY_WORDS <= words <= MAX_SUMMARY_WORDS
        and text[:1].isupper()
        and text.endswith((".", "!"))
        and not re.match(r"^(He|She|It|They|This|These|That|Those|His|Her|Its|Their)\b", text)
    )


def _position(units: Sequence[Unit], articles: Sequence[Article]) -> float:
    """Where in their articles a claim's sentences sit, on average (0 = lead, 1 = end)."""
    lengths = {a.id: max(1, len(a.text)) for a in articles}
    return float(np.mean([u.start / lengths[u.article_id] for u in units]))


def citation_balance(
    summary: Sequence[SummarySentence], article_ids: Sequence[str], source_of: Mapping[str, str] | None = None
) -> float:
    """How evenly the summary cites the story's independent sources (``source_of``: article id →
    the article standing for its source; default: every article its own): the normalised entropy
    of the citation counts (1 = every source cited equally often, 0 = one source only). A sentence
    citing a wire and its rewrite cites one source once."""
    source_of = source_of or {}
    sources = list(dict.fromkeys(source_of.get(a, a) for a in article_ids))
    counts = [
        sum(1 for s in summary if any(source_of.get(c, c) == source for c in s.citations))
        for source in sources
    ]
    total = sum(counts)
    if total == 0 or len(sources) < 2:
        return 0.0
    entropy = -sum(c / total * math.log(c / total) for c in counts if c)
    return round(entropy / math.log(len(sources)), 3)


def highlights(articles: Sequence[Article], comparison: Comparison) -> list[Highlight]:
    """What only one outlet reports, up to two per article: its exclusive claims that read alone
    and say something checkable (a name, a figure or a date), the most central first."""
    alignment = comparison.alignment
    if not len(alignment.embeddings):
        return []
    story = alignment.embeddings.mean(axis=0)
    claims = {claim.id: claim for claim in alignment.claims}
    article_of = np.empty(len(alignment.centred), dtype=object)
    for units in alignment.units_of.values():
        for unit in units:
            article_of[alignment.row_of[unit.id]] = unit.article_id
    found = []
    for article in articles:
        options = []
        elsewhere = alignment.centred[article_of != article.id]
        for claim in (claims[c] for c in comparison.exclusive.get(article.id, [])):
            units = alignment.units_of[claim.id]
            unit = next((u for u in units if u.article_id == article.id), units[0])
            if not _reads_alone(unit) or not (unit.entity_ids or unit.quantities or unit.dates):
                continue
            # "Only in X" is an assertion too: not where another outlet wrote something as close
            # as paraphrases of one fact come, which the claim alignment may have missed.
            closest = elsewhere @ alignment.centred[alignment.row_of[unit.id]]
            if len(closest) and float(closest.max()) >= HIGHLIGHT_MAX_CENTRED_COSINE:
                continue
            options.append((float(alignment.claim_vector(claim.id) @ story), claim, unit))
        options.sort(key=lambda option: -option[0])
        for _, claim, unit in options[:HIGHLIGHTS_PER_ARTICLE]:
            found.append(
                Highlight(
                    article_id=article.id,
                    claim_id=claim.id,
                    text=unit.text,
                    support=[unit.span()],
                    language=unit.language,
                )
            )
    return found


def build_brief(
    story: Story,
    language: LanguageLayer | None = None,
    comparison: Comparison | None = None,
    perspectives: Sequence[Perspective] = (),
    reader_language: str = READER_LANGUAGE,
    provenance: Sequence[Provenance] = (),
) -> Brief:
    """The brief of one story, assembled from the stages' results that were computed: its
    articles oldest first (undated last, in story order), their provenance, the language layer's
    entities, quotes, dates and timeline, the comparison's claims and conflicts, each article's
    perspective, and the cited summary and "only in X" highlights made from them, for a reader of
    ``reader_language``."""
    ordered = story.in_date_order()
    brief = Brief(
        generated_by=Generator(version=__version__),
        story=story.info(),
        articles=ordered,
        reader_language=reader_language,
        provenance=list(provenance),
    )
    if language is not None:
        brief.entities = language.entities.entities
        brief.quotes = language.quotes
        brief.dates = language.dates
        brief.timeline = language.timeline
    if comparison is not None:
        brief.quotes = comparison.quotes
        brief.claims = comparison.claims
        brief.conflicts = comparison.conflicts
        brief.limits = comparison.limits
        brief.name_variants = comparison.name_variants
        order = {a.id: i for i, a in enumerate(ordered)}
        brief.perspectives = sorted(perspectives, key=lambda p: order[p.article_id])
        brief.summary = summarize(ordered, comparison, perspectives, reader_language)
        brief.timeline = merge_events_across_languages(brief.timeline, comparison.alignment, reader_language)
        brief.highlights = highlights(ordered, comparison)
    return brief


def merge_events_across_languages(
    timeline: Sequence[TimelineEvent], alignment: Alignment, reader_language: str = READER_LANGUAGE
) -> list[TimelineEvent]:
    """The timeline with one event per dated fact across languages: two events of one date in
    different languages, from different articles, whose sentences the comparison put in one claim
    are one event (the language layer joins events by their wording, which two languages do not
    share), told in the reader's language when one of them is. Events in one language are left
    as the language layer joined them."""
    claims_at: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for claim_id, units in alignment.units_of.items():
        for unit in units:
            claims_at[unit.article_id].append((unit.start, unit.end, claim_id))

    def claims_of(event: TimelineEvent) -> set[str]:
        return {
            claim_id
            for span in event.support
            for start, end, claim_id in claims_at.get(span.article_id, [])
            if start < span.end and span.start < end
        }

    reader = language_key(reader_language)
    merged: list[tuple[TimelineEvent, set[str], set[str]]] = []  # event, its claims, its languages
    for event in timeline:
        claims, language = claims_of(event), language_key(event.language)
        articles = {s.article_id for s in event.support}
        match = next(
            (
                i
                for i, (other, other_claims, languages) in enumerate(merged)
                if other.date == event.date
                and language not in languages
                and claims & other_claims
                and not articles & {s.article_id for s in other.support}
            ),
            None,
        )
        if match is None:
            merged.append((event, claims, {language}))
            continue
        other, other_claims, languages = merged[match]
        told = event if language == reader and language_key(other.language) != reader else other
        merged[match] = (
            TimelineEvent(
                date=other.date,
                text=told.text,
                support=sorted([*other.support, *event.support], key=lambda s: (s.article_id, s.start)),
                language=told.language,
            ),
            other_claims | claims,
            languages | {language},
        )
    return [event for event, _, _ in merged]
