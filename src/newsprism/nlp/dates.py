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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal

from rapidfuzz import fuzz

from newsprism.lexicon import READER_LANGUAGE, WEEKDAYS, fold, language_key, reads_as_english
from newsprism.model import DateExpression, Span, TimelineEvent, published_datetime
from newsprism.nlp.annotate import AnnotatedArticle

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
    r"daily|weekly|monthly|annual|annually|yearly|period|once|later|soon|now|then|time|future|"
    r"\d{2}s|\d0s|old|each|every|quarter|anniversary|tenure|term|holiday|holidays)\b"
)
_SEASON = re.compile(r"\b(?:seasons?|summer|winter|spring|autumn|fall|decade|semester|quarter)\b")
# Modifiers dateparser does not read but that do not change the period: "earlier this month".
_MODIFIERS = re.compile(
    r"^(?:(?:earlier|later|early|late|mid|the end of|the beginning of|the start of|the middle of|end of|start of|"
    r"beginning of|middle of)[\s-]+)+"
)
_LEADING = re.compile(r"^(?:on|in|since|by|until|till|from|during|as of|before|after|at|of|the)\s+")
_FUTURE = frozenset(
    {"will", "'ll", "shall", "going", "plans", "plan", "scheduled", "expected", "due", "next"}
)


@dataclass(frozen=True)
class Resolved:
    value: str
    precision: Precision


@lru_cache(maxsize=512)  # one per publication date and language
def _parser(base: dt.date | None, prefer: str, language: str = "en") -> Any:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    return DateDataParser(languages=[language], settings=settings)


def is_relative(expression: str) -> bool:
    """Whether the expression needs the published date: no year written in it."""
    return _YEAR.search(expression) is None


def normalise_expression(text: str) -> str:
    """ "on Sunday" → "sunday", "earlier this month" → "this month", "mid-June" → "june"."""
    text = " ".join(text.lower().replace("’", "'").split())
    for _ in range(2):
        text = _LEADING.sub("", text)
        text = _MODIFIERS.sub("", text)
    return text.strip(" ,.;:")


def resolve_date(expression: str, published: dt.date | None, *, future: bool = False) -> Resolved | None:
    """The ISO date an expression denotes at its own precision, or None when it is not a date, or
    when it is relative and the published date is unknown."""
    if re.match(
        r"(?i)^\s*(?:in |over |during |for )?the (?:last|past) (?:year|month|week|decade)\b", expression
    ):
        return None  # "in the last year": the past twelve months, a span rather than a date
    text = normalise_expression(expression)
    if not text or (_DURATION.match(text) and "ago" not in text):
        return None
    if _VAGUE.search(text) and not re.search(r"\b(?:ago|this|last|next)\b", text):
        return None
    if _SEASON.search(text):
        return None  # "last season", "this summer": no calendar date a reader could check
    relative = is_relative(text)
    if relative and published is None:
        return None
    if re.fullmatch(r"(?:this|last|next|past) (?:few|couple)", text):
        return None
    if relative and published is not None:
        by_hand = _weekday_or_night(text, published, future)
        if by_hand is not None:
            return by_hand
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
    return _at_precision(date, period)


def _at_precision(date: dt.date, period: str) -> Resolved:
    if period == "month":
        return Resolved(f"{date.year:04d}-{date.month:02d}", "month")
    if period == "year":
        return Resolved(f"{date.year:04d}", "year")
    return Resolved(date.isoformat(), "day")


_NIGHT = {
    "last night": -1,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "overnight": 0,
}


def _weekday_or_night(text: str, published: dt.date, future: bool) -> Resolved | None:
    """Weekdays by hand: news uses "on Wednesday" for the day of publication itself, which
    dateparser (preferring the past) would put a week earlier. "last Monday" is the one before."""
    if text in _NIGHT:
        return Resolved((published + dt.timedelta(days=_NIGHT[text])).isoformat(), "day")
    match = re.fullmatch(
        r"(?:(this|last|next|past|coming)\s+)?(" + _WEEKDAY + r")(?:\s+(?:morning|afternoon|evening|night))?",
        text,
    )
    if match is None:
        return None
    modifier, day = match.groups()
    delta = (WEEKDAYS.index(day) - published.weekday()) % 7  # days forward to that weekday
    if modifier in {"next", "coming"} or (future and modifier != "last"):
        days = delta if delta else (7 if modifier else 0)
    elif modifier in {"last", "past"}:
        days = delta - 7 if delta else -7
    else:
        days = delta - 7 if delta else 0
    return Resolved((published + dt.timedelta(days=days)).isoformat(), "day")


def _future_context(ent: SpacySpan) -> bool:
    """Whether the verb governing a date speaks of the future ("will meet on Monday", "is
    scheduled for February", "runs until Jan. 15"). Only the first verb above the date counts:
    "… in its December projections, and expects …" is about a past December."""
    verb = next((t for t in [ent.root, *ent.root.ancestors] if t.pos_ in {"VERB", "AUX"}), None)
    if any(t.lower_ in {"next", "upcoming", "coming"} for t in ent):
        return True
    if ent.root.head.lower_ in {"until", "till", "through"} and (
        verb is None or verb.tag_ not in {"VBD", "VBN"}
    ):
        return True
    if verb is None:
        return False
    if verb.lemma_.lower() in {"schedule", "plan", "slate", "set"} and verb.tag_ == "VBN":
        return True  # "is scheduled for", "was planned for" still points ahead of its clause
    if any(
        c.lower_ in {"will", "'ll", "shall", "wo"} and c.dep_ in {"aux", "auxpass"} for c in verb.children
    ):
        return True
    # "(is set) to air Tuesday", "Show to air Tuesday": an infinitive points ahead unless a past
    # verb governs it ("decided to resign Tuesday" is left to the past).
    if verb.tag_ == "VB" and any(c.lower_ == "to" and c.dep_ == "aux" for c in verb.children):
        governor = verb.head if verb.head is not verb else None
        return (
            governor is None
            or governor.tag_ not in {"VBD", "VBN"}
            or any(c.lower_ in {"is", "are", "am", "'s", "'re"} for c in governor.children)
        )
    # "are meeting on Monday": the present progressive of a plan.
    return verb.tag_ == "VBG" and any(
        c.lower_ in {"is", "are", "am", "'s", "'re"} and c.dep_ == "aux" for c in verb.children
    )


# Full dates the small model splits ("Friday, Sep 10, 2010" → "Friday" + "10, 2010").
_FULL_DATE = re.compile(
    r"(?i)\b(?:"
    + _WEEKDAY
    + r",?\s+)?(?:"
    + _MONTH
    + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+"
    + _MONTH
    + r",?\s+\d{4})\b"
)
_NIGHT_EXPRESSION = re.compile(
    r"(?i)^(?:last night|tonight|this (?:morning|afternoon|evening)|overnight|"
    r"(?:(?:last|this|next)\s+)?" + _WEEKDAY + r"\s+(?:morning|afternoon|evening|night))$"
)
_MAY_AS_MONTH = re.compile(
    r"(?i)(?:\b(?:in|on|since|by|until|last|next|this|early|late|mid|of|from|through)\s+|-)$"
)
YEARS_AHEAD = 30  # a "year" further ahead of publication than this is a number, not a date ("2134 cases")


def _candidates(article: AnnotatedArticle) -> list[tuple[int, int, SpacySpan]]:
    """Date-like spans of an article: spaCy DATE entities (and times of day that name a day),
    replaced by the whole written date where the model split one."""
    spans: list[tuple[int, int, SpacySpan]] = []
    for paragraph in article.paragraphs:
        for ent in paragraph.doc.ents:
            if ent.label_ == "DATE" or (ent.label_ == "TIME" and _NIGHT_EXPRESSION.match(ent.text.strip())):
                start, end = article.offsets(paragraph, ent)
                spans.append((start, end, ent))
    full = [m.span() for m in _FULL_DATE.finditer(article.text)]
    merged: list[tuple[int, int, SpacySpan]] = []
    for start, end, ent in spans:
        if any(s < end and start < e for s, e in full):
            continue
        merged.append((start, end, ent))
    for s, e in full:
        holder = article.paragraph_at(s)
        if holder is None:
            continue
        span = holder.doc.char_span(s - holder.start, e - holder.start, label="DATE", alignment_mode="expand")
        if span is not None:
            merged.append((s, e, span))
    return sorted(merged, key=lambda c: c[0])


def find_dates(annotated: Sequence[AnnotatedArticle]) -> list[DateExpression]:
    """Every date expression of every article, resolved where the published date allows."""
    found: list[DateExpression] = []
    for article in annotated:
        moment = published_datetime(article.article.published)
        published = moment.date() if moment is not None else None
        if not reads_as_english(article.article.language):
            found.extend(_dates_in_language(article, str(article.article.language), published))
            continue
        for ent_start, ent_end, ent in _candidates(article):
            raw = article.text[ent_start:ent_end]
            text = raw.strip(" ,.;:")
            normalised = normalise_expression(text)
            if not normalised or not _looks_like_date(normalised) or _SEASON.search(normalised):
                continue
            if normalised == "may" and not _MAY_AS_MONTH.search(
                article.text[max(0, ent_start - 12) : ent_start]
            ):
                continue  # "Theresa May", "May I …"
            year = _YEAR.fullmatch(normalised)
            if year and published is not None and int(year.group()) > published.year + YEARS_AHEAD:
                continue
            resolved = resolve_date(text, published, future=_future_context(ent))
            if resolved is None and not (is_relative(normalised) and published is None):
                continue  # not a date at all; relative dates without a published date are kept, unresolved
            start = ent_start + len(raw) - len(raw.lstrip(" ,.;:"))
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


# --------------------------------------------------------------------------- other languages


@dataclass(frozen=True)
class DateWords:
    """How a language writes dates, from dateparser's own locale data (months, weekdays, and
    its words for today, yesterday and tomorrow)."""

    pattern: re.Pattern[str]
    weekdays: dict[str, int]  # lower-cased weekday name → Monday 0 … Sunday 6
    days: frozenset[str]  # today, yesterday, tomorrow (lower-cased)
    read_as: dict[str, str]  # a form dateparser does not read → one it does ("марте" → "март")


# Languages that write month names in lower case ("en mars", "en marzo", "в марте"): there a
# capitalised bare month inside a sentence is a name ("la planète Mars", "Mars a …" aside).
MONTHS_IN_LOWER_CASE = frozenset("fr es it pt ru uk pl cs ca ro".split())
# Russian names a weekday as a date with a preposition ("в среду", "во вторник"); bare, "среда"
# is far more often "environment".
WEEKDAY_PREPOSITIONS = {"ru": ("в", "во")}
# A "tomorrow" that is also "morning": Spanish "esta mañana", "por la mañana"; German capitalises
# the noun ("heute Morgen") and not the adverb ("morgen").
MORNING_AFTER = {"es": re.compile(r"(?i)\b(?:la|esta|esa|una|cada)\s+$")}
MORNING_CAPITALISED = {"de": "morgen"}
# Russian months in the prepositional case ("в марте", "в мае"), which dateparser's locale
# lacks: the nominative's stem + "е".
PREPOSITIONAL_ENDINGS = {"ru": ("ь", "й", "")}

_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_KEYS = "january february march april may june july august september october november december".split()
_RELATIVE_DAYS = ("0 day ago", "1 day ago", "in 1 day")


def _full_forms(forms: Sequence[str]) -> list[str]:
    """Names, not abbreviations: a form that starts a longer form of the same word ("янв" of
    "января", "февр" of "февраль", Spanish "mar" of "marzo", which is also "sea") is left out,
    unless it is that form less a case ending ("март" of "марта"); and so are forms of under three
    letters."""
    lowered = {f.lower().rstrip(".") for f in forms}

    def abbreviation(form: str) -> bool:
        longer = [o for o in lowered if o != form and o.startswith(form)]
        return bool(longer) and (len(form) < 4 or any(len(o) > len(form) + 1 for o in longer))

    return sorted((f for f in lowered if len(f) >= 3 and not abbreviation(f)), key=len, reverse=True)


def _prepositional(months: Sequence[str], language: str) -> dict[str, str]:
    """Month forms in the prepositional case → their nominative (see ``PREPOSITIONAL_ENDINGS``)."""
    endings = PREPOSITIONAL_ENDINGS.get(language)
    if not endings:
        return {}
    found: dict[str, str] = {}
    for month in months:
        for ending in endings:
            if month.endswith(ending) and (ending or month[-1] not in "аеёиоуыэюяьй"):
                found.setdefault(month[: len(month) - len(ending)] + "е", month)
                break
    return {form: nominative for form, nominative in found.items() if form not in months}


@cache
def date_words(language: str) -> DateWords | None:
    """The language's date words, or None where dateparser has no locale for it. No library finds
    date expressions in running text of every language without false hits (dateparser's
    search_dates reads "on" or "a las" as dates), so the expressions are matched here from
    dateparser's names and then read by dateparser."""
    try:
        from dateparser.languages import default_loader

        info = default_loader.get_locale(language).info
    except (KeyError, ValueError, ImportError):
        return None
    months = [f for key in _MONTH_KEYS for f in _full_forms(info.get(key, []))]
    weekdays = {f: n for n, key in enumerate(_WEEKDAY_KEYS) for f in _full_forms(info.get(key, []))}
    relative = info.get("relative-type", {})
    days = [w.lower() for key in _RELATIVE_DAYS for w in relative.get(key, []) if len(w) >= 3]
    if not months:
        return None
    read_as = _prepositional(months, language)

    def alternatives(words: Iterable[str]) -> str:
        # An empty alternation would match the empty string everywhere.
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"

    month = f"(?:{alternatives([*months, *read_as])})"
    day = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"  # "99 mayo" is not a day of May
    # "18 июня 2023 года", "18 de junio de 2023", "18 juin 2023", "18 يونيو 2023", "junio de 2023".
    written = rf"(?:{day}(?:er)?\s+(?:de\s+)?)?{month}(?:,?\s+(?:de\s+)?\d{{4}})?"
    pattern = re.compile(
        rf"(?<!\w)(?:{written}|{alternatives(weekdays)}|{alternatives(days)})(?!\w)", re.IGNORECASE
    )
    return DateWords(pattern, weekdays, frozenset(days), read_as)


def _not_a_date(text: str, start: int, found: str, words: DateWords, language: str) -> bool:
    """A match that is a word of another sense here: a capitalised bare month inside a sentence
    where months are lower case ("la sonde Mars"), a Russian weekday without its preposition
    ("среда", environment), a "tomorrow" that is "morning" (see ``MORNING_AFTER``)."""
    before = text[max(0, start - 40) : start]
    lowered = found.lower()
    bare_month = not re.search(r"\d", found) and lowered not in words.weekdays and lowered not in words.days
    if (
        language in MONTHS_IN_LOWER_CASE
        and bare_month
        and found[:1].isupper()
        and re.search(r"[\w,]\s*$", before)
    ):
        return True
    prepositions = WEEKDAY_PREPOSITIONS.get(language)
    if prepositions and lowered in words.weekdays:
        last = before.split()[-1:] or [""]
        if not before[-1:].isspace() or last[0].lower() not in prepositions:
            return True
    if lowered in words.days:
        after = MORNING_AFTER.get(language)
        if after is not None and after.search(before):
            return True
        if MORNING_CAPITALISED.get(language) == lowered and found[:1].isupper():
            return True
    return False


def _dates_in_language(
    article: AnnotatedArticle, language: str, published: dt.date | None
) -> list[DateExpression]:
    """Date expressions of an article in another language: dates written with a month name,
    weekdays, and "yesterday"-words, resolved by dateparser in that language. A weekday is the
    latest such day up to the published date (its own day in that day's paper); the future is
    not looked for, since no parse says which verbs are in the future tense."""
    words = date_words(language)
    if words is None:
        return []
    found: list[DateExpression] = []
    for match in words.pattern.finditer(article.text):
        text = match.group()
        if _not_a_date(article.text, match.start(), text, words, language):
            continue
        weekday = words.weekdays.get(text.lower())
        relative = is_relative(text)
        resolved: Resolved | None
        if weekday is not None:
            resolved = (
                Resolved(
                    (published - dt.timedelta(days=(published.weekday() - weekday) % 7)).isoformat(), "day"
                )
                if published is not None
                else None
            )
        elif relative and published is None:
            resolved = None
        else:
            resolved = _resolve_in(
                language, text, published if relative else None, text.lower() in words.days, words.read_as
            )
            if resolved is None:
                continue
        start, end = match.span()
        found.append(
            DateExpression(
                article_id=article.id,
                start=start,
                end=end,
                text=text,
                value=resolved.value if resolved else None,
                precision=resolved.precision if resolved else None,
                relative=relative,
            )
        )
    return found


def _resolve_in(
    language: str, text: str, base: dt.date | None, names_a_day: bool, read_as: dict[str, str]
) -> Resolved | None:
    readable = " ".join(read_as.get(word.lower(), word) for word in text.split())
    data = _parser(base, "past", language).get_date_data(readable)
    if data.date_obj is None:
        return None
    period = data.period or "day"
    if not names_a_day and not re.search(r"\d", _YEAR.sub("", text)):
        period = "month"  # "junio de 2023": dateparser says "day" for a month and year
    return _at_precision(data.date_obj.date(), "day" if period == "time" else period)


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


def build_timeline(
    annotated: Sequence[AnnotatedArticle],
    dates: Sequence[DateExpression],
    reader_language: str = READER_LANGUAGE,
) -> list[TimelineEvent]:
    """Dated events of the story, oldest first: each resolved date with the sentence stating it,
    sentences of several articles about the same dated event merged into one event, told by a
    sentence in ``reader_language`` when one of them is."""
    by_article = {a.id: a for a in annotated}
    language_of = {a.id: language_key(a.article.language) for a in annotated}
    candidates: list[tuple[str, Span]] = []
    seen: set[tuple[str, int]] = set()
    # A sentence is placed once, under its most precise date ("… last year …, and on Monday …" is a
    # Monday event), so the timeline does not repeat it under every date it names.
    rank = {"day": 0, "month": 1, "year": 2}
    for expression in sorted(dates, key=lambda d: rank.get(d.precision or "", 3)):
        if expression.value is None or expression.precision == "week":
            continue
        article = by_article[expression.article_id]
        sentence = article.sentence_at(expression.start)
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
        candidates.append(
            (
                expression.value,
                Span(article_id=article.id, start=start, end=end, text=article.text[start:end]),
            )
        )
    events: list[tuple[str, list[Span]]] = []
    for value, span in candidates:
        for event_value, supports in events:
            if (
                event_value == value
                and all(s.article_id != span.article_id for s in supports)
                and max(fuzz.token_set_ratio(fold(span.text), fold(s.text)) for s in supports)
                >= SAME_EVENT_SIMILARITY
            ):
                supports.append(span)
                break
        else:
            events.append((value, [span]))
    timeline = []
    for value, supports in events:
        shown = _representative(supports, language_of, language_key(reader_language))
        timeline.append(
            TimelineEvent(
                date=value,
                text=shown.text.strip(),
                support=sorted(supports, key=lambda s: (s.article_id, s.start)),
                language=by_article[shown.article_id].article.language,
            )
        )
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


def _representative(supports: Sequence[Span], language_of: dict[str, str], reader: str) -> Span:
    """The shortest supporting sentence in the reader's language, else the shortest: the plainest
    statement of the event."""
    return min(supports, key=lambda s: (language_of[s.article_id] != reader, len(s.text)))
