"""``number``: the same counted thing given different figures in one claim ("killed 7" /
"killed 11"); times of day ("3 p.m." / "5:30 p.m.") are reported as ``date``. A bound and a figure
within it ("at least 12" / "15"), a range, or two estimates within a few per cent agree."""

from __future__ import annotations

import re

from newsprism.compare.claims import Quantity, Unit
from newsprism.compare.counted import CountedNouns
from newsprism.compare.detectors.base import ConflictContext, Pair, Scored, detector, scored, side
from newsprism.lexicon import fold

# Two approximate figures ("about 40" / "about 42") within this relative distance agree.
APPROXIMATE_TOLERANCE = 0.15
# "About 1:30 a.m." and "1:45 a.m." agree; "about 4.30am" and "about 6.30am" do not.
CLOCK_TOLERANCE = 20


@detector("number", scope="pair", order=10)
def detect(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    assert pair is not None
    across = context.counted_nouns if pair.across is not None else None
    return _numbers(pair.claim_id, pair.a, pair.b, context.outlets, across)


def _numbers(
    claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], across: CountedNouns | None = None
) -> list[Scored]:
    """The same counted thing with different figures: "killed 7" / "killed 11", "a two-hour
    meeting" / "a 40-minute meeting" is left to the counted noun (hour vs minute differ). For a
    pair in two languages (``across``: what judges their counted nouns, "7 people" / "12 человек")
    only two exact figures are compared: bounds are not read in every language."""
    results = []
    for qa in a.quantities:
        for qb in b.quantities:
            if not qa.counted or not qb.counted or consistent(qa, qb):
                continue
            if across is not None:
                if qa.approximate or qb.approximate or not across.same(qa.counted, qb.counted):
                    continue
            elif qa.counted != qb.counted:
                continue
            # Two figures for one noun in a unit ("0-60 mph … 109 mph"), or a range, cannot be
            # paired with the other side's figure with any confidence.
            if _count(a, qa.counted) > 1 or _count(b, qb.counted) > 1 or in_range(qa) or in_range(qb):
                continue
            # The same noun counted differently in two units of one claim: strong when both are exact.
            confidence = 0.9 if not (qa.approximate or qb.approximate) else 0.6
            sides = [
                side(a.article_id, qa.span.start, qa.span.end, qa.span.text, format_quantity(qa)),
                side(b.article_id, qb.span.start, qb.span.end, qb.span.text, format_quantity(qb)),
            ]
            clock = qa.counted.startswith("clock time")
            what = "the time as " if clock else ""
            description = f"{outlets[a.article_id]} gives {what}“{qa.span.text}” where {outlets[b.article_id]} gives “{qb.span.text}”."
            results.append(scored("date" if clock else "number", description, sides, [claim_id], confidence))
    return results


def _count(unit: Unit, counted: str) -> int:
    return sum(1 for q in unit.quantities if q.counted == counted)


def in_range(quantity: Quantity) -> bool:
    """ "0-60 mph", "five to seven hours", "between 10 and 12": part of a range, not a figure."""
    before = quantity.before.rstrip()
    return before.endswith(("-", "–", "to", "and")) or bool(re.search(r"\d\s*[-–]\s*$", before))


def consistent(a: Quantity, b: Quantity) -> bool:
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
        if (
            re.search(r"\b(at least|more than|over|upwards of|plus)\b", context)
            and other.value >= bound.value
        ):
            return True
        if (
            re.search(r"\b(up to|fewer than|less than|under|nearly|almost)\b", context)
            and other.value <= bound.value
        ):
            return True
    return False


def _context(quantity: Quantity) -> str:
    return fold(quantity.before + " " + quantity.span.text)


def format_quantity(quantity: Quantity) -> str:
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
