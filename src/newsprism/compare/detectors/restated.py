"""Conflicts inside restatements: two outlets state one fact in nearly the same words
(compare/restatement.py) and the few words that differ carry a different value — a figure, a
date, a person, a negation, or one word of a quote. This is the surest evidence of a conflict
newsprism has: the rest of the sentence says it is the same fact.

What differs and is *not* a conflict: figures within an estimate's tolerance, two spellings of one
name (or one person named more or less fully), contractions ("gonna" / "going to"), spelling
variants and censored words, and any other change of wording.
"""

from __future__ import annotations

import re
from typing import Protocol

from rapidfuzz.distance import Levenshtein

from newsprism.compare.claims import Quantity, Unit
from newsprism.compare.detectors.base import (
    FURNITURE,
    OTHER_TIME,
    ConflictContext,
    Pair,
    Scored,
    detector,
    scored,
    side,
)
from newsprism.compare.detectors.numbers import consistent, format_quantity, in_range
from newsprism.compare.restatement import (
    NEGATOR_WORDS,
    NEGATORS,
    Change,
    Piece,
    inflected,
    is_negation_change,
)
from newsprism.compare.restatement import (
    pieces as text_pieces,
)
from newsprism.lexicon import WEEKDAYS, fold, honorifics, is_speech_verb, stop_words
from newsprism.model import ConflictKind

# A detector's own score of a conflict in a restatement (it orders findings; the confidence a
# reader sees is the calibrated one, detectors/base.py): RESTATED_BASE_CONFIDENCE, plus
# RESTATED_SHARED_WEIGHT × the share of the shared stretch both sides have word for word (a single figure changed in a
# twenty-word sentence is surer than two changes in ten words).
RESTATED_BASE_CONFIDENCE = 0.6
RESTATED_SHARED_WEIGHT = 0.35
# A change counts only when its shared stretch spans at least this share of the shorter sentence
# (compare/restatement.py, Change.covered).
MIN_COVERED = 0.5
# Two approximate figures ("about 40" / "about 42") within this relative distance agree.
APPROXIMATE_TOLERANCE = 0.15

MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december".split()
)
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
# Spoken forms a transcript or an outlet's style guide may write either way.
SPOKEN_FORMS = {"gonna": "going to", "wanna": "want to", "gotta": "got to", "ok": "okay", "'cause": "because"}
_FIGURE = re.compile(r"^\d+(?:[.,]\d+)*$")
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
# "3:30 p.m." and "4:30 p.m. ET" may be one moment in two zones: times are compared only when
# neither sentence names a zone.
TIME_ZONE = re.compile(r"\b(?:ET|EST|EDT|CT|CST|CDT|MT|PT|PST|PDT|GMT|UTC|BST|CET|local time)\b")
# Two times of day within this many minutes agree ("about 1:30" / "1:45").
CLOCK_TOLERANCE_MINUTES = 20


def _confidence(change: Change) -> float:
    return RESTATED_BASE_CONFIDENCE + RESTATED_SHARED_WEIGHT * change.shared


def _figure(pieces: tuple[Piece, ...]) -> float | None:
    """The one figure a changed run states ("7", "1,200", "seven"), if it states exactly one."""
    values = []
    for piece in pieces:
        if _FIGURE.match(piece.key):
            try:
                values.append(float(piece.key.replace(",", "")))
            except ValueError:
                return None
        elif piece.key in NUMBER_WORDS:
            values.append(float(NUMBER_WORDS[piece.key]))
    return values[0] if len(values) == 1 else None


def _year(pieces: tuple[Piece, ...]) -> bool:
    """A four-digit year in a changed run ("2018", not "2,018")."""
    return any(len(p.key) == 4 and p.key.isdigit() and 1800 <= int(p.key) <= 2100 for p in pieces)


LOWER_BOUNDS = frozenset("least plus over more than".split())
UPPER_BOUNDS = frozenset("under less fewer most".split())
ESTIMATES = frozenset("about around nearly almost some roughly approximately estimated up".split())


def _hedge(unit: Unit, run: tuple[Piece, ...]) -> set[str]:
    """The bound and estimate words in a changed figure's run or the two words before it."""
    before = unit.text[: run[0].start - unit.start].lower().split()[-2:]
    words = {w.strip(",.;:()") for w in before} | {p.key for p in run}
    return words & (LOWER_BOUNDS | UPPER_BOUNDS | ESTIMATES)


def _consistent(x: float, hedge_x: set[str], y: float, hedge_y: set[str]) -> bool:
    """Whether two figures can both be true: "at least 12" and "15", "more than 50" and "103",
    "about 40" and "42" (within APPROXIMATE_TOLERANCE)."""
    if (hedge_x & LOWER_BOUNDS and y >= x) or (hedge_y & LOWER_BOUNDS and x >= y):
        return True
    if (hedge_x & UPPER_BOUNDS and y <= x) or (hedge_y & UPPER_BOUNDS and x <= y):
        return True
    return bool(hedge_x | hedge_y) and abs(x - y) <= APPROXIMATE_TOLERANCE * max(abs(x), abs(y))


def _in_date(unit: Unit, piece: Piece) -> bool:
    return any(d.start <= piece.start < d.end for d in unit.dates)


def _span_of(pieces: tuple[Piece, ...], unit: Unit) -> tuple[int, int, str]:
    start, end = pieces[0].start, pieces[-1].end
    return start, end, unit.text[start - unit.start : end - unit.start]


def _claims(context: ConflictContext, pair: Pair, change: Change) -> list[str]:
    """The claims holding the changed words on either side (none when no unit holds them)."""
    found = set()
    for article_id, run in ((pair.a.article_id, change.a), (pair.b.article_id, change.b)):
        if run and (claim := context.claim_at(article_id, run[0].start)) is not None:
            found.add(claim)
    return sorted(found)


def _replaced(pair: Pair) -> list[Change]:
    """The changes where each side has words (one word or name given for another)."""
    return [c for c in _changes(pair) if c.a and c.b]


def _changes(pair: Pair) -> tuple[Change, ...]:
    """The changes that may be conflicts: none when either sentence is page furniture ("Posted
    on …") or holds a damaged character, and only the sole change of a value (a figure, a time,
    a date word, a name) in its stretch — two figures changed in one sentence are two tallies
    ("6 rifles, 12 magazines" / "14 rifles, 31 magazines"), not one fact told two ways."""
    if pair.restated is None or FURNITURE.match(pair.a.text) or FURNITURE.match(pair.b.text):
        return ()
    if "\ufffd" in pair.a.text or "\ufffd" in pair.b.text:
        return ()
    values: dict[int, int] = {}
    for change in pair.restated.changes:
        if changes_value(change):
            values[change.stretch] = values.get(change.stretch, 0) + 1
    return tuple(
        c
        for c in pair.restated.changes
        if c.covered >= MIN_COVERED
        and not written_alike(c, pair.a, pair.b)
        and (not changes_value(c) or values.get(c.stretch, 0) == 1)
    )


def changes_value(change: Change) -> bool:
    """One value given for another: a figure or time for a figure or time, a date word for a
    date word, a name for a name ("Surrey Police" for "them" is wording)."""
    kinds = _value_kinds(change.a) & _value_kinds(change.b)
    if change.edge and not (
        max(len(change.a), len(change.b)) >= 2 and _is_name(change.a) and _is_name(change.b)
    ):
        # A capital opening both sentences is no name ("Police said …" / "Officials said …"); at
        # an edge, only a full name on one side is ("John Jenkin, 23" / "Mike Ross, 23").
        kinds.discard("name")
    return bool(kinds)


# "4 1/2", "4½", "four and a half", "4.5": the fraction words and marks one figure may carry.
_FRACTION = re.compile(r"^(\d+)?\s*(?:(\d+)\s*/\s*(\d+)|(?:and\s+)?(?:a\s+)?(half|quarter|third))$")
_FRACTION_WORDS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3}
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


class Located(Protocol):
    """A text at its offset in an article (a unit, a quote)."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...


def written_alike(change: Change, a: Located, b: Located) -> bool:
    """One value written two ways by the change of ``a`` into ``b``: a figure in digits and in
    words ("11th" / "eleventh", "4.5" / "4 1/2" / "four and a half"), or a name and its initials
    ("IE" / "Internet Explorer", "U.S." / "United States")."""
    if not change.a or not change.b:
        return False
    x = _spelled_value(a.text[change.a[0].start - a.start : change.a[-1].end - a.start])
    y = _spelled_value(b.text[change.b[0].start - b.start : change.b[-1].end - b.start])
    if x is not None and x == y:
        return True
    return _initials_of(change.a, change.b) or _initials_of(change.b, change.a)


def _spelled_value(text: str) -> tuple[float, bool] | None:
    """The figure a text writes, in digits or words, and whether it is an ordinal."""
    from text_to_num import alpha2digit  # digits for number words, ordinals included

    text = text.replace("\u00bd", " 1/2").replace("\u2044", "/")
    text = alpha2digit(text, "en", threshold=0).replace(",", "").strip().lower()
    if ordinal := _ORDINAL.match(text):
        return float(ordinal.group(1)), True
    try:
        return float(text), False
    except ValueError:
        pass
    fraction = _FRACTION.match(text)
    if fraction is None or (
        fraction.group(1) is None and fraction.group(2) is None and fraction.group(4) is None
    ):
        return None
    whole = float(fraction.group(1) or 0)
    if fraction.group(2) is not None:
        denominator = float(fraction.group(3))
        return (whole + float(fraction.group(2)) / denominator, False) if denominator else None
    return whole + _FRACTION_WORDS[fraction.group(4)], False


def _initials_of(short: tuple[Piece, ...], long: tuple[Piece, ...]) -> bool:
    """Whether ``short`` is written in capitals and is the initials of ``long``'s words (function
    words may be skipped: "DoD" / "Department of Defense")."""
    letters = "".join(p.text for p in short if p.text.strip(".")).replace(".", "")
    if (
        len(letters) < 2
        or not letters.isalpha()
        or not letters[0].isupper()
        or sum(c.isupper() for c in letters) < 2
    ):
        return False
    words = [p.text for p in long if p.text[:1].isalpha()]
    if len(words) < 2:
        return False
    every = "".join(w[0] for w in words).lower()
    content = "".join(w[0] for w in words if w.lower() not in stop_words()).lower()
    return letters.lower() in (every, content)


def _value_kinds(run: tuple[Piece, ...]) -> set[str]:
    kinds = set()
    for p in run:
        if _FIGURE.match(p.key) or CLOCK.match(p.key) or p.key in NUMBER_WORDS:
            kinds.add("figure")
        elif p.key in MONTH_NAMES or p.key in WEEKDAYS:
            kinds.add("date")
        elif p.text[:1].isupper() and (p.key not in stop_words() or p.text.isupper()):
            # "The" or "He" opening a sentence is no name; "US" is.
            kinds.add("name")
    return kinds


def _same_participants(context: ConflictContext, pair: Pair, change: Change) -> bool:
    """Neither sentence names someone or something the other does not, the changed words aside:
    "the Red Sox made an eight-year, $200 million offer" / "the Nationals made an eight-year, $160
    million offer" are two offers. One side naming more (a place, a title) is fine."""
    if context.entities is None:
        return True
    changed = set()
    for article_id, run in ((pair.a.article_id, change.a), (pair.b.article_id, change.b)):
        if run:
            changed |= {
                e.id for _, _, e in context.entities.mentions_in(article_id, run[0].start, run[-1].end)
            }
    only_a = _unwritten(context, pair.a, pair.a.entity_ids - pair.b.entity_ids - changed, pair.b)
    only_b = _unwritten(context, pair.b, pair.b.entity_ids - pair.a.entity_ids - changed, pair.a)
    return not (only_a and only_b)


def _unwritten(
    context: ConflictContext, unit: Unit, entity_ids: frozenset[str], other: Unit
) -> frozenset[str]:
    """The entities of ``unit`` whose words the other sentence does not write: entity recognition
    may read "the Indian Navy" as one name in one article and as "Indian" + "Navy" in another."""
    assert context.entities is not None
    if not entity_ids:
        return entity_ids
    words_of_other = {p.key for p in text_pieces(other.text)}
    written = {
        entity.id
        for start, end, entity in context.entities.mentions_in(unit.article_id, unit.start, unit.end)
        if {p.key for p in text_pieces(unit.text[start - unit.start : end - unit.start])} <= words_of_other
    }
    return entity_ids - written


@detector("number", scope="pair", order=1, evidence="restatement")
def detect_figures(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    """A figure changed inside a restatement: "7 people were killed" / "11 people were killed"."""
    assert pair is not None
    results = []
    for change in _replaced(pair):
        if not _same_participants(context, pair, change):
            continue
        qa, qb = _quantity_in(pair.a, change.a), _quantity_in(pair.b, change.b)
        if qa is not None and qb is not None and (qa.counted or qb.counted):
            # The parse knows what is counted: compare as the claim-level test does (bounds,
            # estimates, clock tolerance), and say what was counted.
            if qa.counted == qb.counted and not (consistent(qa, qb) or in_range(qa) or in_range(qb)):
                results.append(
                    _figure_conflict(
                        context,
                        pair,
                        change,
                        format_quantity(qa),
                        format_quantity(qb),
                        qa.counted.startswith("clock time"),
                    )
                )
            continue
        clock = _clock(change.a), _clock(change.b)
        if clock[0] is not None and clock[1] is not None:
            results.extend(_times(context, pair, change, clock[0], clock[1]))
            continue
        x, y = _figure(change.a), _figure(change.b)
        if x is None or y is None or x == y:
            continue
        if _year(change.a) != _year(change.b):
            continue  # "since 2018" / "in five years": a year and a count say one thing two ways
        if _consistent(x, _hedge(pair.a, change.a), y, _hedge(pair.b, change.b)):
            continue
        dated = _in_date(pair.a, change.a[0]) and _in_date(pair.b, change.b[0])
        results.append(_figure_conflict(context, pair, change, None, None, dated))
    return results


def _quantity_in(unit: Unit, run: tuple[Piece, ...]) -> Quantity | None:
    """The parsed quantity whose figure lies in a changed run."""
    for quantity in unit.quantities:
        if any(quantity.span.start <= p.start < quantity.span.end for p in run):
            return quantity
    return None


def _figure_conflict(
    context: ConflictContext,
    pair: Pair,
    change: Change,
    value_a: str | None,
    value_b: str | None,
    dated: bool,
) -> Scored:
    what = "the date or time as " if dated else ""
    return _changed(
        context,
        pair,
        change,
        "date" if dated else "number",
        "In the same sentence, {a} gives " + what + "“{x}” where {b} gives “{y}”.",
        (value_a, value_b),
    )


def _clock(run: tuple[Piece, ...]) -> int | None:
    """Minutes after midnight (on a 12-hour dial) of a run that is one time of day."""
    found = [CLOCK.match(p.key) for p in run]
    times = [m for m in found if m]
    if len(times) != 1:
        return None
    hours, minutes = int(times[0].group(1)), int(times[0].group(2))
    return (hours % 12) * 60 + minutes


def _times(context: ConflictContext, pair: Pair, change: Change, x: int, y: int) -> list[Scored]:
    if (
        abs(x - y) <= CLOCK_TOLERANCE_MINUTES
        or TIME_ZONE.search(pair.a.text)
        or TIME_ZONE.search(pair.b.text)
    ):
        return []
    return [
        _changed(
            context,
            pair,
            change,
            "date",
            "In the same sentence, {a} gives the time as “{x}” where {b} gives “{y}”.",
        )
    ]


def _changed(
    context: ConflictContext,
    pair: Pair,
    change: Change,
    kind: ConflictKind,
    describe: str,
    values: tuple[str | None, str | None] = (None, None),
) -> Scored:
    """A conflict whose sides are the changed words; ``describe`` is the description with
    {a}/{b} for the outlets and {x}/{y} for the changed words."""
    start_a, end_a, text_a = _span_of(change.a, pair.a)
    start_b, end_b, text_b = _span_of(change.b, pair.b)
    sides = [
        side(pair.a.article_id, start_a, end_a, text_a, values[0] or text_a),
        side(pair.b.article_id, start_b, end_b, text_b, values[1] or text_b),
    ]
    description = describe.format(
        a=context.outlets[pair.a.article_id], b=context.outlets[pair.b.article_id], x=text_a, y=text_b
    )
    return scored(kind, description, sides, _claims(context, pair, change), _confidence(change))


def _braced(text: str) -> str:
    """Text put into a ``str.format`` template as itself."""
    return text.replace("{", "{{").replace("}", "}}")


def _date_word(pieces: tuple[Piece, ...]) -> str | None:
    words = [p.key for p in pieces if p.key in MONTH_NAMES or p.key in WEEKDAYS]
    return words[0] if len(words) == 1 else None


@detector("date", scope="pair", order=1, evidence="restatement")
def detect_date_words(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    """A weekday or month changed inside a restatement: "on Sunday" / "on Tuesday"."""
    assert pair is not None
    results = []
    for change in _replaced(pair):
        x, y = _date_word(change.a), _date_word(change.b)
        if x is None or y is None or x == y or ((x in WEEKDAYS) != (y in WEEKDAYS)):
            continue
        if not _same_participants(context, pair, change):
            continue
        results.append(
            _changed(
                context,
                pair,
                change,
                "date",
                "In the same sentence, {a} says “{x}” where {b} says “{y}”.",
                (x, y),
            )
        )
    return results


@detector("negation", scope="pair", order=1, evidence="restatement")
def detect_negated(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    """One side negates what the other states, in otherwise the same words."""
    assert pair is not None
    results = []
    for change in _changes(pair):
        if not is_negation_change(change) or not _same_participants(context, pair, change):
            continue
        a_negates = any(p.key in NEGATORS for p in change.a)
        negated, plain = (pair.a, pair.b) if a_negates else (pair.b, pair.a)
        words = change.a if a_negates else change.b
        if NEGATOR_WORDS.search(plain.text) or _negation_moved(pair, change):
            continue  # "no terms were disclosed" / "terms were not disclosed" deny alike
        sides = [
            side(plain.article_id, plain.start, plain.end, plain.text, "states it"),
            side(negated.article_id, negated.start, negated.end, negated.text, "denies it"),
        ]
        description = (
            f"{context.outlets[plain.article_id]} states it; {context.outlets[negated.article_id]} "
            f"says the same with “{' '.join(p.text for p in words)}”."
        )
        results.append(
            scored("negation", description, sides, _claims(context, pair, change), _confidence(change))
        )
    return results


def _negation_moved(pair: Pair, change: Change) -> bool:
    """The other side negates elsewhere in the same stretch ("I didn't feel we were" / "I feel
    we weren't"): the negation moved, the meaning stayed."""
    assert pair.restated is not None
    return any(
        other is not change
        and other.stretch == change.stretch
        and is_negation_change(other)
        and any(p.key in NEGATORS for p in other.a) != any(p.key in NEGATORS for p in change.a)
        for other in pair.restated.changes
    )


def _same_person_named(x: str, y: str) -> bool:
    """Two namings of one person: one contained in the other ("Mattis" / "Jim Mattis", "John
    Roberts" / "John G. Roberts Jr."), or the same surname ("Jim" / "James Mattis")."""
    a, b = fold(x).lower().replace(".", "").split(), fold(y).lower().replace(".", "").split()
    if not a or not b:
        return False
    if set(a) <= set(b) or set(b) <= set(a):
        return True
    core_a = [w for w in a if w not in {"jr", "sr", "ii", "iii"}]
    core_b = [w for w in b if w not in {"jr", "sr", "ii", "iii"}]
    return bool(core_a and core_b) and core_a[-1] == core_b[-1]


def _is_name(run: tuple[Piece, ...]) -> bool:
    """One to four capitalised words (a middle initial may be one capital), not only titles
    ("Miss", "Sgt."), and not opening with a function word or a day ("He", "On Saturday")."""
    words = [p.text for p in run]
    if not 1 <= len(words) <= 4 or all(p.key in honorifics() for p in run):
        return False
    first = run[0].key
    if len(first) > 1 and (first in stop_words() or first in WEEKDAYS or first in MONTH_NAMES):
        return False
    return all((w[:1].isupper() and w[1:].islower()) or (len(w) == 1 and w.isupper()) for w in words)


@detector("entity", scope="pair", order=1, evidence="restatement")
def detect_people(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    """A different person in the same place of a restatement: "Smith, the director, said" /
    "Jones, the director, said"."""
    assert pair is not None
    if context.entities is None:
        return []
    results = []
    for change in _replaced(pair):
        start_a, end_a, text_a = _span_of(change.a, pair.a)
        start_b, end_b, text_b = _span_of(change.b, pair.b)
        if not (_is_name(change.a) and _is_name(change.b)):
            continue
        x = context.entities.entity_at(pair.a.article_id, start_a, end_a)
        y = context.entities.entity_at(pair.b.article_id, start_b, end_b)
        # One side the parser knows as a person suffices: the other name stands in the same place
        # of the same sentence (the small model misses some names).
        people = [e for e in (x, y) if e is not None and e.type == "PERSON"]
        if not people or any(e is not None and e.type != "PERSON" for e in (x, y)):
            continue
        if (x is not None and y is not None and x.id == y.id) or _same_person_named(text_a, text_b):
            continue
        if OTHER_TIME & (set(pair.a.text.lower().split()) | set(pair.b.text.lower().split())):
            continue  # "former minister X" / "minister Y": two holders, not one told two ways
        name_a = x.name if x is not None else text_a
        name_b = y.name if y is not None else text_b
        if _same_person_named(name_a, name_b):
            continue
        describe = (
            "In the same sentence, {a} names " + _braced(name_a) + " where {b} names " + _braced(name_b) + "."
        )
        results.append(_changed(context, pair, change, "entity", describe, (name_a, name_b)))
    return results


# Endings that make one word an inflection of another ("want" / "wanted", "progress" / "progressing").
INFLECTIONS = frozenset({"", "s", "es", "ed", "d", "ing", "er", "ly"})


def quoted_words_differ(change: Change) -> bool:
    """A change of a quote's words that is more than form: content words substituted, not a
    function word ("the" / "this"), an inflection, a contraction, a spoken form, a spelling
    variant, one word written as two, a figure (the number detector's) or a censored word."""
    x = " ".join(SPOKEN_FORMS.get(p.key, p.key) for p in change.a)
    y = " ".join(SPOKEN_FORMS.get(p.key, p.key) for p in change.b)
    if x == y or not x or not y:
        return False  # an inserted or dropped word is an excerpt or an ellipsis
    if any(_FIGURE.match(p.key) or CLOCK.match(p.key) for p in (*change.a, *change.b)):
        return False
    function_words = stop_words()
    if all(p.key in function_words for p in (*change.a, *change.b)):
        return False
    if x.replace(" ", "") == y.replace(" ", "") or (
        len(change.a) == len(change.b) == 1 and inflected(x, y, INFLECTIONS)
    ):
        return False
    if "*" in x or "*" in y or "expletive" in x or "expletive" in y:
        return False
    if {x, y} <= {"not", "n't"}:
        return False
    # A spelling variant ("realise" / "realize", "colour" / "color") or a typo; not a prefix that
    # turns a word into its opposite ("impressed" / "unimpressed" differ in the first letter).
    allowed = 1 if min(len(x), len(y)) < 7 else 2
    return not (x[0] == y[0] and Levenshtein.distance(x, y) <= allowed)


def _quoted(piece: Piece, quotes: list[tuple[int, int]]) -> bool:
    """Inside a direct quote the parser found (quotation marks alone are not trusted: a sentence
    may begin inside a quote and end with its closing mark)."""
    return any(s <= piece.start < e for s, e in quotes)


def _attribution(unit: Unit, run: tuple[Piece, ...]) -> bool:
    """Whether a changed run says who spoke ("he told", "Deng, the governor, said"): it holds a
    speech verb, or one follows it."""
    following = unit.text[run[-1].end - unit.start :].split()[:1]
    return any(is_speech_verb(p.key) for p in run) or bool(
        following and is_speech_verb(following[0].strip(",.;:"))
    )


@detector("quote_wording", scope="pair", order=1, evidence="restatement")
def detect_quote_words(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    """One word of a quote shared word for word replaced by another: "We were very impressed" /
    "We were very unimpressed"."""
    assert pair is not None
    results = []
    quoted_a = context.direct_quotes.get(pair.a.article_id, [])
    quoted_b = context.direct_quotes.get(pair.b.article_id, [])
    for change in _replaced(pair):
        if not (_quoted(change.a[0], quoted_a) and _quoted(change.b[0], quoted_b)):
            continue
        if is_negation_change(change) or not quoted_words_differ(change):
            continue
        if _attribution(pair.a, change.a) or _attribution(pair.b, change.b):
            continue
        results.append(
            _changed(
                context,
                pair,
                change,
                "quote_wording",
                "In the same quote, {a} has “{x}” where {b} has “{y}”.",
            )
        )
    return results
