"""Summary quality on the labelled multi-outlet stories, against LexRank and TextRank (sumy).

There are no human-written summaries of these stories; the reference is the set of labelled
claims that at least half of a story's articles (and at least two) support, each in its labeller's
own statement ("A magnitude 6.1 earthquake struck Indonesia's Aceh province"). That rewards what a
cross-source summary should say — what most outlets report — and is independent of any system's
wording. Marked variant articles (ids ending in "-v", which carry planted contradictions) are left
out. Every system gets the same number of sentences per story (newsprism's count) and the same
sentence splits (the spaCy sentences of the language layer).

Reported per system: ROUGE-1/2/L F1 against the reference (rouge-score, stemmed), coverage (the
share of reference claims some summary sentence states: it overlaps half of one of the claim's
labelled supporting texts), citation balance (normalised entropy of how often each article is
cited; a baseline sentence cites only its own article), and citations per sentence.

``evaluate_references`` scores against written references instead: neutral roundups of ECB+
stories that a reader wrote from the articles alone (tests/data/summary/, instructions beside
them), split as the unseen conflict evaluation splits ECB+. There the lead baseline joins (each
article's first full sentence in turn, the strongest simple baseline in news summarisation), and
a story whose brief has no summary scores 0 for newsprism rather than being left out.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.analysis import story_pipeline
from newsprism.brief import citation_balance
from newsprism.compare.detectors.base import SENTENCE_END
from newsprism.evaluation.compare import story_articles
from newsprism.model import Article, Span, Story, SummarySentence
from newsprism.parts import Parts

SYSTEMS = ("newsprism", "LexRank", "TextRank", "Lead")
# The sentence count the baselines get where newsprism's summary is empty.
DEFAULT_SUMMARY_SENTENCES = 5
# A lead sentence is a full sentence (8 words or more, ending as a sentence does), not the
# headline, dateline or "Updated:" line an article opens with.
LEAD_MIN_WORDS = 8


@dataclass
class SystemScores:
    rouge1: list[float] = field(default_factory=list)
    rouge2: list[float] = field(default_factory=list)
    rouge_l: list[float] = field(default_factory=list)
    coverage: list[float] = field(default_factory=list)
    balance: list[float] = field(default_factory=list)
    citations_per_sentence: list[float] = field(default_factory=list)

    def mean(self, name: str) -> float:
        values: list[float] = getattr(self, name)
        return sum(values) / len(values) if values else 0.0


@dataclass
class SummaryEvaluation:
    stories: int = 0
    sentences: int = 0
    systems: dict[str, SystemScores] = field(default_factory=lambda: {s: SystemScores() for s in SYSTEMS})
    empty: list[str] = field(default_factory=list)  # stories whose brief had no summary


def evaluate_summaries(stories: Sequence[dict[str, Any]]) -> SummaryEvaluation:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    result = SummaryEvaluation()
    for story in stories:
        articles = [a for a in story_articles(story) if not a.id.endswith("-v")]
        ids = {a.id for a in articles}
        claims = [_reference_claim(c, ids) for c in story["claims"]]
        wanted = max(2, math.ceil(len(articles) / 2))
        reference = [c for c in claims if c is not None and len(c[1]) >= wanted]
        if len(articles) < 2 or not reference:
            continue
        results = story_pipeline(Parts.default()).results(Story.of(articles))
        annotated, brief = results["annotated"], results["brief"]
        if not brief.summary:
            continue
        result.stories += 1
        result.sentences += len(brief.summary)
        sentences = [(a.id, s.start, s.end, s.text) for a in annotated for s in a.sentences()]
        picks = {
            "newsprism": [_shown_span(s) for s in brief.summary],
            "LexRank": _baseline("lexrank", sentences, len(brief.summary)),
            "TextRank": _baseline("textrank", sentences, len(brief.summary)),
        }
        reference_text = "\n".join(statement for statement, _ in reference)
        texts = {a.id: a.text for a in articles}
        for system, spans in picks.items():
            scores = result.systems[system]
            summary_text = "\n".join(s.text for s in spans)
            rouge = scorer.score(reference_text, summary_text)
            scores.rouge1.append(rouge["rouge1"].fmeasure)
            scores.rouge2.append(rouge["rouge2"].fmeasure)
            scores.rouge_l.append(rouge["rougeL"].fmeasure)
            scores.coverage.append(_coverage(spans, reference, texts))
            cited = (
                brief.summary
                if system == "newsprism"
                else [SummarySentence(text=s.text, citations=[s.article_id], claim_ids=[]) for s in spans]
            )
            scores.balance.append(citation_balance(cited, [a.id for a in articles]))
            scores.citations_per_sentence.append(sum(len(s.citations) for s in cited) / len(cited))
    return result


def load_references(path: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["story"]: row["reference"] for row in rows}


def evaluate_references(
    stories: dict[str, list[Article]], references: dict[str, str], parts: Parts | None = None
) -> SummaryEvaluation:
    """ROUGE of every system against the written roundup of each story that has one."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    pipeline = story_pipeline(parts or Parts.default())
    result = SummaryEvaluation()
    for story_id, articles in stories.items():
        reference = references.get(story_id)
        if reference is None:
            continue
        results = pipeline.results(Story.of(articles))
        annotated, brief = results["annotated"], results["brief"]
        result.stories += 1
        result.sentences += len(brief.summary)
        if not brief.summary:
            result.empty.append(story_id)
        count = len(brief.summary) or DEFAULT_SUMMARY_SENTENCES
        sentences = [(a.id, s.start, s.end, s.text) for a in annotated for s in a.sentences()]
        picks = {
            "newsprism": [_shown_span(s) for s in brief.summary],
            "LexRank": _baseline("lexrank", sentences, count),
            "TextRank": _baseline("textrank", sentences, count),
            "Lead": _lead(sentences, [a.id for a in articles], count),
        }
        for system, spans in picks.items():
            scores = result.systems[system]
            rouge = scorer.score(reference, "\n".join(s.text for s in spans))
            scores.rouge1.append(rouge["rouge1"].fmeasure)
            scores.rouge2.append(rouge["rouge2"].fmeasure)
            scores.rouge_l.append(rouge["rougeL"].fmeasure)
    return result


def _lead(sentences: Sequence[tuple[str, int, int, str]], order: Sequence[str], count: int) -> list[Span]:
    """Each article's first full sentence, then each one's second, ... until ``count``."""
    by_article: dict[str, list[Span]] = {a: [] for a in order}
    seen: set[str] = set()
    for article_id, start, end, text in sentences:
        text = text.strip()
        if len(text.split()) < LEAD_MIN_WORDS or not SENTENCE_END.search(text) or text in seen:
            continue
        seen.add(text)
        by_article[article_id].append(Span(article_id=article_id, start=start, end=end, text=text))
    chosen: list[Span] = []
    for rank in range(max((len(v) for v in by_article.values()), default=0)):
        for article_id in order:
            if rank < len(by_article[article_id]) and len(chosen) < count:
                chosen.append(by_article[article_id][rank])
    return chosen


def _reference_claim(claim: dict[str, Any], ids: set[str]) -> tuple[str, list[tuple[str, str]]] | None:
    support = [(s["article_id"], s["text"]) for s in claim["support"] if s["article_id"] in ids]
    articles = {a for a, _ in support}
    return (claim["statement"], support) if articles else None


def _shown_span(sentence: SummarySentence) -> Span:
    """The supporting span whose words the summary shows."""
    return next((s for s in sentence.support if s.text == sentence.text), sentence.support[0])


def _coverage(
    spans: Sequence[Span], reference: Sequence[tuple[str, list[tuple[str, str]]]], texts: dict[str, str]
) -> float:
    covered = 0
    for _, support in reference:
        for article_id, text in support:
            start = texts[article_id].find(text)
            if start < 0:
                continue
            end = start + len(text)
            if any(
                s.article_id == article_id and min(end, s.end) - max(start, s.start) >= 0.5 * (end - start)
                for s in spans
            ):
                covered += 1
                break
    return covered / len(reference)


class _Words:
    """The word tokenizer sumy asks for (its own needs NLTK data, which cannot be downloaded here)."""

    language = "english"

    @staticmethod
    def to_words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())


def _baseline(method: str, sentences: Sequence[tuple[str, int, int, str]], count: int) -> list[Span]:
    from spacy.lang.en.stop_words import STOP_WORDS
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    tokenizer = _Words()
    by_text: dict[str, tuple[str, int, int, str]] = {}
    objects = []
    for sentence in sentences:
        text = sentence[3].strip()
        if len(text.split()) < 4 or text in by_text:
            continue
        by_text[text] = sentence
        objects.append(Sentence(text, tokenizer))
    document = ObjectDocumentModel([Paragraph(objects)])
    summarizer = LexRankSummarizer() if method == "lexrank" else TextRankSummarizer()
    summarizer.stop_words = frozenset(STOP_WORDS)
    chosen = []
    for picked in summarizer(document, count):
        article_id, start, end, text = by_text[str(picked)]
        chosen.append(Span(article_id=article_id, start=start, end=end, text=text))
    return chosen
