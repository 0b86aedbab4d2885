"""``negation``: one says it happened, the other that it did not, about the same thing with the
same verb, in two units this similar."""

from __future__ import annotations

from newsprism.compare.claims import Unit
from newsprism.compare.detectors.base import ConflictContext, Pair, Scored, detector, scored, side
from newsprism.compare.restatement import NEGATOR_WORDS

# Negation is judged only between units this similar (cosine): "agreed to X" / "did not agree to X".
NEGATION_MIN_SIMILARITY = 0.75


@detector("negation", scope="pair", order=30)
def detect(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    assert pair is not None
    return _negation(pair.claim_id, pair.a, pair.b, context.outlets, pair.similarity)


def _negation(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], similarity: float) -> list[Scored]:
    """One says it happened, the other that it did not, about the same thing with the same verb."""
    if a.negated == b.negated or similarity < NEGATION_MIN_SIMILARITY or not a.verb or a.verb != b.verb:
        return []
    if NEGATOR_WORDS.search(b.text if a.negated else a.text):
        return []  # both negate something: the negation moved ("I didn't feel we were" / "I feel we weren't")
    sides = [
        side(a.article_id, a.start, a.end, a.text, ("not " if a.negated else "") + a.verb),
        side(b.article_id, b.start, b.end, b.text, ("not " if b.negated else "") + b.verb),
    ]
    yes, no = (b, a) if a.negated else (a, b)
    description = f"{outlets[yes.article_id]} states it (“{yes.verb}”); {outlets[no.article_id]} says the opposite (“not {no.verb}”)."
    return [
        scored(
            "negation",
            description,
            sides,
            [claim_id],
            0.5 + 0.5 * min(1.0, (similarity - NEGATION_MIN_SIMILARITY) / (1 - NEGATION_MIN_SIMILARITY)),
        )
    ]
