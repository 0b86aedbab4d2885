"""Judged precision of what newsprism asserts across languages, on ECB+ stories of one split with
one article replaced by its faithful translation (tests/data/multilingual).

    python bench/cross_lingual_judged.py --split eval --dump across.jsonl
    python bench/cross_lingual_judged.py --split eval --judged tests/data/multilingual/judged-across-eval.jsonl

Dumps, per story and language, a seeded sample of the pairs of sentences one shared claim joins
across the two languages (the translated article's sentence and another outlet's), and every
summary citation across two languages, in context, for a reader to judge
(tests/data/compare/judging-claims.md). With ``--judged`` prints the share judged right per
language: "same" for pairs, "supports" for citations; unjudged items are counted apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cross_lingual import CORPUS, LABELLED, TRANSLATIONS
from machine import describe_machine
from newsprism.analysis import story_pipeline
from newsprism.evaluation.judged import (
    citations_across_in_context,
    judged_precision,
    pairs_through_in_context,
)
from newsprism.evaluation.multilingual import LANGUAGES, as_translated, translations
from newsprism.evaluation.unseen import ecb_stories, labelled_stories
from newsprism.model import Story
from newsprism.parts import Parts

if TYPE_CHECKING:
    from newsprism.compare.align import Alignment

PAIRS_PER_STORY = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="eval")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--dump", type=Path, help="write the items to judge here (JSONL)")
    parser.add_argument("--judged", type=Path, help="verdicts: key, verdict, reason (JSONL)")
    args = parser.parse_args()
    print(describe_machine())
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    pipeline = story_pipeline(Parts.default())
    verdicts = _verdicts(args.judged) if args.judged else {}
    everything: list[dict] = []
    print(f"\nsplit {args.split}\nlanguage  pairs judged same          citations judged supporting  seconds")
    for language in args.languages:
        started = time.perf_counter()
        pairs: list[dict] = []
        citations: list[dict] = []
        for row in translations(TRANSLATIONS, language, args.split):
            articles = stories.get(row["story"])
            if not articles:
                continue
            replaced = [as_translated(a, row, language) if a.id == row["id"] else a for a in articles]
            results = pipeline.results(Story.of(replaced))
            brief = results["brief"]
            found = pairs_through_in_context(row["story"], brief, row["id"], PAIRS_PER_STORY)
            _add_cosines(found, results["comparison"].alignment)
            pairs += found
            citations += citations_across_in_context(row["story"], brief)
        for record in pairs + citations:
            record["language"] = language
        everything += pairs + citations
        cells = []
        for records, right in ((pairs, "same"), (citations, "supports")):
            good, judged, unjudged = judged_precision(records, verdicts, right)
            share = f"{good / judged:.2f}" if judged else "  – "
            cells.append(f"{share} ({good}/{judged}; {unjudged} unjudged)")
        print(f"{language:8}  {cells[0]:26}  {cells[1]:27}  {time.perf_counter() - started:7.0f}")
    if args.dump:
        args.dump.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in everything), encoding="utf-8"
        )
        print(f"wrote {len(everything)} items to {args.dump}")


def _add_cosines(records: list[dict], alignment: Alignment) -> None:
    """Each pair's multilingual cosine on the main model's scale (what CROSS_LINGUAL_SAME_FACT_COSINE
    cuts), so that judged pairs show which cut would have kept them."""
    unit_at = {(u.article_id, u.text): u.id for units in alignment.units_of.values() for u in units}
    for record in records:
        a = unit_at.get((record["a"]["article_id"], record["a"]["sentence"]))
        b = unit_at.get((record["b"]["article_id"], record["b"]["sentence"]))
        cosine = alignment.cosine_across(a, b) if a and b else None
        record["mapped_cosine"] = round(cosine, 4) if cosine is not None else None


def _verdicts(path: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["key"]: row["verdict"] for row in rows if row.get("verdict")}


if __name__ == "__main__":
    main()
