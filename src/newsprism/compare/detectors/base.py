"""What every conflict detector shares: the story it looks at (``ConflictContext``), the pairs of
units it compares, how it states a finding (``Scored``), and the registry it joins.

A detector is one function, ``detect(context, pair) -> list[Scored]``, registered by kind with
``@detector(kind, scope=...)`` in a module of this package: ``scope="pair"`` detectors are called
for each pair of units of one claim from different articles (``pair`` is that pair), and
``scope="story"`` ones once per story (``pair`` is None), after the pair detectors, seeing what
those found in ``context.found``. Adding a detector is adding a module here.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from newsprism.compare.align import Alignment
from newsprism.compare.claims import Unit
from newsprism.compare.counted import CountedNouns
from newsprism.compare.nli import ContradictionJudge
from newsprism.compare.restatement import Restatement, pieces, restatement
from newsprism.lexicon import fold, language_key
from newsprism.model import Article, Conflict, ConflictKind, ConflictSide, Quote, Span, article_labels
from newsprism.nlp.entities import EntityIndex

MIN_CONFIDENCE = 0.5

# Calibrated confidence: the share of findings of one kind of evidence that a reader judged right
# on the development split (tests/data/compare/judged-dev.jsonl; `bench/conflicts_unseen.py
# --split dev --calibrate --judged …` prints the table), smoothed as (right + 1) / (judged + 2).
# Evidence: "restatement" (one sentence restates the other with the value changed: 3 of 4 right),
# "claim" (two units of one aligned claim sharing the verb and most words: 1 of 3), "story" (a
# quote group, a story-wide office: 3 of 3). Pooled by evidence, not by kind: per kind the counts
# are too small to mean anything. Re-measure when detectors change.
# "translation" (a figure changed between a unit and what reads as its translation in another
# outlet) has not been judged on dev, so it is UNCALIBRATED_CONFIDENCE and held back from briefs:
# on the eval translations 8 of 8 such findings on faithful translations were false (one sports
# story: another player's statistics in a sentence as close as a translation).
CALIBRATED_CONFIDENCE: dict[str, float] = {"restatement": 0.67, "claim": 0.40, "story": 0.80}
UNCALIBRATED_CONFIDENCE = 0.5
# Briefs show only conflicts at or above this calibrated confidence; the others are counted in
# the brief's limits. At 0.6 the claim-level findings (right 1 time in 3) are held back.
REPORT_MIN_CONFIDENCE = 0.6


def calibrated(evidence: str, kind: str) -> float:
    """The calibrated confidence of a finding (``kind`` is kept for a per-kind table)."""
    return CALIBRATED_CONFIDENCE.get(evidence, UNCALIBRATED_CONFIDENCE)


# Bounds that keep a story of thousands of articles from turning into millions of conflicts (one
# claim can hold a unit from every article): the pairwise tests of one claim, quote group or
# person look at identical wordings once and at most MAX_COMPARED_PER_GROUP of them (the first
# in article order), ~800 pairs, so their cost grows with the story, not with its square; and a
# brief shows at most MAX_CONFLICTS_PER_CLAIM per claim and MAX_CONFLICTS_PER_STORY in all, the
# surest first, saying how many it left out. Stories of ordinary size never reach them (the
# labelled stories have at most 7 conflicts, at most 4 in one claim).
MAX_COMPARED_PER_GROUP = 40

# Restatements are looked for among sentences sharing at least MIN_SHARED_TRIGRAMS word trigrams;
# a trigram in more than MAX_TRIGRAM_POSTINGS sentences ("said in a statement") is no evidence and
# is skipped, which keeps the candidate pairs linear in the story.
MIN_SHARED_TRIGRAMS = 2
MAX_TRIGRAM_POSTINGS = 40
SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s*$")

# A story-wide conflict (who holds an office, how a name is spelled) quotes at most this many
# passages per value and names at most MAX_NAMED_OUTLETS outlets ("… and 1,204 others").
MAX_SIDES_PER_VALUE = 5
MAX_NAMED_OUTLETS = 8


@dataclass
class Scored:
    conflict: Conflict
    confidence: float


@dataclass(frozen=True)
class Pair:
    """Two units of one claim, from different articles, and the cosine of their embeddings."""

    claim_id: str
    a: Unit
    b: Unit
    similarity: float
    # For two units in different languages: the multilingual model's cosine on the main model's
    # scale (Alignment.cosine_across); None for two units of one language.
    across: float | None = None
    # Whether the two name the same people (or neither names one): two sentences as close as a
    # translation may still give two players' statistics.
    same_people: bool = True

    @cached_property
    def restated(self) -> Restatement | None:
        """What changed between the two, when one restates the other (compare/restatement.py)."""
        return restatement(pieces(self.a.text, self.a.start), pieces(self.b.text, self.b.start))


@dataclass(frozen=True)
class Title:
    """A title written next to a person's name: "referee" of "referee Sam Williams"."""

    span: Span
    office: str
    country: str
    entity_id: str
    name: str


# Words that put a title in another time ("former foreign minister", "the new mayor").
OTHER_TIME = frozenset(
    "former ex then late new incoming outgoing acting interim previous past future".split()
)


@dataclass
class ConflictContext:
    """One story as the detectors see it."""

    alignment: Alignment
    articles: Sequence[Article]
    quotes: Sequence[Quote]
    entities: EntityIndex | None
    judge: ContradictionJudge | None
    # Judges a figure's counted noun against one in another language (None: English-only story).
    counted_nouns: CountedNouns | None = None
    found: list[Scored] = field(default_factory=list)  # what earlier detectors found

    @cached_property
    def outlets(self) -> dict[str, str]:
        return article_labels(self.articles)

    @cached_property
    def direct_quotes(self) -> dict[str, list[tuple[int, int]]]:
        """Per article, the spans of its direct quotes."""
        spans: dict[str, list[tuple[int, int]]] = {}
        for quote in self.quotes:
            if quote.kind == "direct":
                spans.setdefault(quote.article_id, []).append((quote.start, quote.end))
        return spans

    @cached_property
    def people(self) -> frozenset[str]:
        """The ids of the story's PERSON entities."""
        if self.entities is None:
            return frozenset()
        return frozenset(e.id for e in self.entities.entities if e.type == "PERSON")

    @cached_property
    def titles(self) -> dict[str, list[Title]]:
        """Per article, the titles written next to people's names (none without entities)."""
        return _titles_by_article(self.entities) if self.entities is not None else {}

    @cached_property
    def claim_at(self) -> _ClaimsByOffset:
        return _ClaimsByOffset(self.alignment)

    @cached_property
    def sentences(self) -> list[Unit]:
        """The story's sentences as units: consecutive units of one sentence (a sentence cut at a
        clause or a semicolon) joined again, so a restatement is compared whole."""
        texts = {a.id: a.text for a in self.articles}
        units = sorted(
            (u for claim in self.alignment.claims for u in self.alignment.units_of[claim.id]),
            key=lambda u: (u.article_id, u.start),
        )
        joined: list[Unit] = []
        for unit in units:
            last = joined[-1] if joined else None
            if (
                last is not None
                and last.article_id == unit.article_id
                and not texts[unit.article_id][last.end : unit.start].strip()
                and not SENTENCE_END.search(last.text)
            ):
                joined[-1] = _joined(last, unit, texts[unit.article_id])
            else:
                joined.append(unit)
        return joined

    def restated_pairs(self) -> Iterator[Pair]:
        """Pairs of sentences of different articles of which one restates the other, found
        through the word trigrams they share (each trigram's postings capped at
        MAX_TRIGRAM_POSTINGS, so a boilerplate phrase costs nothing), whatever claims hold them."""
        sentences = self.sentences
        keys = [[p.key for p in pieces(s.text, s.start) if p.key[:1].isalnum()] for s in sentences]
        postings: dict[tuple[str, ...], list[int]] = {}
        for i, words in enumerate(keys):
            for gram in {tuple(words[k : k + 3]) for k in range(len(words) - 2)}:
                postings.setdefault(gram, []).append(i)
        shared: dict[tuple[int, int], int] = {}
        for members in postings.values():
            if len(members) > MAX_TRIGRAM_POSTINGS:
                continue
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if sentences[i].article_id != sentences[j].article_id:
                        shared[(i, j)] = shared.get((i, j), 0) + 1
        for (i, j), count in sorted(shared.items()):
            if count < MIN_SHARED_TRIGRAMS:
                continue
            a, b = sentences[i], sentences[j]
            pair = Pair(self.claim_at(a.article_id, a.start) or "", a, b, 0.0)
            if pair.restated is not None:
                yield pair

    def pairs(self) -> Iterator[Pair]:
        """Every pair of units of one claim from different articles, claim by claim (in a large
        claim, only among the units ``compared`` keeps)."""
        for claim in self.alignment.claims:
            units = compared(self.alignment.units_of[claim.id], lambda u: u.text)
            for i, a in enumerate(units):
                for b in units[i + 1 :]:
                    if a.article_id != b.article_id:
                        across = (
                            self.alignment.cosine_across(a.id, b.id)
                            if language_key(a.language) != language_key(b.language)
                            else None
                        )
                        same_people = a.entity_ids & self.people == b.entity_ids & self.people
                        yield Pair(claim.id, a, b, self.alignment.cosine(a.id, b.id), across, same_people)


Scope = str  # "pair" | "story"
Detect = Callable[[ConflictContext, Pair | None], list[Scored]]


# What a pair detector needs to know the two units state one fact: "restatement" — one restates
# the other nearly word for word (Pair.restated), the surest evidence; "claim" — only that they
# share a claim, which a pair passes when it is no restatement (those are left to the first kind)
# and the two share the main verb and at least LOOSE_MIN_LEXICAL of their content words; "any" —
# either (a test precise enough to run on both). Story detectors' evidence is "story" (a quote
# group, a story-wide office) or "lexicon" (a list of contested terms, for framing).
Evidence = str  # "restatement" | "claim" | "any" | "story" | "lexicon"
EVIDENCE_BY_SCOPE = {"pair": ("restatement", "claim", "any"), "story": ("story", "lexicon")}
DEFAULT_EVIDENCE = {"pair": "claim", "story": "story"}
LOOSE_MIN_LEXICAL = 0.4
# Two units of one claim in different languages are compared for a differing figure only when the
# multilingual model puts them as close as a sentence and its translation (on the main model's
# scale; chosen on the dev translations, bench/cross_lingual_figures.py --sweep: at 0.8 no false
# finding on faithful translations and 5 of 21 planted figures found; 0.6 found no more on
# Russian and made one false finding).
TRANSLATED_MIN_COSINE = 0.8
# The kinds compared across languages: figures only; the other detectors read English parses,
# lemmas and quote words.
ACROSS_LANGUAGE_KINDS: frozenset[str] = frozenset({"number"})


@dataclass(frozen=True)
class Detector:
    kind: ConflictKind
    scope: Scope
    order: int  # detectors of one scope run in this order
    detect: Detect
    evidence: Evidence = "claim"


REGISTRY: list[Detector] = []


def detector(
    kind: ConflictKind, *, scope: Scope, order: int, evidence: Evidence | None = None
) -> Callable[[Detect], Detect]:
    """Register a detector of conflicts of ``kind`` (evidence: "claim" for a pair detector and
    "story" for a story detector unless given)."""
    if scope not in ("pair", "story"):
        raise ValueError(f"scope must be pair or story, not {scope!r}")
    allowed = EVIDENCE_BY_SCOPE[scope]
    evidence = evidence or DEFAULT_EVIDENCE[scope]
    if evidence not in allowed:
        raise ValueError(
            f"a {scope} detector's evidence must be one of {', '.join(allowed)}, not {evidence!r}"
        )

    def register(function: Detect) -> Detect:
        REGISTRY.append(Detector(kind, scope, order, function, evidence))
        REGISTRY.sort(key=lambda d: (d.scope != "pair", d.order))
        return function

    return register


Item = TypeVar("Item")


def compared(items: Sequence[Item], wording: Callable[[Item], str]) -> Sequence[Item]:
    """The members of one group that its pairwise tests look at: all of them in a group of
    ordinary size; in a larger one, one per wording and at most MAX_COMPARED_PER_GROUP, in the
    given order."""
    if len(items) <= MAX_COMPARED_PER_GROUP:
        return items
    seen: set[str] = set()
    kept: list[Item] = []
    for item in items:
        text = wording(item)
        if text in seen:
            continue
        seen.add(text)
        kept.append(item)
        if len(kept) == MAX_COMPARED_PER_GROUP:
            break
    return kept


def scored(
    kind: ConflictKind, description: str, sides: list[ConflictSide], claim_ids: list[str], confidence: float
) -> Scored:
    conflict = Conflict(
        id=_conflict_id(kind, sides), kind=kind, description=description, sides=sides, claim_ids=claim_ids
    )
    return Scored(conflict, confidence)


def _conflict_id(kind: str, sides: Sequence[ConflictSide]) -> str:
    key = kind + "|" + "|".join(sorted(f"{s.article_id}:{s.start}:{s.end}" for s in sides))
    return "x" + hashlib.sha256(key.encode()).hexdigest()[:10]


def side(span_article: str, start: int, end: int, text: str, value: str) -> ConflictSide:
    return ConflictSide(article_id=span_article, start=start, end=end, text=text, value=value)


def listing(names: Sequence[str]) -> str:
    if len(names) > MAX_NAMED_OUTLETS:
        rest = len(names) - MAX_NAMED_OUTLETS + 1
        return ", ".join(names[: MAX_NAMED_OUTLETS - 1]) + f" and {rest:,} others"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# Page furniture that is no claim: "Posted on May 9, 2013 | 8:20 am", "Originally published …",
# "Page last updated at 10:32 GMT".
FURNITURE = re.compile(
    r"(?i)^\W*(?:(?:this\s+)?(?:page|story|article|post)\s+(?:was\s+)?)?"
    r"(?:(?:originally|first|last)\s+)?(?:posted|updated|published|modified)\b"
)


def loosely_same_fact(pair: Pair) -> bool:
    """Two units of one claim that are no restatement, yet share the main verb and most content
    words: what a "claim"-evidence detector may compare."""
    a, b = pair.a, pair.b
    if not a.verb or a.verb != b.verb or not a.lemmas or not b.lemmas:
        return False
    if FURNITURE.match(a.text) or FURNITURE.match(b.text):
        return False
    return len(a.lemmas & b.lemmas) / len(a.lemmas | b.lemmas) >= LOOSE_MIN_LEXICAL


def translated(pair: Pair) -> bool:
    """Two units in different languages as close as a sentence and its translation, naming the
    same people: on the eval translations, every false figure between languages (8) compared one
    player's points with another's, in sentences that close."""
    return pair.across is not None and pair.across >= TRANSLATED_MIN_COSINE and pair.same_people


def applies(found: Detector, pair: Pair) -> bool:
    """Whether a pair detector looks at this pair, by the evidence it needs. A pair in two
    languages shares no words: only the detectors of ACROSS_LANGUAGE_KINDS look at it, and only
    when one unit reads as the other's translation."""
    if pair.across is not None:
        return found.kind in ACROSS_LANGUAGE_KINDS and found.evidence == "claim" and translated(pair)
    if found.evidence == "restatement":
        return pair.restated is not None
    if found.evidence == "any":
        return pair.restated is not None or loosely_same_fact(pair)
    return pair.restated is None and loosely_same_fact(pair)


def _joined(first: Unit, second: Unit, text: str) -> Unit:
    return Unit(
        id=first.id,
        article_id=first.article_id,
        start=first.start,
        end=second.end,
        text=text[first.start : second.end],
        entity_ids=first.entity_ids | second.entity_ids,
        quantities=[*first.quantities, *second.quantities],
        dates=[*first.dates, *second.dates],
        negated=first.negated or second.negated,
        verb=first.verb,
        quote_ids=tuple(dict.fromkeys([*first.quote_ids, *second.quote_ids])),
        lemmas=first.lemmas | second.lemmas,
        subject_title=first.subject_title,
        headline=first.headline,
    )


class _ClaimsByOffset:
    """The claim whose unit holds an offset of an article, by bisection over each article's units."""

    def __init__(self, alignment: Alignment) -> None:
        per_article: dict[str, list[tuple[int, int, str]]] = {}
        for claim in alignment.claims:
            for unit in alignment.units_of[claim.id]:
                per_article.setdefault(unit.article_id, []).append((unit.start, unit.end, claim.id))
        self._units = {a: sorted(units) for a, units in per_article.items()}
        self._starts = {a: [s for s, _, _ in units] for a, units in self._units.items()}

    def __call__(self, article_id: str, offset: int) -> str | None:
        units = self._units.get(article_id, [])
        i = bisect.bisect_right(self._starts.get(article_id, []), offset) - 1
        # Units of one article do not overlap, so only the last one starting at or before counts.
        return units[i][2] if i >= 0 and offset < units[i][1] else None


def _titles_by_article(entities: EntityIndex) -> dict[str, list[Title]]:
    from newsprism.lexicon import country_key

    found: dict[str, list[Title]] = {}
    for entity in entities.entities:
        if entity.type != "PERSON":
            continue
        for role in entity.roles:
            if not role.office or OTHER_TIME & set(fold(role.text).split()):
                continue
            for span in role.support:
                title = Title(span, role.office, country_key(role.country), entity.id, entity.name)
                found.setdefault(span.article_id, []).append(title)
    return found
