"""The fast paths of issue 16 give what the slow ones gave: lexical-first batch clustering (the
encoder reads only the articles whose dense row can change a decision, and what it skips does not
change the stories), hashed word vectors equal to scikit-learn's FeatureHasher's, parsing in two
processes equal to one, and topics that are the same on every run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newsprism.embed import default_embedder
from newsprism.engine import LocalEngine, embed_for_stories
from newsprism.evaluation.stories import bcubed, labels_of, load_gold
from newsprism.model import Article
from newsprism.parts import Parts
from newsprism.stories import (
    LEXICAL_FEATURES,
    cluster_stories,
    dense_rows_needed,
    dense_vectors,
    is_short,
    lexical_vectors,
)

from conftest import DATA
from nlp_helpers import article

CORPUS = DATA / "stories" / "ecbplus.jsonl"


def _ecb(stories: set[str]) -> tuple[list[Article], list[str]]:
    articles, gold = load_gold(CORPUS)
    chosen = [i for i, g in enumerate(gold) if g.split("-")[0] in stories]
    return [articles[i] for i in chosen], [gold[i] for i in chosen]


def test_one_language_of_long_articles_needs_no_dense_row_and_a_second_language_needs_all() -> None:
    articles, _ = _ecb({"1", "3"})
    long_ones = [a for a in articles if not is_short(a)]
    assert len(long_ones) > 10
    assert not dense_rows_needed(long_ones).any()
    mixed = [*long_ones[:-1], long_ones[-1].model_copy(update={"language": "ru"})]
    assert dense_rows_needed(mixed).all()
    short = article("s1", "Quake hits Aceh. Dozens dead.")
    needed = dense_rows_needed([*long_ones, short])
    assert needed.tolist() == [False] * len(long_ones) + [True]


def test_rows_the_encoder_skips_do_not_change_the_stories() -> None:
    articles, gold = _ecb({"1", "3", "8"})
    full = dense_vectors(articles, default_embedder())
    needed = dense_rows_needed(articles)
    assert 0 < needed.sum() < len(articles) / 2  # some short texts, most articles not read
    sparse = np.where(needed[:, None], full, 0.0).astype(np.float32)
    with_all, with_needed = cluster_stories(articles, full), cluster_stories(articles, sparse)
    assert labels_of(with_all, articles) == labels_of(with_needed, articles)
    assert bcubed(labels_of(with_needed, articles), gold).f1 > 0.85
    # The engine embeds exactly those rows and leaves the others zero.
    engine_rows = embed_for_stories(articles, LocalEngine(), Parts.default())
    assert np.allclose(engine_rows[needed], full[needed], atol=1e-5)
    assert not engine_rows[~needed].any()


@pytest.mark.slow
def test_hashed_word_vectors_equal_scikit_learns_feature_hasher() -> None:
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.preprocessing import normalize

    from newsprism.stories import _WORD, _frequency_language, _idf, _stop_words

    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()[:120]]
    articles = [article(row["id"], row["text"]) for row in rows]

    def features(a: Article) -> dict[str, float]:
        language = _frequency_language(a.language)
        stop = _stop_words(language)
        counts: dict[str, int] = {}
        for w in _WORD.findall(f"{a.title or ''} {a.text}".lower()):
            if w not in stop and len(w) > 2:
                counts[w] = counts.get(w, 0) + 1
        return {w: (1 + np.log(n)) * _idf(w, language) ** 2 for w, n in counts.items()}

    hasher = FeatureHasher(n_features=LEXICAL_FEATURES, input_type="dict", alternate_sign=False)
    expected = normalize(hasher.transform(features(a) for a in articles))
    found = lexical_vectors(articles)
    assert found.shape == expected.shape and abs(found - expected).max() < 1e-12


def test_parsing_in_two_processes_gives_the_annotations_of_one() -> None:
    from newsprism.nlp.annotate import PARALLEL_MIN_PARAGRAPHS, annotate, paragraphs_of, parse_processes

    articles, _ = _ecb({"1"})
    assert sum(len(paragraphs_of(a.text)) for a in articles) >= PARALLEL_MIN_PARAGRAPHS
    assert parse_processes(PARALLEL_MIN_PARAGRAPHS - 1) == 1

    def tokens(annotated: list) -> list:  # type: ignore[type-arg]
        return [
            [(t.text, t.tag_, t.dep_, t.head.i, t.lemma_, t.ent_type_, t.is_sent_start) for t in p.doc]
            for a in annotated
            for p in a.paragraphs
        ]

    assert tokens(annotate(articles, n_process=2)) == tokens(annotate(articles, n_process=1))


def test_topics_are_the_same_on_every_run_and_follow_the_weights() -> None:
    from newsprism.perspectives import KMeansTopics

    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 16))
    points = np.vstack([c + 0.05 * rng.normal(size=(20, 16)) for c in centres]).astype(np.float32)
    weights = np.ones(len(points))
    first = KMeansTopics().cluster(points, weights, 3)
    assert first == KMeansTopics().cluster(points, weights, 3)
    # Three well-separated groups come out as three topics, each group whole.
    assert sorted(len(set(first[i : i + 20])) for i in range(0, 60, 20)) == [1, 1, 1]
    assert len(set(first)) == 3
