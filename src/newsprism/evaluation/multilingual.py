"""Translation invariance: replace one outlet's article by its faithful translation, and the
story's comparison should keep what it found.

The translations (tests/data/multilingual, provenance in its README) keep the original's
paragraphs one for one, and ECB+ paragraphs are sentences, so a unit is named by its article and
paragraph on both sides. A *link* is two units of one shared claim. Of the links the English
story has, ``kept`` is the share the story with the translation still has, and ``kept_across``
the same for the links through the translated article (the cross-language ones); ``agreement``
is the share of the translated story's links through that article that the English story also
has (a lower bound of their precision: a link the English story missed may still be right).
Conflicts are named by kind and the paragraphs of their sides, and counted the same way. The
stories and articles are the ECB+ dev / evaluation splits of evaluation.unseen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from newsprism.compare import Comparison
from newsprism.evaluation.unseen import StoryRunner
from newsprism.lexicon import reads_as_english
from newsprism.model import Article
from newsprism.parts import Parts

LANGUAGES = ("ru", "es", "fr", "ar")

Key = tuple[str, int]  # (article id, paragraph index)


@dataclass
class Invariance:
    language: str
    stories: int = 0
    links: int = 0  # of the English stories' shared claims
    kept: int = 0
    links_across: int = 0  # those through the translated article
    kept_across: int = 0
    found_across: int = 0  # the translated stories' links through the translated article
    right_across: int = 0  # of which the English story has them too
    conflicts: int = 0
    conflicts_kept: int = 0
    quote_links_across: int = 0  # the English stories' quote-group pairs through the translated article
    quote_links_kept: int = 0
    direct_links_across: int = 0  # of them, pairs of direct quotes (reported speech needs a parser)
    direct_links_kept: int = 0

    @property
    def kept_share(self) -> float:
        return _share(self.kept, self.links)

    @property
    def recall_across(self) -> float:
        return _share(self.kept_across, self.links_across)

    @property
    def agreement_across(self) -> float:
        return _share(self.right_across, self.found_across)

    @property
    def quote_recall_across(self) -> float:
        return _share(self.quote_links_kept, self.quote_links_across)

    @property
    def direct_recall_across(self) -> float:
        return _share(self.direct_links_kept, self.direct_links_across)

    @property
    def conflicts_kept_share(self) -> float:
        return _share(self.conflicts_kept, self.conflicts)


def _share(part: int, whole: int) -> float:
    """``part`` of ``whole``; 1.0 of nothing (nothing to keep is all kept)."""
    return part / whole if whole else 1.0


def translations(directory: Path, language: str, split: str) -> list[dict[str, str]]:
    path = directory / f"{language}-{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _paragraph(text: str, offset: int) -> int:
    return text.count("\n\n", 0, offset)


def links(comparison: Comparison, articles: Sequence[Article]) -> set[frozenset[Key]]:
    """Every pair of units of one shared claim, each named by article and paragraph."""
    text_of = {a.id: a.text for a in articles}
    found: set[frozenset[Key]] = set()
    for claim in comparison.claims:
        if not claim.across_articles:  # alignment is measured, whatever the sources
            continue
        keys = {(s.article_id, _paragraph(text_of[s.article_id], s.start)) for s in claim.support}
        found.update(frozenset(pair) for pair in combinations(sorted(keys), 2) if pair[0][0] != pair[1][0])
    return found


def quote_links(
    comparison: Comparison, articles: Sequence[Article], direct_only: bool = False
) -> set[frozenset[Key]]:
    """Every pair of quotes of one quote group in two articles, each named by article and
    paragraph (``direct_only``: of direct quotes only)."""
    text_of = {a.id: a.text for a in articles}
    groups: dict[str, set[Key]] = {}
    for quote in comparison.quotes:
        if quote.group_id is not None and (quote.kind == "direct" or not direct_only):
            key = (quote.article_id, _paragraph(text_of[quote.article_id], quote.start))
            groups.setdefault(quote.group_id, set()).add(key)
    return {
        frozenset(pair)
        for keys in groups.values()
        for pair in combinations(sorted(keys), 2)
        if pair[0][0] != pair[1][0]
    }


def conflict_keys(comparison: Comparison, articles: Sequence[Article]) -> set[tuple[str, frozenset[Key]]]:
    text_of = {a.id: a.text for a in articles}
    return {
        (c.kind, frozenset((s.article_id, _paragraph(text_of[s.article_id], s.start)) for s in c.sides))
        for c in comparison.conflicts
    }


class StoryComparer(StoryRunner):
    """A StoryRunner that also compares each English story once (what the cross-lingual
    settings cannot change)."""

    def __init__(self, parts: Parts) -> None:
        super().__init__(parts)
        self._english: dict[tuple[tuple[str, str], ...], Comparison] = {}

    def compare(self, articles: Sequence[Article]) -> Comparison:
        if not all(reads_as_english(a.language) for a in articles):
            return super().compare(articles)
        key = tuple((a.id, a.text) for a in articles)
        if key not in self._english:
            self._english[key] = super().compare(articles)
        return self._english[key]


def as_translated(article: Article, row: dict[str, str], language: str) -> Article:
    """``article`` as its translation ``row`` (a line of tests/data/multilingual) gives it."""
    return article.model_copy(update={"text": row["text"], "title": row["title"], "language": language})


def evaluate_invariance(
    stories: dict[str, list[Article]],
    translated: Iterable[dict[str, str]],
    language: str,
    comparer: StoryComparer,
) -> Invariance:
    """Invariance of one language's translations (``translated``: rows of tests/data/multilingual)."""
    scores = Invariance(language)
    for row in translated:
        articles = stories.get(row["story"])
        if not articles:
            continue
        original = next(a for a in articles if a.id == row["id"])
        replaced = [as_translated(a, row, language) if a.id == original.id else a for a in articles]
        before, after = comparer.compare(articles), comparer.compare(replaced)
        english, mixed = links(before, articles), links(after, replaced)
        across = {link for link in english if any(key[0] == original.id for key in link)}
        found_across = {link for link in mixed if any(key[0] == original.id for key in link)}
        scores.stories += 1
        scores.links += len(english)
        scores.kept += len(english & mixed)
        scores.links_across += len(across)
        scores.kept_across += len(across & mixed)
        scores.found_across += len(found_across)
        scores.right_across += len(found_across & english)
        conflicts_before, conflicts_after = conflict_keys(before, articles), conflict_keys(after, replaced)
        quotes_across = {
            link for link in quote_links(before, articles) if any(key[0] == original.id for key in link)
        }
        scores.quote_links_across += len(quotes_across)
        scores.quote_links_kept += len(quotes_across & quote_links(after, replaced))
        direct_across = {
            link
            for link in quote_links(before, articles, direct_only=True)
            if any(key[0] == original.id for key in link)
        }
        scores.direct_links_across += len(direct_across)
        scores.direct_links_kept += len(direct_across & quote_links(after, replaced, direct_only=True))
        scores.conflicts += len(conflicts_before)
        scores.conflicts_kept += len(conflicts_before & conflicts_after)
    return scores


@dataclass
class MixedClustering:
    language: str
    bcubed_f1: float  # over the split's articles, one per translated story replaced
    english_f1: float  # the same articles, all in English
    translated: int
    with_a_mate: int  # translated articles in one story with at least one article of their gold story
    with_a_stranger: int  # translated articles in one story with an article of another gold story


def evaluate_mixed_clustering(
    articles: Sequence[Article],
    gold: Sequence[str],
    translated: Iterable[dict[str, str]],
    language: str,
    parts: Parts,
) -> MixedClustering:
    """Story clustering of ``articles`` (labelled ``gold``) with the translated ones replaced."""
    from newsprism.evaluation.stories import bcubed, labels_of
    from newsprism.stories import cluster_stories, dense_vectors

    rows = {row["id"]: row for row in translated}
    replaced = [as_translated(a, rows[a.id], language) if a.id in rows else a for a in articles]

    def labels(batch: Sequence[Article]) -> list[str]:
        vectors = dense_vectors(
            batch, parts.get_embedder(), parts.cross_lingual_for(a.language for a in batch)
        )
        return labels_of(cluster_stories(batch, vectors), batch)

    english, mixed = labels(articles), labels(replaced)
    scores = MixedClustering(language, bcubed(mixed, gold).f1, bcubed(english, gold).f1, 0, 0, 0)
    for i, article in enumerate(replaced):
        if article.id not in rows:
            continue
        together = [j for j in range(len(replaced)) if j != i and mixed[j] == mixed[i]]
        scores.translated += 1
        scores.with_a_mate += any(gold[j] == gold[i] for j in together)
        scores.with_a_stranger += any(gold[j] != gold[i] for j in together)
    return scores


@dataclass
class EntityMerges:
    """Entities across scripts: each translation analysed in one story with its English original.
    Of the original's named people, organisations and places (those the English model finds), the
    share whose entity also holds a mention in the translation (``recall``: a lower bound, since a
    translator may drop a name). ``merged`` lists, per merged entity, the English names and the
    translation's spellings, for judging the merges by eye."""

    language: str
    names: int = 0
    found: int = 0
    merged: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return _share(self.found, self.names)


ENTITY_TYPES_COMPARED = frozenset({"PERSON", "ORG", "GPE"})


def evaluate_entity_merges(
    originals: dict[str, Article], translated: Iterable[dict[str, str]], language: str, parts: Parts
) -> EntityMerges:
    from newsprism.analysis import annotate_story
    from newsprism.model import Story
    from newsprism.nlp import resolve_entities

    scores = EntityMerges(language)
    for row in translated:
        original = originals.get(row["id"])
        if original is None:
            continue
        translation = as_translated(original, row, language).model_copy(
            update={"id": f"{original.id}:{language}"}
        )
        story = Story(id=f"merge-{original.id}", articles=[original, translation])
        entities = resolve_entities(annotate_story(story, parts))
        for entity in entities.entities:
            in_original = [m for m in entity.mentions if m.article_id == original.id]
            in_translation = [m.text or "" for m in entity.mentions if m.article_id == translation.id]
            if not in_original or entity.type not in ENTITY_TYPES_COMPARED:
                continue
            scores.names += 1
            if in_translation:
                scores.found += 1
                scores.merged.append((entity.name, tuple(sorted(set(in_translation)))))
            else:
                scores.missed.append(entity.name)
    return scores
