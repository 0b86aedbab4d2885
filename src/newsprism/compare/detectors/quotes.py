"""``quote_wording``: quotes of one statement (one ``group_id``) whose direct wording differs
between outlets."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from newsprism.compare.align import Alignment
from newsprism.compare.detectors.base import ConflictContext, Pair, Scored, compared, detector, scored, side
from newsprism.lexicon import fold
from newsprism.model import Quote

# Quote wordings that differ by less than this (token-set ratio) are the same words.
QUOTE_SAME_WORDING = 97


@detector("quote_wording", scope="story", order=20)
def detect(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    return _quote_wording(context.quotes, context.outlets, context.alignment)


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
                    side(a.article_id, a.start, a.end, a.text, a.text),
                    side(b.article_id, b.start, b.end, b.text, b.text),
                ]
                speaker = a.speaker.name if a.speaker else "the speaker"
                description = (
                    f"{outlets[a.article_id]} and {outlets[b.article_id]} quote {speaker} in different words."
                )
                claim_ids = sorted({claim_of[q.id] for q in (a, b) if q.id in claim_of})
                results.append(scored("quote_wording", description, sides, claim_ids, 0.7))
    return results


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))
