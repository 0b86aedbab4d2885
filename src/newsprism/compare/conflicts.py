"""Where outlets disagree on the same fact: numbers, dates, negation, who did it, a quote's words.

Conflicts are looked for only between units of one aligned claim from different articles, so
both sides are about the same thing. Each kind has its own test, and what is not a conflict is
as deliberate as what is: an estimate and a figure within its bound ("at least 12" / "15"), or
two figures within a few per cent of each other, are consistent; a paraphrase is not a quote
conflict. Each conflict carries a confidence, and conflicts are listed most certain first, so a
reader is not flooded with weak ones.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from newsprism.compare.align import Alignment
from newsprism.compare.claims import Quantity, Unit
from newsprism.compare.nli import ContradictionJudge
from newsprism.model import (
    Article,
    Conflict,
    ConflictKind,
    ConflictSide,
    DateExpression,
    Limit,
    Mention,
    Quote,
    Span,
    article_labels,
)
from newsprism.nlp.entities import EntityIndex, fold

# Two approximate figures ("about 40" / "about 42") within this relative distance agree.
APPROXIMATE_TOLERANCE = 0.15
# "About 1:30 a.m." and "1:45 a.m." agree; "about 4.30am" and "about 6.30am" do not.
CLOCK_TOLERANCE = 20
# Negation is judged only between units this similar (cosine): "agreed to X" / "did not agree to X".
NEGATION_MIN_SIMILARITY = 0.75
# Quote wordings that differ by less than this (token-set ratio) are the same words.
QUOTE_SAME_WORDING = 97
MIN_CONFIDENCE = 0.5
# Bounds that keep a story of thousands of articles from turning into millions of conflicts (one
# claim can hold a unit from every article): the pairwise tests of one claim, quote group or
# person look at identical wordings once and at most MAX_COMPARED_PER_GROUP of them (the first
# in article order), ~800 pairs, so their cost grows with the story, not with its square; and a
# brief shows at most MAX_CONFLICTS_PER_CLAIM per claim and MAX_CONFLICTS_PER_STORY in all, the
# surest first, saying how many it left out. Stories of ordinary size never reach them (the
# labelled stories have at most 7 conflicts, at most 4 in one claim).
MAX_COMPARED_PER_GROUP = 40
# A story-wide conflict (who holds an office, how a name is spelled) quotes at most this many
# passages per value and names at most MAX_NAMED_OUTLETS outlets ("… and 1,204 others").
MAX_SIDES_PER_VALUE = 5
MAX_NAMED_OUTLETS = 8
MAX_CONFLICTS_PER_CLAIM = 5
MAX_CONFLICTS_PER_STORY = 50


@dataclass
class Scored:
    conflict: Conflict
    confidence: float


def find_conflicts(
    alignment: Alignment,
    articles: Sequence[Article],
    quotes: Sequence[Quote],
    entities: EntityIndex | None = None,
    judge: ContradictionJudge | None = None,
) -> list[Conflict]:
    outlets = article_labels(articles)
    titles = _titles_by_article(entities) if entities is not None else {}
    found: list[Scored] = []
    for claim in alignment.claims:
        units = compared(alignment.units_of[claim.id], lambda u: u.text)
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                if a.article_id == b.article_id:
                    continue
                similarity = alignment.cosine(a.id, b.id)
                found.extend(_numbers(claim.id, a, b, outlets))
                found.extend(_dates(claim.id, a, b, outlets))
                found.extend(_negation(claim.id, a, b, outlets, similarity))
                found.extend(_subject_titles(claim.id, a, b, outlets))
                found.extend(_role_in_claim(claim.id, a, b, outlets, titles))
    if judge is not None:
        shaped = {
            (side.article_id, cid) for s in found for side in s.conflict.sides for cid in s.conflict.claim_ids
        }
        found.extend(_contradictions(alignment, outlets, judge, shaped))
    found.extend(_quote_wording(quotes, outlets, alignment))
    if entities is not None:
        found.extend(_office_holders(entities, alignment, outlets))
        found.extend(_name_spellings(entities, outlets))
    kept = [s for s in found if s.confidence >= MIN_CONFIDENCE]
    kept.sort(key=lambda s: -s.confidence)
    unique: dict[str, Conflict] = {}
    for scored in kept:
        conflict = scored.conflict.model_copy(update={"confidence": round(scored.confidence, 2)})
        # One disagreement about who holds a title is reported once, by its surest finding
        # (the story-wide one lists every article; the claim-level one two).
        key = (
            "entity|" + "|".join(sorted({s.value for s in conflict.sides}))
            if conflict.kind == "entity"
            else conflict.id
        )
        unique.setdefault(key, conflict)
    return list(unique.values())


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


def cap_conflicts(conflicts: Sequence[Conflict]) -> tuple[list[Conflict], Limit | None]:
    """The conflicts a brief shows, surest first (as given): at most MAX_CONFLICTS_PER_CLAIM per
    claim and MAX_CONFLICTS_PER_STORY in all; and, when some were left out, the limit that says so."""
    shown: list[Conflict] = []
    per_claim: dict[str, int] = {}
    for conflict in conflicts:
        claim = conflict.claim_ids[0] if conflict.claim_ids else None
        if claim is not None and per_claim.get(claim, 0) >= MAX_CONFLICTS_PER_CLAIM:
            continue
        if len(shown) == MAX_CONFLICTS_PER_STORY:
            break
        if claim is not None:
            per_claim[claim] = per_claim.get(claim, 0) + 1
        shown.append(conflict)
    if len(shown) == len(conflicts):
        return shown, None
    return shown, Limit(
        what="conflicts",
        shown=len(shown),
        found=len(conflicts),
        rule=(
            f"at most {MAX_CONFLICTS_PER_CLAIM} per claim and {MAX_CONFLICTS_PER_STORY} per story, "
            "the surest first"
        ),
    )


def _scored(
    kind: ConflictKind, description: str, sides: list[ConflictSide], claim_ids: list[str], confidence: float
) -> Scored:
    conflict = Conflict(
        id=_conflict_id(kind, sides), kind=kind, description=description, sides=sides, claim_ids=claim_ids
    )
    return Scored(conflict, confidence)


def _conflict_id(kind: str, sides: Sequence[ConflictSide]) -> str:
    key = kind + "|" + "|".join(sorted(f"{s.article_id}:{s.start}:{s.end}" for s in sides))
    return "x" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _side(span_article: str, start: int, end: int, text: str, value: str) -> ConflictSide:
    return ConflictSide(article_id=span_article, start=start, end=end, text=text, value=value)


def _numbers(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str]) -> list[Scored]:
    """The same counted thing with different figures: "killed 7" / "killed 11", "a two-hour
    meeting" / "a 40-minute meeting" is left to the counted noun (hour vs minute differ)."""
    results = []
    for qa in a.quantities:
        for qb in b.quantities:
            if not qa.counted or qa.counted != qb.counted or _consistent(qa, qb):
                continue
            # Two figures for one noun in a unit ("0-60 mph … 109 mph"), or a range, cannot be
            # paired with the other side's figure with any confidence.
            if _count(a, qa.counted) > 1 or _count(b, qb.counted) > 1 or _in_range(qa) or _in_range(qb):
                continue
            # The same noun counted differently in two units of one claim: strong when both are exact.
            confidence = 0.9 if not (qa.approximate or qb.approximate) else 0.6
            sides = [
                _side(a.article_id, qa.span.start, qa.span.end, qa.span.text, _format(qa)),
                _side(b.article_id, qb.span.start, qb.span.end, qb.span.text, _format(qb)),
            ]
            clock = qa.counted.startswith("clock time")
            what = "the time as " if clock else ""
            description = f"{outlets[a.article_id]} gives {what}“{qa.span.text}” where {outlets[b.article_id]} gives “{qb.span.text}”."
            results.append(_scored("date" if clock else "number", description, sides, [claim_id], confidence))
    return results


def _count(unit: Unit, counted: str) -> int:
    return sum(1 for q in unit.quantities if q.counted == counted)


def _in_range(quantity: Quantity) -> bool:
    """ "0-60 mph", "five to seven hours", "between 10 and 12": part of a range, not a figure."""
    before = quantity.before.rstrip()
    return before.endswith(("-", "–", "to", "and")) or bool(re.search(r"\d\s*[-–]\s*$", before))


def _consistent(a: Quantity, b: Quantity) -> bool:
    if a.value == b.value:
        return True
    if a.counted.startswith("clock time"):
        # Times of day agree when equal, or within CLOCK_TOLERANCE minutes when one is "about".
        return (a.approximate or b.approximate) and abs(a.value - b.value) <= CLOCK_TOLERANCE
    low, high = sorted((a.value, b.value))
    if (a.approximate or b.approximate) and high and (high - low) / high <= APPROXIMATE_TOLERANCE:
        return True
    # A bound and a figure: "at least 12" is consistent with 15, "up to 5" with 3.
    for bound, other in ((a, b), (b, a)):
        if not bound.approximate:
            continue
        context = _context(bound)
        if re.search(r"\b(at least|more than|over|upwards of)\b", context) and other.value >= bound.value:
            return True
        if (
            re.search(r"\b(up to|fewer than|less than|under|nearly|almost)\b", context)
            and other.value <= bound.value
        ):
            return True
    return False


def _context(quantity: Quantity) -> str:
    return fold(quantity.before + " " + quantity.span.text)


def _format(quantity: Quantity) -> str:
    if quantity.counted.startswith("clock time"):
        zone = quantity.counted.removeprefix("clock time").strip()
        return f"{int(quantity.value) // 60:02d}:{int(quantity.value) % 60:02d}" + (
            f" {zone}" if zone else ""
        )
    if quantity.counted == "duration":
        minutes = int(quantity.value)
        return (
            f"{minutes // 60} h {minutes % 60} min"
            if minutes >= 60 and minutes % 60
            else (f"{minutes // 60} h" if minutes >= 60 else f"{minutes} min")
        )
    value = int(quantity.value) if quantity.value.is_integer() else quantity.value
    return f"{'~' if quantity.approximate else ''}{value} {quantity.counted}".strip()


def _dates(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str]) -> list[Scored]:
    """The same event dated differently: each unit states one date of the same kind (a day, a
    month, a year; or, when the published date is unknown, the same kind of unresolved word such
    as a weekday) and they differ. Resolved dates are surer than words."""
    for kind, confidence in (("day", 0.8), ("month", 0.75), ("year", 0.75), ("weekday", 0.6)):
        one_a, one_b = _one_date(a, kind), _one_date(b, kind)
        if one_a is None or one_b is None:
            continue
        (va, da), (vb, db) = one_a, one_b
        if va == vb:
            return []  # they agree on the most precise date both give
        if kind in {"month", "year"} and _word_before(a, da) != _word_before(b, db):
            continue  # "since 2018" and "in 2021" anchor different things
        if _anchor(_word_before(a, da)) != _anchor(_word_before(b, db)):
            continue  # "until Monday" bounds something; "on Saturday" dates it
        sides = [
            _side(a.article_id, da.start, da.end, da.text, va),
            _side(b.article_id, db.start, db.end, db.text, vb),
        ]
        description = (
            f"{outlets[a.article_id]} dates it {va} ({da.text}); {outlets[b.article_id]} {vb} ({db.text})."
        )
        return [_scored("date", description, sides, [claim_id], confidence)]
    return []


def _word_before(unit: Unit, date: DateExpression) -> str:
    words = unit.text[: date.start - unit.start].split()
    return words[-1].lower() if words else ""


_BOUNDS = frozenset({"until", "till", "by", "since", "from", "before", "after", "through"})


def _anchor(word: str) -> str:
    return word if word in _BOUNDS else "at"


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _one_date(unit: Unit, kind: str) -> tuple[str, DateExpression] | None:
    if kind == "weekday":
        found = [(w, d) for d in unit.dates if d.value is None for w in _WEEKDAYS if w in d.text.lower()]
    else:
        found = [(d.value, d) for d in unit.dates if d.precision == kind and d.value]
    values = {v for v, _ in found}
    if len(values) != 1:
        return None
    value, date = found[0]
    return str(value), date


# Titles many people hold at once: two different "spokesmen" or "senators" are no contradiction.
SHARED_TITLES = frozenset(
    "spokesman spokeswoman spokesperson official officials senator lawmaker representative congressman "
    "congresswoman analyst expert professor researcher diplomat envoy adviser advisor aide officer member "
    "mp deputy colleague counterpart founder leader head director chief minister ministers secretary "
    "ambassador".split()
)
# Words that put a title in another time ("former foreign minister", "the new mayor").
OTHER_TIME = frozenset(
    "former ex then late new incoming outgoing acting interim previous past future".split()
)
# Nationality words and short forms that name one country, so "US" and "American" compare equal.
_COUNTRY = {
    "american": "us",
    "united states": "us",
    "usa": "us",
    "u.s.": "us",
    "us": "us",
    "chinese": "china",
    "china’s": "china",
    "china's": "china",
    "russian": "russia",
    "russia’s": "russia",
    "russia's": "russia",
    "british": "uk",
    "britain’s": "uk",
    "britain's": "uk",
    "uk": "uk",
    "french": "france",
    "german": "germany",
    "ukrainian": "ukraine",
    "israeli": "israel",
    "iranian": "iran",
    "indian": "india",
    "japanese": "japan",
    "turkish": "turkey",
    "saudi": "saudi arabia",
    "palestinian": "palestine",
    "italian": "italy",
    "spanish": "spain",
    "canadian": "canada",
    "mexican": "mexico",
    "brazilian": "brazil",
    "australian": "australia",
    "korean": "korea",
    "south korean": "south korea",
    "north korean": "north korea",
    "egyptian": "egypt",
    "pakistani": "pakistan",
    "polish": "poland",
    "dutch": "netherlands",
    "greek": "greece",
}


def _country(words: str | None) -> str:
    folded = fold(words or "").strip()
    return _COUNTRY.get(folded, folded.removesuffix("’s").removesuffix("'s"))


def _office_holders(entities: EntityIndex, alignment: Alignment, outlets: dict[str, str]) -> list[Scored]:
    """One office given to different people by different articles: "Chinese Foreign Minister Wang
    Yi" in one, "Chinese Foreign Minister Qin Gang" in the others. Only single-holder offices of a
    named country count (not "spokesman", not a bare "President"), no title set in another time
    ("former"), and never when one article names both people for it (then they are two holders)."""
    # (office, country) → entity → article → where the title is written
    holders: dict[tuple[str, str], dict[str, dict[str, Span]]] = {}
    names: dict[str, str] = {}
    for entity in entities.entities:
        if entity.type != "PERSON":
            continue
        names[entity.id] = entity.name
        for role in entity.roles:
            words = fold(role.text).split()
            office, country = role.office or "", _country(role.country)
            if not office or not country or office in SHARED_TITLES or OTHER_TIME & set(words):
                continue
            for span in role.support:
                per_entity = holders.setdefault((office, country), {}).setdefault(entity.id, {})
                per_entity.setdefault(span.article_id, span)
    claim_at = _ClaimsByOffset(alignment)
    results = []
    for by_entity in holders.values():
        ranked = sorted(by_entity.items(), key=lambda item: -len(item[1]))[:MAX_COMPARED_PER_GROUP]
        for i, (id_a, in_a) in enumerate(ranked):
            for id_b, in_b in ranked[i + 1 :]:
                if in_a.keys() & in_b.keys():
                    continue
                sides = [
                    _side(span.article_id, span.start, span.end, span.text, names[entity_id])
                    for entity_id, spans in ((id_a, in_a), (id_b, in_b))
                    for span in list(spans.values())[:MAX_SIDES_PER_VALUE]
                ]
                title = next(iter(in_a.values())).text
                description = (
                    f"{_listing([outlets[a] for a in in_b])} {'gives' if len(in_b) == 1 else 'give'} "
                    f"the office of {title} to {names[id_b]}; "
                    f"{_listing([outlets[a] for a in in_a])} to {names[id_a]}."
                )
                claim_ids = sorted({c for side in sides if (c := claim_at(side.article_id, side.start))})
                # Surer when several articles agree on one holder against a lone other.
                confidence = 0.75 if max(len(in_a), len(in_b)) >= 2 else 0.65
                results.append(_scored("entity", description, sides, claim_ids, confidence))
    return results


@dataclass(frozen=True)
class Title:
    """A title written next to a person's name: "referee" of "referee Sam Williams"."""

    span: Span
    office: str
    country: str
    entity_id: str
    name: str


def _titles_by_article(entities: EntityIndex) -> dict[str, list[Title]]:
    found: dict[str, list[Title]] = {}
    for entity in entities.entities:
        if entity.type != "PERSON":
            continue
        for role in entity.roles:
            if not role.office or OTHER_TIME & set(fold(role.text).split()):
                continue
            for span in role.support:
                title = Title(span, role.office, _country(role.country), entity.id, entity.name)
                found.setdefault(span.article_id, []).append(title)
    return found


def _role_in_claim(
    claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], titles: dict[str, list[Title]]
) -> list[Scored]:
    """Within one claim, the same title given to different people: "referee Sam Williams stopped
    it" / "referee Michael Griffin stopped it". Any title counts here (two spokesmen for one
    statement disagree too), when the countries, if both given, agree."""
    results = []
    for x in (t for t in titles.get(a.article_id, []) if a.start <= t.span.start < a.end):
        for y in (t for t in titles.get(b.article_id, []) if b.start <= t.span.start < b.end):
            if x.office != y.office or x.entity_id == y.entity_id:
                continue
            if x.country and y.country and x.country != y.country:
                continue
            sides = [_side(t.span.article_id, t.span.start, t.span.end, t.span.text, t.name) for t in (x, y)]
            description = (
                f"{outlets[a.article_id]} names {x.name} as {x.span.text}; "
                f"{outlets[b.article_id]} names {y.name}."
            )
            results.append(_scored("entity", description, sides, [claim_id], 0.7))
    return results


def _listing(names: Sequence[str]) -> str:
    if len(names) > MAX_NAMED_OUTLETS:
        rest = len(names) - MAX_NAMED_OUTLETS + 1
        return ", ".join(names[: MAX_NAMED_OUTLETS - 1]) + f" and {rest:,} others"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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


def _name_spellings(entities: EntityIndex, outlets: dict[str, str]) -> list[Scored]:
    """One person's name spelled differently by different articles ("Antony Blinken" / "Anthony
    Blinken"): one word of a full name differs by one or two letters, and no article uses both
    spellings. Transliterations ("Zelensky" / "Zelenskyy") are reported too, with low confidence:
    a reader checking names wants to know."""
    results = []
    for entity in entities.entities:
        if entity.type != "PERSON":
            continue
        spellings: dict[str, dict[str, Mention]] = {}  # folded full name → article → first mention
        for mention in entity.mentions:
            if mention.text and len(mention.text.split()) >= 2:
                spellings.setdefault(fold(mention.text), {}).setdefault(mention.article_id, mention)
        forms = sorted(spellings, key=lambda f: -len(spellings[f]))[:MAX_COMPARED_PER_GROUP]
        for i, x in enumerate(forms):
            for y in forms[i + 1 :]:
                if spellings[x].keys() & spellings[y].keys() or not _one_word_misspelt(x, y):
                    continue
                sides = [
                    _side(m.article_id, m.start, m.end, m.text or "", m.text or "")
                    for form in (x, y)
                    for m in list(spellings[form].values())[:MAX_SIDES_PER_VALUE]
                ]
                spelt = [next(iter(spellings[f].values())).text for f in (x, y)]
                description = (
                    f"{_listing([outlets[a] for a in spellings[x]])} spell the name “{spelt[0]}”; "
                    f"{_listing([outlets[a] for a in spellings[y]])} “{spelt[1]}”."
                )
                results.append(_scored("entity", description, sides, [], 0.55))
    return results


def _one_word_misspelt(x: str, y: str) -> bool:
    a, b = x.split(), y.split()
    if len(a) != len(b):
        return False
    differing = [(u, v) for u, v in zip(a, b, strict=True) if u != v]
    if len(differing) != 1:
        return False
    u, v = differing[0]
    return min(len(u), len(v)) >= 5 and Levenshtein.distance(u, v) <= 2


def _subject_titles(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str]) -> list[Scored]:
    """The same act by an unnamed office holder with a different title: "the finance minister
    announced" / "the economy minister announced". Same head word, different qualifier."""
    ta, tb = a.subject_title, b.subject_title
    if not ta or not tb or ta == tb or ta.split()[-1] != tb.split()[-1] or a.verb != b.verb:
        return []
    if OTHER_TIME & (set(ta.split()) | set(tb.split())):
        return []
    sides = [_side(u.article_id, u.start, u.end, u.text, t) for u, t in ((a, ta), (b, tb))]
    description = f"{outlets[a.article_id]} says the {ta} did it; {outlets[b.article_id]} the {tb}."
    return [_scored("entity", description, sides, [claim_id], 0.6)]


def _negation(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], similarity: float) -> list[Scored]:
    """One says it happened, the other that it did not, about the same thing with the same verb."""
    if a.negated == b.negated or similarity < NEGATION_MIN_SIMILARITY or not a.verb or a.verb != b.verb:
        return []
    sides = [
        _side(a.article_id, a.start, a.end, a.text, ("not " if a.negated else "") + a.verb),
        _side(b.article_id, b.start, b.end, b.text, ("not " if b.negated else "") + b.verb),
    ]
    yes, no = (b, a) if a.negated else (a, b)
    description = f"{outlets[yes.article_id]} states it (“{yes.verb}”); {outlets[no.article_id]} says the opposite (“not {no.verb}”)."
    return [
        _scored(
            "negation",
            description,
            sides,
            [claim_id],
            0.5 + 0.5 * min(1.0, (similarity - NEGATION_MIN_SIMILARITY) / (1 - NEGATION_MIN_SIMILARITY)),
        )
    ]


# The NLI model is asked only about this many unit pairs per story (≈ 19 pairs/s on 2 cores, both
# ways), the most similar first, and only about units that say nearly the same thing (cosine ≥
# JUDGE_MIN_SIMILARITY): on looser pairs it reads "different" as "contradicts". On the labelled
# stories (bench/compare_eval.py --nli aegis) 0.6 gave conflict P 0.80 / R 0.64, 0.75 gave 0.88 /
# 0.64, 0.85 gave 1.00 / 0.60 (without the model: 1.00 / 0.47).
MAX_JUDGED_PAIRS = 200
JUDGE_MIN_SIMILARITY = 0.85


def _contradictions(
    alignment: Alignment,
    outlets: dict[str, str],
    judge: ContradictionJudge,
    shaped: set[tuple[str, str]],
) -> list[Scored]:
    """Pairs in one claim that an NLI model says contradict each other, when no shaped test (number,
    date, negation, role) already explains the disagreement. Reported as ``negation``: one outlet
    states what the other denies."""
    pairs: list[tuple[float, str, Unit, Unit]] = []
    for claim in alignment.claims:
        units = compared(alignment.units_of[claim.id], lambda u: u.text)
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                if (
                    a.article_id == b.article_id
                    or {(a.article_id, claim.id), (b.article_id, claim.id)} <= shaped
                ):
                    continue
                similarity = alignment.cosine(a.id, b.id)
                if similarity >= JUDGE_MIN_SIMILARITY and not a.quote_ids and not b.quote_ids:
                    pairs.append((similarity, claim.id, a, b))
    pairs.sort(key=lambda p: -p[0])
    pairs = pairs[:MAX_JUDGED_PAIRS]
    # Asked both ways: a contradiction holds whichever sentence is the premise.
    forward = judge.contradiction([(a.text, b.text) for _, _, a, b in pairs])
    backward = judge.contradiction([(b.text, a.text) for _, _, a, b in pairs])
    results = []
    for (_, claim_id, a, b), one, two in zip(pairs, forward, backward, strict=True):
        score = min(one, two)
        if score < MIN_CONFIDENCE:
            continue
        sides = [_side(u.article_id, u.start, u.end, u.text, u.text) for u in (a, b)]
        description = (
            f"{outlets[a.article_id]} and {outlets[b.article_id]} state opposite things here "
            f"(NLI model, {score:.2f})."
        )
        results.append(_scored("negation", description, sides, [claim_id], score))
    return results


def _quote_wording(quotes: Sequence[Quote], outlets: dict[str, str], alignment: Alignment) -> list[Scored]:
    """Quotes of one statement (one ``group_id``) whose direct wording differs between outlets."""
    claim_of: dict[str, str] = {}
    for claim in alignment.claims:
        for unit in alignment.units_of[claim.id]:
            for quote_id in unit.quote_ids:
                claim_of.setdefault(quote_id, claim.id)
    groups: dict[str, list[Quote]] = {}
    for quote in quotes:
        if quote.group_id and quote.kind == "direct":
            groups.setdefault(quote.group_id, []).append(quote)
    results = []
    for group in groups.values():
        members = compared(group, lambda q: q.text)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.article_id == b.article_id:
                    continue
                x, y = _words(a.text), _words(b.text)
                if x == y or x in y or y in x or fuzz.token_set_ratio(x, y) >= QUOTE_SAME_WORDING:
                    continue
                sides = [
                    _side(a.article_id, a.start, a.end, a.text, a.text),
                    _side(b.article_id, b.start, b.end, b.text, b.text),
                ]
                speaker = a.speaker.name if a.speaker else "the speaker"
                description = (
                    f"{outlets[a.article_id]} and {outlets[b.article_id]} quote {speaker} in different words."
                )
                claim_ids = sorted({claim_of[q.id] for q in (a, b) if q.id in claim_of})
                results.append(_scored("quote_wording", description, sides, claim_ids, 0.7))
    return results


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))
