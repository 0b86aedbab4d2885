"""Conflicts inside restatements (issue 13): the same sentence in two outlets with one value
changed is a conflict; an excerpt, a spelling, a contraction or a fuller name is not. Real
spaCy model and embedder."""

from __future__ import annotations

import pytest

from newsprism.compare import compare_story
from newsprism.compare.restatement import pieces, restatement
from newsprism.embed import default_embedder
from newsprism.model import Article, Story
from newsprism.nlp import analyze_language, annotate

from nlp_helpers import article


def _conflicts(a: str, b: str, published: str | None = "2024-03-07"):  # type: ignore[no-untyped-def]
    """Every conflict found, whatever its calibrated confidence (these test the detectors)."""
    articles: list[Article] = [
        article(f"a{i}", text, published).model_copy(update={"outlet": f"Outlet {i}"})
        for i, text in enumerate((a, b))
    ]
    layer = analyze_language(annotate(articles))
    return compare_story(Story.of(articles), layer, default_embedder(), min_confidence=0.0)


def test_restatement_keeps_inner_changes_and_drops_excerpt_edges() -> None:
    a = "Police said seven people were killed in the blast near the market on Sunday."
    b = "Officials confirmed: police said 11 people were killed in the blast near the market on Sunday, a day of mourning."
    found = restatement(pieces(a), pieces(b))
    assert found is not None
    assert [(c.text_a(), c.text_b()) for c in found.changes] == [("seven", "11")]
    assert found.shared > 0.9


def test_both_sides_opening_with_their_own_words_is_a_change_there() -> None:
    a = "John Jenkin, 23, had been drinking at the pub before the crash, police said."
    b = "Mike Ross, 23, had been drinking at the pub before the crash, police said."
    found = restatement(pieces(a), pieces(b))
    assert found is not None
    assert [(c.text_a(), c.text_b()) for c in found.changes] == [("John Jenkin", "Mike Ross")]
    # the share of common words is that of the shared stretch, as for an excerpt
    assert found.shared == 1.0
    ending = restatement(
        pieces("Police said the man had been drinking at the pub on Sunday"),
        pieces("Police said the man had been drinking at the pub on Monday"),
    )
    assert ending is not None and [(c.text_a(), c.text_b()) for c in ending.changes] == [("Sunday", "Monday")]


def test_two_different_sentences_are_no_restatement() -> None:
    assert (
        restatement(
            pieces("The minister met the press on Monday."), pieces("Rain fell all day in the capital.")
        )
        is None
    )


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (
            "Rescuers said 26 people were trapped under the collapsed building in the old town.",
            "Rescuers said 55 people were trapped under the collapsed building in the old town.",
            "number",
        ),
        # a capital opening both sentences is no name: the figure is the change
        (
            "Police said 7 people were killed in the blast near the market on Sunday.",
            "Officials said 11 people were killed in the blast near the market on Sunday.",
            "number",
        ),
        (
            "The council voted to close the old bridge to traffic on Sunday after an inspection.",
            "The council voted to close the old bridge to traffic on Tuesday after an inspection.",
            "date",
        ),
        (
            "The company said the factory was damaged by the fire that broke out overnight.",
            "The company said the factory was not damaged by the fire that broke out overnight.",
            "negation",
        ),
        (
            '"We met with the players and were very much impressed with them," the coach said on Friday.',
            '"We met with the players and were very much disappointed with them," the coach said on Friday.',
            "quote_wording",
        ),
    ],
)
def test_one_value_changed_in_the_same_sentence_is_a_conflict(a: str, b: str, kind: str) -> None:
    comparison = _conflicts(a, b)
    assert [c.kind for c in comparison.conflicts] == [kind]
    (conflict,) = comparison.conflicts
    assert conflict.evidence == "restatement" and conflict.confidence is not None
    assert {s.article_id for s in conflict.sides} == {"a0", "a1"}


def test_a_different_person_in_the_same_sentence_is_an_entity_conflict() -> None:
    comparison = _conflicts(
        '"There will be no real change," said Tadzhigul Begmedova, director of the Helsinki Foundation, by telephone.',
        '"There will be no real change," said Daniel Whitcombe, director of the Helsinki Foundation, by telephone.',
    )
    assert [c.kind for c in comparison.conflicts] == ["entity"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a fuller name of one person
        (
            "Defense Secretary Jim Mattis told reporters on Monday that the troops would stay in the region.",
            "Defense Secretary James Mattis told reporters on Monday that the troops would stay in the region.",
        ),
        # a spoken form and a spelling variant inside a quote
        (
            '"We are gonna realise the plan this year, whatever it costs us," the mayor told the council.',
            '"We are going to realize the plan this year, whatever it costs us," the mayor told the council.',
        ),
        # a shorter excerpt of the same words
        (
            '"We are proud of what the team did tonight and we will be back next season," the coach said.',
            '"We are proud of what the team did tonight," the coach said.',
        ),
        # estimates within their tolerance
        (
            "About 40 people were evacuated from the flooded homes near the river overnight.",
            "About 42 people were evacuated from the flooded homes near the river overnight.",
        ),
        # one figure in digits and in words, an ordinal, a fraction, initials
        (
            '"It was the eleventh hour and we had no choice at all," the mayor told the council on Monday.',
            '"It was the 11th hour and we had no choice at all," the mayor told the council on Monday.',
        ),
        (
            "The suspect was held for 4 1/2 hours at the station before he was released on bail.",
            "The suspect was held for 4.5 hours at the station before he was released on bail.",
        ),
        (
            '"Users of IE should install the update as soon as they can," the company said in a statement.',
            '"Users of Internet Explorer should install the update as soon as they can," the company said in a statement.',
        ),
        # a pronoun or a day opening one sentence where the other names the person
        (
            "Maurice Cheeks was fired as coach of the team on Saturday after a loss at home to the Nets.",
            "He was fired as coach of the team on Saturday after a loss at home to the Nets.",
        ),
        # page furniture
        (
            "Page last updated at 10:32 GMT on Tuesday, 9 December 2008.",
            "Page last updated at 14:05 GMT on Tuesday, 9 December 2008.",
        ),
    ],
)
def test_what_is_not_a_conflict(a: str, b: str) -> None:
    assert _conflicts(a, b).conflicts == []


def test_a_denial_never_shares_a_claim_with_what_it_denies() -> None:
    comparison = _conflicts(
        "The company said the factory was damaged by the fire that broke out overnight.",
        "The company said the factory was not damaged by the fire that broke out overnight.",
    )
    (conflict,) = comparison.conflicts
    sides = {s.article_id: s for s in conflict.sides}
    for claim in comparison.claims:
        holders = {s.article_id for s in claim.support}
        assert holders != {"a0", "a1"}, "a shared claim joins an assertion and its denial"
    assert sides["a1"].value == "denies it"


def test_near_verbatim_sentences_are_always_aligned() -> None:
    comparison = _conflicts(
        "The storm knocked out power to about 300,000 homes across the northern counties late on Friday.",
        "The storm knocked out power to about 300,000 homes across the northern counties late Friday night.",
    )
    assert any(c.status == "shared" for c in comparison.claims)
