"""The pipeline's heavy stages as engine work, the same on the local engine and on Ray.

    read (driver) → clean (engine) → embed (engine) → cluster (driver) → analyze (engine) → store (driver)

The local run of ``newsprism analyze`` takes this path too, on ``LocalEngine``.

Reading stays on the driver: it owns the inputs (files, URLs, standard input) and their error
messages. Cleaning runs per document, embedding per batch of story texts (MiniLM loads once per
worker), analysis per story (spaCy and MiniLM load once per worker). Clustering needs every
article's vector at once, so it runs on the driver on the vectors the workers sent back.

Each stage passes the engine a *factory*: a small picklable object that builds the batch function
on the worker, so whatever it loads stays there for the next batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from newsprism.coverage import MAX_SIGHTINGS, Sighting, comparable_window, with_coverage
from newsprism.errors import InputError
from newsprism.model import Article, Brief, RawDocument, Story
from newsprism.parts import Parts

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from newsprism.engine.local import BatchFunction, Engine
    from newsprism.meta import OutletDirectory
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
    # Two batches per Ray worker at a time: a batch is ~0.25 s of work, and fetching the next one
    # and sending the last result back took ~0.1 s a batch once the workers kept every core busy
    # (bench/ray_cluster.py, two nodes), which a worker already holding the next batch does not
    # wait. Batches of documents cost alike, so holding one more cannot leave another worker idle
    # for long at the end (stories can: analysis keeps the engine's default of one).
    batches_in_flight: ClassVar[int] = 2

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


@dataclass
class RunStats:
    """What a run read: usable articles, problems (each reported as it was met) and warnings."""

    articles: int = 0
    problems: int = 0
    warnings: list[str] = field(default_factory=list)


def read_clean(
    inputs: Iterable[str],
    *,
    engine: Engine | None = None,
    options: ReadOptions | None = None,
    directory: OutletDirectory | None = None,
    report: Report = _ignore,
    stats: RunStats | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> Iterator[Article]:
    """Clean articles from any mix of inputs, in input order: read on the driver (an unusable
    input is reported and skipped), cleaned on the engine (this process by default), an article
    whose id was already read in this run skipped. The one read → clean path of every command;
    with the local engine articles come as they are cleaned, so a store can take them as a stream."""
    from newsprism.read import ReadOptions, read_inputs

    options = options or ReadOptions()
    stats = stats if stats is not None else RunStats()

    def documents() -> Iterator[RawDocument]:
        try:
            for item in read_inputs(inputs, options):
                if isinstance(item, InputError):
                    stats.problems += 1
                    report(f"error: {item}")
                    continue
                for warning in item.warnings:
                    stats.warnings.append(warning)
                    report(f"warning: {warning}")
                yield item
        finally:
            options.close()

    return clean_documents(
        documents(), engine=engine, directory=directory, report=report, stats=stats, on_article=on_article
    )


def clean_documents(
    documents: Iterable[RawDocument],
    *,
    engine: Engine | None = None,
    directory: OutletDirectory | None = None,
    report: Report = _ignore,
    stats: RunStats | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> Iterator[Article]:
    """Clean documents already read, on the engine (this process by default), in order: one a
    cleaning refuses is reported and skipped, and so is an article whose id was already seen."""
    from newsprism.engine.local import LocalEngine
    from newsprism.meta import default_directory

    engine = engine or LocalEngine()
    stats = stats if stats is not None else RunStats()
    if directory is default_directory():
        directory = None  # every worker has the shipped list: no need to send it
    seen: set[str] = set()
    # Batches pay for round trips to workers; here there are none, and an article cleaned is
    # handed on at once (to a store, to the parse-ahead helper) rather than with 63 others.
    batch_size = 1 if isinstance(engine, LocalEngine) else CLEAN_BATCH_SIZE
    for result in engine.map_batches(CleanDocuments(directory), documents, batch_size=batch_size):
        if isinstance(result, CleaningProblem):
            stats.problems += 1
            report(f"error: {result.source}: {result.reason}")
            continue
        if result.id in seen:
            report(f"warning: {result.source}: article {result.id} was already read in this run; skipped")
            continue
        seen.add(result.id)
        stats.articles += 1
        if on_article is not None:
            on_article(result)
        yield result


# --------------------------------------------------------------------------- embed and group


@dataclass(frozen=True)
class EmbedTexts:
    """Builds, on a worker, the function that embeds a batch of (text, language) pairs with the
    parts' embedder (and, for texts not in English, their cross-lingual one: stories.embed_leads)."""

    parts: Parts

    def __call__(self) -> BatchFunction[tuple[str, str | None], NDArray[np.float32]]:
        from newsprism.stories import embed_leads

        embedder = self.parts.get_embedder()

        def embed(batch: list[tuple[str, str | None]]) -> list[NDArray[np.float32]]:
            languages = [language for _, language in batch]
            cross_lingual = self.parts.cross_lingual_for(languages)
            return list(embed_leads([text for text, _ in batch], languages, embedder, cross_lingual))

        return embed


def embed_for_stories(
    articles: Sequence[Article], engine: Engine, parts: Parts, *, every_row: bool = False
) -> NDArray[np.float32]:
    """One L2-normalised row per article: the parts' embedder over ``story_text`` (title and
    lead), what ``group_into_stories`` expects. Only the rows batch clustering reads are embedded
    (``stories.dense_rows_needed``: short texts, and every article of a batch in several
    languages); the others stay zero unless ``every_row``."""
    from newsprism.stories import dense_rows_needed, story_text

    needed = np.ones(len(articles), dtype=bool) if every_row else dense_rows_needed(articles)
    # The texts, not the articles, travel to the workers: a lead is a tenth of an article.
    texts = [(story_text(a), a.language) for a, wanted in zip(articles, needed, strict=True) if wanted]
    rows = list(engine.map_batches(EmbedTexts(parts), texts, batch_size=EMBED_BATCH_SIZE))
    vectors = np.zeros((len(articles), parts.get_embedder().dimensions), dtype=np.float32)
    if rows:
        vectors[needed] = np.vstack(rows)
    return vectors


def find_stories(articles: Sequence[Article], engine: Engine, parts: Parts) -> list[Story]:
    """Stories, largest first, with wire copies marked (``copy_of``): the vectors come from the
    engine, copies and clusters are found on the driver."""
    from newsprism.stories import group_into_stories

    if not articles:
        return []
    vectors = embed_for_stories(articles, engine, parts)
    return group_into_stories(articles, vectors, parts.get_story_clusterer())


# --------------------------------------------------------------------------- analyze


@dataclass(frozen=True)
class AnalyzeStories:
    """Builds, on a worker, the function that writes the brief of each story in a batch. The
    parts travel as names; each worker loads its models once, when the first story asks."""

    parts: Parts

    def __call__(self) -> BatchFunction[Story, Brief]:
        from newsprism.analysis import analyze_story, story_pipeline

        story_pipeline(self.parts)  # checked once per worker, before any story

        def analyze(batch: list[Story]) -> list[Brief]:
            return [analyze_story(story, self.parts) for story in batch]

        return analyze


def analyze_stories(
    stories: Sequence[Story], engine: Engine, parts: Parts, *, on_story: Callable[[Brief], None] | None = None
) -> list[Brief]:
    """The brief of each story, in the stories' order."""
    from newsprism.analysis import story_pipeline

    story_pipeline(parts)  # a pipeline that lacks a part fails here, before any worker starts
    briefs = []
    for brief in engine.map_batches(AnalyzeStories(parts), list(stories), batch_size=ANALYZE_BATCH_SIZE):
        if on_story is not None:
            on_story(brief)
        briefs.append(brief)
    return briefs


# --------------------------------------------------------------------------- the whole run


def run_analyze(
    inputs: Iterable[str],
    *,
    engine: Engine,
    parts: Parts | None = None,
    db_url: str | None = None,
    options: ReadOptions | None = None,
    directory: OutletDirectory | None = None,
    report: Report = _ignore,
    stats: RunStats | None = None,
    on_article: Callable[[Article], None] | None = None,
    on_stories: Callable[[list[Story]], None] | None = None,
    on_story: Callable[[Brief], None] | None = None,
) -> list[Brief]:
    """Inputs → one brief per story, largest story first, with the heavy stages on ``engine``.

    With ``db_url``, the articles are stored as soon as they are clean (so a failure later keeps
    them) and then each story's brief, each in its own transaction, with its wire copies marked.
    """
    from newsprism.engine.local import LocalEngine
    from newsprism.nlp.parse_ahead import parsing_ahead

    parts = parts or Parts.default()
    # Here every story is analysed in this process: each English article can be parsed by a
    # helper process as soon as it is clean, while this one reads and groups the rest.
    with parsing_ahead(isinstance(engine, LocalEngine) and parts.parses_english_by_default()) as ahead:

        def article_read(article: Article) -> None:
            if ahead is not None:
                ahead.submit(article)
            if on_article is not None:
                on_article(article)

        articles = list(
            read_clean(
                inputs,
                engine=engine,
                options=options,
                directory=directory,
                report=report,
                stats=stats,
                on_article=article_read,
            )
        )
        if not articles:
            return []
        if db_url is not None:
            _store_articles(articles, db_url, report)
        stories = find_stories(articles, engine, parts)
        if on_stories is not None:
            on_stories(stories)
        briefs = analyze_stories(stories, engine, parts, on_story=on_story)
    # Coverage is counted against the outlets the corpus holds: the database's when there is one
    # (this run's articles are stored in it by now), around each story's dates, else this run's.
    directory = directory or parts.get_directory()
    if db_url is None:
        briefs = with_coverage(briefs, [Sighting.of(a) for a in articles], directory)
    else:
        briefs = _with_stored_coverage(briefs, db_url, directory)
        _store_briefs(briefs, db_url)
    return briefs


def _with_stored_coverage(briefs: Sequence[Brief], db_url: str, directory: OutletDirectory) -> list[Brief]:
    from newsprism.store import open_store

    store = open_store(db_url)
    try:
        return [
            with_coverage([b], store.sightings(comparable_window(b.articles), MAX_SIGHTINGS), directory)[0]
            for b in briefs
        ]
    finally:
        store.close()


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
