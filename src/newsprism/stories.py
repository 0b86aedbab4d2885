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

Similarity is the mean of the two cosines. **Batch** mode groups by average linkage
(scikit-learn) with a distance threshold; **stream** mode (`StoryStream`) assigns each new
article to the story whose members it is most similar to on average (computed exactly from
running sums of member vectors), or opens a new story. Both refuse to join articles published
more than `window_days` apart (when both dates are known), so that two earthquakes a month apart
are two stories. Thresholds were chosen on ECB+ (bench/cluster_eval.py prints the sweep): B-cubed
F1 is flat within ±0.03 over similarity 0.30–0.40 and weights 0.4–0.6, so the middle was taken.

Wire copies and re-publications (the same AFP text under two mastheads) are found with MinHash
LSH over word 5-shingles (datasketch): an article whose shingles overlap an earlier one's by
`COPY_THRESHOLD` (estimated Jaccard) gets `copy_of` = that article's id, and later stages count the
copies of one text once when they count how many outlets agree.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from newsprism.embed import CrossLingual, Embedder
from newsprism.lexicon import language_key as lexicon_language_key
from newsprism.lexicon import reads_as_english
from newsprism.model import Article, Story, published_datetime, story_id_for

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

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
LEXICAL_FEATURES = 2**20
COPY_THRESHOLD = 0.8
COPY_SHINGLE_WORDS = 5
COPY_PERMUTATIONS = 128
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
    """L2-normalised hashed word vectors, `(1 + log tf) × idf²` (see the module docstring)."""
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.preprocessing import normalize

    def features(article: Article) -> dict[str, float]:
        language = _frequency_language(article.language)
        stop = _stop_words(language)
        counts = Counter(
            w
            for w in _WORD.findall(f"{article.title or ''} {article.text}".lower())
            if w not in stop and len(w) > 2
        )
        return {w: (1 + math.log(n)) * _idf(w, language) ** 2 for w, n in counts.items()}

    hasher = FeatureHasher(n_features=LEXICAL_FEATURES, input_type="dict", alternate_sign=False)
    matrix: csr_matrix = normalize(hasher.transform(features(a) for a in articles))
    return matrix


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
) -> list[Story]:
    """Stories of a batch of articles, largest first (ties: first published, then input order);
    ``vectors``: their rows of ``dense_vectors``."""
    if not articles:
        return []
    if len(articles) > MAX_BATCH_ARTICLES:
        stream = StoryStream(threshold=threshold, window_days=window_days)
        labels = [
            stream.add_batch(articles[i : i + 256], vectors[i : i + 256])
            for i in range(0, len(articles), 256)
        ]
        return as_stories(articles, _grouped(articles, [label for batch in labels for label in batch]))
    dense = vectors
    lexical = lexical_vectors(articles)
    dense_similarity = dense @ dense.T
    similarity = DENSE_WEIGHT * dense_similarity + (1 - DENSE_WEIGHT) * (lexical @ lexical.T).toarray()
    keys = np.array([language_key(a) for a in articles])
    # Across languages words are not shared (names and figures only): there the dense cosine is the
    # whole similarity. On the dev translations (bench/cross_lingual.py --stories), translated
    # articles then find their story 29 times in 32; a one-off probe with the mean of the two
    # (this rule absent) found 6.
    if len(set(keys.tolist())) > 1:
        across = keys[:, None] != keys[None, :]
        similarity[across] = dense_similarity[across]
    short = np.array([is_short(a) for a in articles])
    similarity[short[:, None] & short[None, :]] += SHORT_TEXT_ALLOWANCE
    dates = [_published(a) for a in articles]
    if any(d is not None for d in dates):
        seconds = np.array([d.timestamp() if d is not None else np.nan for d in dates])
        with np.errstate(invalid="ignore"):
            apart = np.abs(seconds[:, None] - seconds[None, :]) > window_days * 86400  # NaN: unknown
        similarity[apart] = -1.0  # never in one story
    if len(articles) == 1:
        return as_stories(articles, [list(articles)])
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1 - threshold
    ).fit_predict(np.clip(1 - similarity, 0, 2))
    return as_stories(
        articles,
        [
            part
            for group in _grouped(articles, [f"k{label}" for label in labels])
            for part in _within_window(group, window_days)
        ],
    )


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


@dataclass
class _StorySums:
    id: str
    lexical_sum: csr_matrix
    first: float  # publication timestamps (NaN when no member is dated)
    last: float
    languages: set[str] = field(default_factory=set)  # its members' language_key
    short: bool = False  # every member a short text (is_short)


@dataclass
class StoryStream:
    """Assigns articles to stories one batch at a time, as they arrive. Each story keeps running
    sums of its members' vectors, so an article's mean similarity to a story's members is two dot
    products. The dense part is scored against every open story at once (one matrix product); the
    exact lexical part only for the CANDIDATES best of them, so an article costs the same whether
    ten or ten thousand stories are open. Stories outside the window are skipped."""

    threshold: float = STORY_THRESHOLD
    window_days: float = WINDOW_DAYS
    embedder: Embedder | None = None
    cross_lingual: CrossLingual | None = None  # for articles not in English (dense_vectors)
    stories: list[_StorySums] = field(default_factory=list)
    _dense: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 0)))
    _sizes: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _index: dict[str, int] = field(default_factory=dict)  # story id → row of the sums

    CANDIDATES = 20

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
        dense = vectors
        lexical = lexical_vectors(articles)
        return [self._assign(a, dense[i].astype(np.float64), lexical[i]) for i, a in enumerate(articles)]

    def place(
        self, articles: Sequence[Article], story_ids: Sequence[str], vectors: NDArray[np.float32]
    ) -> None:
        """Put articles into the stories they were already assigned to (by this stream or another
        one sharing a database) without scoring them: how a server's worker catches up."""
        lexical = lexical_vectors(articles)
        for i, (article, story_id) in enumerate(zip(articles, story_ids, strict=True)):
            dense, when = vectors[i].astype(np.float64), _timestamp(article)
            index = self._index.get(story_id)
            if index is None:
                self._open(article, dense, lexical[i], when, story_id=story_id)
            else:
                self._join(index, article, dense, lexical[i], when)

    def _assign(self, article: Article, dense: NDArray[np.float64], lexical: csr_matrix) -> str:
        when = _timestamp(article)
        short = is_short(article)
        count = len(self.stories)
        best, best_score = -1, self.threshold
        if count:
            firsts = np.array([s.first for s in self.stories])
            lasts = np.array([s.last for s in self.stories])
            window = self.window_days * 86400
            with np.errstate(invalid="ignore"):  # NaN (undated) compares False: never outside
                outside = (np.abs(firsts - when) > window) | (np.abs(lasts - when) > window)
            dense_scores = self._dense[:count] @ dense / self._sizes[:count]
            dense_scores[outside] = -np.inf
            for index in np.argsort(-dense_scores)[: self.CANDIDATES]:
                if not np.isfinite(dense_scores[index]):
                    break
                lexical_score = (
                    float(lexical.multiply(self.stories[index].lexical_sum).sum()) / self._sizes[index]
                )
                score = DENSE_WEIGHT * dense_scores[index] + (1 - DENSE_WEIGHT) * lexical_score
                if language_key(article) not in self.stories[index].languages:
                    score = dense_scores[index]  # no member to share words with (see cluster_stories)
                if short and self.stories[index].short:
                    score += SHORT_TEXT_ALLOWANCE
                if score >= best_score:
                    best, best_score = int(index), score
        if best < 0:
            best = self._open(article, dense, lexical, when)
        else:
            self._join(best, article, dense, lexical, when)
        return self.stories[best].id

    def _join(
        self, index: int, article: Article, dense: NDArray[np.float64], lexical: csr_matrix, when: float
    ) -> None:
        story = self.stories[index]
        story.languages.add(language_key(article))
        story.short = story.short and is_short(article)
        story.lexical_sum = story.lexical_sum + lexical
        self._dense[index] += dense
        self._sizes[index] += 1
        if not np.isnan(when):
            story.first = when if np.isnan(story.first) else min(story.first, when)
            story.last = when if np.isnan(story.last) else max(story.last, when)

    def _open(
        self,
        article: Article,
        dense: NDArray[np.float64],
        lexical: csr_matrix,
        when: float,
        story_id: str | None = None,
    ) -> int:
        index = len(self.stories)
        if index >= len(self._sizes):  # grow the sums by doubling
            grown = max(16, 2 * len(self._sizes))
            dense_sums = np.zeros((grown, len(dense)))
            if index:
                dense_sums[:index] = self._dense[:index]
            sizes = np.zeros(grown)
            sizes[:index] = self._sizes[:index]
            self._dense, self._sizes = dense_sums, sizes
        self._dense[index] = dense
        self._sizes[index] = 1
        story_id = story_id or story_id_for(article.id)
        self.stories.append(
            _StorySums(
                id=story_id,
                lexical_sum=lexical,
                first=when,
                last=when,
                languages={language_key(article)},
                short=is_short(article),
            )
        )
        self._index[story_id] = index
        return index


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
    from datasketch import MinHash, MinHashLSH

    index = MinHashLSH(threshold=COPY_THRESHOLD, num_perm=COPY_PERMUTATIONS)
    order = {a.id: i for i, a in enumerate(articles)}
    copies: dict[str, str] = {}
    signatures: dict[str, MinHash] = {}
    for article in articles:
        words = _WORD.findall(article.text.lower())
        if len(words) < MIN_COPY_WORDS:  # a one-line text is not a wire story
            if on_article is not None:
                on_article()
            continue
        shingles = {
            " ".join(words[i : i + COPY_SHINGLE_WORDS])
            for i in range(max(1, len(words) - COPY_SHINGLE_WORDS + 1))
        }
        signature = MinHash(num_perm=COPY_PERMUTATIONS)
        signature.update_batch([s.encode("utf-8") for s in shingles])
        # LSH returns candidates; their signatures' estimated Jaccard confirms them.
        matches = [m for m in index.query(signature) if signatures[m].jaccard(signature) >= COPY_THRESHOLD]
        if matches:
            original = min(matches, key=lambda m: order[m])
            copies[article.id] = copies.get(original, original)
        else:
            index.insert(article.id, signature)
            signatures[article.id] = signature
        if on_article is not None:
            on_article()
    return copies
