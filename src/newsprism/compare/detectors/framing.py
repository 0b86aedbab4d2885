"""``framing`` conflicts: one referent named in opposed terms by different outlets, in their own
voice — "spy balloon" in one, "weather balloon" in another; "invasion" / "special military
operation".

The opposed terms are data (``data/<language>/framing-terms.txt``: one referent per line, its
framings side by side), not learned: a list of contested names that style guides and the framing
literature agree on is checkable, and a term that is merely different ("balloon") is never put
against either side. An outlet counts for a framing only when it uses that framing's terms and no
other framing's for the referent (one that writes both reports the dispute, it does not take a
side), and only in its own voice: a term inside a quote or reported speech is the speaker's, and
one after "so-called", "what it called", "suspected" or in quotation marks is held at a distance.
Matching a fixed list is done by hand with one regex per term; no library does this better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsprism.compare.detectors.base import (
    MAX_SIDES_PER_VALUE,
    ConflictContext,
    Pair,
    Scored,
    detector,
    listing,
    scored,
    side,
)
from newsprism.lexicon import ENGLISH, framing_terms, reads_as_english
from newsprism.model import Article, ConflictSide

# Words just before a term (within its sentence) that keep it at a distance from the outlet.
DISTANCING = re.compile(
    r"(?i)\b(?:so[- ]called|dubbed|alleged(?:ly)?|suspected|purported(?:ly)?|"
    r"what\s+(?:\S+\s+){0,4}?(?:calls?|called|terms?|termed|describes?|described|claims?|claimed|says?|said)|"
    r"(?:calls?|called|terms?|termed|describes?|described|labels?|labell?ed|brands?|branded)\s+(?:it|them|this|the\s+\w+)?\s*(?:as\s+)?(?:an?\s+)?)"
)
DISTANCING_WINDOW = 80  # characters looked back, cut at the sentence's start
QUOTE_MARKS = "\"'“”‘’«»„"


@dataclass(frozen=True)
class Referent:
    framings: tuple[tuple[str, ...], ...]  # each framing's terms, the first naming it

    @property
    def label(self) -> str:
        return " / ".join(f'"{terms[0]}"' for terms in self.framings)


def referents(language: str = ENGLISH) -> tuple[Referent, ...]:
    return tuple(Referent(framings) for framings in framing_terms(language))


@cache
def _pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s-]+", term)]
    return re.compile(r"(?i)(?<![\w-])" + r"[\s-]+".join(words) + r"(?:s|es)?(?![\w-])")


@detector("framing", scope="story", order=90, evidence="lexicon")
def detect_opposed_terms(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    results = []
    for referent in referents():
        found = _opposed(context, referent)
        if found is not None:
            results.append(found)
    return results


def _opposed(context: ConflictContext, referent: Referent) -> Scored | None:
    """One conflict when outlets that use only one framing's terms split between framings."""
    by_outlet: dict[str, dict[int, list[ConflictSide]]] = {}  # outlet → framing → where
    for article in context.articles:
        if not reads_as_english(article.language):
            continue
        outlet = context.outlets[article.id]
        for index, terms in enumerate(referent.framings):
            for term in terms:
                for match in _pattern(term).finditer(article.text):
                    if _own_voice(context, article, match.start(), match.end()):
                        by_outlet.setdefault(outlet, {}).setdefault(index, []).append(
                            side(article.id, match.start(), match.end(), match.group(0), terms[0])
                        )
    taking_a_side: dict[int, list[tuple[str, ConflictSide]]] = {}
    for outlet, framings in by_outlet.items():
        if len(framings) == 1:
            ((index, sides),) = framings.items()
            taking_a_side.setdefault(index, []).append((outlet, min(sides, key=lambda s: s.start)))
    if len(taking_a_side) < 2:
        return None
    sides = [s for index in sorted(taking_a_side) for _, s in taking_a_side[index][:MAX_SIDES_PER_VALUE]]
    parts = [
        f'{listing([outlet for outlet, _ in taking_a_side[index]])} "{referent.framings[index][0]}"'
        for index in sorted(taking_a_side)
    ]
    description = f"Opposed terms for one referent ({referent.label}): " + "; ".join(parts)
    claim_ids = sorted({c for s in sides if (c := context.claim_at(s.article_id, s.start)) is not None})
    return scored("framing", description, sides, claim_ids, 1.0)


def _own_voice(context: ConflictContext, article: Article, start: int, end: int) -> bool:
    """Whether the outlet itself uses the term here: not quoting, not reporting another's words,
    not keeping it at a distance."""
    for quote in context.quotes:
        if quote.article_id == article.id and quote.start <= start and end <= quote.end:
            return False
    text = article.text
    before = text[max(0, start - DISTANCING_WINDOW) : start]
    sentence_start = max(before.rfind(". "), before.rfind("\n"), before.rfind("? "), before.rfind("! "))
    before = before[sentence_start + 1 :]
    if before.rstrip()[-1:] in QUOTE_MARKS or text[end : end + 1] in QUOTE_MARKS:
        return False
    return DISTANCING.search(before) is None
