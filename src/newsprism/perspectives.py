"""How each outlet told the story: the topics it covers and skips, whose voices it carries, its tone
toward the main actors, and its characteristic wording.

Everything here is derived from the story itself, never from a list tuned to one event:

- **Topics** are the story's claims clustered by meaning (k-means over their centred sentence
  embeddings), each labelled by the noun phrases that set it apart from the other topics (class-
  based TF-IDF, as BERTopic labels topics). An article's share of a topic is the share of its claim
  text on it; a topic it does not touch is listed with share 0, so skipped topics are visible.
- **Voices** are the article's quotes grouped by speaker, with an affiliation read from the
  speaker's roles and type (an official of which country, an expert, an unnamed source, media).
- **Tone** is VADER's compound score averaged over sentences: for the article, and for the
  sentences that mention each of the story's main actors. A lexicon knows words, not stance: a
  sentence quoting an angry official scores negative whoever wrote it. Reports show that caveat.
- **Loaded terms** are the words an article uses markedly more than the story's other articles,
  by log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
  Words"), counted outside direct quotes so that they are the outlet's own words.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from newsprism.lexicon import country_references, fold, reads_as_english, role_words
from newsprism.model import (
    ActorTone,
    Article,
    Entity,
    LoadedTerm,
    Perspective,
    Quote,
    Story,
    Tone,
    Topic,
    Voice,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from spacy.tokens import Token
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from newsprism.compare import Comparison
    from newsprism.compare.claims import Unit
    from newsprism.nlp import AnnotatedArticle, LanguageLayer

# Topics: about one per three claims' worth of square root, between 2 and 8 (a reader compares a
# handful of topics across outlets, not thirty).
MIN_TOPICS, MAX_TOPICS = 2, 8
LABEL_PHRASES = 2  # noun phrases per topic label
TONE_CAVEAT = (
    "Tone is a lexicon score (VADER) of the sentences that mention each actor, from -1 to +1: a rough "
    "signal of wording, not a judgement of stance; quoted speakers' words count too."
)
# Tone: VADER's own convention for its compound score.
TONE_NEUTRAL_BAND = 0.05
MAIN_ACTORS = 6
ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE"})
# Loaded terms: |z| of the log-odds must pass 1.96 (two-sided 5 %), and the word must be used twice.
LOADED_MIN_Z = 1.96
LOADED_MIN_COUNT = 2
MAX_LOADED_TERMS = 10
PRIOR_SCALE = 0.1  # the prior counts as a tenth of the story's words: it shrinks rare words hard

_TERM_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV"})
_PHRASE_POS = frozenset({"NOUN", "PROPN", "ADJ"})

# Affiliations, read from a speaker's type and roles.
_EXPERT_WORDS = frozenset(
    "professor analyst expert researcher scholar fellow economist historian scientist lecturer "
    "academic institute university center centre think-tank".split()
)
_OFFICIAL_WORDS = frozenset(
    "minister ministry secretary president premier chancellor spokesman spokeswoman spokesperson "
    "ambassador envoy diplomat official officials government department embassy governor mayor "
    "senator lawmaker congressman congresswoman deputy general commander police prosecutor "
    "council commission agency white house kremlin state statement readout minutes transcript "
    "transcripts".split()
)
_MEDIA_WORDS = frozenset("news media newspaper tv television radio broadcaster".split())
_UNNAMED = re.compile(
    r"\b(source|sources|officials?|diplomats?|people familiar|person familiar|insiders?|aides?)\b",
    re.IGNORECASE,
)


class TopicClusterer(Protocol):
    """Groups claim vectors into ``k`` topics: one label per row. ``weights``: how many outlets
    carry each claim, so widely reported claims pull the topics toward them."""

    name: str

    def cluster(self, vectors: NDArray[np.float32], weights: NDArray[np.float64], k: int) -> list[int]: ...


class KMeansTopics:
    """Weighted k-means (Lloyd's iterations from k-means++ seeds), four restarts from a fixed seed,
    the lowest weighted inertia kept, so a story's topics are repeatable.

    Written here rather than taken from scikit-learn (whose KMeans does the same with sample
    weights) because importing scikit-learn costs ≈ 0.8 s of a cold CLI run, for a few hundred
    claim vectors; scipy's kmeans2 takes no weights."""

    name = "k-means"
    restarts = 4
    max_iterations = 300
    tolerance = 1e-4  # of the centres' squared movement relative to the data's variance

    def cluster(self, vectors: NDArray[np.float32], weights: NDArray[np.float64], k: int) -> list[int]:
        points = np.asarray(vectors, dtype=np.float64)
        mass = np.asarray(weights, dtype=np.float64)
        random = np.random.default_rng(0)
        scale = float(
            np.average(((points - np.average(points, axis=0, weights=mass)) ** 2).sum(axis=1), weights=mass)
        )
        best_labels, best_inertia = np.zeros(len(points), dtype=np.int64), np.inf
        for _ in range(self.restarts):
            labels, inertia = self._lloyd(points, mass, self._seeds(points, mass, k, random), scale)
            if inertia < best_inertia:
                best_labels, best_inertia = labels, inertia
        return [int(label) for label in best_labels]

    @staticmethod
    def _seeds(
        points: NDArray[np.float64], mass: NDArray[np.float64], k: int, random: np.random.Generator
    ) -> NDArray[np.float64]:
        """k-means++: each next centre drawn with probability ∝ weight × squared distance."""
        centres = [points[random.choice(len(points), p=mass / mass.sum())]]
        nearest = ((points - centres[0]) ** 2).sum(axis=1)
        for _ in range(1, k):
            odds = mass * nearest
            pick = (
                random.choice(len(points), p=odds / odds.sum())
                if odds.sum() > 0
                else random.choice(len(points))
            )
            centres.append(points[pick])
            nearest = np.minimum(nearest, ((points - points[pick]) ** 2).sum(axis=1))
        return np.array(centres)

    def _lloyd(
        self,
        points: NDArray[np.float64],
        mass: NDArray[np.float64],
        centres: NDArray[np.float64],
        scale: float,
    ) -> tuple[NDArray[np.int64], float]:
        for _ in range(self.max_iterations):
            labels = _squared_distances(points, centres).argmin(axis=1)
            moved = centres.copy()
            for label in range(len(centres)):
                members = labels == label
                if members.any():  # an emptied centre stays where it was
                    moved[label] = np.average(points[members], axis=0, weights=mass[members])
            shift = float(((moved - centres) ** 2).sum())
            centres = moved
            if shift <= self.tolerance * scale:
                break
        distances = _squared_distances(points, centres)
        labels = distances.argmin(axis=1)
        inertia = float((mass * distances[np.arange(len(points)), labels]).sum())
        return labels, inertia


def _squared_distances(points: NDArray[np.float64], centres: NDArray[np.float64]) -> NDArray[np.float64]:
    """Squared Euclidean distance of every point to every centre, (n, k)."""
    squared: NDArray[np.float64] = np.maximum(
        (points**2).sum(axis=1)[:, None] - 2 * points @ centres.T + (centres**2).sum(axis=1)[None, :], 0.0
    )
    return squared


def describe_perspectives(
    story: Story, language: LanguageLayer, comparison: Comparison, topic_clusterer: TopicClusterer
) -> list[Perspective]:
    """Each article's perspective: the topics it covers and skips, whose voices it carries, its
    tone toward the main actors, its loaded terms, and (from the comparison) the claims only it
    reports and the shared ones it leaves out."""
    articles = story.in_date_order()
    annotated = {a.id: a for a in language.annotated}
    topics = find_topics(comparison, annotated, topic_clusterer)
    actors = main_actors(language.entities.entities)
    analyzer = tone_analyzer()
    terms = loaded_terms(articles, annotated, comparison.quotes)
    # Grouped by article once: per-article scans of the whole story are quadratic in its size.
    quotes_of: dict[str, list[Quote]] = defaultdict(list)
    for quote in comparison.quotes:
        quotes_of[quote.article_id].append(quote)
    entities_by_id = {e.id: e for e in language.entities.entities}
    actor_mentions: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for actor in actors:
        for mention in actor.mentions:
            actor_mentions[mention.article_id][actor.id].append(mention.start)
    described = []
    for source in articles:
        article = annotated.get(source.id)
        # VADER's lexicon is English ("Die" is not a death in German): other languages get no tone.
        english = article is not None and reads_as_english(article.article.language)
        tone, by_actor = (
            article_tone(article, actors, actor_mentions[source.id], analyzer)
            if english and article
            else (None, [])
        )
        described.append(
            Perspective(
                article_id=source.id,
                outlet=source.outlet,
                topics=topics.get(source.id, []),
                voices=voices_of(source.id, quotes_of[source.id], entities_by_id),
                tone=tone,
                exclusive_claim_ids=comparison.exclusive.get(source.id, []),
                omitted_claim_ids=comparison.omitted.get(source.id, []),
                loaded_terms=terms.get(source.id, []),
                tone_by_actor=by_actor,
            )
        )
    return described


# --------------------------------------------------------------------------- topics


def find_topics(
    comparison: Comparison, annotated: dict[str, AnnotatedArticle], clusterer: TopicClusterer
) -> dict[str, list[Topic]]:
    """Per article, every topic of the story with the share of the article's claim text on it."""
    alignment = comparison.alignment
    claims = [c for c in alignment.claims if c.id in alignment.units_of]
    if not claims or not len(alignment.embeddings):
        return {}
    vectors = alignment.centred
    matrix = np.stack([alignment.claim_vector(c.id, vectors) for c in claims])
    k = min(len(claims), max(MIN_TOPICS, min(MAX_TOPICS, round(math.sqrt(len(claims) / 3)))))
    if k < 2:
        labels = np.zeros(len(claims), dtype=int)
    else:
        weights = np.array([len(c.article_ids) for c in claims], dtype=float)
        labels = np.array(clusterer.cluster(matrix, weights, k))
    members: dict[int, list[str]] = defaultdict(list)
    for claim, label in zip(claims, labels, strict=True):
        members[int(label)].append(claim.id)
    names = _topic_labels(members, alignment.units_of, annotated)
    # Characters of each article's claim text per topic.
    chars: dict[str, Counter[int]] = defaultdict(Counter)
    claim_ids: dict[tuple[str, int], list[str]] = defaultdict(list)
    for topic, ids in members.items():
        for claim_id in ids:
            for unit in alignment.units_of[claim_id]:
                chars[unit.article_id][topic] += unit.end - unit.start
                if claim_id not in claim_ids[(unit.article_id, topic)]:
                    claim_ids[(unit.article_id, topic)].append(claim_id)
    story_weight = Counter[int]()
    for per_topic in chars.values():
        story_weight.update(per_topic)
    order = sorted(members, key=lambda t: -story_weight[t])
    result: dict[str, list[Topic]] = {}
    for article_id, per_topic in chars.items():
        total = sum(per_topic.values()) or 1
        result[article_id] = [
            Topic(
                label=names[t],
                share=round(per_topic[t] / total, 3),
                claim_ids=claim_ids.get((article_id, t), []),
            )
            for t in order
        ]
    return result


def _topic_labels(
    members: dict[int, list[str]],
    units_of: dict[str, list[Unit]],
    annotated: dict[str, AnnotatedArticle],
) -> dict[int, str]:
    """Class-based TF-IDF over noun phrases: a phrase frequent in one topic and rare in the others
    names it. Phrases every topic uses ("Blinken", "the visit") score low by construction."""
    counts: dict[int, Counter[str]] = {}
    for topic, claim_ids in members.items():
        counter: Counter[str] = Counter()
        for claim_id in claim_ids:
            for unit in units_of[claim_id]:
                article = annotated.get(unit.article_id)
                if article is not None:
                    counter.update(
                        set(_noun_phrases([t for _, t in article.tokens_in(unit.start, unit.end)]))
                    )
        counts[topic] = counter
    total: Counter[str] = Counter()
    for counter in counts.values():
        total.update(counter)
    average = sum(sum(c.values()) for c in counts.values()) / max(1, len(counts))
    labels: dict[int, str] = {}
    used: set[str] = set()
    for topic, counter in counts.items():
        size = sum(counter.values()) or 1
        # Two- and three-word phrases name a topic better than a single noun ("lethal aid", not "aid").
        scored = sorted(
            ((n / size) * math.log(1 + average / total[p]) * (1.5 if " " in p else 1.0), p)
            for p, n in counter.items()
            if n >= 2
        )
        chosen: list[str] = []
        for _, phrase in reversed(scored):
            if phrase in used or any(phrase in c or c in phrase for c in chosen):
                continue
            chosen.append(phrase)
            if len(chosen) == LABEL_PHRASES:
                break
        used.update(chosen)
        labels[topic] = " · ".join(chosen) if chosen else f"topic {topic + 1}"
    return labels


def _noun_phrases(tokens: Sequence[Token]) -> list[str]:
    """Runs of adjectives and nouns ending in a noun ("lethal aid", "Taiwan Strait"), lemmatised
    for common nouns, at most three words; single common nouns count too."""
    phrases: list[str] = []
    run: list[Token] = []
    for token in [*tokens, None]:
        if token is not None and token.pos_ in _PHRASE_POS and not token.is_stop and token.is_alpha:
            run.append(token)
            continue
        while run and run[-1].pos_ == "ADJ":
            run.pop()
        if run:
            words = run[-3:]
            phrase = " ".join(t.text if t.pos_ == "PROPN" else t.lemma_.lower() for t in words)
            if len(phrase) > 2:
                phrases.append(phrase)
        run = []
    return phrases


# --------------------------------------------------------------------------- voices


def voices_of(article_id: str, quotes: Sequence[Quote], by_id: Mapping[str, Entity]) -> list[Voice]:
    """The article's quotes grouped by speaker, most quoted first; unattributed quotes last."""
    counts: Counter[str] = Counter()
    first: dict[str, Quote] = {}
    for quote in quotes:
        if quote.article_id != article_id:
            continue
        speaker = quote.speaker
        key = (speaker.entity_id or fold(speaker.name)) if speaker else ""
        counts[key] += 1
        first.setdefault(key, quote)
    voices = []
    for key, n in counts.most_common():
        speaker = first[key].speaker
        if speaker is None:
            voices.append(Voice(name="unattributed", entity_id=None, quotes=n, affiliation="unattributed"))
            continue
        entity = by_id.get(speaker.entity_id) if speaker.entity_id else None
        name = entity.name if entity else speaker.name
        voices.append(
            Voice(
                name=name,
                entity_id=speaker.entity_id,
                quotes=n,
                affiliation=affiliation(name, speaker.role, entity),
            )
        )
    voices.sort(key=lambda v: (v.entity_id is None and v.name == "unattributed", -v.quotes))
    return voices


def affiliation(name: str, role: str | None, entity: Entity | None) -> str:
    """Who a speaker speaks for: "<country> official", "official", "expert", "media",
    "unnamed source", "organisation" or "other" — from the words of their name and roles."""
    texts = [name, role or ""] + ([r.text for r in entity.roles] if entity else [])
    words = set(fold(" ".join(texts)).replace("’s", " ").replace("'s", " ").split())
    kind = entity.type if entity else None
    if entity is None and _UNNAMED.search(name):
        official = bool(words & _OFFICIAL_WORDS)
        return (
            "unnamed source" if not official or "source" in name.lower() else _with_country("official", texts)
        )
    if words & _EXPERT_WORDS:
        return "expert"
    if words & _MEDIA_WORDS and kind != "PERSON":
        return "media"  # before officials: "Chinese state media" is media
    if words & _OFFICIAL_WORDS or (kind == "PERSON" and words & role_words()):
        return _with_country("official", texts)
    if kind in {"ORG", "NORP", "GPE"}:
        return "organisation"
    return "other"


def _with_country(what: str, texts: Sequence[str]) -> str:
    folded = " ".join(fold(t) for t in texts)
    found = Counter(
        country
        for key, country in country_references()
        for _ in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", folded)
    )
    return f"{found.most_common(1)[0][0]} {what}" if found else what


# --------------------------------------------------------------------------- tone


@cache
def tone_analyzer() -> SentimentIntensityAnalyzer:
    """VADER, loaded once per process (English: see ``reads_as_english``)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def tone_label(score: float) -> str:
    if score >= TONE_NEUTRAL_BAND:
        return "positive"
    if score <= -TONE_NEUTRAL_BAND:
        return "negative"
    return "neutral"


def main_actors(entities: Sequence[Entity]) -> list[Entity]:
    """The story's most present people, organisations and places: in the most articles, then the
    most mentioned."""
    candidates = [e for e in entities if e.type in ACTOR_TYPES and e.mentions]
    candidates.sort(key=lambda e: (-len({m.article_id for m in e.mentions}), -len(e.mentions), e.name))
    return candidates[:MAIN_ACTORS]


def article_tone(
    article: AnnotatedArticle,
    actors: Sequence[Entity],
    mention_starts: Mapping[str, Sequence[int]],
    analyzer: SentimentIntensityAnalyzer,
) -> tuple[Tone | None, list[ActorTone]]:
    """The article's tone, and its tone in the sentences naming each actor (``mention_starts``:
    actor id → where the article mentions it)."""
    sentences = [s for s in article.sentences() if len(s.text.split()) >= 4]
    if not sentences:
        return None, []
    scores = [float(analyzer.polarity_scores(s.text)["compound"]) for s in sentences]
    overall = float(np.mean(scores))
    per_actor: list[ActorTone] = []
    for actor in actors:
        starts = sorted(mention_starts.get(actor.id, ()))
        if not starts:
            continue
        mentioned = [
            score
            for sentence, score in zip(sentences, scores, strict=True)
            if bisect.bisect_left(starts, sentence.start) < bisect.bisect_left(starts, sentence.end)
        ]
        if mentioned:
            mean = float(np.mean(mentioned))
            per_actor.append(
                ActorTone(
                    entity_id=actor.id,
                    name=actor.name,
                    score=round(mean, 3),
                    label=tone_label(mean),
                    sentences=len(mentioned),
                )
            )
    return Tone(score=round(overall, 3), label=tone_label(overall), sentences=len(sentences)), per_actor


# --------------------------------------------------------------------------- loaded terms


def loaded_terms(
    articles: Sequence[Article], annotated: dict[str, AnnotatedArticle], quotes: Sequence[Quote]
) -> dict[str, list[LoadedTerm]]:
    """Per article, the words it uses markedly more than the story's other articles (z of the
    log-odds ratio with an informative Dirichlet prior from the whole story)."""
    direct = defaultdict(list)
    for quote in quotes:
        if quote.kind == "direct":
            direct[quote.article_id].append((quote.start, quote.end))
    counts: dict[str, Counter[str]] = {}
    for article in articles:
        annotation = annotated.get(article.id)
        if annotation is None or article.language not in (None, "en"):
            continue
        counter: Counter[str] = Counter()
        for paragraph in annotation.paragraphs:
            for token in paragraph.doc:
                at = paragraph.start + token.idx
                if (
                    token.pos_ in _TERM_POS
                    and token.is_alpha
                    and not token.is_stop
                    and len(token.text) > 2
                    and not token.ent_type_
                    and not any(s <= at < e for s, e in direct[article.id])
                ):
                    counter[token.lemma_.lower()] += 1
        counts[article.id] = counter
    if len(counts) < 2:
        return {}
    story: Counter[str] = Counter()
    for counter in counts.values():
        story.update(counter)
    story_total = sum(story.values())
    prior_total = PRIOR_SCALE * story_total
    result: dict[str, list[LoadedTerm]] = {}
    for article_id, mine in counts.items():
        n_mine = sum(mine.values())
        n_rest = story_total - n_mine
        scored = []
        for word, y_mine in mine.items():
            if y_mine < LOADED_MIN_COUNT:
                continue
            alpha = prior_total * story[word] / story_total
            y_rest = story[word] - y_mine
            delta = math.log((y_mine + alpha) / (n_mine + prior_total - y_mine - alpha)) - math.log(
                (y_rest + alpha) / (n_rest + prior_total - y_rest - alpha)
            )
            z = delta / math.sqrt(1 / (y_mine + alpha) + 1 / (y_rest + alpha))
            if z >= LOADED_MIN_Z:
                scored.append((z, word, y_mine))
        scored.sort(reverse=True)
        result[article_id] = [
            LoadedTerm(term=word, count=count, score=round(z, 2))
            for z, word, count in scored[:MAX_LOADED_TERMS]
        ]
    return result
