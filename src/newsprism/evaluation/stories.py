"""Story clustering against gold stories: B-cubed precision, recall and F1 (Bagga & Baldwin 1998),
for newsprism's batch and stream modes and a baseline over the same embeddings (HDBSCAN, as
BERTopic clusters documents)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsprism.model import Article, Story
from newsprism.parts import Parts
from newsprism.stories import StoryStream, cluster_stories, dense_vectors


@dataclass(frozen=True)
class ClusterScores:
    precision: float
    recall: float
    stories: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> ClusterScores:
    """Per item: the share of its predicted cluster that shares its gold cluster (precision) and
    the share of its gold cluster found in its predicted cluster (recall), averaged over items."""
    by_predicted: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_predicted[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for p, g in zip(predicted, gold, strict=True):
        both = len(by_predicted[p] & by_gold[g])
        precision += both / len(by_predicted[p])
        recall += both / len(by_gold[g])
    n = len(predicted) or 1
    return ClusterScores(precision / n, recall / n, len(by_predicted))


def load_gold(path: Path) -> tuple[list[Article], list[str]]:
    """ECB+-style JSONL (``id``, ``title``, ``text``, ``gold``) as articles and gold story labels."""
    articles, gold = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        articles.append(
            Article(
                id=record["id"],
                source=f"{path.name}#{record['id']}",
                outlet=record.get("outlet"),
                domain=None,
                title=record.get("title"),
                published=record.get("published"),
                language="en",
                text=record["text"],
            )
        )
        gold.append(record["gold"])
    return articles, gold


def labels_of(stories: Sequence[Story], articles: Sequence[Article]) -> list[str]:
    story_of = {a.id: story.id for story in stories for a in story.articles}
    return [story_of[a.id] for a in articles]


def evaluate_clustering(articles: Sequence[Article], gold: Sequence[str]) -> dict[str, ClusterScores]:
    """newsprism batch and stream, and HDBSCAN over the same dense vectors, on one corpus."""
    from sklearn.cluster import HDBSCAN

    parts = Parts.default()
    vectors = dense_vectors(
        articles, parts.get_embedder(), parts.cross_lingual_for(a.language for a in articles)
    )
    results = {"newsprism batch": bcubed(labels_of(cluster_stories(articles, vectors), articles), gold)}
    stream = StoryStream()
    results["newsprism stream"] = bcubed(stream.add_batch(articles, vectors), gold)
    distances = np.clip(1 - vectors @ vectors.T, 0, 2).astype(np.float64)
    for size in (2, 3):
        labels = HDBSCAN(min_cluster_size=size, metric="precomputed", copy=True).fit_predict(distances)
        # Noise points are stories of their own, as a user would see them.
        named = [f"c{label}" if label >= 0 else f"n{i}" for i, label in enumerate(labels)]
        results[f"HDBSCAN (min size {size}) on MiniLM"] = bcubed(named, gold)
    return results


_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.S)


def as_short_text(article: Article) -> Article:
    """The article as a feed or an aggregator shows it: its headline and the first sentence after."""
    paragraphs = [p.strip() for p in article.text.split("\n\n") if p.strip()]
    title = article.title or (paragraphs[0] if paragraphs else "")
    body = " ".join(p for p in paragraphs if p != title)
    found = _FIRST_SENTENCE.match(body)
    lead = found.group(1) if found else body[:200]
    return article.model_copy(update={"title": title, "text": f"{title}\n\n{lead}".strip()})
