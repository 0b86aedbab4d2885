"""Story clustering of short texts: each ECB+ article cut to its headline and first sentence, as
a feed or an aggregator shows it, clustered into its gold stories (B-cubed), beside a TF-IDF
baseline whose threshold is chosen on the very split it is scored on (an upper bound for it).

    python bench/short_texts.py --split dev|eval

The issue's own short-text set (921 texts of 307 events from opposed outlets) is the
NeuS/AllSides data, reserved for independent evaluation, so it is not used here.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cross_lingual import CORPUS, LABELLED
from machine import describe_machine
from newsprism.evaluation.stories import as_short_text, bcubed, labels_of
from newsprism.evaluation.unseen import ecb_stories, labelled_stories
from newsprism.model import Article
from newsprism.parts import Parts
from newsprism.stories import StoryStream, cluster_stories, dense_vectors


def tfidf_best(articles: list[Article], gold: list[str]) -> tuple[float, float]:
    """TF-IDF (fitted on these texts) + average linkage at its best distance threshold here."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(a.text for a in articles)
    distances = np.clip(1 - (matrix @ matrix.T).toarray(), 0, 2)
    best = (0.0, 0.0)
    for threshold in np.arange(0.5, 1.0, 0.02):
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=float(threshold)
        ).fit_predict(distances)
        f1 = bcubed([f"c{label}" for label in labels], gold).f1
        best = max(best, (f1, float(threshold)))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    args = parser.parse_args()
    print(describe_machine())
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    articles = [as_short_text(a) for story in stories.values() for a in story]
    gold = [g for g, story in stories.items() for _ in story]
    print(f"split {args.split}: {len(articles)} short texts of {len(stories)} stories")
    started = time.perf_counter()
    vectors = dense_vectors(articles, Parts.default().get_embedder())
    ours = bcubed(labels_of(cluster_stories(articles, vectors), articles), gold)
    seconds = time.perf_counter() - started
    stream = bcubed(StoryStream().add_batch(articles, vectors), gold)
    f1, threshold = tfidf_best(articles, gold)
    print(f"{'system':<44} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}")
    print(
        f"{'newsprism batch':<44} {ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}  ({seconds:.1f} s)"
    )
    print(
        f"{'newsprism stream (input order)':<44} {stream.precision:6.3f} {stream.recall:6.3f} {stream.f1:6.3f}"
    )
    print(f"{'TF-IDF, its best threshold here (' + f'{threshold:.2f})':<44} {'':>6} {'':>6} {f1:6.3f}")


if __name__ == "__main__":
    main()
