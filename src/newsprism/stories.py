"""Grouping articles into stories (events), in batch and as a stream, and finding wire copies.

An article is represented twice, as published streaming news clusterers do (Miranda et al. 2018,
"Multilingual Clustering of Streaming News"; Laban & Hearst 2017, newsLens):

- **dense**: MiniLM (the shared `Embedder`) over its title and lead, the part that says which
  event it is about;
- **lexical**: its words weighted by `(1 + log tf) × idf²`, where idf comes from the general word
  frequencies of the article's language (wordfreq; English's where it has none) rather than from
  the corpus, so a stream needs no refit and a
  batch of one topic does not down-weight its own key words. Squaring idf lets rare words —
  names, places, figures — dominate, which is what tells two earthquakes apart; it stands in for
  entity overlap without running NER over millions of articles (spaCy runs at ≈ 12 articles/s).

In **batch** mode two articles of one language are compared by their words (the lexical cosine,
mapped onto the story threshold), two short texts by the mean of both cosines, and two articles
in different languages by the dense cosine: so the encoder reads only short texts and corpora of
several languages (``dense_rows_needed``). Batch mode groups by average linkage (scipy) with a
distance threshold; **stream** mode (`StoryStream`) assigns each new
article to the story whose members it is most similar to on average (the mean of both cosines,
computed exactly from running sums of member vectors), or opens a new story. Both refuse to join articles published
more than `window_days` apart (when both dates are known), so that two earthquakes a month apart
are two stories. Thresholds were chosen on ECB+ (bench/cluster_eval.py prints the sweep): B-cubed
F1 is flat within ±0.03 over similarity 0.30–0.40 and weights 0.4–0.6, so the middle was taken.

Wire copies and re-publications (the same AFP text under two mastheads) are found with MinHash
LSH over word 5-shingles (rensa, a Rust MinHash 20× faster than datasketch here): an article
whose shingles overlap an earlier one's by `COPY_THRESHOLD` (estimated Jaccard) gets `copy_of` =
that article's id, and later stages count the copies of one text once when they count how many
outlets agree.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from newsprism.embed import CrossLingual, Embedder
from newsprism.lexicon import language_key as lexicon_language_key
from newsprism.lexicon import reads_as_english
from newsprism.model import Article, Story, published_datetime, story_id_for

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix
    from usearch.index import Index

STORY_THRESHOLD = 0.35  # mean of dense and lexical cosine, average over a story's members
DENSE_WEIGHT = 0.5
WINDOW_DAYS = 7.0
LEAD_CHARACTERS = 600  # of the text after the title: the lead names the event
# Above this many articles batch mode would need an n × n matrix of several GB: it streams instead.
MAX_BATCH_ARTICLES = 15_000
# Two headlines with a sentence or two each (feed items, an aggregator's cards) share fewer words
# than two whole articles do, so their cosines are lower for the same event: a pair of such texts
# is cut SHORT_TEXT_ALLOWANCE lower. On the dev stories cut to headline and first sentence
# (bench/short_texts.py), B-cubed F1 is 0.903 at 0.35 and 0.93 from 0.25 to 0.30; applied to a
# pair with one short text only, it cost the full-text figure 0.02 (short articles exist).
SHORT_TEXT_WORDS = 80
SHORT_TEXT_ALLOWANCE = 0.07
# Batch mode reads two articles of one language by their words alone (dense cosines only where
# words are few or not shared: two short texts, two languages), which spares the encoder for most
# of a corpus. Lexical cosine LEXICAL_STORY_THRESHOLD is mapped onto STORY_THRESHOLD (an affine
# map, so average linkage merges exactly as it would over lexical cosines at that cut). Set on the
# dev stories of ECB+ (bench/cluster_eval.py --lexical): B-cubed F1 0.960 / 0.971 / 0.971 / 0.969
# at 0.10 / 0.125 / 0.15 / 0.175, against 0.966 with both cosines for every pair (the encoder then
# read 61 of 486 articles instead of all); eval in the README.
LEXICAL_STORY_THRESHOLD = 0.125
LEXICAL_FEATURES = 2**20
COPY_THRESHOLD = 0.8
COPY_SHINGLE_WORDS = 5
COPY_PERMUTATIONS = 128
# 16 bands of 8 rows: a pair at Jaccard 0.8 meets in some band with probability 0.95, at 0.85 0.99
# (datasketch's choice for 0.8, 9 bands of 13, finds 0.40 and 0.69); the estimate confirms each.
COPY_LSH_BANDS = 16
COPY_SEED = 1
MIN_COPY_WORDS = 40

# A word in any script ("días", "Блинкен", "بلينكن"), or a figure.
_WORD = re.compile(r"[^\W\d_][\w'’-]+|\d[\d.,]*")


def story_text(article: Article) -> str:
    """What the dense representation reads: the title and the lead."""
    paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
    lead = " ".join(paragraphs)[:LEAD_CHARACTERS]
    return f"{article.title}\n{lead}" if article.title and not lead.startswith(article.title) else lead


@cache
def _stop_words(language: str = "en") -> frozenset[str]:
    """spaCy's stop words of ``language``, English's where spaCy has none for it."""
    import spacy.util

    try:
        return frozenset(spacy.util.get_lang_class(language).Defaults.stop_words)
    except ImportError:
        return _stop_words("en") if language != "en" else frozenset()


@lru_cache(maxsize=262144)
def _idf(word: str, language: str = "en") -> float:
    """7 − the word's Zipf frequency in its language (English where wordfreq has no list): Zipf 7
    is "the"; unknown words (names) get the full 7."""
    from wordfreq import zipf_frequency

    try:
        zipf = float(zipf_frequency(word, language))
    except LookupError:
        zipf = float(zipf_frequency(word, "en"))
    return max(0.0, 7.0 - zipf)


def _frequency_language(language: str | None) -> str:
    """The language whose word frequencies and stop words weigh an article's words: its own, or
    English for an English or undetected one."""
    return "en" if reads_as_english(language) else str(language).split("-")[0].lower()


def lexical_vectors(articles: Sequence[Article]) -> csr_matrix:
    """L2-normalised hashed word vectors, `(1 + log tf) × idf²` (see the module docstring).

    Words are hashed as scikit-learn's FeatureHasher hashes them (signed 32-bit MurmurHash3, seed
    0, |h| mod LEXICAL_FEATURES, colliding words summed), so the vectors are the same as that
    class gives; building them with mmh3 and scipy directly spares the cold CLI the ≈ 0.8 s that
    importing scikit-learn costs."""
    import mmh3
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for article in articles:
        language = _frequency_language(article.language)
        stop = _stop_words(language)
        counts = Counter(
            w
            for w in _WORD.findall(f"{article.title or ''} {article.text}".lower())
            if w not in stop and len(w) > 2
        )
        for word, n in counts.items():
            indices.append(abs(mmh3.hash(word, 0, signed=True)) % LEXICAL_FEATURES)
            values.append((1 + math.log(n)) * _idf(word, language) ** 2)
        indptr.append(len(indices))
    matrix = csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int32), np.array(indptr)),
        shape=(len(articles), LEXICAL_FEATURES),
    )
    matrix.sum_duplicates()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    normalised: csr_matrix = csr_matrix(matrix.multiply(scale[:, None]))
    return normalised


def dense_vectors(
    articles: Sequence[Article], embedder: Embedder, cross_lingual: CrossLingual | None = None
) -> NDArray[np.float32]:
    """The dense rows of the articles: ``embedder`` over ``story_text`` (see ``embed_leads``)."""
    return embed_leads(
        [story_text(a) for a in articles], [a.language for a in articles], embedder, cross_lingual
    )


def embed_leads(
    texts: Sequence[str],
    languages: Sequence[str | None],
    embedder: Embedder,
    cross_lingual: CrossLingual | None = None,
) -> NDArray[np.float32]:
    """Rows of ``embedder``'s space; with ``cross_lingual``, texts not in English are read by the
    multilingual model and mapped into that space (embed.CrossLingual.in_main_space)."""
    if cross_lingual is None:
        return embedder.embed(texts)
    foreign = np.array([not reads_as_english(language) for language in languages], dtype=bool)
    return cross_lingual.in_main_space(embedder, texts, foreign)


def language_key(article: Article) -> str:
    """What two articles must share for their words to be compared (lexicon.language_key)."""
    return lexicon_language_key(article.language)


def _published(article: Article) -> datetime | None:
    return published_datetime(article.published)


def _timestamp(article: Article) -> float:
    """Seconds since the epoch of the article's publication, NaN when unknown."""
    published = _published(article)
    return published.timestamp() if published is not None else np.nan


def _apart(a: datetime | None, b: datetime | None, window_days: float) -> bool:
    return a is not None and b is not None and abs((a - b).total_seconds()) > window_days * 86400


class StoryClusterer(Protocol):
    """Groups a batch of articles into stories, largest first. ``vectors``: their dense rows
    (``dense_vectors``), computed by whoever holds the embedder (an engine's workers)."""

    name: str

    def cluster(
        self, articles: Sequence[Article], vectors: NDArray[np.float32], *, window_days: float = WINDOW_DAYS
    ) -> list[Story]: ...


class AverageLinkage:
    """Average linkage over the mean of dense and lexical similarity (see the module docstring);
    beyond MAX_BATCH_ARTICLES, the stream."""

    name = "average linkage"

    def cluster(
        self, articles: Sequence[Article], vectors: NDArray[np.float32], *, window_days: float = WINDOW_DAYS
    ) -> list[Story]:
        return cluster_stories(articles, vectors, window_days=window_days)


def as_stories(articles: Sequence[Article], groups: Sequence[Sequence[Article]]) -> list[Story]:
    """Groups of ``articles`` as Stories, each named after its founding article: the first of
    its members in input order (the one a stream would have opened it with)."""
    position = {a.id: i for i, a in enumerate(articles)}
    return [
        Story.of(group, story_id_for(min(group, key=lambda a: position[a.id]).id))
        for group in groups
        if group
    ]


def cluster_stories(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    *,
    threshold: float = STORY_THRESHOLD,
    window_days: float = WINDOW_DAYS,
    lexical_threshold: float = LEXICAL_STORY_THRESHOLD,
    words_decide: bool = True,
) -> list[Story]:
    """Stories of a batch of articles, largest first (ties: first published, then input order);
    ``vectors``: their rows of ``dense_vectors`` (only the ``dense_rows_needed`` are read).
    ``words_decide=False`` scores every pair by both cosines (all rows read), as batch mode did
    before lexical-first: what bench/cluster_eval.py --lexical measures it against."""
    if not articles:
        return []
    if len(articles) > MAX_BATCH_ARTICLES:
        stream = StoryStream(threshold=threshold, window_days=window_days)
        labels = [
            stream.add_batch(articles[i : i + 256], vectors[i : i + 256])
            for i in range(0, len(articles), 256)
        ]
        return as_stories(articles, _grouped(articles, [label for batch in labels for label in batch]))
    needed = dense_rows_needed(articles) if words_decide else np.ones(len(articles), dtype=bool)
    lexical = lexical_vectors(articles)
    lexical_similarity = (lexical @ lexical.T).toarray()
    short = np.array([is_short(a) for a in articles])
    both_short = short[:, None] & short[None, :]
    if needed.all():  # the encoder has read every article: both cosines, as the stream scores
        dense_similarity = vectors @ vectors.T
        similarity = DENSE_WEIGHT * dense_similarity + (1 - DENSE_WEIGHT) * lexical_similarity
        keys = np.array([language_key(a) for a in articles])
        # Across languages words are not shared (names and figures only): there the dense cosine
        # is the whole similarity. On the dev translations (bench/cross_lingual.py --stories),
        # translated articles then find their story 29 times in 32; a one-off probe with the
        # mean of the two (this rule absent) found 6.
        if len(set(keys.tolist())) > 1:
            across = keys[:, None] != keys[None, :]
            similarity[across] = dense_similarity[across]
    else:  # one language: words decide, and both cosines for two short texts
        floor = (threshold - lexical_threshold) / (1 - lexical_threshold)  # lexical cut ↦ threshold
        similarity = floor + (1 - floor) * lexical_similarity
        if needed.any():
            rows = np.flatnonzero(needed)
            pairs = np.ix_(rows, rows)
            # Two short texts share few words: the mean of both cosines decides there (short-text
            # F1 on dev 0.919 so, 0.893 by words alone).
            similarity[pairs] = (
                DENSE_WEIGHT * (vectors[rows] @ vectors[rows].T)
                + (1 - DENSE_WEIGHT) * lexical_similarity[pairs]
            )
    similarity[both_short] += SHORT_TEXT_ALLOWANCE
    dates = [_published(a) for a in articles]
    if any(d is not None for d in dates):
        seconds = np.array([d.timestamp() if d is not None else np.nan for d in dates])
        with np.errstate(invalid="ignore"):
            apart = np.abs(seconds[:, None] - seconds[None, :]) > window_days * 86400  # NaN: unknown
        similarity[apart] = -1.0  # never in one story
    if len(articles) == 1:
        return as_stories(articles, [list(articles)])
    clusters = _average_linkage_labels(np.clip(1 - similarity, 0, 2), 1 - threshold)
    return as_stories(
        articles,
        [
            part
            for group in _grouped(articles, [f"k{label}" for label in clusters])
            for part in _within_window(group, window_days)
        ],
    )


def _average_linkage_labels(distances: NDArray[np.float64], cut: float) -> NDArray[np.int32]:
    """Flat clusters of average linkage over a square distance matrix, merging while the linkage
    distance is below ``cut``: what scikit-learn's AgglomerativeClustering(linkage="average",
    metric="precomputed", distance_threshold=cut) computes (it calls the same scipy routine),
    without importing scikit-learn (≈ 0.8 s of a cold run)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    tree = linkage(squareform(distances, checks=False), method="average")
    # fcluster keeps merges at distance ≤ t; scikit-learn's threshold keeps those strictly below.
    labels: NDArray[np.int32] = fcluster(tree, t=np.nextafter(cut, -np.inf), criterion="distance")
    return labels


def dense_rows_needed(articles: Sequence[Article]) -> NDArray[np.bool_]:
    """Which articles' dense rows ``cluster_stories`` reads: every one when the batch holds several
    languages (pairs across them are read by the dense cosine alone, and pairs within one by both
    cosines, as before lexical-first) or is streamed (more than MAX_BATCH_ARTICLES), else only the
    short texts (see LEXICAL_STORY_THRESHOLD). Callers that pay for the encoder embed these and may
    leave the other rows zero."""
    if len(articles) > MAX_BATCH_ARTICLES or len({language_key(a) for a in articles}) > 1:
        return np.ones(len(articles), dtype=bool)
    return np.array([is_short(a) for a in articles], dtype=bool)


def is_short(article: Article) -> bool:
    """A headline and a sentence or two rather than an article (see SHORT_TEXT_WORDS)."""
    return len(f"{article.title or ''} {article.text}".split()) < SHORT_TEXT_WORDS


def _within_window(story: list[Article], window_days: float) -> list[list[Article]]:
    """Average linkage can keep two articles further apart than the window in one group (their
    pair is averaged with closer ones): cut the group, in date order, wherever its span would pass
    the window. Undated articles stay with the largest part."""
    dated = sorted(((d, a) for a in story if (d := _published(a)) is not None), key=lambda pair: pair[0])
    if not dated or (dated[-1][0] - dated[0][0]).total_seconds() <= window_days * 86400:
        return [story]
    parts: list[list[Article]] = [[]]
    start = dated[0][0]
    for date, article in dated:
        if (date - start).total_seconds() > window_days * 86400:
            parts.append([])
            start = date
        parts[-1].append(article)
    parts.sort(key=len, reverse=True)
    parts[0].extend(a for a in story if _published(a) is None)
    return parts


def _grouped(articles: Sequence[Article], labels: Sequence[str]) -> list[list[Article]]:
    groups: dict[str, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(label, []).append(article)
    return sorted(groups.values(), key=lambda g: (-len(g), min((a.published or "9999") for a in g)))


# The stream at scale (StoryStream). Up to EXACT_SCAN_STORIES open stories an article's dense
# similarity to every one is computed (one pass over their sums, 3 KB a story); above, an
# approximate nearest-neighbour index over the stories' mean vectors (usearch's HNSW) proposes
# candidates and only those are scored. On the 2-core bench machine (bench/stream_million.py,
# shared, so ±20 %) the two cost about the same per article at 4,000–6,000 open stories; the
# index's cost grows with the logarithm of their number, the scan's in proportion (≈ 75 µs per
# 1,000 stories).
EXACT_SCAN_STORIES = 4_000
# Memory bound whatever the dates say: with this many stories open, the least recently joined
# 1 % are closed before another opens. An open story holds ≈ 15 KB on bench/stream_million.py
# (11,000 open: 196 MiB of sums and index), so 100,000 hold ≈ 1.5 GB.
MAX_OPEN_STORIES = 100_000
# An undated story never leaves the window: it is closed once this many articles have arrived
# since it last took one (a week of a 7,000-article-a-day feed; not tuned).
UNDATED_IDLE_ARTICLES = 50_000
# The index holds each story's mean vector as of its last re-indexing; it is re-indexed when the
# mean has turned past this cosine since. The first joins of a story turn it most, later ones
# little, so large stories are rarely re-indexed. On the first 10,000 articles of
# bench/stream_million.py --concurrent 64 (≈ 4,000 stories open, index from 2,000) 0.95 and 0.98
# gave the exact scan's story for every article, 0.85 for all but one, and each step down saved
# ≈ 5 % of the assignment time.
REINDEX_COSINE = 0.95
# usearch's HNSW graph: 16 links a node (its default); 64 candidates looked at when a story is
# added (half its default: adding is much of the index's cost in a stream, every new story and
# re-indexed one; 32 changed 4 articles in 10,000 in the run above) and when one is searched for (its
# default). bfloat16 vectors: the index only ranks (candidates are scored exactly from the sums),
# and on the bench machine's AVX-512 it adds and searches ≈ 1.8× faster than float32.
ANN_CONNECTIVITY = 16
ANN_EXPANSION_ADD = 64
ANN_EXPANSION_SEARCH = 64
ANN_DTYPE = "bf16"


@dataclass
class _StorySums:
    """An open story's sum of its members' lexical vectors (sorted hashed-word columns and summed
    weights) and what its members share (languages, short texts)."""

    id: str
    words: NDArray[np.int32]
    weights: NDArray[np.float64]
    languages: set[str] = field(default_factory=set)  # its members' language_key
    short: bool = False  # every member a short text (is_short)

    def lexical_dot(self, article: NDArray[np.float64]) -> float:
        """Sum over the members of their lexical cosine with an article's vector, given whole."""
        return float(article[self.words] @ self.weights)

    def add_words(self, words: NDArray[np.int32], weights: NDArray[np.float64]) -> None:
        if not len(self.words):
            self.words, self.weights = words.copy(), weights.copy()
            return
        at = np.searchsorted(self.words, words)
        hit = self.words[np.minimum(at, len(self.words) - 1)] == words
        self.weights[at[hit]] += weights[hit]
        if not hit.all():
            new = ~hit
            self.words = np.insert(self.words, at[new], words[new])
            self.weights = np.insert(self.weights, at[new], weights[new])


def _best(scores: NDArray[np.float64], count: int) -> NDArray[np.intp]:
    """Positions of the ``count`` highest scores, highest first."""
    if len(scores) > count:
        top = np.argpartition(-scores, count - 1)[:count]
        return top[np.argsort(-scores[top])]
    return np.argsort(-scores)


def _lexical_rows(articles: Sequence[Article]) -> list[tuple[NDArray[np.int32], NDArray[np.float64]]]:
    """Each article's lexical vector (``lexical_vectors``) as sorted columns and their values."""
    matrix = lexical_vectors(articles).tocsr()
    matrix.sum_duplicates()  # sorted, distinct columns in each row
    indices = matrix.indices.astype(np.int32, copy=False)
    values = matrix.data.astype(np.float64, copy=False)
    bounds = matrix.indptr.tolist()
    return [
        (indices[bounds[i] : bounds[i + 1]], values[bounds[i] : bounds[i + 1]]) for i in range(len(articles))
    ]


@cache
def _blas_threads() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[Any]:
    """The stream's products are a few hundred rows at most: on more than one BLAS thread they
    only wait for each other (on 2 cores, 2.5× the CPU time of one)."""
    limit: AbstractContextManager[Any] = _blas_threads().limit(limits=1, user_api="blas")
    return limit


@dataclass
class StoryStream:
    """Assigns articles to stories one batch at a time, as they arrive, in memory and time that
    stay flat however long the stream runs.

    Each open story keeps running sums of its members' vectors, so an article's mean similarity
    to a story's members is two dot products. The dense part is computed for every open story
    while there are at most ``exact_limit`` of them (EXACT_SCAN_STORIES); above that an
    approximate nearest-neighbour index over the stories' mean dense vectors (usearch, inner
    product, so its ranking is the dense score itself) returns the nearest twice-CANDIDATES, more
    when too many of those are outside the article's window. Either way the CANDIDATES best by
    exact dense score get the exact lexical part too and the same rule picks among them, so the
    two paths differ only where the index misses one of the exact best (tests/test_story_stream.py
    compares them; bench/stream_million.py at 10,000 articles).

    Stories are closed, and their sums dropped, when they can no longer take an article: once
    the newest publication date seen (``watermark``) is more than two windows after a story's
    first article, the window rule lets it take only articles published a window or more before
    that newest one — so for input in time order, or late by less than a window, closing changes
    nothing. An undated story is closed after ``undated_idle`` articles without joining one, and
    beyond ``max_open`` open stories the least recently joined are closed (MAX_OPEN_STORIES), so
    memory is bounded even for undated input. Closing is checked after each batch. A closed
    story's articles keep its id; one placed (``place``) into it later reopens it with that
    article alone. A date far in the future moves the watermark and closes everything open."""

    threshold: float = STORY_THRESHOLD
    window_days: float = WINDOW_DAYS
    embedder: Embedder | None = None
    cross_lingual: CrossLingual | None = None  # for articles not in English (dense_vectors)
    exact_limit: int = EXACT_SCAN_STORIES
    max_open: int = MAX_OPEN_STORIES
    undated_idle: int = UNDATED_IDLE_ARTICLES
    watermark: float = math.nan  # newest publication timestamp seen
    closed: int = 0  # stories closed so far
    # Row i of the arrays is the open story _open_stories[i]; closing moves the last rows into
    # the freed ones, so the open stories are always the first len(_open_stories) rows.
    _open_stories: list[_StorySums] = field(default_factory=list)
    _dense: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))  # sums
    _sizes: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _first: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # NaN: undated
    _last: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _touched: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _indexed: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    _index: dict[str, int] = field(default_factory=dict)  # story id → row
    _ann: Index | None = None  # key = row; only while more than exact_limit // 2 stories are open
    _seen: int = 0  # articles taken (assigned or placed)
    _article_words: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    CANDIDATES = 20

    @property
    def stories(self) -> list[_StorySums]:
        """The open stories."""
        return list(self._open_stories)

    @property
    def uses_index(self) -> bool:
        """Whether candidates now come from the nearest-neighbour index (not every open story)."""
        return self._ann is not None and len(self._open_stories) > self.exact_limit

    @property
    def nbytes(self) -> int:
        """Memory held for the open stories: their sums and the index (Python objects aside)."""
        arrays = (self._dense, self._indexed, self._sizes, self._first, self._last, self._touched)
        words = sum(s.words.nbytes + s.weights.nbytes for s in self._open_stories)
        index = self._ann.memory_usage if self._ann is not None else 0
        return sum(a.nbytes for a in arrays) + self._article_words.nbytes + words + int(index)

    def add(self, article: Article) -> str:
        return self.add_batch([article])[0]

    def add_batch(self, articles: Sequence[Article], vectors: NDArray[np.float32] | None = None) -> list[str]:
        """Story ids of the articles, in order (an article may join a story opened earlier in the
        same batch)."""
        if not articles:
            return []
        if vectors is None:
            if self.embedder is None:
                raise ValueError("StoryStream.add_batch needs the articles' vectors or an embedder")
            vectors = dense_vectors(articles, self.embedder, self.cross_lingual)
        rows = _lexical_rows(articles)
        with _one_blas_thread():
            ids = [self._assign(a, vectors[i].astype(np.float64), *rows[i]) for i, a in enumerate(articles)]
            self._close_passed()
        return ids

    def place(
        self, articles: Sequence[Article], story_ids: Sequence[str], vectors: NDArray[np.float32]
    ) -> None:
        """Put articles into the stories they were already assigned to (by this stream or another
        one sharing a database) without scoring them: how a server's worker catches up."""
        rows = _lexical_rows(articles)
        with _one_blas_thread():
            for i, (article, story_id) in enumerate(zip(articles, story_ids, strict=True)):
                dense, when = vectors[i].astype(np.float64), self._arrived(article)
                row = self._index.get(story_id)
                if row is None:
                    self._open(article, dense, *rows[i], when, story_id=story_id)
                else:
                    self._join(row, article, dense, *rows[i], when)
            self._close_passed()

    def _arrived(self, article: Article) -> float:
        """The article's timestamp, moving the watermark and the article count."""
        when = _timestamp(article)
        self._seen += 1
        if not math.isnan(when) and not when <= self.watermark:  # NaN watermark: the first date
            self.watermark = when
        return when

    def _assign(
        self,
        article: Article,
        dense: NDArray[np.float64],
        words: NDArray[np.int32],
        weights: NDArray[np.float64],
    ) -> str:
        when = self._arrived(article)
        short = is_short(article)
        key = language_key(article)
        best, best_score = -1, self.threshold
        if self._open_stories:
            rows, dense_scores = self._dense_candidates(dense, when)
            order = _best(dense_scores, self.CANDIDATES)
            vector = self._whole(words, weights)
            # No mean of lexical cosines passes 1: below this dense score a story cannot win.
            beaten = (best_score - (1 - DENSE_WEIGHT) - SHORT_TEXT_ALLOWANCE * short) / DENSE_WEIGHT
            for row, dense_score in zip(rows[order].tolist(), dense_scores[order].tolist(), strict=True):
                if not math.isfinite(dense_score) or dense_score < beaten - 1e-9:
                    break
                story = self._open_stories[row]
                if key in story.languages:
                    lexical_score = story.lexical_dot(vector) / float(self._sizes[row])
                    score = DENSE_WEIGHT * dense_score + (1 - DENSE_WEIGHT) * lexical_score
                else:
                    score = dense_score  # no member to share words with (see cluster_stories)
                if short and story.short:
                    score += SHORT_TEXT_ALLOWANCE
                if score >= best_score:
                    best, best_score = row, score
                    beaten = (best_score - (1 - DENSE_WEIGHT) - SHORT_TEXT_ALLOWANCE * short) / DENSE_WEIGHT
            vector[words] = 0.0
        if best < 0:
            return self._open(article, dense, words, weights, when)
        self._join(best, article, dense, words, weights, when)
        return self._open_stories[best].id

    def _whole(self, words: NDArray[np.int32], weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """The article's lexical vector written out whole (one reused array, cleared after use),
        so that a story's sum is dotted with it by one gather."""
        if len(words) and words[-1] >= len(self._article_words):
            self._article_words = np.zeros(max(LEXICAL_FEATURES, int(words[-1]) + 1))
        self._article_words[words] = weights
        return self._article_words

    def _dense_candidates(
        self, dense: NDArray[np.float64], when: float
    ) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Rows of the open stories worth scoring and their exact dense scores (mean cosine with
        the members), −inf for those outside the window: every open story while few are open,
        else the index's nearest, as many as needed for CANDIDATES inside the window."""
        count = len(self._open_stories)
        if self._ann is not None and count > self.exact_limit:
            query = dense.astype(np.float32)
            wanted = 2 * self.CANDIDATES
            while wanted < count:
                rows = self._ann.search(query, wanted, threads=1).keys.astype(np.intp)
                scores = self._dense[rows] @ dense / self._sizes[rows]
                outside = self._outside(rows, when)
                if len(rows) - int(outside.sum()) >= self.CANDIDATES:
                    scores[outside] = -np.inf
                    return rows, scores
                wanted *= 4  # most of the nearest are outside the window: look further
        rows = np.arange(count)
        scores = self._dense[:count] @ dense / self._sizes[:count]
        scores[self._outside(rows, when)] = -np.inf
        return rows, scores

    def _outside(self, rows: NDArray[np.intp], when: float) -> NDArray[np.bool_]:
        window = self.window_days * 86400
        with np.errstate(invalid="ignore"):  # NaN (undated) compares False: never outside
            outside: NDArray[np.bool_] = (np.abs(self._first[rows] - when) > window) | (
                np.abs(self._last[rows] - when) > window
            )
        return outside

    def _join(
        self,
        row: int,
        article: Article,
        dense: NDArray[np.float64],
        words: NDArray[np.int32],
        weights: NDArray[np.float64],
        when: float,
    ) -> None:
        story = self._open_stories[row]
        story.languages.add(language_key(article))
        story.short = story.short and is_short(article)
        story.add_words(words, weights)
        self._dense[row] += dense
        self._sizes[row] += 1
        self._touched[row] = self._seen
        if not math.isnan(when):
            first, last = self._first[row], self._last[row]
            self._first[row] = when if math.isnan(first) else min(first, when)
            self._last[row] = when if math.isnan(last) else max(last, when)
        if self._ann is not None:
            mean = self._dense[row] / self._sizes[row]
            indexed = self._indexed[row]
            norms = float(np.linalg.norm(mean) * np.linalg.norm(indexed))
            if norms == 0.0 or float(mean @ indexed) < REINDEX_COSINE * norms:
                self._indexed[row] = mean
                self._ann.remove(row)
                self._ann.add(row, self._indexed[row], threads=1)

    def _open(
        self,
        article: Article,
        dense: NDArray[np.float64],
        words: NDArray[np.int32],
        weights: NDArray[np.float64],
        when: float,
        story_id: str | None = None,
    ) -> str:
        if len(self._open_stories) >= self.max_open:  # the least recently joined 1 %
            count = len(self._open_stories)
            oldest = max(1, count // 100)
            self._close(np.argpartition(self._touched[:count], oldest - 1)[:oldest])
        row = len(self._open_stories)
        if row >= len(self._sizes):
            self._resize(max(16, 2 * len(self._sizes)), len(dense))
        self._dense[row] = dense
        self._sizes[row] = 1
        self._first[row] = self._last[row] = when
        self._touched[row] = self._seen
        self._indexed[row] = dense
        story_id = story_id or story_id_for(article.id)
        self._open_stories.append(
            _StorySums(
                id=story_id,
                words=words.copy(),
                weights=weights.copy(),
                languages={language_key(article)},
                short=is_short(article),
            )
        )
        self._index[story_id] = row
        if self._ann is not None:
            self._ann.add(row, self._indexed[row], threads=1)
        elif row + 1 > self.exact_limit:
            self._build_index()
        return story_id

    def _build_index(self) -> None:
        from usearch.index import Index

        count = len(self._open_stories)
        self._indexed[:count] = self._dense[:count] / self._sizes[:count, None]
        self._ann = Index(
            ndim=self._dense.shape[1],
            metric="ip",
            dtype=ANN_DTYPE,
            connectivity=ANN_CONNECTIVITY,
            expansion_add=ANN_EXPANSION_ADD,
            expansion_search=ANN_EXPANSION_SEARCH,
        )
        self._ann.add(np.arange(count), self._indexed[:count], threads=1)

    def _resize(self, capacity: int, dimensions: int) -> None:
        """Reallocate the rows (growing by doubling, shrinking after many stories closed)."""
        count = len(self._open_stories)

        def resized(array: NDArray[Any], shape: tuple[int, ...]) -> NDArray[Any]:
            fresh = np.zeros(shape, dtype=array.dtype)
            if count:
                fresh[:count] = array[:count]
            return fresh

        self._dense = resized(self._dense, (capacity, dimensions))
        self._indexed = resized(self._indexed, (capacity, dimensions))
        self._sizes = resized(self._sizes, (capacity,))
        self._first = resized(self._first, (capacity,))
        self._last = resized(self._last, (capacity,))
        self._touched = resized(self._touched, (capacity,))

    def _close_passed(self) -> None:
        """Close the stories that can no longer take an article (see the class docstring)."""
        count = len(self._open_stories)
        if not count:
            return
        first = self._first[:count]
        with np.errstate(invalid="ignore"):  # NaN: undated, never passed
            passed = first < self.watermark - 2 * self.window_days * 86400
        idle = np.isnan(first) & (self._seen - self._touched[:count] > self.undated_idle)
        closing = np.flatnonzero(passed | idle)
        if len(closing):
            self._close(closing)

    def _close(self, rows: NDArray[np.intp]) -> None:
        """Drop the stories of ``rows``, moving the last open rows into their places."""
        count = len(self._open_stories)
        remaining = count - len(rows)
        closing = np.zeros(count, dtype=bool)
        closing[rows] = True
        holes = np.flatnonzero(closing[:remaining])
        movers = np.flatnonzero(~closing[remaining:]) + remaining
        # An id can name two open stories (an article added twice founds two): _index holds the
        # newer one's row, which only that row's moves change.
        for row in rows.tolist():
            if self._index.get(self._open_stories[row].id) == row:
                del self._index[self._open_stories[row].id]
        for array in (self._dense, self._indexed, self._sizes, self._first, self._last, self._touched):
            array[holes] = array[movers]
        for hole, mover in zip(holes.tolist(), movers.tolist(), strict=True):
            story = self._open_stories[hole] = self._open_stories[mover]
            if self._index.get(story.id) == mover:
                self._index[story.id] = hole
        del self._open_stories[remaining:]
        self.closed += len(rows)
        if self._ann is not None:
            if remaining < self.exact_limit // 2:
                self._ann = None  # few enough for the exact scan again
            else:
                self._ann.remove(np.concatenate([rows, movers]).astype(np.uint64), threads=1)
                if len(holes):
                    self._ann.add(holes, self._indexed[holes], threads=1)
        if len(self._sizes) > 4 * max(16, remaining):
            self._resize(2 * max(16, remaining), self._dense.shape[1])


def with_copies(articles: Sequence[Article]) -> list[Article]:
    """The articles with ``copy_of`` set for wire copies (``find_copies``), as every path marks them."""
    copies = find_copies(articles)
    return [a.model_copy(update={"copy_of": copies.get(a.id)}) for a in articles]


def group_into_stories(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    clusterer: StoryClusterer,
    *,
    window_days: float = WINDOW_DAYS,
) -> list[Story]:
    """Stories, largest first, with wire copies marked so that they count once."""
    return clusterer.cluster(with_copies(articles), vectors, window_days=window_days)


def find_copies(articles: Sequence[Article], on_article: Callable[[], None] | None = None) -> dict[str, str]:
    """article id → id of the earlier article it copies (same text under another masthead)."""
    from rensa import RMinHash, RMinHashLSH

    index = RMinHashLSH(threshold=COPY_THRESHOLD, num_perm=COPY_PERMUTATIONS, num_bands=COPY_LSH_BANDS)
    copies: dict[str, str] = {}
    signatures: dict[int, RMinHash] = {}  # position in ``articles`` → signature of an original
    for position, article in enumerate(articles):
        words = _WORD.findall(article.text.lower())
        if len(words) < MIN_COPY_WORDS:  # a one-line text is not a wire story
            if on_article is not None:
                on_article()
            continue
        shingles = {
            " ".join(words[i : i + COPY_SHINGLE_WORDS])
            for i in range(max(1, len(words) - COPY_SHINGLE_WORDS + 1))
        }
        signature = RMinHash(COPY_PERMUTATIONS, COPY_SEED)
        signature.update(list(shingles))
        # LSH returns candidates; their signatures' estimated Jaccard confirms them.
        matches = [m for m in index.query(signature) if signatures[m].jaccard(signature) >= COPY_THRESHOLD]
        if matches:
            original = articles[min(matches)].id
            copies[article.id] = copies.get(original, original)
        else:
            index.insert(position, signature)
            signatures[position] = signature
        if on_article is not None:
            on_article()
    return copies
