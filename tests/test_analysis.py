"""The story pipeline and its parts: swapped by name, checked when built, the same for every runner."""

from __future__ import annotations

import pickle
from functools import cache

import pytest

from newsprism.analysis import STAGES, Stage, StoryPipeline, analyze_story, story_pipeline
from newsprism.clean import clean_document
from newsprism.errors import NewsprismError
from newsprism.model import Article, Story
from newsprism.parts import Parts
from newsprism.read import read_inputs
from newsprism.render.json import brief_to_dict, validate_brief

from conftest import SAMPLE_DIR


@cache
def sample() -> Story:
    articles: list[Article] = [
        clean_document(d) for d in read_inputs([str(SAMPLE_DIR)]) if not isinstance(d, Exception)
    ]
    return Story.of(articles)


def test_another_embedder_and_a_pass_through_judge_give_a_valid_brief() -> None:
    parts = Parts(embedder="hashed-words", judge="pass-through")
    results = story_pipeline(parts).results(sample())
    brief = results["brief"]
    assert validate_brief(brief_to_dict(brief)) == []
    alignment = results["comparison"].alignment
    # The swapped model's own vector size and background reach every stage that uses vectors.
    assert alignment.embeddings.shape[1] == 512 == alignment.centred.shape[1]
    assert brief.summary and brief.perspectives and any(c.status == "shared" for c in brief.claims)
    assert brief.story.id == sample().id


def test_the_default_parts_give_the_default_brief() -> None:
    assert analyze_story(sample()) == analyze_story(sample(), Parts.default())


def test_parts_are_names_that_pickle_and_unknown_names_are_refused() -> None:
    parts = Parts.from_names({"embedder": "hashed-words"}, nli="pass-through")
    assert pickle.loads(pickle.dumps(parts)) == parts == Parts(embedder="hashed-words", judge="pass-through")
    with pytest.raises(
        NewsprismError, match=r"^unknown embedder 'bert'; known: e5-small, hashed-words, minilm$"
    ):
        Parts.from_names(embedder="bert")
    with pytest.raises(NewsprismError, match=r"^unknown part 'tokenizer'"):
        Parts.from_names(tokenizer="x")


def test_a_pipeline_lacking_a_part_or_an_input_fails_when_built() -> None:
    with pytest.raises(
        NewsprismError, match=r"^the perspectives stage needs a part the pipeline lacks: topic clusterer$"
    ):
        StoryPipeline(Parts(topic_clusterer=None))
    without_language = tuple(stage for stage in STAGES if stage.adds != "language")
    with pytest.raises(
        NewsprismError, match=r"^the compare stage needs language, which no earlier stage adds$"
    ):
        StoryPipeline(Parts(), without_language)
    extra = Stage("noop", ("nothing",), (), "x", lambda results, parts: None)
    with pytest.raises(NewsprismError, match="needs nothing"):
        StoryPipeline(Parts(), (extra, *STAGES))
