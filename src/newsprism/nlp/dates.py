"""Date expressions resolved against the article's published date, and the story's timeline.

spaCy finds the expressions (DATE entities); dateparser turns them into dates with a period
(day, week, month, year), relative to the published date, preferring the past unless the sentence
speaks of the future ("will meet on Monday"). Durations ("two days", "five years") and vague
spans ("recent years", "decades") are not dates and are skipped. When the published date is
unknown, relative expressions stay unresolved instead of being guessed from today's date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from rapidfuzz import fuzz

from newsprism.model import DateExpression, Span, TimelineEvent
from newsprism.nlp.annotate import AnnotatedArticle
from newsprism.nlp.entities import fold

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

Precision = Literal["day", "week", "month", "year"]

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|21\d\d)\b")
# A number of units without "ago" is a duration ("two days", "five hours", "three years").
_DURATION = re.compile(
    r"^(?:the\s+)?(?:(?:past|last|next|first|coming|previous|following)\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|several|few|many|some|couple of|dozens of|\d+-|half an?)\b.*\b(?:seconds?|minutes?|hours?|days?|weeks?|"
    r"months?|years?|decades?|centuries|century)(?:-long| long| old)?$"
)
_VAGUE = re.compile(
    r"\b(?:recent|coming|past|previous|decades?|centuries|century|years|months|weeks|days|times|era|age|ages|"
    r"daily|weekly|monthly|annual|annually|yearly|season|seasons|period|once|later|soon|now|then|time|future|"
    r"\d{2}s|\d0s|old|each|every|quarter|anniversary|tenure|term|holiday|holidays)\b"
)
# Modifiers dateparser does not read but that do not change the period: "earlier this month".
_MODIFIERS = re.compile(
    r"^(?:(?:earlier|later|early|late|mid|the end of|the beginning of|the start of|the middle of|end of|start of|"
    r"beginning of|middle of)[\s-]+)+"
)
_LEADING = re.compile(r"^(?:on|in|since|by|until|till|from|during|as of|before|after|at|of|the)\s+")
_FUTURE = frozenset({"will", "'ll", "shall", "going", "plans", "plan", "scheduled", "expected", "due", "next"})


@dataclass(frozen=True)
class Resolved:
    value: str
    precision: Precision


@cache
def _parser(base: dt.date | None, prefer: str) -> Any:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


def parse_published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def is_relative(expression: str) -> bool:
    """Whether the expression needs the published date: no year written in it."""
    return _YEAR.search(expression) is None


def normalise_expression(text: str) -> str:
    """"on Sunday" → "sunday", "earlier this month" → "this month", "mid-June" → "june"."""
    text = " ".join(text.lower().replace("’", "'").split())
    for _ in range(2):
        text = _LEADING.sub("", text)
        text = _MODIFIERS.sub("", text)
    return text.strip(" ,.;:")


def resolve_date(expression: str, published: dt.date | None, *, future: bool = False) -> Resolved | None:
    """The ISO date an expression denotes at its own precision, or None when it is not a date, or
    when it is relative and the published date is unknown."""
    text = normalise_expression(expression)
    if not text or _DURATION.match(text) and "ago" not in text:
        return None
    if _VAGUE.search(text) and not re.search(r"\b(?:ago|this|last|next)\b", text):
        return None
    relative = is_relative(text)
    if relative and published is None:
        return None
    if re.fullmatch(r"(?:this|last|next|past) (?:few|couple)", text):
        return None
    parser = _parser(published if relative else None, "future" if future and relative else "past")
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    date = data.date_obj.date()
    period = data.period or "day"
    has_day = bool(re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", re.sub(_YEAR, "", text))) or bool(
        re.search(_WEEKDAY + r"|\b(?:today|yesterday|tomorrow|tonight|ago)\b", text)
    )
    if period == "day" and not has_day and "week" not in text:
        # dateparser reports "day" for "February 2023" in some versions: trust the words.
        period = "month" if re.search(_MONTH, text) else "year"
    if period == "time":
        period = "day"
    if period == "week":
        iso = date.isocalendar()
        return Resolved(f"{iso.year}-W{iso.week:02d}", "week")
    if period == "month":
        return Resolved(f"{date.year:04d}-{date.month:02d}", "month")
    if period == "year":
        return Resolved(f"{date.year:04d}", "year")
    return Resolved(date.isoformat(), "day")


def _future_tense(sentence: SpacySpan) -> bool:
    return any(t.lower_ in _FUTURE for t in sentence) and not any(t.tag_ in {"VBD", "VBN"} and t.dep_ == "ROOT" for t in sentence)


def find_dates(annotated: Sequence[AnnotatedArticle]) -> list[DateExpression]:
    """Every date expression of every article, resolved where the published date allows."""
    found: list[DateExpression] = []
    for article in annotated:
        published = parse_published(article.article.published)
        for paragraph in article.paragraphs:
            for ent in paragraph.doc.ents:
                if ent.label_ != "DATE":
                    continue
                text = ent.text.strip(" ,.;:")
                normalised = normalise_expression(text)
                if not normalised or not _looks_like_date(normalised):
                    continue
                resolved = resolve_date(text, published, future=_future_tense(ent.sent))
                if resolved is None and not (is_relative(normalised) and published is None):
                    continue  # not a date at all; relative dates without a published date are kept, unresolved
                start, end = article.offsets(paragraph, ent)
                start += len(ent.text) - len(ent.text.lstrip(" ,.;:"))
                end = start + len(text)
                found.append(
                    DateExpression(
                        article_id=article.id,
                        start=start,
                        end=end,
                        text=article.text[start:end],
                        value=resolved.value if resolved else None,
                        precision=resolved.precision if resolved else None,
                        relative=is_relative(normalised),
                    )
                )
    return found


def _looks_like_date(text: str) -> bool:
    if _DURATION.match(text) and "ago" not in text:
        return False
    return bool(
        re.search(_MONTH + r"|" + _WEEKDAY, text)
        or _YEAR.search(text)
        or re.search(r"\b(?:today|yesterday|tomorrow|tonight|ago|this|last|next)\b", text)
    )


# --------------------------------------------------------------------------- timeline

# Two sentences of different articles describe one dated event when they share the date and
# this much of their wording (token-set ratio over folded text); 55 joins "Blinken met Xi on
# Monday" / "On Monday, the Secretary of State met with Chinese President Xi Jinping".
SAME_EVENT_SIMILARITY = 55
MAX_EVENT_CHARS = 400


def build_timeline(annotated: Sequence[AnnotatedArticle], dates: Sequence[DateExpression]) -> list[TimelineEvent]:
    """Dated events of the story, oldest first: each resolved date with the sentence stating it,
    sentences of several articles about the same dated event merged into one event."""
    by_article = {a.id: a for a in annotated}
    candidates: list[tuple[str, Span]] = []
    seen: set[tuple[str, int]] = set()
    # A sentence is placed once, under its most precise date ("… last year …, and on Monday …" is a
    # Monday event), so the timeline does not repeat it under every date it names.
    rank = {"day": 0, "month": 1, "year": 2}
    for expression in sorted(dates, key=lambda d: rank.get(d.precision or "", 3)):
        if expression.value is None or expression.precision == "week":
            continue
        article = by_article[expression.article_id]
        sentence = next((s for s in article.sentences() if s.start <= expression.start < s.end), None)
        if sentence is None:
            continue
        start, end = sentence.start, sentence.end
        text = article.text[start:end].strip()
        if len(text.split()) < 4:
            continue
        if len(text) > MAX_EVENT_CHARS:
            start, end = _clause_around(article.text, start, end, expression.start)
        if (article.id, sentence.start) in seen:
            continue
        seen.add((article.id, sentence.start))
        candidates.append((expression.value, Span(article_id=article.id, start=start, end=end, text=article.text[start:end])))
    events: list[tuple[str, list[Span]]] = []
    for value, span in candidates:
        for event_value, supports in events:
            if event_value == value and all(s.article_id != span.article_id for s in supports):
                if max(fuzz.token_set_ratio(fold(span.text), fold(s.text)) for s in supports) >= SAME_EVENT_SIMILARITY:
                    supports.append(span)
                    break
        else:
            events.append((value, [span]))
    timeline = [
        TimelineEvent(date=value, text=_representative(supports), support=sorted(supports, key=lambda s: (s.article_id, s.start)))
        for value, supports in events
    ]
    timeline.sort(key=lambda e: (e.date, -len(e.support)))
    return timeline


def _clause_around(text: str, start: int, end: int, at: int) -> tuple[int, int]:
    """A long sentence cut to the clause holding the date: between the nearest ; or : or , around it."""
    left = max(text.rfind(c, start, at) for c in ";:,")
    right_candidates = [i for i in (text.find(c, at, end) for c in ";:,") if i >= 0]
    lo = left + 1 if left >= start else start
    hi = min(right_candidates) if right_candidates else end
    while lo < hi and text[lo].isspace():
        lo += 1
    return lo, hi


def _representative(supports: Sequence[Span]) -> str:
    """The shortest supporting sentence: the plainest statement of the event."""
    return min((s.text for s in supports), key=len).strip()

