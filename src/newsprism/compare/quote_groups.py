"""Which quotes of different articles are one statement ("the same words of Blinken, quoted by
Reuters and by Lenta.ru"): comparison work, done once per story after the language layer.

Two quotes are one statement when they share enough content words (see the thresholds); the
statements are the connected groups of that relation, each with a ``group_id``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsprism.lexicon import ENGLISH, fold, language_key
from newsprism.model import Quote
from newsprism.nlp.annotate import AnnotatedArticle, content_lemmas

if TYPE_CHECKING:
    from newsprism.embed import CrossLingual

# Two quotes of one statement share this share of content words (lemmas, stop words dropped; the
# overlap coefficient |A∩B| / min(|A|,|B|)) and at least MIN_SHARED_WORDS of them. Character-level
# ratios put unrelated sentences of one speaker on one topic at 54–65, as high as real
# translations; content lemmas separate them: "China had previously pledged not to provide lethal
# aid to Russia …" / "China has assured us … will not deliver lethal aid to Russia …" share 0.67,
# "the fate of all mankind depends on … relations" / "making positive contributions to stabilize
# relations" 0.2. Without a known speaker on both sides the bar is higher.
SAME_STATEMENT_WITH_SPEAKER = 0.5
SAME_STATEMENT_WITHOUT_SPEAKER = 0.75
MIN_SHARED_WORDS = 3
SAME_WORDING_MIN_SHARED = 6


def group_quotes(
    quotes: Sequence[Quote],
    annotated: Sequence[AnnotatedArticle] | None = None,
    cross_lingual: CrossLingual | None = None,
) -> list[Quote]:
    """The quotes with a shared ``group_id`` for those of one statement in two or more articles.
    Words are each quote's content lemmas from ``annotated``; without it, lower-cased words minus
    stop words. Quotes in two languages share no words: with ``cross_lingual`` (and ``annotated``,
    which says each article's language) they are one statement when one speaker says them and
    they read as each other's translation (``_across_languages``)."""
    words = (
        _content_lemmas(annotated, quotes)
        if annotated is not None
        else {q.id: _plain_words(q.text) for q in quotes}
    )
    keys = [_speaker_key(q) for q in quotes]
    parent = list(range(len(quotes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidates([words[q.id] for q in quotes]):
        a, b = quotes[i], quotes[j]
        if (
            a.article_id != b.article_id
            and root(i) != root(j)
            and same_statement(a, b, words[a.id], words[b.id], (keys[i], keys[j]))
        ):
            parent[root(j)] = root(i)
    if cross_lingual is not None and annotated is not None:
        languages = {a.id: language_key(a.article.language) for a in annotated}
        for i, j in _across_languages(quotes, [languages[q.article_id] for q in quotes], keys, cross_lingual):
            if root(i) != root(j):
                parent[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(len(quotes)):
        members.setdefault(root(i), []).append(i)
    result = list(quotes)
    for group in members.values():
        if len({quotes[i].article_id for i in group}) < 2:
            continue
        group_id = (
            "g" + hashlib.sha256("|".join(sorted(quotes[i].id for i in group)).encode()).hexdigest()[:10]
        )
        for i in group:
            result[i] = quotes[i].model_copy(update={"group_id": group_id})
    return result


def _across_languages(
    quotes: Sequence[Quote], languages: Sequence[str], keys: Sequence[str | None], cross_lingual: CrossLingual
) -> list[tuple[int, int]]:
    """Pairs of quotes in two languages that are one statement: the same speaker entity in both
    (entities join across scripts, nlp.transliterate), and the multilingual model's cosine of the
    two quotes, on the main model's scale, at least TRANSLATED_MIN_COSINE, the cut at which a
    sentence reads as another's translation (chosen on the dev translations for figures). A quote
    without a known speaker is not grouped across languages: two statements of one story on one
    subject read alike in e5 far more often than two wordings do in one language."""
    import numpy as np

    from newsprism.compare.detectors.base import TRANSLATED_MIN_COSINE
    from newsprism.embed import embed_once

    by_speaker: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key is not None and not key.startswith("role:"):
            by_speaker[key].append(index)
    pairs = [
        (i, j)
        for members in by_speaker.values()
        for n, i in enumerate(members)
        for j in members[n + 1 :]
        if languages[i] != languages[j] and quotes[i].article_id != quotes[j].article_id
    ]
    if not pairs:
        return []
    texts = sorted({quotes[k].text for pair in pairs for k in pair})
    row = {text: r for r, text in enumerate(texts)}
    vectors = embed_once(cross_lingual.multilingual, texts)
    cosines = np.array(
        [float(vectors[row[quotes[i].text]] @ vectors[row[quotes[j].text]]) for i, j in pairs],
        dtype=np.float32,
    )
    # The mapping's language: the side not in English, or pooled (None) for two other languages.
    sides = [
        languages[j] if languages[i] == ENGLISH else languages[i] if languages[j] == ENGLISH else None
        for i, j in pairs
    ]
    mapped = cross_lingual.plain(cosines, sides)
    return [pair for pair, cosine in zip(pairs, mapped, strict=True) if cosine >= TRANSLATED_MIN_COSINE]


def _candidates(word_sets: Sequence[frozenset[str]]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, that could be one statement, without comparing every pair (a story of
    thousands of articles has tens of thousands of quotes). Two quotes are one statement only if
    the smaller shares at least k = max(MIN_SHARED_WORDS, ⌈0.5·size⌉) of its words with the other,
    so the other holds one of its size − k + 1 rarest words (prefix filtering, as set-similarity
    joins do): each quote is paired only with the quotes listed under those words."""
    frequency: dict[str, int] = defaultdict(int)
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(word_sets):
        for word in words:
            frequency[word] += 1
            postings[word].append(index)
    found: set[tuple[int, int]] = set()
    for index, words in enumerate(word_sets):
        size = len(words)
        needed = max(MIN_SHARED_WORDS, math.ceil(SAME_STATEMENT_WITH_SPEAKER * size))
        if needed > size:
            continue
        rarest = sorted(words, key=lambda w: (frequency[w], w))[: size - needed + 1]
        mine = (size, index)
        for word in rarest:
            for other in postings[word]:
                if (len(word_sets[other]), other) > mine:
                    found.add((min(index, other), max(index, other)))
    return sorted(found)


def _content_lemmas(
    annotated: Sequence[AnnotatedArticle], quotes: Sequence[Quote]
) -> dict[str, frozenset[str]]:
    """Each quote's content words as lemmas, from the parses already made."""
    by_id = {a.id: a for a in annotated}
    lemmas: dict[str, frozenset[str]] = {}
    for quote in quotes:
        tokens = by_id[quote.article_id].tokens_in(quote.start, quote.end)
        lemmas[quote.id] = content_lemmas(t for _, t in tokens)
    return lemmas


def _speaker_key(quote: Quote) -> str | None:
    if quote.speaker is None:
        return None
    return quote.speaker.entity_id or "role:" + fold(quote.speaker.name)


def same_statement(
    a: Quote,
    b: Quote,
    words_a: frozenset[str],
    words_b: frozenset[str],
    keys: tuple[str | None, str | None] | None = None,
) -> bool:
    """Two articles quoting one statement, possibly in other words or another translation.
    ``keys`` are the two speakers' keys when the caller has them already."""
    key_a, key_b = keys if keys is not None else (_speaker_key(a), _speaker_key(b))
    shared = len(words_a & words_b)
    if shared < MIN_SHARED_WORDS:
        return False
    overlap = shared / min(len(words_a), len(words_b))
    if key_a and key_b and key_a != key_b:
        # The same long wording credited to different speakers (the statement's issuer vs its
        # spokesman, or a misattribution the comparison stage will show) is still one statement.
        return shared >= SAME_WORDING_MIN_SHARED and overlap >= SAME_STATEMENT_WITHOUT_SPEAKER
    threshold = SAME_STATEMENT_WITH_SPEAKER if key_a and key_b else SAME_STATEMENT_WITHOUT_SPEAKER
    return overlap >= threshold


def _plain_words(text: str) -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(w for w in re.findall(r"[a-z]+", fold(text)) if w not in STOP_WORDS)
