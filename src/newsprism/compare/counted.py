"""Whether the nouns two figures count are one thing when the figures are in different languages.

Within one language the counted noun's lemma is compared as it is ("people" = "people"). Across
languages no lemma is shared ("people" / "человек" / "personas"), so the nouns are compared by the
multilingual model: two words whose vectors are as close as a word and its translation usually
are name one thing. A pair below that is left alone, which loses a conflict rather than invent one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from newsprism.embed import Embedder

# The cosine of the multilingual model between two counted nouns from which they are one thing;
# chosen on the hand-labelled dev pairs (bench/counted_nouns.py) as the lowest with no false match:
# precision 1.00 at recall 0.75 there; Arabic words sit lower and are mostly missed.
COUNTED_NOUN_SAME_COSINE = 0.88
# Counted "nouns" the claim splitter names itself: equal only to themselves.
_NAMED_KINDS = ("percent", "age", "duration", "clock time")


class CountedNouns:
    """Judges counted nouns across languages, each word embedded once."""

    def __init__(self, multilingual: Embedder) -> None:
        self.multilingual = multilingual
        self._vectors: dict[str, NDArray[np.float32]] = {}

    def cosine(self, a: str, b: str) -> float:
        missing = [word for word in (a, b) if word not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.multilingual.embed(missing), strict=True))
        return float(self._vectors[a] @ self._vectors[b])

    def same(self, a: str, b: str) -> bool:
        if a == b:
            return True
        if not a or not b or a.startswith(_NAMED_KINDS) or b.startswith(_NAMED_KINDS):
            return False
        return self.cosine(a, b) >= COUNTED_NOUN_SAME_COSINE
