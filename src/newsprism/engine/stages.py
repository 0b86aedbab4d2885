"""The pipeline's heavy stages as engine work, the same on the local engine and on Ray.

    read (driver) → clean (engine) → embed (engine) → cluster (driver) → analyze (engine) → store (driver)

Reading stays on the driver: it owns the inputs (files, URLs, standard input) and their error
messages. Cleaning runs per document, embedding per batch of story texts (MiniLM loads once per
worker), analysis per story (spaCy and MiniLM load once per worker). Clustering needs every
article's vector at once, so it runs on the driver on the vectors the workers sent back.

Each stage passes the engine a *factory*: a small picklable object that builds the batch function
on the worker, so whatever it loads stays there for the next batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from newsprism.errors import InputError, NewsprismError
from newsprism.model import Article, Brief, RawDocument

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from newsprism.engine.local import BatchFunction, Engine
    from newsprism.meta import OutletDirectory
    from newsprism.pipeline import RunStats
    from newsprism.read import ReadOptions

Report = Callable[[str], None]

# Documents per batch: once warm, cleaning takes about 4 ms an ECB+ document and each batch costs a
# Ray round trip of tens of ms, so batches of 16 spent much of their time travelling; 64 make a
# quarter of a second of work. (The first ~200 documents on a worker take ~30 ms each while lingua
# loads its language models: ~6 s and ~650 MB per worker, bench/engine_speed.py.)
CLEAN_BATCH_SIZE = 64
# Story texts (title + lead) per batch: the embedder sorts each batch by length and runs 16 at a
# time, so 64 give it room to group similar lengths.
EMBED_BATCH_SIZE = 64
# One story per batch: stories differ in size by two orders of magnitude, and a worker holding a
# second story would leave the other idle at the end of a run.
ANALYZE_BATCH_SIZE = 1
EMBEDDING_DIMENSIONS = 384  # all-MiniLM-L6-v2


def _ignore(message: str) -> None:
    pass


# --------------------------------------------------------------------------- clean


@dataclass(frozen=True)
class CleaningProblem:
    """A document cleaning refused. (``InputError`` itself does not survive pickling.)"""

    source: str
    reason: str


@dataclass(frozen=True)
class CleanDocuments:
    """Builds, on a worker, the function that cleans a batch of raw documents."""

    directory: OutletDirectory | None = None  # None: the shipped outlet list, loaded on the worker

    def __call__(self) -> BatchFunction[RawDocument, Article | CleaningProblem]:
        from newsprism.clean import clean_document
        from newsprism.meta import default_directory

        directory = self.directory or default_directory()

        def clean(batch: list[RawDocument]) -> list[Article | CleaningProblem]:
            results: list[Article | CleaningProblem] = []
            for document in batch:
                try:
                    results.append(clean_document(document, directory))
                except InputError as exc:
                    results.append(CleaningProblem(exc.source, exc.reason))
            return results

        return clean


def clean_all(
    raw_docs: Iterable[RawDocument],
    engine: Engine,
    *,
    directory: OutletDirectory | None = None,
    report: Report = _ignore,
    stats: RunStats | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> list[Article]:
    """Clean articles, in input order. A document cleaning refuses is reported and skipped, and so
    is an article whose id was already read in this run (as ``pipeline.read_articles`` does)."""
    from newsprism.meta import default_directory

    if directory is default_directory():
        directory = None  # every worker has the shipped list: no need to send it
    seen: set[str] = set()
    articles = []
    for result in engine.map_batches(CleanDocuments(directory), raw_docs, batch_size=CLEAN_BATCH_SIZE):
        if isinstance(result, CleaningProblem):
            if stats is not None:
                stats.problems += 1
            report(f"error: {result.source}: {result.reason}")
            continue
        if result.id in seen:
            report(f"warning: {result.source}: article {result.id} was already read in this run; skipped")
            continue
        seen.add(result.id)
        if stats is not None:
            stats.articles += 1
        if on_article is not None:
            on_article(result)
        articles.append(result)
    return articles


def read_clean(
    inputs: Iterable[str],
    *,
    engine: Engine,
    options: ReadOptions | None = None,
    directory: OutletDirectory | None = None,
    report: Report = _ignore,
    stats: RunStats | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> list[Article]:
    """Read every input on the driver (an unusable input is reported and skipped), then clean the
    documents on the engine."""
    from newsprism.read import ReadOptions, read_inputs

    options = options or ReadOptions()
    documents: list[RawDocument] = []
    try:
        for item in read_inputs(inputs, options):
            if isinstance(item, InputError):
                if stats is not None:
                    stats.problems += 1
                report(f"error: {item}")
                continue
            for warning in item.warnings:
                if stats is not None:
                    stats.warnings.append(warning)
                report(f"warning: {warning}")
            documents.append(item)
    finally:
        options.close()
    return clean_all(
        documents, engine, directory=directory, report=report, stats=stats, on_article=on_article
    )


# --------------------------------------------------------------------------- embed and group


@dataclass(frozen=True)
class EmbedTexts:
    """Builds, on a worker, the function that embeds a batch of texts with the default model."""

    def __call__(self) -> BatchFunction[str, NDArray[np.float32]]:
        from newsprism.embed import default_embedder

        embedder = default_embedder()

        def embed(batch: list[str]) -> list[NDArray[np.float32]]:
            return list(embedder.embed(batch))

        return embed


def embed_for_stories(articles: Sequence[Article], engine: Engine) -> NDArray[np.float32]:
    """One L2-normalised row per article: the default model over ``story_text`` (title and lead),
    which is what ``cluster_stories(vectors=...)`` expects."""
    from newsprism.stories import story_text

    # The texts, not the articles, travel to the workers: a lead is a tenth of an article.
    texts = [story_text(a) for a in articles]
    rows = list(engine.map_batches(EmbedTexts(), texts, batch_size=EMBED_BATCH_SIZE))
    if not rows:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    return np.vstack(rows).astype(np.float32, copy=False)


def find_stories(articles: Sequence[Article], engine: Engine) -> list[list[Article]]:
    """Stories, largest first, with wire copies marked (``copy_of``), as the local pipeline groups
    them: the vectors come from the engine, copies and clusters are found on the driver."""
    from newsprism.pipeline import group_into_stories

    if not articles:
        return []
    return group_into_stories(articles, vectors=embed_for_stories(articles, engine))


# --------------------------------------------------------------------------- analyze


@dataclass(frozen=True)
class AnalyzeStories:
    """Builds, on a worker, the function that writes the brief of each story in a batch.

    ``judge`` is the *name* of the optional NLI backend (as ``--nli``), not a loaded judge: a
    model session does not pickle, so each worker loads its own, once.
    """

    judge: str | None = None

    def __call__(self) -> BatchFunction[list[Article], Brief]:
        from newsprism.compare.nli import load_judge
        from newsprism.pipeline import analyze_story

        judge = load_judge(self.judge)

        def analyze(batch: list[list[Article]]) -> list[Brief]:
            return [analyze_story(story, judge=judge) for story in batch]

        return analyze


def analyze_stories(
    stories: Sequence[Sequence[Article]],
    engine: Engine,
    judge: str | None = None,
    *,
    on_story: Callable[[Brief], None] | None = None,
) -> list[Brief]:
    """The brief of each story, in the stories' order. ``judge``: the NLI backend's name
    (``"aegis"``), or None for none; each worker loads it once."""
    from newsprism.compare.nli import BACKENDS

    if (judge or "").strip().lower() not in ("", "none", *BACKENDS):
        # Said here, before any worker starts, rather than by every worker.
        raise NewsprismError(f"unknown NLI backend {judge!r}; known: {', '.join((*BACKENDS, 'none'))}")
    briefs = []
    for brief in engine.map_batches(
        AnalyzeStories(judge), [list(s) for s in stories], batch_size=ANALYZE_BATCH_SIZE
    ):
        if on_story is not None:
            on_story(brief)
        briefs.append(brief)
    return briefs


# --------------------------------------------------------------------------- the whole run


def run_analyze(
    inputs: Iterable[str],
    *,
    engine: Engine,
    db_url: str | None = None,
    options: ReadOptions | None = None,
    directory: OutletDirectory | None = None,
    judge: str | None = None,
    report: Report = _ignore,
    stats: RunStats | None = None,
) -> list[Brief]:
    """Inputs → one brief per story, largest story first, with the heavy stages on ``engine``.

    With ``db_url``, the articles are stored as soon as they are clean (so a failure later keeps
    them) and then each story's brief, each in its own transaction, with its wire copies marked.
    """
    articles = read_clean(
        inputs, engine=engine, options=options, directory=directory, report=report, stats=stats
    )
    if not articles:
        return []
    if db_url is not None:
        _store_articles(articles, db_url, report)
    briefs = analyze_stories(find_stories(articles, engine), engine, judge=judge)
    if db_url is not None:
        _store_briefs(briefs, db_url)
    return briefs


def _store_articles(articles: Sequence[Article], db_url: str, report: Report) -> None:
    from newsprism.store import open_store

    store = open_store(db_url)
    try:
        outcome = store.add_articles(articles)
    finally:
        store.close()
    for article_id, reason in outcome.rejected:
        report(f"error: {article_id}: {reason}")


def _store_briefs(briefs: Sequence[Brief], db_url: str) -> None:
    from newsprism.store import open_store

    store = open_store(db_url)
    try:
        for brief in briefs:
            store.save_story(brief)
    finally:
        store.close()
