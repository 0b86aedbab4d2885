"""``framing`` conflicts (issue 13): one referent named in opposed terms by different outlets in
their own voice. A term quoted, reported or held at a distance is not the outlet's framing, and an
outlet that uses both names reports the dispute rather than taking a side. Real spaCy model and
embedder."""

from __future__ import annotations

from newsprism.compare import compare_story
from newsprism.compare.detectors.framing import referents
from newsprism.embed import default_embedder
from newsprism.model import Article, Conflict, Story
from newsprism.nlp import analyze_language, annotate

from nlp_helpers import article


def _framing(*texts: str) -> list[Conflict]:
    articles: list[Article] = [
        article(f"a{i}", text, "2023-02-05").model_copy(update={"outlet": f"Outlet {i}"})
        for i, text in enumerate(texts)
    ]
    layer = analyze_language(annotate(articles))
    comparison = compare_story(Story.of(articles), layer, default_embedder(), min_confidence=0.0)
    return [c for c in comparison.conflicts if c.kind == "framing"]


def test_opposed_names_in_own_voice_are_a_framing_conflict_with_both_spans() -> None:
    a = "The Pentagon tracked the spy balloon as it drifted over Montana on Thursday. Jets were on standby."
    b = "The weather balloon drifted over Montana on Thursday before it was shot down off the coast."
    found = _framing(a, b)
    assert len(found) == 1
    conflict = found[0]
    assert conflict.evidence == "lexicon"
    texts = {(s.article_id, s.text, s.value) for s in conflict.sides}
    assert texts == {("a0", "spy balloon", "spy balloon"), ("a1", "weather balloon", "weather balloon")}
    for s in conflict.sides:
        source = a if s.article_id == "a0" else b
        assert source[s.start : s.end] == s.text
    assert "Outlet 0" in conflict.description and "Outlet 1" in conflict.description


def test_quoted_reported_or_distanced_terms_are_not_the_outlets_framing() -> None:
    plain = "The spy balloon drifted over Montana on Thursday before fighter jets shot it down."
    for other in (
        'A foreign ministry spokeswoman said: "It was a civilian airship used for research."',
        "Beijing insisted the object was a weather balloon that had strayed off course.",
        "What Beijing called a weather balloon drifted over Montana on Thursday.",
        'The so-called "weather balloon" drifted over Montana on Thursday.',
    ):
        assert _framing(plain, other) == [], other


def test_an_outlet_using_both_names_takes_no_side() -> None:
    a = "The spy balloon drifted over Montana on Thursday before fighter jets shot it down."
    b = "The United States called it a spy balloon; the weather balloon, China says, strayed off course."
    c = "The balloon, which China says was a weather balloon, strayed. The spy balloon was shot down."
    assert _framing(a, c) == []
    assert _framing(a, b) == []


def test_every_referent_has_two_framings_and_no_term_is_on_two_sides() -> None:
    for referent in referents():
        assert len(referent.framings) >= 2, referent
        terms = [t for framing in referent.framings for t in framing]
        assert len(terms) == len(set(terms)), referent
