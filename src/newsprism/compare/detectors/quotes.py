"""``quote_wording``: two outlets quote one statement (one quote group) and, inside the words they
share, one has words the other does not — a substituted content word, not an excerpt.

A shorter excerpt of the same words, an ellipsis, spelling, contractions, spoken forms ("gonna")
and censored words are not conflicts; neither are two different remarks of one speaker (they
share no long stretch of words, so they are no restatement of each other).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsprism.compare.align import Alignment
from newsprism.compare.detectors.base import ConflictContext, Pair, Scored, compared, detector, scored, side
from newsprism.compare.detectors.restated import (
    RESTATED_BASE_CONFIDENCE,
    RESTATED_SHARED_WEIGHT,
    quoted_words_differ,
    written_alike,
)
from newsprism.compare.restatement import is_negation_change, pieces, restatement
from newsprism.lexicon import is_speech_verb
from newsprism.model import Quote


@detector("quote_wording", scope="story", order=20)
def detect(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    return _quote_wording(context.quotes, context.outlets, context.alignment)


def _quote_wording(quotes: Sequence[Quote], outlets: dict[str, str], alignment: Alignment) -> list[Scored]:
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
                found = restatement(pieces(a.text, a.start), pieces(b.text, b.start))
                if found is None:
                    continue
                changed = [
                    change
                    for change in found.changes
                    if not is_negation_change(change)
                    and quoted_words_differ(change)
                    and not written_alike(change, a, b)
                    and not any(p.key[:1].isdigit() for p in (*change.a, *change.b))  # the number detector's
                    and not any(is_speech_verb(p.key) for p in (*change.a, *change.b))  # who spoke
                ]
                if not changed:
                    continue
                # One finding per pair of quotes, however many words differ: its sides run from the
                # first changed word to the last, and the description names each change.
                first, last = changed[0], changed[-1]
                start_a, end_a = first.a[0].start, last.a[-1].end
                start_b, end_b = first.b[0].start, last.b[-1].end
                span_a = a.text[start_a - a.start : end_a - a.start]
                span_b = b.text[start_b - b.start : end_b - b.start]
                sides = [
                    side(a.article_id, start_a, end_a, span_a, "; ".join(c.text_a() for c in changed)),
                    side(b.article_id, start_b, end_b, span_b, "; ".join(c.text_b() for c in changed)),
                ]
                speaker = a.speaker.name if a.speaker else "the speaker"
                words = "; ".join(f"“{c.text_a()}” for “{c.text_b()}”" for c in changed)
                description = (
                    f"{outlets[a.article_id]} and {outlets[b.article_id]} quote {speaker} in the same words "
                    f"but these: {words}."
                )
                claim_ids = sorted({claim_of[q.id] for q in (a, b) if q.id in claim_of})
                confidence = RESTATED_BASE_CONFIDENCE + RESTATED_SHARED_WEIGHT * min(
                    c.shared for c in changed
                )
                results.append(scored("quote_wording", description, sides, claim_ids, confidence))
    return results
