"""Where outlets disagree on the same fact: numbers, dates, negation, who did it, a quote's words.

Conflicts are looked for only between units of one aligned claim from different articles, so
both sides are about the same thing. Each kind has its own test, and what is not a conflict is
as deliberate as what is: an estimate and a figure within its bound ("at least 12" / "15"), or
two figures within a few per cent of each other, are consistent; a paraphrase is not a quote
conflict. Each conflict carries a confidence, and conflicts are listed most certain first, so a
reader is not flooded with weak ones.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsprism.compare.align import Alignment
from newsprism.compare.claims import Quantity, Unit
from newsprism.model import Article, Conflict, ConflictKind, ConflictSide, DateExpression, Quote
from newsprism.nlp.entities import EntityIndex, fold

# Two approximate figures ("about 40" / "about 42") within this relative distance agree.
APPROXIMATE_TOLERANCE = 0.15
# Negation is judged only between units this similar (cosine): "agreed to X" / "did not agree to X".
NEGATION_MIN_SIMILARITY = 0.75
# Quote wordings that differ by less than this (token-set ratio) are the same words.
QUOTE_SAME_WORDING = 97
MIN_CONFIDENCE = 0.5


@dataclass
class Scored:
    conflict: Conflict
    confidence: float


def find_conflicts(
    alignment: Alignment,
    articles: Sequence[Article],
    quotes: Sequence[Quote],
    entities: EntityIndex | None = None,
) -> list[Conflict]:
    outlets = {a.id: a.outlet or a.domain or a.id for a in articles}
    holders = _role_holders(entities) if entities is not None else {}
    roles_of: dict[str, UnitRoles] = {}  # per unit, filled as units are met
    found: list[Scored] = []
    for claim in alignment.claims:
        units = alignment.units_of[claim.id]
        for i, a in enumerate(units):
            for b in units[i + 1 :]:
                if a.article_id == b.article_id:
                    continue
                similarity = alignment.similarity.get(
                    (a.id, b.id), alignment.similarity.get((b.id, a.id), 0.0)
                )
                found.extend(_numbers(claim.id, a, b, outlets))
                found.extend(_dates(claim.id, a, b, outlets))
                found.extend(_negation(claim.id, a, b, outlets, similarity))
                for unit in (a, b):
                    if unit.id not in roles_of:
                        roles_of[unit.id] = _roles_in(unit, holders)
                found.extend(_role_holder(claim.id, a, b, outlets, roles_of[a.id], roles_of[b.id]))
    found.extend(_quote_wording(quotes, outlets, alignment))
    kept = [s for s in found if s.confidence >= MIN_CONFIDENCE]
    kept.sort(key=lambda s: -s.confidence)
    unique: dict[str, Conflict] = {}
    for scored in kept:
        conflict = scored.conflict.model_copy(update={"confidence": round(scored.confidence, 2)})
        unique.setdefault(conflict.id, conflict)
    return list(unique.values())


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
            description = f"{outlets[a.article_id]} gives {qa.span.text!r} where {outlets[b.article_id]} gives {qb.span.text!r}."
            results.append(_scored("number", description, sides, [claim_id], confidence))
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


# (article id, start, end) of a role phrase → (role key, entity id, entity name, role text)
RoleMap = dict[tuple[str, int, int], tuple[str, str, str, str]]


def _role_holders(entities: EntityIndex) -> RoleMap:
    """Every role phrase the articles attach to a person, keyed by where it is written."""
    found: RoleMap = {}
    for entity in entities.entities:
        if entity.type != "PERSON":
            continue
        for role in entity.roles:
            words = [w for w in fold(role.text).split() if w not in {"the", "a", "an"}]
            key = " ".join(words[-2:])  # "chinese foreign minister" and "foreign minister" compare
            for span in role.support:
                found[(span.article_id, span.start, span.end)] = (key, entity.id, entity.name, span.text)
    return found


# role key → (entity id, entity name, where the role is written, the role as written)
UnitRoles = dict[str, tuple[str, str, tuple[str, int, int], str]]


def _roles_in(unit: Unit, holders: RoleMap) -> UnitRoles:
    inside: UnitRoles = {}
    for (article_id, start, end), (key, entity_id, name, text) in holders.items():
        if article_id == unit.article_id and unit.start <= start and end <= unit.end:
            inside.setdefault(key, (entity_id, name, (article_id, start, end), text))
    return inside


def _role_holder(
    claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], ra: UnitRoles, rb: UnitRoles
) -> list[Scored]:
    """The same role held by different people in the same claim: "Chinese Foreign Minister Wang Yi
    held talks" / "met the Chinese Foreign Minister, Qin Gang"."""
    results = []
    for key in ra.keys() & rb.keys():
        (id_a, name_a, where_a, text_a), (id_b, name_b, where_b, text_b) = ra[key], rb[key]
        if id_a == id_b:
            continue
        sides = [
            _side(where_a[0], where_a[1], where_a[2], text_a, name_a),
            _side(where_b[0], where_b[1], where_b[2], text_b, name_b),
        ]
        description = (
            f"{outlets[a.article_id]} names {name_a} as {text_a}; {outlets[b.article_id]} names {name_b}."
        )
        results.append(_scored("entity", description, sides, [claim_id], 0.7))
    return results


def _negation(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], similarity: float) -> list[Scored]:
    """One says it happened, the other that it did not, about the same thing with the same verb."""
    if a.negated == b.negated or similarity < NEGATION_MIN_SIMILARITY or not a.verb or a.verb != b.verb:
        return []
    sides = [
        _side(a.article_id, a.start, a.end, a.text, ("not " if a.negated else "") + a.verb),
        _side(b.article_id, b.start, b.end, b.text, ("not " if b.negated else "") + b.verb),
    ]
    yes, no = (b, a) if a.negated else (a, b)
    description = (
        f"{outlets[yes.article_id]} reports that it did {yes.verb}; {outlets[no.article_id]} that it did not."
    )
    return [
        _scored(
            "negation",
            description,
            sides,
            [claim_id],
            0.5 + 0.5 * min(1.0, (similarity - NEGATION_MIN_SIMILARITY) / (1 - NEGATION_MIN_SIMILARITY)),
        )
    ]


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
    for members in groups.values():
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
