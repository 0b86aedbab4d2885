"""The gold and judgement helpers of newsprism.evaluation.judged: sentence numbering for a reader,
and recall of the facts a reader found both articles state."""

from __future__ import annotations

from newsprism.evaluation.judged import sentences_to_pair, shared_recall
from newsprism.model import Brief, Claim, Span

from nlp_helpers import article as _article


def test_sentences_are_numbered_with_their_offsets() -> None:
    texts = {
        "x": 'Quake hits town\n\nThe quake struck at 3 a.m. on Sunday. "It was terrible." He left.',
        "y": "Twelve people died. Rescuers searched all night.",
    }
    pairs = sentences_to_pair("story", [_article(i, t) for i, t in texts.items()])
    assert pairs == sentences_to_pair("story", [_article(i, t) for i, t in reversed(texts.items())])
    for side in "ab":
        text = texts[pairs[side]["article_id"]]
        sentences = pairs[side]["sentences"]
        assert [s["id"] for s in sentences] == [f"{side}{n}" for n in range(1, len(sentences) + 1)]
        assert all(text[s["start"] : s["end"]] == s["text"] for s in sentences)
    x = pairs["a"] if pairs["a"]["article_id"] == "x" else pairs["b"]
    assert [s["text"] for s in x["sentences"]] == [
        "Quake hits town",
        "The quake struck at 3 a.m. on Sunday.",
        '"It was terrible."',
        "He left.",
    ]


def test_a_fact_is_recalled_only_when_one_shared_claim_holds_both_sentences() -> None:
    a = _article("a", "The quake struck on Sunday. It killed 12 people.")
    b = _article("b", "Twelve people were killed. The quake hit on Sunday.")
    pairs = {
        "story": "s",
        "a": {
            "article_id": "a",
            "sentences": [{"id": "a1", "start": 0, "end": 27}, {"id": "a2", "start": 28, "end": 48}],
        },
        "b": {
            "article_id": "b",
            "sentences": [{"id": "b1", "start": 0, "end": 26}, {"id": "b2", "start": 27, "end": 51}],
        },
    }

    def claim(status: str, *spans: tuple[str, int, int]) -> Claim:
        support = [Span(article_id=i, start=s, end=e, text="") for i, s, e in spans]
        return Claim(
            id=status, text="", support=support, article_ids=[s.article_id for s in support], status=status
        )  # type: ignore[arg-type]

    brief = Brief.model_construct(
        articles=[a, b],
        claims=[claim("shared", ("a", 0, 27), ("b", 27, 51)), claim("exclusive", ("a", 28, 48))],
    )
    facts = [{"story": "s", "a": "a1", "b": "b2"}, {"story": "s", "a": "a2", "b": "b1"}]
    assert shared_recall(pairs, facts, brief) == [True, False]
