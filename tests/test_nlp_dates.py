"""Date expressions resolved against the published date, and the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from newsprism.nlp import build_timeline, find_dates
from newsprism.nlp.dates import resolve_date

from nlp_helpers import story

PUBLISHED = dt.date(2023, 6, 21)  # a Wednesday


@pytest.mark.parametrize(
    ("expression", "value", "precision"),
    [
        ("on Sunday", "2023-06-18", "day"),
        ("Monday", "2023-06-19", "day"),
        ("yesterday", "2023-06-20", "day"),
        ("in February", "2023-02", "month"),
        ("last year", "2022", "year"),
        ("earlier this month", "2023-06", "month"),
        ("October 2018", "2018-10", "month"),
        ("June 13, 2013", "2013-06-13", "day"),
        ("2018", "2018", "year"),
        ("three days ago", "2023-06-18", "day"),
        ("mid-June", "2023-06", "month"),
    ],
)
def test_expressions_resolve_against_the_published_date(expression: str, value: str, precision: str) -> None:
    resolved = resolve_date(expression, PUBLISHED)
    assert resolved is not None and (resolved.value, resolved.precision) == (value, precision)


@pytest.mark.parametrize(
    "expression", ["two days", "five years", "recent years", "decades", "the past few weeks"]
)
def test_durations_and_vague_spans_are_not_dates(expression: str) -> None:
    assert resolve_date(expression, PUBLISHED) is None


def test_future_tense_looks_forward() -> None:
    resolved = resolve_date("Monday", PUBLISHED, future=True)
    assert resolved is not None and resolved.value == "2023-06-26"


def test_relative_dates_stay_unresolved_without_a_published_date() -> None:
    annotated = story(
        "The minister arrived on Sunday, and the treaty of June 13, 2013 was discussed.", published=None
    )
    dates = {d.text: d for d in find_dates(annotated)}
    assert dates["Sunday"].value is None and dates["Sunday"].relative
    assert dates["June 13, 2013"].value == "2013-06-13" and not dates["June 13, 2013"].relative
    for d in dates.values():
        assert annotated[0].text[d.start : d.end] == d.text


def test_timeline_merges_one_dated_event_across_outlets() -> None:
    annotated = story(
        "Blinken met Chinese President Xi Jinping in Beijing on Monday. He had postponed the trip in February.",
        "On Monday, the Secretary of State met Xi Jinping in Beijing, state media said.",
    )
    timeline = build_timeline(annotated, find_dates(annotated))
    assert [e.date for e in timeline] == sorted(e.date for e in timeline)
    monday = [e for e in timeline if e.date == "2023-06-19"]
    assert len(monday) == 1 and {s.article_id for s in monday[0].support} == {"a0", "a1"}
    assert any(e.date == "2023-02" for e in timeline)
    for event in timeline:
        for span in event.support:
            assert annotated[int(span.article_id[1:])].text[span.start : span.end] == span.text


def test_tense_of_the_governing_verb_decides_past_or_future() -> None:
    annotated = story(
        "The council voted on Monday night to close the shelter. The shelter can operate until Jan. 15, "
        "officials said. The bank cut rates in its December projections, and expects growth to slow. "
        "Tensions rose in the last year after the visit.",
        published="2024-11-12",
    )
    dates = {d.text: d for d in find_dates(annotated)}
    assert dates["Monday night"].value == "2024-11-11"
    assert dates["Jan. 15"].value == "2025-01-15"
    assert dates["December"].value == "2023-12"
    assert "the last year" not in dates or dates["the last year"].value is None


def test_an_infinitive_or_a_planned_progressive_points_ahead() -> None:
    # 2024-11-12 is a Tuesday: "to air Thursday" is two days ahead, "decided to resign Thursday" past.
    annotated = story(
        "The network said the interview is set to air Thursday. The team is meeting on Friday. "
        "The minister decided to resign Sunday.",
        published="2024-11-12",
    )
    dates = {d.text: d for d in find_dates(annotated)}
    assert dates["Thursday"].value == "2024-11-14"
    assert dates["Friday"].value == "2024-11-15"
    assert dates["Sunday"].value == "2024-11-10"
