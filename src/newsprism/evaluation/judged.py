"""What a reader judges besides conflicts: whether a shared claim's sentences state one fact, and
whether each summary sentence's cited span states what the sentence says.

``shared_pairs_in_context`` samples, per story, pairs of sentences that one shared claim joins
(from different articles; a seeded sample, so a rerun judges the same pairs); and
``citations_in_context`` lists every (summary sentence, cited span) of a brief. Both give each
item a stable key, so judgements (one JSON object a line: key, verdict, reason) are committed and
re-applied to later runs (`bench/claims_judged.py`); an item no one judged is reported as such,
never counted as right.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

from newsprism.model import Article, Brief, Span, article_labels

# Shared claims sampled per story (one pair of sentences each): a sample a reader can judge in an hour.
SHARED_CLAIMS_PER_STORY = 3
CONTEXT_CHARACTERS = 300


def shared_pairs_in_context(
    gold: str, brief: Brief, per_story: int = SHARED_CLAIMS_PER_STORY
) -> list[dict[str, Any]]:
    """Up to ``per_story`` shared claims of a brief, each as two of its sentences from different
    articles (the first and a random other), with the text around them."""
    by_id = {a.id: a for a in brief.articles}
    labels = article_labels(brief.articles)
    shared = [c for c in brief.claims if c.status == "shared" and len({s.article_id for s in c.support}) >= 2]
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


def citations_in_context(gold: str, brief: Brief) -> list[dict[str, Any]]:
    """Every summary sentence with each cited article's supporting span, in context."""
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
    return records


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
