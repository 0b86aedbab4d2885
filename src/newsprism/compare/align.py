"""Group claim units that state the same thing across articles into claims.

Recall comes from sentence embeddings (translations and paraphrases land close); precision from
agreement checks: a claim holds at most one unit per article, groups join by average linkage
(which stops chains such as A~B~C from pulling unrelated units together), and the score adds a
small bonus for shared entities. Thresholds were chosen on the labelled stories
in tests/data/compare (see bench/compare_eval.py, which prints the sweep).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from newsprism.compare.claims import Unit
from newsprism.embed import Embedder, default_embedder
from newsprism.model import Claim

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Cosine of *centred* embeddings (see centred) + ENTITY_BONUS × entity Jaccard + LEXICAL_WEIGHT ×
# lexical agreement must reach ALIGN_THRESHOLD for two units to state the same thing, and a
# group's members must average LINK_THRESHOLD with the group they join. Raw MiniLM cosines put any
# two sentences of one story at 0.6–0.75 (same people, same place); centred, paraphrases of one
# fact mostly stay above 0.4 while same-topic sentences about different facts fall below. Shared
# content words and figures add evidence the embedding misses ("Sixty residents were moved" /
# "Around 60 people … evacuated"). Chosen by the sweep in bench/compare_eval.py on
# tests/data/compare (12 stories), preferring precision (a wrong "shared" misleads): with these
# values pair precision 0.887, recall 0.407; without the lexical term, 0.40/0.30 gave 0.829/0.419
# and 0.55/0.45 gave 0.903/0.335.
ALIGN_THRESHOLD = 0.55
ENTITY_BONUS = 0.05
LINK_THRESHOLD = 0.45
LEXICAL_WEIGHT = 0.30
# How many units the story's own mean counts for against the general-news background mean.
BACKGROUND_WEIGHT = 30.0


@dataclass
class Alignment:
    claims: list[Claim]
    units_of: dict[str, list[Unit]]  # claim id → its units
    similarity: dict[tuple[str, str], float]  # unit-id pair → cosine, for pairs inside a claim
    # The units' embeddings (L2-normalised, one row per unit in the order given) and the row of each
    # unit id: later stages (topics, summary) reuse them rather than embedding again.
    embeddings: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))
    row_of: dict[str, int] = field(default_factory=dict)

    def claim_vector(self, claim_id: str, vectors: NDArray[np.float32] | None = None) -> NDArray[np.float32]:
        """The normalised mean of a claim's unit vectors (of ``vectors``, default the embeddings)."""
        source = self.embeddings if vectors is None else vectors
        mean = source[[self.row_of[u.id] for u in self.units_of[claim_id]]].mean(axis=0)
        normalised: NDArray[np.float32] = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
        return normalised


def align_claims(units: Sequence[Unit], embedder: Embedder | None = None) -> Alignment:
    """Claims of a story: every unit belongs to exactly one claim; a claim with units from two or
    more articles is ``shared``, else ``exclusive``. Most-supported claims first."""
    if not units:
        return Alignment([], {}, {})
    embedder = embedder or default_embedder()
    vectors = embedder.embed([u.text for u in units])
    cosine = vectors @ vectors.T
    centred_vectors = centred(vectors)
    parent = list(range(len(units)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    score = centred_vectors @ centred_vectors.T
    # The entity and lexical terms are computed only for pairs they could lift over the threshold:
    # on a 50-article story that is a few thousand of two million pairs.
    reachable = np.argwhere(np.triu(score >= ALIGN_THRESHOLD - ENTITY_BONUS - LEXICAL_WEIGHT, k=1))
    for i, j in reachable:
        if units[i].article_id == units[j].article_id:
            continue
        bonus = ENTITY_BONUS * _jaccard(units[i].entity_ids, units[j].entity_ids)
        bonus += LEXICAL_WEIGHT * _lexical(units[i], units[j])
        score[i, j] += bonus
        score[j, i] += bonus
    # Greedy average-linkage clustering with a cannot-link rule: pairs from different articles are
    # merged best first; two groups join only if they share no article (an outlet states a fact
    # once per claim) and their members are on average still similar enough, which stops chains.
    article_of = np.array([u.article_id for u in units])
    pairs = np.argwhere(np.triu(score >= ALIGN_THRESHOLD, k=1))
    pairs = pairs[article_of[pairs[:, 0]] != article_of[pairs[:, 1]]]
    candidates = sorted(((float(score[i, j]), int(i), int(j)) for i, j in pairs), reverse=True)
    members_of: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    articles_of: dict[int, set[str]] = {i: {units[i].slot} for i in range(len(units))}
    for _, i, j in candidates:
        a, b = root(i), root(j)
        if a == b or articles_of[a] & articles_of[b]:
            continue
        if float(score[np.ix_(members_of[a], members_of[b])].mean()) < LINK_THRESHOLD:
            continue
        parent[b] = a
        members_of[a].extend(members_of.pop(b))
        articles_of[a] |= articles_of.pop(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(units)):
        groups[root(i)].append(i)

    claims: list[Claim] = []
    units_of: dict[str, list[Unit]] = {}
    similarity: dict[tuple[str, str], float] = {}
    for members in groups.values():
        members.sort(key=lambda i: (units[i].article_id, units[i].start))
        group_units = [units[i] for i in members]
        claim_id = "c" + hashlib.sha256("|".join(u.id for u in group_units).encode()).hexdigest()[:10]
        medoid = max(members, key=lambda i: float(cosine[i, members].mean()))
        article_ids = list(dict.fromkeys(u.article_id for u in group_units))
        claims.append(
            Claim(
                id=claim_id,
                text=units[medoid].text,
                support=[u.span() for u in group_units],
                article_ids=article_ids,
                status="shared" if len(article_ids) >= 2 else "exclusive",
            )
        )
        units_of[claim_id] = group_units
        for x in members:
            for y in members:
                if x < y:
                    similarity[(units[x].id, units[y].id)] = float(cosine[x, y])
    first_seen = {u.id: i for i, u in enumerate(units)}
    claims.sort(key=lambda c: (-len(c.article_ids), first_seen[units_of[c.id][0].id]))
    return Alignment(claims, units_of, similarity, vectors, {u.id: i for i, u in enumerate(units)})


@cache
def _background() -> NDArray[np.float32]:
    with resources.files("newsprism.data").joinpath("news-background.npy").open("rb") as handle:
        background: NDArray[np.float32] = np.asarray(np.load(handle), dtype=np.float32)
    return background


def centred(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Vectors minus what they share with all news and with the rest of the story, renormalised:
    the story mean, weighted by its size against a general-news background mean (so that a
    two-sentence story is not centred on itself), is subtracted before comparing."""
    n = len(vectors)
    weight = n / (n + BACKGROUND_WEIGHT)
    mean = weight * vectors.mean(axis=0) + (1 - weight) * _background()
    shifted = vectors - mean
    centred: NDArray[np.float32] = (
        shifted / np.maximum(np.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)
    ).astype(np.float32)
    return centred


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _lexical(a: Unit, b: Unit) -> float:
    """Jaccard of content lemmas, raised to 1 when both units state the same figure."""
    if {q.value for q in a.quantities} & {q.value for q in b.quantities}:
        return 1.0
    return _jaccard(a.lemmas, b.lemmas)


def omitted_claims(
    claims: Sequence[Claim], article_ids: Sequence[str], source_of: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """Per article, the shared claims that most other articles report and it does not: supported
    by more than half of the other articles (so with three articles, by both others). Copies of
    one text (``source_of``: article id → the id of the text it copies) count once."""
    source_of = source_of or {}
    omitted: dict[str, list[str]] = {a: [] for a in article_ids}
    others = len({source_of.get(a, a) for a in article_ids}) - 1
    for claim in claims:
        sources = {source_of.get(a, a) for a in claim.article_ids}
        if claim.status != "shared" or len(sources) * 2 <= others:
            continue
        for article_id in article_ids:
            if article_id not in claim.article_ids:
                omitted[article_id].append(claim.id)
    return omitted
