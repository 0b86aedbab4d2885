"""Which quotes of different articles are one statement, and that finding them stays linear."""

from __future__ import annotations

import itertools
import random

from newsprism.compare.quote_groups import _candidates, group_quotes, same_statement
from newsprism.model import Quote, Speaker
from newsprism.nlp import extract_quotes, resolve_entities

from nlp_helpers import story


def _quotes(*texts: str) -> list[Quote]:
    annotated = story(*texts)
    return group_quotes(extract_quotes(annotated, resolve_entities(annotated)), annotated)


def _one(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if fragment in q.text]
    assert len(found) == 1, f"{fragment!r}: {[q.text for q in quotes]}"
    return found[0]


def test_the_same_statement_in_two_outlets_shares_a_group() -> None:
    quotes = _quotes(
        "“It was clear coming in that the relationship was at a point of instability, and both parties "
        "recognized the need to work to stabilize it,” Antony Blinken said on Monday.",
        "“It was clear that the relationship was at a point of instability and both parties recognized that it "
        "had to be stabilized,” Blinken said.",
        "“We want to see success in all parts of the world, including major economies,” Blinken said.",
    )
    first, second = _one(quotes, "coming in"), _one(quotes, "had to be stabilized")
    other = _one(quotes, "success in all parts")
    assert first.group_id is not None and first.group_id == second.group_id
    assert other.group_id is None
    for quote in quotes:
        assert quote.text  # every quote is an exact view (checked against the text below)


def test_candidates_hold_every_pair_that_can_be_one_statement() -> None:
    """Prefix filtering must never drop a pair that all-pairs comparison would group."""
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(40)]
    quotes, words = [], {}
    for n in range(150):
        chosen = frozenset(rng.sample(vocabulary, rng.randint(0, 12)))
        speaker = Speaker(name="X", entity_id=rng.choice(["e1", "e2", None]), role=None)
        quote = Quote(
            id=f"q{n}", article_id=f"a{n % 9}", start=0, end=1, text="x", kind="direct",
            speaker=speaker if rng.random() < 0.8 else None, group_id=None,
        )  # fmt: skip
        quotes.append(quote)
        words[quote.id] = chosen
    candidates = set(_candidates([words[q.id] for q in quotes]))
    matching = {
        (i, j)
        for i, j in itertools.combinations(range(len(quotes)), 2)
        if same_statement(quotes[i], quotes[j], words[quotes[i].id], words[quotes[j].id])
    }
    assert matching and matching <= candidates
    assert len(candidates) < len(quotes) * (len(quotes) - 1) / 2  # and fewer than all pairs
