"""The language layer never crashes on odd text and every offset it emits is an exact view."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.nlp import analyze_language, annotate

from nlp_helpers import article

_PIECES = [
    "Maria Lopez",
    "Lopez",
    "the minister",
    "He",
    "she",
    "said",
    "told reporters",
    "according to",
    "according to [1]",
    "according to »",
    "“",
    "”",
    '"',
    "'",
    "«",
    "»",
    "‘",
    "’",
    "’’",
    ":",
    ",",
    ".",
    "(",
    ")",
    "on Monday",
    "last year",
    "Jan. 15",
    "in February 2023",
    "the Secretary of State",
    "Acme Corp's CEO",
    "the group",
    "the statement said",
    "Rock 'n' roll",
    "the '90s",
    "*",
    "…",
    "\n\n",
    "\n",
    "We will win",
    "It was a good day for the city",
    "Dr.",
    "whose chair",
    "US",
    "U.S.",
    "China's",
    "Xi Jinping",
]
_text = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_text, min_size=1, max_size=3), st.sampled_from([None, "2024-03-06"]))
def test_odd_text_never_crashes_and_offsets_are_exact(texts: list[str], published: str | None) -> None:
    articles = [article(f"a{i}", text, published) for i, text in enumerate(texts)]
    layer = analyze_language(annotate(articles))
    by_id = {a.id: a.text for a in articles}
    for entity in layer.entities.entities:
        for mention in entity.mentions:
            assert by_id[mention.article_id][mention.start : mention.end] == mention.text
        for role in entity.roles:
            for span in role.support:
                assert by_id[span.article_id][span.start : span.end] == span.text
    for quote in layer.quotes:
        assert by_id[quote.article_id][quote.start : quote.end] == quote.text
        if quote.speaker is not None and quote.speaker.span is not None:
            span = quote.speaker.span
            assert by_id[span.article_id][span.start : span.end] == span.text
    for date in layer.dates:
        assert by_id[date.article_id][date.start : date.end] == date.text
    for event in layer.timeline:
        for span in event.support:
            assert by_id[span.article_id][span.start : span.end] == span.text


def test_according_to_followed_by_punctuation() -> None:
    text = "Inflation rose to 3.2% in February, according to [1]. Prices climbed, according to ». Growth slowed, according to *."
    layer = analyze_language(annotate([article("a0", text)]))
    assert all(q.speaker is None or q.speaker.name.strip("[]»*. ") for q in layer.quotes)


def test_an_unclosed_quotation_mark_does_not_swallow_the_article() -> None:
    text = (
        "“We will not give up on this city, the mayor said on Tuesday.\n\n"
        "“Nor will we raise taxes this year, she added.\n\n"
        "The council meets again in March."
    )
    layer = analyze_language(annotate([article("a0", text)]))
    assert not any("council meets" in q.text for q in layer.quotes)


def test_apostrophes_do_not_open_quotes() -> None:
    text = "'Tis the season, he said. Rock 'n' roll is here to stay and the '90s were good. Guns N' Roses played."
    layer = analyze_language(annotate([article("a0", text)]))
    assert [q for q in layer.quotes if q.kind == "direct"] == []
