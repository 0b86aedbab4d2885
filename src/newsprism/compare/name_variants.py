"""Names spelled differently: one person's name written differently by different articles
("Antony" / "Anthony Blinken"). A reader checking names wants to know, but a spelling is not a
disagreement about what happened, so these are listed apart from the conflicts (the brief's
``name_variants``)."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from newsprism.compare.detectors.base import MAX_COMPARED_PER_GROUP, MAX_SIDES_PER_VALUE, listing, side
from newsprism.lexicon import fold
from newsprism.model import Mention, NameVariant
from newsprism.nlp.entities import EntityIndex


def name_variants(entities: EntityIndex, outlets: dict[str, str]) -> list[NameVariant]:
    """One person's name spelled differently by different articles ("Antony Blinken" / "Anthony
    Blinken"): one word of a full name differs by one or two letters, and no article uses both
    spellings. Transliterations ("Zelensky" / "Zelenskyy") are listed too."""
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
                    side(m.article_id, m.start, m.end, m.text or "", m.text or "")
                    for form in (x, y)
                    for m in list(spellings[form].values())[:MAX_SIDES_PER_VALUE]
                ]
                spelt = [next(iter(spellings[f].values())).text for f in (x, y)]
                description = (
                    f"{listing([outlets[a] for a in spellings[x]])} spell the name “{spelt[0]}”; "
                    f"{listing([outlets[a] for a in spellings[y]])} “{spelt[1]}”."
                )
                results.append(
                    NameVariant(entity_id=entity.id, name=entity.name, description=description, sides=sides)
                )
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
