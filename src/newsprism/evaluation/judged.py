"""What a reader judges besides conflicts: whether a shared claim's sentences state one fact, and
whether each summary sentence's cited span states what the sentence says.

``shared_pairs_in_context`` samples, per story, pairs of sentences that one shared claim joins
(from different articles; a seeded sample, so a rerun judges the same pairs); and
``citations_in_context`` a seeded sample of (summary sentence, cited span) of a brief. Both give each
item a stable key, so judgements (one JSON object a line: key, verdict, reason) are committed and
re-applied to later runs (`bench/claims_judged.py`); an item no one judged is reported as such,
never counted as right.

Recall needs gold the system never saw: ``sentences_to_pair`` lists the sentences of two articles
of a story for a reader to find every fact both state, and ``shared_recall`` counts how many of
those facts one shared claim of the brief holds.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from typing import Any

from newsprism.model import Article, Brief, Span, article_labels

# Shared claims sampled per story (one pair of sentences each): a sample a reader can judge in an hour.
SHARED_CLAIMS_PER_STORY = 3
# Summary citations sampled per story: a summary cites ~30 spans on a 20-article ECB+ story.
CITATIONS_PER_STORY = 4
CONTEXT_CHARACTERS = 300


def shared_pairs_in_context(
    gold: str, brief: Brief, per_story: int = SHARED_CLAIMS_PER_STORY
) -> list[dict[str, Any]]:
    """Up to ``per_story`` shared claims of a brief, each as two of its sentences from different
    articles (the first and a random other), with the text around them."""
    by_id = {a.id: a for a in brief.articles}
    labels = article_labels(brief.articles)
    shared = [c for c in brief.claims if c.across_articles]
    rng = random.Random(f"{gold}|shared")
    records = []
    for claim in rng.sample(shared, min(per_story, len(shared))):
        first = claim.support[0]
        others = [s for s in claim.support if s.article_id != first.article_id]
        second = rng.choice(others)
        records.append(
            {
                "story": gold,
                "key": _key(gold, "shared", _place(first), _place(second)),
                "claim_id": claim.id,
                "articles_in_claim": len({s.article_id for s in claim.support}),
                "a": _in_context(by_id[first.article_id], first, labels),
                "b": _in_context(by_id[second.article_id], second, labels),
            }
        )
    return records


def citations_in_context(
    gold: str, brief: Brief, per_story: int = CITATIONS_PER_STORY
) -> list[dict[str, Any]]:
    """A seeded sample of ``per_story`` (summary sentence, cited article's span) of a brief, the
    span in context."""
    by_id = {a.id: a for a in brief.articles}
    labels = article_labels(brief.articles)
    records = []
    for sentence in brief.summary:
        for span in sentence.support:
            if span.text == sentence.text:
                continue  # the sentence shown is its own article's span
            records.append(
                {
                    "story": gold,
                    "key": _key(gold, "citation", _place(span), sentence.text),
                    "summary_sentence": sentence.text,
                    "cited": _in_context(by_id[span.article_id], span, labels),
                }
            )
    return sample_in_order(records, per_story, f"{gold}|citation")


def pairs_through_in_context(
    gold: str, brief: Brief, article_id: str, per_story: int = SHARED_CLAIMS_PER_STORY
) -> list[dict[str, Any]]:
    """Up to ``per_story`` pairs of sentences that one shared claim joins, one of them from
    ``article_id`` (a translated article: the pairs across two languages), in context; a seeded
    sample of all such pairs."""
    by_id = {a.id: a for a in brief.articles}
    labels = article_labels(brief.articles)
    records = []
    for claim in brief.claims:
        if not claim.across_articles:  # alignment is measured, whatever the sources
            continue
        mine = [s for s in claim.support if s.article_id == article_id]
        others = [s for s in claim.support if s.article_id != article_id]
        for first in mine:
            for second in others:
                records.append(
                    {
                        "story": gold,
                        "key": _key(gold, "across", _place(first), _place(second)),
                        "claim_id": claim.id,
                        "articles_in_claim": len({s.article_id for s in claim.support}),
                        "a": _in_context(by_id[first.article_id], first, labels),
                        "b": _in_context(by_id[second.article_id], second, labels),
                    }
                )
    return sample_in_order(records, per_story, f"{gold}|across|{article_id}")


def citations_across_in_context(gold: str, brief: Brief) -> list[dict[str, Any]]:
    """Every (summary sentence, cited span) of a brief in two different languages, in context."""
    by_id = {a.id: a for a in brief.articles}
    labels = article_labels(brief.articles)
    return [
        {
            "story": gold,
            "key": _key(gold, "citation-across", _place(span), sentence.text),
            "summary_sentence": sentence.text,
            "cited": _in_context(by_id[span.article_id], span, labels),
        }
        for sentence in brief.summary
        for span in sentence.support
        if span.text != sentence.text and by_id[span.article_id].language != sentence.language
    ]


def sample_in_order(records: list[dict[str, Any]], size: int, seed: str) -> list[dict[str, Any]]:
    """A seeded sample of ``size`` records, in their order."""
    chosen = set(random.Random(seed).sample(range(len(records)), min(size, len(records))))
    return [r for i, r in enumerate(records) if i in chosen]


# A reader's sentence: a paragraph break, or an end mark before a capital (or an opening quote).
SENTENCE_BREAK = re.compile(r"\n+|(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def sentences_to_pair(gold: str, articles: Sequence[Article]) -> dict[str, Any]:
    """Two articles of a story (a seeded choice), their sentences numbered with offsets: "a3" is
    the third sentence of the first."""
    rng = random.Random(f"{gold}|pair")
    chosen = rng.sample(sorted(articles, key=lambda a: a.id), 2)
    return {
        "story": gold,
        **{
            side: {"article_id": article.id, "sentences": _numbered(side, article.text)}
            for side, article in zip("ab", chosen, strict=True)
        },
    }


def _numbered(side: str, text: str) -> list[dict[str, Any]]:
    sentences: list[dict[str, Any]] = []
    start = 0
    for cut in [*SENTENCE_BREAK.finditer(text), None]:
        end = cut.start() if cut else len(text)
        if text[start:end].strip():
            sentences.append(
                {"id": f"{side}{len(sentences) + 1}", "start": start, "end": end, "text": text[start:end]}
            )
        start = cut.end() if cut else end
    return sentences


def shared_recall(pairs: dict[str, Any], facts: Sequence[dict[str, Any]], brief: Brief) -> list[bool]:
    """For each fact a reader found both articles of ``pairs`` state ({"a": "a3", "b": "b5"}),
    whether one claim of the brief aligned across articles holds a sentence overlapping each side."""
    place = {
        s["id"]: (pairs[side]["article_id"], s["start"], s["end"])
        for side in "ab"
        for s in pairs[side]["sentences"]
    }

    def holds(claim_support: Sequence[Span], where: tuple[str, int, int]) -> bool:
        article_id, start, end = where
        return any(s.article_id == article_id and s.start < end and start < s.end for s in claim_support)

    shared = [c.support for c in brief.claims if c.across_articles]
    return [
        any(holds(support, place[fact["a"]]) and holds(support, place[fact["b"]]) for support in shared)
        for fact in facts
    ]


def judged_precision(
    records: Sequence[dict[str, Any]], verdicts: dict[str, str], right: str
) -> tuple[int, int, int]:
    """(right, judged, unjudged) of the records, by the verdicts given."""
    judged = [r for r in records if r["key"] in verdicts]
    return sum(verdicts[r["key"]] == right for r in judged), len(judged), len(records) - len(judged)


def _in_context(article: Article, span: Span, labels: dict[str, str]) -> dict[str, Any]:
    text = article.text
    return {
        "article_id": article.id,
        "outlet": labels[article.id],
        "sentence": span.text,
        "before": text[max(0, span.start - CONTEXT_CHARACTERS) : span.start],
        "after": text[span.end : span.end + CONTEXT_CHARACTERS],
    }


def _place(span: Span) -> str:
    return f"{span.article_id}:{span.start}:{span.end}"


def _key(gold: str, what: str, *parts: str) -> str:
    return hashlib.sha256("|".join((gold, what, *parts)).encode()).hexdigest()[:16]
