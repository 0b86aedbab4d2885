"""Claim-sized units of each article, with what comparison needs to know about each.

A unit is a sentence, or a clause of it that states a fact of its own (a verb with its own subject,
set off by a comma or a conjunction; a relative clause; text after a semicolon); a direct quote
stays whole, even over several sentences. Units that carry no claim are dropped: questions
(teasers such as "Why was the trip so important?"), fragments without a verb, and very short
lines. Each unit keeps the entities it mentions, the numbers it states (with the noun they count),
its resolved dates and whether its main verb is negated, so that alignment can check agreement and
conflict detection can compare values.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprism.model import DateExpression, Quote, Span
from newsprism.nlp import AnnotatedArticle
from newsprism.nlp.annotate import Paragraph, content_lemmas
from newsprism.nlp.entities import EntityIndex

if TYPE_CHECKING:
    from spacy.tokens import Token

MIN_UNIT_WORDS = 4
_SPEECH = frozenset(
    {"say", "tell", "add", "state", "announce", "report", "claim", "note", "confirm", "explain"}
)

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
}
# "No-one was injured", "nobody died", "never entered": the clause is negated without a "not".
NEGATORS = frozenset({"never", "no", "no-one", "noone", "nobody", "none", "nothing", "neither", "nor"})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
# Words that make a number a bound or an estimate rather than an exact figure.
APPROXIMATE = frozenset(
    "about around approximately nearly almost roughly some estimated up more than over least under below "
    "fewer less few several".split()
)


@dataclass(frozen=True)
class Quantity:
    value: float
    counted: str  # the noun the number counts ("people", "hour", "magnitude"), lemma, or "" when unknown
    approximate: bool  # "at least 12", "about 40", "more than five"
    span: Span
    before: str = ""  # the few words before the number ("at least"), for bounds


@dataclass
class Unit:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    entity_ids: frozenset[str] = frozenset()
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateExpression] = field(default_factory=list)
    negated: bool = False
    verb: str | None = None  # lemma of the main verb
    quote_ids: tuple[str, ...] = ()
    lemmas: frozenset[str] = frozenset()  # content words (no stop words), lower-cased lemmas

    def span(self) -> Span:
        return Span(article_id=self.article_id, start=self.start, end=self.end, text=self.text)


def split_units(
    annotated: Sequence[AnnotatedArticle],
    entities: EntityIndex,
    quotes: Sequence[Quote],
    dates: Sequence[DateExpression],
) -> list[Unit]:
    """All claim units of a story's articles, in article and text order."""
    units: list[Unit] = []
    for article in annotated:
        direct = [(q.start, q.end) for q in quotes if q.article_id == article.id and q.kind == "direct"]
        pieces = _pieces(article, direct)
        for start, end in pieces:
            text = article.text[start:end]
            paragraph = article.paragraph_at(start)
            if paragraph is None:
                continue
            # The unit's tokens in the paragraph where it starts (a quote merged across paragraphs
            # is described by its first paragraph).
            tokens = [t for p, t in article.tokens_in(start, end) if p is paragraph]
            if not _carries_claim(text, tokens):
                continue
            unit = Unit(
                id=f"{article.id}:{start}",
                article_id=article.id,
                start=start,
                end=end,
                text=text,
                entity_ids=frozenset(e.id for _, _, e in entities.mentions_in(article.id, start, end)),
                dates=[d for d in dates if d.article_id == article.id and start <= d.start < end],
                quote_ids=tuple(
                    q.id for q in quotes if q.article_id == article.id and q.start < end and start < q.end
                ),
            )
            _describe(article, unit, paragraph, tokens)
            units.append(unit)
    return units


def _pieces(article: AnnotatedArticle, direct: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence ranges, merged where a direct quote runs across them, split at semicolons when long."""
    ranges: list[tuple[int, int]] = []
    for sentence in article.sentences():
        start, end = sentence.start, sentence.end
        if ranges and any(s < start < e for s, e in direct) and ranges[-1][1] >= start - 3:
            ranges[-1] = (ranges[-1][0], end)  # the quote continues: keep it whole
        else:
            ranges.append((start, end))
    pieces: list[tuple[int, int]] = []
    for start, end in ranges:
        cuts = sorted(set(_semicolons(article.text, start, end)) | set(_clause_cuts(article, start, end)))
        cuts = [c for c in cuts if not any(s < c < e for s, e in direct)]
        edges = [start, *cuts, end]
        for lo, hi in itertools.pairwise(edges):
            pieces.append((lo, hi))
    return [_trim(article.text, s, e) for s, e in pieces if article.text[s:e].strip(" ,;")]


def _semicolons(text: str, start: int, end: int) -> list[int]:
    return [start + m.end() for m in re.finditer(r";\s+", text[start:end])]


# A clause of its own: a verb that has its own subject (or is a relative clause) set off by a comma
# or a coordinating word. "More than 50 firefighters tackled the blaze, which broke out on the roof"
# states two facts; outlets often report only one of them.
_CLAUSE_DEPS = frozenset({"relcl", "advcl", "conj", "ccomp"})
_CLAUSE_OPENERS = frozenset({",", "and", "but", "while", "whereas", "after", "before", "when", "as"})
MIN_CLAUSE_WORDS = 4


def _clause_cuts(article: AnnotatedArticle, start: int, end: int) -> list[int]:
    paragraph = article.paragraph_at(start)
    if paragraph is None:
        return []
    doc = paragraph.doc
    tokens = [t for t in doc if start <= paragraph.start + t.idx < end]
    cuts: list[int] = []
    for token in tokens:
        if token.dep_ not in _CLAUSE_DEPS or token.pos_ not in {"VERB", "AUX"}:
            continue
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in _SPEECH:
            continue  # "X said that …" is one claim (reported speech), not two
        own_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children) or token.dep_ == "relcl"
        if not own_subject:
            continue
        first = token.left_edge
        if first.i == 0 or first.i <= tokens[0].i:
            continue
        before = doc[first.i - 1]
        if before.text not in _CLAUSE_OPENERS and first.lower_ not in _CLAUSE_OPENERS:
            continue
        cut = paragraph.start + (
            before.idx if before.lower_ in {"and", "but", "while", "whereas"} else first.idx
        )
        left_words = len(article.text[start:cut].split())
        right_words = len(article.text[cut:end].split())
        if left_words >= MIN_CLAUSE_WORDS and right_words >= MIN_CLAUSE_WORDS:
            cuts.append(cut)
    return cuts


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _carries_claim(text: str, tokens: Sequence[Token]) -> bool:
    if len(text.split()) < MIN_UNIT_WORDS or text.rstrip(" ”\"'»").endswith("?"):
        return False
    return any(t.pos_ in {"VERB", "AUX"} for t in tokens)


def _describe(article: AnnotatedArticle, unit: Unit, paragraph: Paragraph, tokens: Sequence[Token]) -> None:
    """Content words, numbers, main verb and negation of a unit, from the parse of its paragraph."""
    unit.lemmas = content_lemmas(tokens)
    roots = [t for t in tokens if t.dep_ == "ROOT"]
    root = roots[0] if roots else None
    if root is not None:
        unit.verb = root.lemma_.lower()
        unit.negated = any(c.dep_ == "neg" for c in root.children) or any(
            t.lower_ in NEGATORS and (t.head == root or t.head.head == root) for t in tokens
        )
    date_ranges = [(d.start, d.end) for d in unit.dates]
    for token in tokens:
        if token.like_num and (token.ent_type_ not in {"DATE", "TIME", "ORDINAL"} or _is_age(token)):
            at = paragraph.start + token.idx
            if any(s <= at < e for s, e in date_ranges):
                continue
            quantity = _quantity(article, paragraph.start, token)
            if quantity is not None:
                unit.quantities.append(quantity)


def _quantity(article: AnnotatedArticle, offset: int, token: Token) -> Quantity | None:
    value = _number(token.text)
    if value is None:
        return None
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and following.lower_ in _SCALES:
        value *= _SCALES[following.lower_]
    # The noun the number counts: its head when it modifies one ("12 people"), else the next noun.
    counted = ""
    if token.dep_ in {"nummod", "quantmod"} and token.head.pos_ in {"NOUN", "PROPN"}:
        counted = token.head.lemma_.lower()
    else:
        for nxt in token.doc[token.i + 1 : token.i + 4]:
            if nxt.pos_ in {"NOUN", "PROPN"}:
                counted = nxt.lemma_.lower()
                break
    if token.text.endswith("%") or (following is not None and following.lower_ in {"%", "percent", "per"}):
        counted = "percent"
    if not counted and _is_age(token):
        counted = "age"  # "Comeaux, 49, escaped …": a person's age
    window = token.doc[max(0, token.i - 3) : token.i]
    approximate = any(t.lower_ in APPROXIMATE for t in window)
    start = offset + token.idx
    end = start + len(token.text)
    if counted:
        head = token.head if token.dep_ in {"nummod", "quantmod"} else None
        if head is not None and head.idx > token.idx:
            end = offset + head.idx + len(head.text)
    return Quantity(
        value=value,
        counted=counted,
        approximate=approximate,
        span=Span(article_id=article.id, start=start, end=end, text=article.text[start:end]),
        before=" ".join(t.text for t in window),
    )


def _is_age(token: Token) -> bool:
    """ "Comeaux, 49," — a number set off by commas right after a person's name (the small model
    tags it DATE)."""
    doc = token.doc
    return (
        token.i >= 2
        and doc[token.i - 1].text == ","
        and doc[token.i - 2].ent_type_ == "PERSON"
        and token.text.isdigit()
        and 0 < int(token.text) < 120
    )


def _number(text: str) -> float | None:
    cleaned = text.lower().replace(",", "").rstrip("%")
    if cleaned in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[cleaned])
    try:
        return float(cleaned)
    except ValueError:
        return None
