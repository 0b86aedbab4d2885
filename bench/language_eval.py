"""Language-layer quality on the hand-labelled set (tests/data/nlp), against textacy's quote extractor.

    python bench/language_eval.py

Prints precision/recall/F1 for entity mentions, entity resolution (B-cubed), quote detection
(direct and reported), speaker attribution and date detection/resolution; then the same quote
scores for textacy 0.13's direct-quotation extractor run over the same spaCy parses.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.evaluation.language import LanguageScores, evaluate_language, load_labels, textacy_quotes

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "tests" / "data" / "nlp" / "labels.jsonl"


def row(name: str, precision: float, recall: float, gold: int, predicted: int) -> str:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (
        f"  {name:<34} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}   (gold {gold}, predicted {predicted})"
    )


def show(title: str, s: LanguageScores, *, quotes_only: bool = False) -> None:
    print(title)
    if not quotes_only:
        e = s.entity_mentions
        print(row("entity mentions (PERSON/ORG/GPE)", e.precision, e.recall, e.gold, e.predicted))
        print(
            f"  {'entity resolution (B-cubed)':<34} P {s.resolution_precision:.3f}  R {s.resolution_recall:.3f}"
            f"   type accuracy {s.entity_types_right / max(1, s.entity_types_seen):.3f}"
        )
    for name, score in (
        ("quotes (all)", s.quotes),
        ("  direct quotes", s.direct_quotes),
        ("  reported speech", s.reported_quotes),
        ("speaker attribution (end to end)", s.speakers),
    ):
        print(row(name, score.precision, score.recall, score.gold, score.predicted))
    if not quotes_only:
        print(row("date expressions", s.dates.precision, s.dates.recall, s.dates.gold, s.dates.predicted))
        d = s.date_values
        print(row("date resolution (value+precision)", d.precision, d.recall, d.gold, d.predicted))


def main() -> None:
    print(f"machine: {describe_machine()}")
    records = load_labels(LABELS)
    started = time.perf_counter()
    ours = evaluate_language(records)
    print(f"{len(records)} hand-labelled articles, evaluated in {time.perf_counter() - started:.1f} s\n")
    show("newsprism", ours)
    print()
    show(
        "textacy 0.13 direct_quotations (same parses; it has no reported speech)",
        evaluate_language(records, quote_extractor=textacy_quotes),
        quotes_only=True,
    )


if __name__ == "__main__":
    main()
