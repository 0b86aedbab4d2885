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

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprism.lexicon import (
    DECIMAL_COMMA_LANGUAGES,
    number_words,
    reads_as_english,
    role_words,
    speech_verbs,
)
from newsprism.model import DateExpression, Quote, Span
from newsprism.nlp import AnnotatedArticle
from newsprism.nlp.annotate import OffsetRanges, Paragraph, content_lemmas
from newsprism.nlp.entities import EntityIndex

if TYPE_CHECKING:
    from spacy.tokens import Token

MIN_UNIT_WORDS = 4

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
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "bn": 1e9,
}  # not "m": "300 m" is metres
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
    # The title naming who acts when no name does: "the finance minister" in "the finance minister
    # announced …" (lower-cased, without determiners); None when the subject is named or no title.
    subject_title: str | None = None
    # The article's headline (its title, or a short unpunctuated first paragraph): a claim may hold
    # an outlet's headline and the body sentence that states the same fact.
    headline: bool = False
    language: str | None = None  # the article's: units in other languages are compared by e5

    @property
    def slot(self) -> str:
        """What a claim holds at most one unit of: an article's body, or its headline."""
        return f"{self.article_id}#headline" if self.headline else self.article_id

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
    # Grouped by article once, sorted by start for bisection; what a unit gets keeps input order.
    position = {id(item): n for n, item in enumerate([*dates, *quotes])}
    dates_of: dict[str, list[DateExpression]] = defaultdict(list)
    quotes_of: dict[str, list[Quote]] = defaultdict(list)
    for date in dates:
        dates_of[date.article_id].append(date)
    for quote in quotes:
        quotes_of[quote.article_id].append(quote)
    for article in annotated:
        direct = sorted((q.start, q.end) for q in quotes_of[article.id] if q.kind == "direct")
        article_dates = sorted(dates_of[article.id], key=lambda d: d.start)
        date_starts = [d.start for d in article_dates]
        article_quotes = sorted(quotes_of[article.id], key=lambda q: q.start)
        quote_starts = [q.start for q in article_quotes]
        longest_quote = max((q.end - q.start for q in article_quotes), default=0)
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
            # Dates and quotes by bisection over their starts: a unit costs what it holds.
            nearby = article_quotes[
                bisect.bisect_left(quote_starts, start - longest_quote) : bisect.bisect_left(
                    quote_starts, end
                )
            ]
            unit = Unit(
                id=f"{article.id}:{start}",
                article_id=article.id,
                start=start,
                end=end,
                text=text,
                entity_ids=frozenset(e.id for _, _, e in entities.mentions_in(article.id, start, end)),
                dates=sorted(
                    article_dates[
                        bisect.bisect_left(date_starts, start) : bisect.bisect_left(date_starts, end)
                    ],
                    key=lambda d: position[id(d)],
                ),
                quote_ids=tuple(q.id for q in sorted(nearby, key=lambda q: position[id(q)]) if start < q.end),
                language=article.article.language,
            )
            unit.headline = paragraph is article.paragraphs[0] and _is_headline(article, paragraph)
            _describe(article, unit, paragraph, tokens)
            units.append(unit)
    return units


def _pieces(article: AnnotatedArticle, direct: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence ranges, merged where a direct quote runs across them, split at semicolons when long."""
    ranges: list[tuple[int, int]] = []
    inside_quote = OffsetRanges(direct)
    for sentence in article.sentences():
        start, end = sentence.start, sentence.end
        if ranges and inside_quote.strictly_holds(start) and ranges[-1][1] >= start - 3:
            ranges[-1] = (ranges[-1][0], end)  # the quote continues: keep it whole
        elif ranges and _split_decimal(article.text, ranges[-1][1], start):
            ranges[-1] = (ranges[-1][0], end)  # "at around 4. 30am": a spaced decimal, not a full stop
        else:
            ranges.append((start, end))
    pieces: list[tuple[int, int]] = []
    for start, end in ranges:
        cuts = sorted(set(_semicolons(article.text, start, end)) | set(_clause_cuts(article, start, end)))
        cuts = [c for c in cuts if not inside_quote.strictly_holds(c)]
        edges = [start, *cuts, end]
        for lo, hi in itertools.pairwise(edges):
            pieces.append((lo, hi))
    return [_trim(article.text, s, e) for s, e in pieces if article.text[s:e].strip(" ,;")]


def _split_decimal(text: str, end: int, start: int) -> bool:
    return bool(re.search(r"\d\.\s?$", text[max(0, end - 3) : end])) and bool(
        re.match(r"\s?\d", text[start:])
    )


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
    tokens = [t for p, t in article.tokens_in(start, end) if p is paragraph]
    cuts: list[int] = []
    for token in tokens:
        if token.dep_ not in _CLAUSE_DEPS or token.pos_ not in {"VERB", "AUX"}:
            continue
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in speech_verbs():
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


# Datelines and bylines: "Last updated at 22:46 GMT", "UPDATED: 22:07 GMT, 7 July 2012", "Published
# July 28, 2004", "posted Apr 24th, 2013", "By Jane Roe".
# Case-insensitive only for the first words: a byline's name must really be capitalised ("By
# Tuesday, the toll had risen" is a claim), and "Updated figures show …" is not a dateline.
_PAGE_LINE = re.compile(
    r"^\s*(?:(?i:(?:last\s+)?(?:updated|published|posted|modified))(?:\s+(?i:at|on))?"
    r"\s*(?:[:\d]|(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?\s+\d{1,2}(?:st|nd|rd|th)?\b,?\s+\d{4})"
    r"|(?i:by)\s+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|then|now)\b)"
    r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*(?:[,|]|$))"
)


MAX_HEADLINE_WORDS = 25


def _is_headline(article: AnnotatedArticle, paragraph: Paragraph) -> bool:
    text = article.text[paragraph.start : paragraph.end].strip()
    title = (article.article.title or "").strip()
    if title and text.casefold() == title.casefold():
        return True
    return len(text.split()) <= MAX_HEADLINE_WORDS and not text.endswith((".", "!", "?", ":", "”", '"'))


def _carries_claim(text: str, tokens: Sequence[Token]) -> bool:
    if len(text.split()) < MIN_UNIT_WORDS or text.rstrip(" ”\"'»").endswith("?"):
        return False
    if _PAGE_LINE.match(text) and len(text.split()) <= 12:
        return False
    if tokens and not tokens[0].doc.has_annotation("POS"):
        return True  # a language without a tagger (nlp.annotate.SpacyBlank): its length decides
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
        unit.subject_title = _subject_title(root)
    unit.quantities.extend(_durations_and_clock_times(article.id, unit))
    taken = [(d.start, d.end) for d in unit.dates] + [(q.span.start, q.span.end) for q in unit.quantities]
    for token in tokens:
        if token.like_num and (token.ent_type_ not in {"DATE", "TIME", "ORDINAL"} or _is_age(token)):
            at = paragraph.start + token.idx
            if any(s <= at < e for s, e in taken):
                continue
            if _split_decimal_head(token):
                continue  # "6" of "6. 1": read with its fraction below
            quantity = _quantity(article, paragraph.start, token)
            if quantity is not None:
                unit.quantities.append(quantity)


def _split_decimal_head(token: Token) -> bool:
    """Some scraped and tokenised copy writes decimals with a space ("a 6. 1 - magnitude quake");
    inside one sentence "6. 1" is a decimal, not two numbers."""
    doc = token.doc
    if re.fullmatch(r"\d+\.", token.text):  # tokenised as "6." + "2"
        fraction = token.i + 1
    elif token.text.isdigit() and token.i + 1 < len(doc) and doc[token.i + 1].text == ".":
        token, fraction = doc[token.i + 1], token.i + 2  # tokenised as "6" + "." + "1"
    else:
        return False
    return (
        fraction < len(doc)
        and token.whitespace_ == " "
        and doc[fraction].text.isdigit()
        and not doc[fraction].is_sent_start
    )


def _quantity(article: AnnotatedArticle, offset: int, token: Token) -> Quantity | None:
    language = article.article.language
    if not reads_as_english(language) and not token.pos_:
        return _untagged_quantity(article, offset, token, language or "")
    value = _number(token.text)
    if value is None:
        return None
    doc = token.doc
    first = token  # where the written number starts
    for back in (1, 2):
        if token.i >= back and _split_decimal_head(doc[token.i - back]):
            first = doc[token.i - back]
            value = float(f"{first.text.rstrip('.')}.{token.text}")
            break
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
    window = doc[max(0, first.i - 3) : first.i]
    # A figure in brackets after another is a conversion ("10 kilometres (6.2 miles)"): rounded.
    converted = (
        first.i > 0
        and doc[first.i - 1].text == "("
        and any(t.like_num for t in doc[max(0, first.i - 4) : first.i])
    )
    approximate = converted or any(t.lower_ in APPROXIMATE for t in window)
    start = offset + first.idx
    end = offset + token.idx + len(token.text)
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


def _untagged_quantity(
    article: AnnotatedArticle, offset: int, token: Token, language: str
) -> Quantity | None:
    """A figure in a language read without a tagger: its value from digits or the language's
    number words, the noun it counts taken as the next content word ("семь человек" → "человек"),
    a following scale word multiplying it ("12 тысяч") and a percent word making it a share."""
    words = number_words(language)
    value = _number(token.text, decimal_comma=language in DECIMAL_COMMA_LANGUAGES, words=words.numbers)
    if value is None or (token.text.isdigit() and len(token.text) == 4 and 1800 <= value <= 2100):
        return None  # a year: a date, for the dates module
    doc = token.doc
    after = [t for t in doc[token.i + 1 : token.i + 4] if not t.is_punct or t.text == "%"]
    counted, last = "", token
    if after and after[0].lower_ in words.scales:
        value *= words.scales[after[0].lower_]
        last, after = after[0], after[1:]
    if after and (after[0].text == "%" or after[0].lower_ in words.percent):
        counted, last = "percent", after[0]
    elif len(after) > 1 and f"{after[0].lower_} {after[1].lower_}" in words.percent:
        counted, last = "percent", after[1]
    else:
        for word in after[:2]:
            if word.is_alpha and not word.is_stop and word.lower_ not in words.numbers:
                counted, last = word.lower_, word
                break
    window = doc[max(0, token.i - 3) : token.i]
    start = offset + token.idx
    end = offset + last.idx + len(last.text)
    return Quantity(
        value=value,
        counted=counted,
        approximate=any(t.lower_ in words.approximate for t in window),
        span=Span(article_id=article.id, start=start, end=end, text=article.text[start:end]),
        before=" ".join(t.text for t in window),
    )


def _subject_title(root: Token) -> str | None:
    """ "the finance minister" when an unnamed office holder is the subject of the main verb."""
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if len(subjects) != 1:
        return None
    head = subjects[0]
    if head.pos_ != "NOUN" or head.lower_ not in role_words():
        return None
    phrase = [t for t in head.subtree if t.i <= head.i]
    if any(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in phrase):
        return None  # named ("Finance Minister Ana Ruiz"): who it is is compared through entities
    words = [t.lower_ for t in phrase if t.dep_ not in {"det", "poss", "punct"}]
    return " ".join(words) if len(words) >= 2 else None  # "the minister" alone says too little


_NUMBER_WORD_PATTERN = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# "a two-hour meeting", "40 minutes", "a three-day visit"; not "two days ago" (a date, not a length).
_DURATION = re.compile(
    rf"(?<![\w.-])(\d+(?:\.\d+)?|{_NUMBER_WORD_PATTERN}|an?)[- ](minute|hour|day|week)s?(?:-long)?\b(?!\s+ago)",
    re.IGNORECASE,
)
_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}
# "3 p.m.", "5:30 pm", "15:00"; an hour alone ("at 3") is not a time with any certainty.
_CLOCK = re.compile(
    r"(?<![\w:.])(?:(\d{1,2})(?:[:.]\s?(\d{2}))?\s*([ap])\.?\s?m\b\.?|([01]?\d|2[0-3]):([0-5]\d)(?![\d:]))",
    re.IGNORECASE,
)
# A zone after a time ("15:00 GMT", "3 p.m. local time") makes times in different zones incomparable.
_ZONE = re.compile(r"\s*\(?\s*(GMT|UTC|[A-Z]{2,4}T|local time|\w+ time)\b")


def _durations_and_clock_times(article_id: str, unit: Unit) -> list[Quantity]:
    """Lengths of time (in minutes) and times of day (minutes after midnight, counted as
    "clock time" plus its zone) found by pattern: the parse splits "two-hour" and tags "3 p.m." as
    TIME, so the token rules above see neither."""
    found: list[Quantity] = []
    for match in _DURATION.finditer(unit.text):
        amount = match.group(1).lower()
        if unit.text[: match.start()].split()[-1:] in (["once"], ["twice"], ["times"], ["per"], ["every"]):
            continue  # "three times a day" is a rate
        value = 1.0 if amount in {"a", "an"} else _number(amount)
        if value is None:
            continue
        found.append(
            _pattern_quantity(article_id, unit, match, value * _MINUTES[match.group(2).lower()], "duration")
        )
    for match in _CLOCK.finditer(unit.text):
        if match.group(3):
            hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
            minute = int(match.group(2) or 0)
            if int(match.group(1)) > 12:
                continue
        else:
            hour, minute = int(match.group(4)), int(match.group(5))
        zone = _ZONE.match(unit.text, match.end())
        counted = "clock time" + (f" {zone.group(1).lower()}" if zone else "")
        found.append(_pattern_quantity(article_id, unit, match, float(hour * 60 + minute), counted))
    return found


def _pattern_quantity(
    article_id: str, unit: Unit, match: re.Match[str], value: float, counted: str
) -> Quantity:
    start, end = unit.start + match.start(), unit.start + match.end()
    before = " ".join(unit.text[: match.start()].split()[-3:])
    return Quantity(
        value=value,
        counted=counted,
        approximate=any(w.lower() in APPROXIMATE for w in before.split()),
        span=Span(article_id=article_id, start=start, end=end, text=unit.text[match.start() : match.end()]),
        before=before,
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


def _number(text: str, decimal_comma: bool = False, words: dict[str, float] | None = None) -> float | None:
    """The value of a written figure: digits ("1,200"; "1.200,5" where the comma is the decimal
    mark, ``decimal_comma``) or a number word (English's unless ``words`` are given)."""
    cleaned = text.lower().rstrip("%")
    if decimal_comma:
        # "12.000" groups thousands; "3.5" (as some Latin American copy writes it) is a decimal.
        cleaned = re.sub(r"\.(?=\d{3}(?:\D|$))", "", cleaned).replace("\u00a0", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    known = _NUMBER_WORDS if words is None else words
    if cleaned in known:
        return float(known[cleaned])
    try:
        return float(cleaned)
    except ValueError:
        return None
