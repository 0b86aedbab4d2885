"""``entity`` conflicts about who holds a role: one office given to different people across the
story ("Chinese Foreign Minister Wang Yi" / "… Qin Gang"), one title given to different people
inside a claim ("referee Sam Williams" / "referee Michael Griffin"), and an unnamed office holder
with another title ("the finance minister announced" / "the economy minister announced")."""

from __future__ import annotations

from newsprism.compare.claims import Unit
from newsprism.compare.detectors.base import (
    MAX_COMPARED_PER_GROUP,
    MAX_SIDES_PER_VALUE,
    OTHER_TIME,
    ConflictContext,
    Pair,
    Scored,
    Title,
    detector,
    listing,
    scored,
    side,
)
from newsprism.lexicon import country_key, fold
from newsprism.model import Span

# Titles many people hold at once: two different "spokesmen" or "senators" are no contradiction.
SHARED_TITLES = frozenset(
    "spokesman spokeswoman spokesperson official officials senator lawmaker representative congressman "
    "congresswoman analyst expert professor researcher diplomat envoy adviser advisor aide officer member "
    "mp deputy colleague counterpart founder leader head director chief minister ministers secretary "
    "ambassador".split()
)


@detector("entity", scope="pair", order=40, evidence="any")
def detect_unnamed_holders(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    assert pair is not None
    return _subject_titles(pair.claim_id, pair.a, pair.b, context.outlets)


@detector("entity", scope="pair", order=50)
def detect_titles_in_claim(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    assert pair is not None
    return _role_in_claim(pair.claim_id, pair.a, pair.b, context.outlets, context.titles)


@detector("entity", scope="story", order=30)
def detect_office_holders(context: ConflictContext, pair: Pair | None) -> list[Scored]:
    return _office_holders(context) if context.entities is not None else []


def _office_holders(context: ConflictContext) -> list[Scored]:
    """One office given to different people by different articles: "Chinese Foreign Minister Wang
    Yi" in one, "Chinese Foreign Minister Qin Gang" in the others. Only single-holder offices of a
    named country count (not "spokesman", not a bare "President"), no title set in another time
    ("former"), and never when one article names both people for it (then they are two holders)."""
    # (office, country) → entity → article → where the title is written
    assert context.entities is not None
    outlets = context.outlets
    holders: dict[tuple[str, str], dict[str, dict[str, Span]]] = {}
    names: dict[str, str] = {}
    for entity in context.entities.entities:
        if entity.type != "PERSON":
            continue
        names[entity.id] = entity.name
        for role in entity.roles:
            words = fold(role.text).split()
            office, country = role.office or "", country_key(role.country)
            if not office or not country or office in SHARED_TITLES or OTHER_TIME & set(words):
                continue
            for span in role.support:
                per_entity = holders.setdefault((office, country), {}).setdefault(entity.id, {})
                per_entity.setdefault(span.article_id, span)
    results = []
    for by_entity in holders.values():
        ranked = sorted(by_entity.items(), key=lambda item: -len(item[1]))[:MAX_COMPARED_PER_GROUP]
        for i, (id_a, in_a) in enumerate(ranked):
            for id_b, in_b in ranked[i + 1 :]:
                if in_a.keys() & in_b.keys():
                    continue
                sides = [
                    side(span.article_id, span.start, span.end, span.text, names[entity_id])
                    for entity_id, spans in ((id_a, in_a), (id_b, in_b))
                    for span in list(spans.values())[:MAX_SIDES_PER_VALUE]
                ]
                title = next(iter(in_a.values())).text
                description = (
                    f"{listing([outlets[a] for a in in_b])} {'gives' if len(in_b) == 1 else 'give'} "
                    f"the office of {title} to {names[id_b]}; "
                    f"{listing([outlets[a] for a in in_a])} to {names[id_a]}."
                )
                claim_ids = sorted({c for s in sides if (c := context.claim_at(s.article_id, s.start))})
                # Surer when several articles agree on one holder against a lone other.
                confidence = 0.75 if max(len(in_a), len(in_b)) >= 2 else 0.65
                results.append(scored("entity", description, sides, claim_ids, confidence))
    return results


def _role_in_claim(
    claim_id: str, a: Unit, b: Unit, outlets: dict[str, str], titles: dict[str, list[Title]]
) -> list[Scored]:
    """Within one claim, the same title given to different people: "referee Sam Williams stopped
    it" / "referee Michael Griffin stopped it". Any title counts here (two spokesmen for one
    statement disagree too), when the countries, if both given, agree."""
    results = []
    for x in (t for t in titles.get(a.article_id, []) if a.start <= t.span.start < a.end):
        for y in (t for t in titles.get(b.article_id, []) if b.start <= t.span.start < b.end):
            if x.office != y.office or x.entity_id == y.entity_id:
                continue
            if x.country and y.country and x.country != y.country:
                continue
            sides = [side(t.span.article_id, t.span.start, t.span.end, t.span.text, t.name) for t in (x, y)]
            description = (
                f"{outlets[a.article_id]} names {x.name} as {x.span.text}; "
                f"{outlets[b.article_id]} names {y.name}."
            )
            results.append(scored("entity", description, sides, [claim_id], 0.7))
    return results


def _subject_titles(claim_id: str, a: Unit, b: Unit, outlets: dict[str, str]) -> list[Scored]:
    """The same act by an unnamed office holder with a different title: "the finance minister
    announced" / "the economy minister announced". Same head word, different qualifier."""
    ta, tb = a.subject_title, b.subject_title
    if not ta or not tb or ta == tb or ta.split()[-1] != tb.split()[-1] or a.verb != b.verb:
        return []
    if OTHER_TIME & (set(ta.split()) | set(tb.split())):
        return []
    sides = [side(u.article_id, u.start, u.end, u.text, t) for u, t in ((a, ta), (b, tb))]
    description = f"{outlets[a.article_id]} says the {ta} did it; {outlets[b.article_id]} the {tb}."
    return [scored("entity", description, sides, [claim_id], 0.6)]
