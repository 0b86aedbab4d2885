"""Quality floors for the language layer, pinned in CI (raise them as quality rises; never lower
them to get green). The labelled set is hashed so the floors cannot silently move with their data."""

from __future__ import annotations

import hashlib

import pytest

from newsprism.evaluation.language import LanguageScores, evaluate_language, load_labels

from conftest import DATA

LABELS = DATA / "nlp" / "labels.jsonl"
# sha256 of labels.jsonl: update together with the floors, in a reviewed commit.
LABELS_SHA256 = "a1f8ab8fedcf9528cb10c5ff533deb6b40a99545fed57fbde6ebd140d930ebf9"
# (metric, floor): measured values on 2026-11-23 are in bench/language_eval.py's output and the
# README; floors sit a few points below to absorb library noise only.
FLOORS = {
    "entity mention precision": 0.90,
    "entity mention recall": 0.89,
    "entity resolution B-cubed F1": 0.85,
    "quote detection precision": 0.92,
    "quote detection recall": 0.88,
    "speaker precision": 0.81,
    "speaker recall": 0.76,
    "date detection precision": 0.93,
    "date detection recall": 0.87,
    "date resolution precision": 0.88,
    "date resolution recall": 0.82,
}


@pytest.fixture(scope="module")
def scores() -> LanguageScores:
    return evaluate_language(load_labels(LABELS))


def test_labelled_set_is_the_one_the_floors_were_set_on() -> None:
    assert hashlib.sha256(LABELS.read_bytes()).hexdigest() == LABELS_SHA256


def test_language_layer_quality_floors(scores: LanguageScores) -> None:
    report = scores.as_dict()
    measured = {
        "entity mention precision": scores.entity_mentions.precision,
        "entity mention recall": scores.entity_mentions.recall,
        "entity resolution B-cubed F1": report["entity_resolution_bcubed"]["f1"],
        "quote detection precision": scores.quotes.precision,
        "quote detection recall": scores.quotes.recall,
        "speaker precision": scores.speakers.precision,
        "speaker recall": scores.speakers.recall,
        "date detection precision": scores.dates.precision,
        "date detection recall": scores.dates.recall,
        "date resolution precision": scores.date_values.precision,
        "date resolution recall": scores.date_values.recall,
    }
    assert scores.articles >= 20
    below = {name: round(value, 3) for name, value in measured.items() if value < FLOORS[name]}
    assert not below, f"below the floor: {below}; full report: {report}"
