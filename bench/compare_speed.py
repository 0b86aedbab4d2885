"""How long comparison takes on a large story of 50 real articles.

    python bench/compare_speed.py [--articles 50] [--source ecbplus|extraction]

ecbplus: the largest ECB+ topics (short articles, ≈800 characters, one topic after another);
extraction: the article bodies of the extraction benchmark (full-length news, ≈4,000 characters),
treated as one story — the worst case for alignment, since every unit is compared with every
unit of every other article.

Times each step after annotation: claim units, embeddings, alignment (clustering), conflicts.
``--mixed K``: the units of K articles count as another language, so that they go through the
cross-lingual path (e5 for every unit, its pairs mapped; embed.CrossLingual): what that path
costs does not depend on the words, so English text measures it.
``--full``: afterwards, the story's whole analysis as every runner does it (analysis.analyze_story:
annotation, provenance, language layer, comparison, perspectives, brief), each stage timed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.compare.align import align_claims
from newsprism.compare.claims import split_units
from newsprism.compare.conflicts import find_conflicts
from newsprism.embed import default_embedder
from newsprism.model import Article
from newsprism.nlp import analyze_language, annotate
from newsprism.parts import Parts

REPO = Path(__file__).resolve().parent.parent


class TimedEmbedder:
    def __init__(self, inner=None) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner or default_embedder()
        self.name = self.inner.name
        self.dimensions = self.inner.dimensions
        self.seconds = 0.0

    def background(self):  # type: ignore[no-untyped-def]
        return self.inner.background()

    def embed(self, texts):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        vectors = self.inner.embed(texts)
        self.seconds += time.perf_counter() - started
        return vectors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--source", choices=["ecbplus", "extraction"], default="extraction")
    parser.add_argument("--mixed", type=int, default=0, help="articles whose units count as another language")
    parser.add_argument("--full", action="store_true", help="then time the whole analysis, stage by stage")
    args = parser.parse_args()
    if args.source == "ecbplus":
        lines = (args.shared / "corpus" / "ecbplus.jsonl").read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        topics = [t for t, _ in Counter(r["gold"].split("-")[0] for r in records).most_common()]
        records.sort(key=lambda r: topics.index(r["gold"].split("-")[0]))
        pairs = [(r["id"], r["text"]) for r in records[: args.articles]]
        topic = "the largest ECB+ topics"
    else:
        lines = (args.shared / "extraction" / "ground-truth.jsonl").read_text(encoding="utf-8").splitlines()
        bodies = [(r["id"][:12], r["articleBody"]) for r in map(json.loads, lines)]
        pairs = [(i, text) for i, text in bodies if len(text) > 1500][: args.articles]
        topic = "extraction-benchmark bodies"
    articles = [
        Article(id=i, source=i, outlet=i, domain=None, title=None, published=None, language="en", text=text)
        for i, text in pairs
    ]
    print(f"machine: {describe_machine()}")
    print(f"story: {len(articles)} articles ({topic}), {sum(len(a.text) for a in articles)} characters")

    default_embedder()
    started = time.perf_counter()
    layer = analyze_language(annotate(articles))
    annotated = time.perf_counter()
    units = split_units(layer.annotated, layer.entities, layer.quotes, layer.dates)
    split = time.perf_counter()
    embedder = TimedEmbedder()
    cross_lingual = None
    if args.mixed:
        other = {a.id for a in articles[: args.mixed]}
        for unit in units:
            if unit.article_id in other:
                unit.language = "xx"
        cross = Parts.default().get_cross_lingual()
        assert cross is not None
        cross.multilingual = TimedEmbedder(cross.multilingual)
        cross_lingual = cross
    alignment = align_claims(units, embedder, cross_lingual)
    aligned = time.perf_counter()
    conflicts = find_conflicts(alignment, articles, layer.quotes, layer.entities)
    done = time.perf_counter()
    shared = sum(1 for c in alignment.claims if c.status == "shared")
    print(f"  language layer (annotation, entities, quotes, dates)  {annotated - started:6.2f} s")
    print(
        f"  claim units                                           {split - annotated:6.2f} s  ({len(units)} units)"
    )
    e5_seconds = cross_lingual.multilingual.seconds if cross_lingual is not None else 0.0  # type: ignore[attr-defined]
    print(f"  embeddings (MiniLM)                                   {embedder.seconds:6.2f} s")
    if cross_lingual is not None:
        print(f"  embeddings (e5, {args.mixed} articles in another language)        {e5_seconds:6.2f} s")
    print(
        f"  alignment (clustering)                                {aligned - split - embedder.seconds - e5_seconds:6.2f} s  "
        f"({len(alignment.claims)} claims, {shared} shared)"
    )
    print(
        f"  conflicts                                             {done - aligned:6.2f} s  ({len(conflicts)})"
    )
    print(f"  comparison total (after the language layer)           {done - annotated:6.2f} s")
    if args.full:
        full_analysis(articles)


def full_analysis(articles: list[Article]) -> None:
    """The story's brief from its articles, each stage of analysis.STAGES timed."""
    from newsprism.analysis import StoryPipeline
    from newsprism.model import Story

    pipeline = StoryPipeline(Parts.default())
    results: dict[str, object] = {"story": Story.of(articles)}
    started = time.perf_counter()
    for stage in pipeline.stages:
        begun = time.perf_counter()
        results[stage.adds] = stage.run(results, pipeline.parts)
        print(f"  full analysis: {stage.name:<40} {time.perf_counter() - begun:6.2f} s")
    print(
        f"  full analysis of the {len(articles)}-article story (models loaded)  {time.perf_counter() - started:6.2f} s"
    )


if __name__ == "__main__":
    main()
