"""The neutral brief on the bundled sample: cited summary sentences, highlights, valid spans."""

from __future__ import annotations

from functools import cache

from newsprism.analysis import analyze_story
from newsprism.brief import citation_balance, states
from newsprism.clean import clean_document
from newsprism.compare.claims import Quantity, Unit
from newsprism.model import Brief, Span, Story, SummarySentence
from newsprism.read import read_inputs
from newsprism.render.json import brief_to_dict, validate_brief

from conftest import SAMPLE_DIR


@cache
def sample() -> Brief:
    articles = [clean_document(d) for d in read_inputs([str(SAMPLE_DIR)]) if not isinstance(d, Exception)]
    return analyze_story(Story.of(articles))


def test_every_summary_sentence_is_an_outlets_words_citing_only_articles_of_its_claim() -> None:
    brief = sample()
    assert 5 <= len(brief.summary) <= 10
    claims = {c.id: c for c in brief.claims}
    texts = {a.id: a.text for a in brief.articles}
    for sentence in brief.summary:
        (claim_id,) = sentence.claim_ids
        claim = claims[claim_id]
        assert set(sentence.citations) <= set(claim.article_ids)
        assert sentence.citations == list(dict.fromkeys(s.article_id for s in sentence.support))
        shown = next(s for s in sentence.support if s.text == sentence.text)
        assert shown.article_id in sentence.citations
        for span in sentence.support:
            assert texts[span.article_id][span.start : span.end] == span.text
    assert validate_brief(brief_to_dict(brief)) == []


def test_the_summary_takes_no_side_in_a_conflict_and_draws_on_outlets_evenly() -> None:
    brief = sample()
    sides = {(s.article_id, s.text) for c in brief.conflicts for s in c.sides}
    for sentence in brief.summary:
        shown = next(s for s in sentence.support if s.text == sentence.text)
        assert not any(a == shown.article_id and text in shown.text for a, text in sides)
    assert citation_balance(brief.summary, [a.id for a in brief.articles]) > 0.9
    assert len(set().union(*(s.citations for s in brief.summary))) == len(brief.articles)


def test_highlights_are_exclusive_claims_in_their_outlets_words() -> None:
    brief = sample()
    claims = {c.id: c for c in brief.claims}
    assert {h.article_id for h in brief.highlights} == {a.id for a in brief.articles}
    for highlight in brief.highlights:
        assert claims[highlight.claim_id].article_ids == [highlight.article_id]
        assert highlight.support[0].text == highlight.text


def _unit(text: str, lemmas: str, figures: tuple[float, ...] = ()) -> Unit:
    quantities = [
        Quantity(
            value=v, counted="mile", approximate=False, span=Span(article_id="a", start=0, end=1, text="x")
        )
        for v in figures
    ]
    return Unit(
        id=text,
        article_id="a",
        start=0,
        end=len(text),
        text=text,
        lemmas=frozenset(lemmas.split()),
        quantities=quantities,
    )


def test_a_summary_sentence_cites_only_what_states_it() -> None:
    shown = _unit(
        "Jackson will play in Sunday's playoff game despite his arrest for DUI.",
        "jackson play sunday playoff game despite arrest dui",
    )
    headline = _unit("Chargers' Jackson arrested on suspicion of DUI", "charger jackson arrest suspicion dui")
    restating = _unit(
        "Jackson will play in the playoff game on Sunday despite his DUI arrest.",
        "jackson play playoff game sunday despite dui arrest",
    )
    assert not states(headline, shown) and states(restating, shown)
    deep = _unit("The quake struck at a depth of 1.2 miles.", "quake strike depth mile", (1.2,))
    deeper = _unit("The quake struck at a depth of 12 miles.", "quake strike depth mile", (12.0,))
    assert not states(deeper, deep)


def test_citation_balance_is_normalised_entropy() -> None:
    even = [SummarySentence(text="x", citations=["a", "b"], claim_ids=[])]
    one_sided = [SummarySentence(text="x", citations=["a"], claim_ids=[])] * 3
    assert citation_balance(even, ["a", "b"]) == 1.0
    assert citation_balance(one_sided, ["a", "b"]) == 0.0
    assert citation_balance([], ["a", "b"]) == 0.0
