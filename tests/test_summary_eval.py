"""Quality floors for the brief's summary on the labelled stories (the same stories as the
comparison floors, whose hash test_compare_eval.py pins). LexRank and TextRank run on the same
stories, so the floors also say newsprism cites more evenly than a single-source extractor."""

from __future__ import annotations

import pytest

from newsprism.evaluation.compare import load_stories
from newsprism.evaluation.summary import evaluate_summaries

from conftest import DATA

# Measured 2026-11-23 (bench/summary_eval.py): ROUGE-1 0.444, coverage of the claims most outlets
# report 0.415, citation balance 0.987, 2.79 outlets cited per sentence (LexRank: 0.472, 0.381,
# 0.749, 1; TextRank: 0.480, 0.430, 0.828, 1).
ROUGE1_FLOOR = 0.40
COVERAGE_FLOOR = 0.36
BALANCE_FLOOR = 0.95


@pytest.mark.slow
def test_summary_quality_floors() -> None:
    result = evaluate_summaries(load_stories(DATA / "compare" / "stories.jsonl"))
    ours, lexrank = result.systems["newsprism"], result.systems["LexRank"]
    assert result.stories >= 10
    assert ours.mean("rouge1") >= ROUGE1_FLOOR
    assert ours.mean("coverage") >= COVERAGE_FLOOR
    assert ours.mean("balance") >= BALANCE_FLOOR > lexrank.mean("balance")
    assert ours.mean("citations_per_sentence") >= 2
