"""The story stream at scale: the nearest-neighbour index against the exact scan, stories closed
when their window has passed, the cap on open stories, undated input, and ``place``."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest

from newsprism import stories
from newsprism.evaluation.stories import bcubed, labels_of
from newsprism.model import Article
from newsprism.stories import LEXICAL_FEATURES, StoryStream, cluster_stories, lexical_vectors

START = datetime(2023, 6, 1)
COMMON = (
    "officials said the council report on monday after a meeting where residents asked about "
    "plans for roads schools police budget weather market prices"
).split()
LETTERS = list("bcdfghjklmnprstvz") + list("aeiou") * 2


def _feed(
    count: int, per_story: int, days_apart: float, *, seed: int = 0, dated: bool = True, dimensions: int = 48
) -> tuple[list[Article], Any, list[str]]:
    """``count`` stories of ``per_story`` articles, in date order, a story starting every
    ``days_apart`` days and lasting two: each story has its own four invented names (its
    articles' rare words, as names are in news) and dense centre; its articles add noise (cosine
    with the centre ≈ 0.7) and common words. Articles, their dense vectors, their true stories."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(count, dimensions))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    names = [["".join(rng.choice(LETTERS, 8)) for _ in range(4)] for _ in range(count)]
    items = sorted((s * days_apart + 2 * rng.random(), s) for s in range(count) for _ in range(per_story))
    articles, vectors, truth = [], [], []
    for i, (day, s) in enumerate(items):
        words = [*names[s], *names[s][:2], *rng.choice(COMMON, 10).tolist()]
        rng.shuffle(words)
        vector = centres[s] + rng.normal(scale=1 / np.sqrt(dimensions), size=dimensions)
        vectors.append(vector / np.linalg.norm(vector))
        published = (START + timedelta(days=day)).isoformat(timespec="seconds") if dated else None
        articles.append(
            Article(
                id=f"a{i}",
                source="test",
                outlet=None,
                domain=None,
                title=None,
                published=published,
                language="en",
                text=" ".join(words),
            )
        )
        truth.append(f"s{s}")
    return articles, np.array(vectors, dtype=np.float32), truth


def _stream_all(stream: StoryStream, articles: list[Article], vectors: Any, batch: int = 64) -> list[str]:
    return [
        label
        for begin in range(0, len(articles), batch)
        for label in stream.add_batch(articles[begin : begin + batch], vectors[begin : begin + batch])
    ]


def test_the_index_finds_the_stories_the_exact_scan_finds_and_closed_stories_bound_memory() -> None:
    # 600 stories over 60 days: ≈ 150 open at a time, far above the index's limit of 40 here.
    articles, vectors, truth = _feed(600, 5, 0.1)
    exact = _stream_all(StoryStream(exact_limit=10**9), articles, vectors)
    stream = StoryStream(exact_limit=40)
    indexed, used_index, most_open = [], False, 0
    for begin in range(0, len(articles), 64):
        indexed += stream.add_batch(articles[begin : begin + 64], vectors[begin : begin + 64])
        used_index |= stream.uses_index
        most_open = max(most_open, len(stream.stories))
    assert used_index
    assert indexed == exact
    assert bcubed(indexed, truth).f1 > 0.95
    # Stories two windows older than the newest article are gone: memory follows the window.
    assert most_open < 250 and stream.closed > 400
    assert len(stream.stories) + stream.closed == len(set(indexed))


def test_a_story_whose_window_has_passed_is_closed_and_not_joined() -> None:
    articles, vectors, _ = _feed(3, 1, 0.0, seed=1)
    opening, other, third = articles
    later = opening.model_copy(update={"id": "again", "published": "2023-06-20T12:00:00"})
    stream = StoryStream()
    first = stream.add_batch([opening], vectors[:1])[0]
    # A week later but late by less than a window: the story is still open and takes it.
    late = opening.model_copy(update={"id": "late", "published": "2023-06-06T00:00:00"})
    stream.add_batch([other.model_copy(update={"published": "2023-06-12T00:00:00"})], vectors[1:2])
    assert stream.add_batch([late], vectors[:1]) == [first]
    # 20 days on, more than two windows after its first article: closed, and the same text opens anew.
    stream.add_batch([third.model_copy(update={"published": "2023-06-20T00:00:00"})], vectors[2:3])
    assert first not in {s.id for s in stream.stories} and stream.closed == 1
    assert stream.add_batch([later], vectors[:1]) != [first]


def test_open_stories_never_pass_the_cap_least_recently_joined_closed_first() -> None:
    articles, vectors, _ = _feed(300, 1, 0.0, seed=2, dated=False)
    stream = StoryStream(max_open=50, exact_limit=20)
    ids = []
    for begin in range(0, 300, 16):
        ids += stream.add_batch(articles[begin : begin + 16], vectors[begin : begin + 16])
        assert len(stream.stories) <= 50
    assert len(set(ids)) == 300 and len(stream.stories) + stream.closed == 300
    recent = articles[-5].model_copy(update={"id": "recent again"})
    assert stream.add_batch([recent], vectors[-5:-4]) == [ids[-5]]
    evicted = articles[0].model_copy(update={"id": "first again"})
    assert stream.add_batch([evicted], vectors[:1]) != [ids[0]]


def test_undated_input_groups_and_an_idle_undated_story_is_closed() -> None:
    articles, vectors, truth = _feed(100, 4, 1.0, seed=3, dated=False)  # in story order, no dates
    exact = _stream_all(StoryStream(exact_limit=10**9, undated_idle=200), articles, vectors)
    stream = StoryStream(exact_limit=20, undated_idle=200)
    labels = _stream_all(stream, articles, vectors)
    assert labels == exact and bcubed(labels, truth).f1 > 0.95
    # 400 articles in, the stories of about the first 200 have had no article for 200: closed.
    assert 30 < stream.closed < 70 and {labels[0], labels[1]}.isdisjoint(s.id for s in stream.stories)


def test_place_puts_articles_in_given_stories_and_keeps_exact_word_sums() -> None:
    articles, vectors, truth = _feed(2, 4, 0.0, seed=4)
    stream = StoryStream()
    stream.place(articles[:7], truth[:7], vectors[:7])
    assert sorted(s.id for s in stream.stories) == ["s0", "s1"]
    # the last article joins the story it belongs to, named as placed
    assert stream.add_batch(articles[7:], vectors[7:]) == truth[7:]
    # the story's running word sums are its members' lexical vectors summed
    story = next(s for s in stream.stories if s.id == truth[7])
    members = lexical_vectors([a for a, t in zip(articles, truth, strict=True) if t == truth[7]])
    query = lexical_vectors(articles[:1])
    whole = np.zeros(LEXICAL_FEATURES)
    whole[query.indices] = query.data
    assert story.lexical_dot(whole) == pytest.approx(float((members @ query.T).sum()))


def test_cluster_stories_streams_above_the_batch_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    articles, vectors, truth = _feed(60, 5, 0.5, seed=5)
    monkeypatch.setattr(stories, "MAX_BATCH_ARTICLES", 100)
    grouped = cluster_stories(articles, vectors)
    assert sum(len(s.articles) for s in grouped) == len(articles)
    assert bcubed(labels_of(grouped, articles), truth).f1 > 0.95


def test_usearch_loaded_before_onnxruntime_does_not_crash_it() -> None:
    # usearch 2.26.2–2.26.6 made a later `import onnxruntime` segfault (pyproject pins 2.26.1).
    done = subprocess.run(
        [sys.executable, "-c", "import usearch.index, onnxruntime"], capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
