"""Figures that differ between languages: planted recall and findings on faithful translations.

    python bench/cross_lingual_figures.py --split dev

One article per ECB+ story is replaced by its faithful translation (tests/data/multilingual).
Unplanted, every number conflict between the translation and an English article that the English
story does not have is false (a faithful translation changes no figure). Planted: where the
translation states a figure in digits that an English article of its story states with the same
value in an aligned claim, the figure is raised by half in the translation and the conflict
between those two articles must be found. Findings are counted whether a brief shows them or holds
them back (evidence "translation" is held back until judged). compare/detectors/base.
TRANSLATED_MIN_COSINE is chosen on dev.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cross_lingual import CORPUS, LABELLED, TRANSLATIONS
from machine import describe_machine
from newsprism.compare.detectors import base
from newsprism.compare.detectors.base import MIN_CONFIDENCE
from newsprism.evaluation.multilingual import LANGUAGES, as_translated, translations
from newsprism.evaluation.unseen import StoryRunner, ecb_stories, labelled_stories
from newsprism.parts import Parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument(
        "--sweep", nargs="+", type=float, help="TRANSLATED_MIN_COSINE values to try (dev only)"
    )
    args = parser.parse_args()
    print(describe_machine())
    if args.sweep and args.split != "dev":
        parser.error("--sweep chooses a threshold: only on the dev split")
    for threshold in args.sweep or [base.TRANSLATED_MIN_COSINE]:
        base.TRANSLATED_MIN_COSINE = threshold
        print(f"\nTRANSLATED_MIN_COSINE {threshold}")
        _measure(args.split, args.languages)


def _measure(split: str, languages: list[str]) -> None:
    stories = ecb_stories(CORPUS, split, labelled_stories(LABELLED))
    # Findings held back from briefs count too (evidence "translation" is, until judged).
    runner = StoryRunner(Parts(), min_confidence=MIN_CONFIDENCE)
    print("language  stories  false findings (unplanted)  planted found / planted  seconds")
    for language in languages:
        started = time.perf_counter()
        false_findings, planted, found, count = 0, 0, 0, 0
        for row in translations(TRANSLATIONS, language, split):
            articles = stories.get(row["story"])
            if not articles:
                continue
            count += 1
            mixed = [as_translated(a, row, language) if a.id == row["id"] else a for a in articles]
            comparison = runner.compare(mixed)
            across = [c for c in comparison.conflicts if c.kind == "number" and c.evidence == "translation"]
            false_findings += len(across)
            for unit_id, other_id, value in _shared_figures(comparison, row["id"]):
                unit = next(u for u in comparison.units if u.id == unit_id)
                figure = next(q for q in unit.quantities if q.value == value)
                written = re.match(r"\d+", figure.span.text)
                if written is None:
                    continue
                figure_value = int(written.group())
                changed = str(figure_value + max(1, figure_value // 2))
                start = figure.span.start
                text = row["text"][:start] + changed + row["text"][start + len(written.group()) :]
                planted_story = [
                    as_translated(a, {**row, "text": text}, language) if a.id == row["id"] else a
                    for a in articles
                ]
                planted += 1
                found += any(
                    c.kind == "number" and {s.article_id for s in c.sides} == {row["id"], other_id}
                    for c in runner.compare(planted_story).conflicts
                )
        print(
            f"{language:8}  {count:7}  {false_findings:26}  {found:6} / {planted:<16}  "
            f"{time.perf_counter() - started:7.0f}"
        )


def _shared_figures(comparison, translated_id):  # type: ignore[no-untyped-def]
    """(unit of the translation, English article, value): a figure in digits that one claim
    holds in the translation and, with the same value, in an English article (one per article
    pair and value)."""
    seen = set()
    for units in comparison.alignment.units_of.values():
        for mine in (u for u in units if u.article_id == translated_id):
            for other in (u for u in units if u.article_id != translated_id and u.language in (None, "en")):
                for q in mine.quantities:
                    if not q.counted or not q.span.text[:1].isdigit() or q.approximate:
                        continue
                    if any(o.value == q.value and o.counted for o in other.quantities):
                        key = (other.article_id, q.value)
                        if key not in seen:
                            seen.add(key)
                            yield mine.id, other.article_id, q.value


if __name__ == "__main__":
    main()
