"""The neutral brief on the bundled sample: cited summary sentences, highlights, valid spans."""

from __future__ import annotations

from functools import cache

from newsprism.analysis import analyze_story
from newsprism.brief import citation_balance
from newsprism.clean import clean_document
from newsprism.model import Brief, Story, SummarySentence
from newsprism.read import read_inputs
from newsprism.render.json import brief_to_dict, validate_brief

from conftest import SAMPLE_DIR


@cache
def sample() -> Brief:
    articles = [clean_document(d) for d in read_inputs([str(SAMPLE_DIR)]) if not isinstance(d, Exception)]
    return analyze_story(Story.of(articles))


def test_every_summary_sentence_is_an_outlets_words_citing_all_that_support_it() -> None:
    brief = sample()
    assert 5 <= len(brief.summary) <= 10
    claims = {c.id: c for c in brief.claims}
    texts = {a.id: a.text for a in brief.articles}
    for sentence in brief.summary:
        (claim_id,) = sentence.claim_ids
        claim = claims[claim_id]
        assert sentence.citations == claim.article_ids and len(sentence.citations) >= 2
        assert any(s.text == sentence.text for s in sentence.support)
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


def test_citation_balance_is_normalised_entropy() -> None:
    even = [SummarySentence(text="x", citations=["a", "b"], claim_ids=[])]
    one_sided = [SummarySentence(text="x", citations=["a"], claim_ids=[])] * 3
    assert citation_balance(even, ["a", "b"]) == 1.0
    assert citation_balance(one_sided, ["a", "b"]) == 0.0
    assert citation_balance([], ["a", "b"]) == 0.0
