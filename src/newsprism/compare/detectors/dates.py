"""``date``: the same event dated differently in one claim: each side states one date of the same
kind (a day, a month, a year, a weekday) and they differ; "until Monday" bounds, "on Saturday"
dates, so the two are not compared."""

from __future__ import annotations

from newsprism.compare.claims import Unit
from newsprism.compare.detectors.base import ConflictContext, Pair, Scored, detector, scored, side
from newsprism.lexicon import WEEKDAYS
from newsprism.model import DateExpression


@detector("date", scope="pair", order=20)
def detect(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    assert pair is not None
    return _dates(pair.claim_id, pair.a, pair.b, context.outlets)


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
            side(a.article_id, da.start, da.end, da.text, va),
            side(b.article_id, db.start, db.end, db.text, vb),
        ]
        description = (
            f"{outlets[a.article_id]} dates it {va} ({da.text}); {outlets[b.article_id]} {vb} ({db.text})."
        )
        return [scored("date", description, sides, [claim_id], confidence)]
    return []


def _word_before(unit: Unit, date: DateExpression) -> str:
    words = unit.text[: date.start - unit.start].split()
    return words[-1].lower() if words else ""


_BOUNDS = frozenset({"until", "till", "by", "since", "from", "before", "after", "through"})


def _anchor(word: str) -> str:
    return word if word in _BOUNDS else "at"


def _one_date(unit: Unit, kind: str) -> tuple[str, DateExpression] | None:
    if kind == "weekday":
        found = [(w, d) for d in unit.dates if d.value is None for w in WEEKDAYS if w in d.text.lower()]
    else:
        found = [(d.value, d) for d in unit.dates if d.precision == kind and d.value]
    values = {v for v, _ in found}
    if len(values) != 1:
        return None
    value, date = found[0]
    return str(value), date
