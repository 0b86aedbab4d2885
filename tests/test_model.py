"""The shared model: survives pickling (Ray) and JSON (database); briefs validate against the schema."""

from __future__ import annotations

import json
import pickle

from newsprism.brief import build_brief
from newsprism.clean import clean_document
from newsprism.model import Article, Brief, Claim, Span, Story
from newsprism.read import read_inputs
from newsprism.render.json import brief_to_dict, validate_brief

from conftest import SAMPLE_DIR


def sample_brief() -> Brief:
    return build_brief(
        Story.of([clean_document(d) for d in read_inputs([str(SAMPLE_DIR)]) if not isinstance(d, Exception)])
    )


def test_pickle_and_json_round_trips() -> None:
    brief = sample_brief()
    assert pickle.loads(pickle.dumps(brief)) == brief
    assert Brief.model_validate_json(brief.model_dump_json()) == brief
    article = brief.articles[0]
    assert Article.model_validate(json.loads(article.model_dump_json())) == article


def test_sample_brief_is_schema_valid_and_ordered() -> None:
    brief = sample_brief()
    assert validate_brief(brief_to_dict(brief)) == []
    dates = [a.published for a in brief.articles if a.published]
    assert dates == sorted(dates)
    assert brief.story.first_published == "2023-06-20"


def test_validator_catches_a_drifting_span_and_a_missing_field() -> None:
    brief = sample_brief()
    article = brief.articles[0]
    good = Span(article_id=article.id, start=0, end=10, text=article.text[:10])
    bad = Span(article_id=article.id, start=1, end=11, text=article.text[:10])
    brief.claims = [
        Claim(id="c1", text="x", support=[good, bad], article_ids=[article.id], status="exclusive")
    ]
    data = brief_to_dict(brief)
    del data["articles"][1]["language"]
    problems = validate_brief(data)
    assert any("claims[0].support[1]" in p for p in problems)
    assert not any("claims[0].support[0]" in p for p in problems)
    assert any("'language' is a required property" in p for p in problems)
