"""Translation invariance of the comparison, per language, on ECB+ stories of one split.

    python bench/cross_lingual.py --split dev [--languages ru es] [--sweep]
    python bench/cross_lingual.py --split eval --stories

One article per story is replaced by its faithful translation (tests/data/multilingual); prints,
per language, the share of the English story's shared-claim links kept, recall and precision of
the links through the translated article (the cross-language ones), the share of conflicts
kept, and the time (evaluation/multilingual.py says what is counted). ``--stories``: story
clustering (B-cubed F1) of the split's articles with the translated ones in their language.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe_machine
from newsprism.compare import align
from newsprism.evaluation.multilingual import (
    LANGUAGES,
    StoryComparer,
    evaluate_invariance,
    evaluate_mixed_clustering,
    translations,
)
from newsprism.evaluation.unseen import ecb_stories, labelled_stories
from newsprism.parts import Parts

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
LABELLED = REPO / "tests" / "data" / "compare" / "stories.jsonl"
TRANSLATIONS = REPO / "tests" / "data" / "multilingual"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--stories", action="store_true", help="story clustering with the translations")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="try CROSS_LINGUAL_SAME_FACT_COSINE and CROSS_LINGUAL_BONUS values (dev only)",
    )
    parser.add_argument("--cosines", nargs="+", type=float, default=[0.65, 0.7], help="with --sweep")
    parser.add_argument("--bonuses", nargs="+", type=float, default=[0.1, 0.2], help="with --sweep")
    args = parser.parse_args()
    if args.sweep and args.split != "dev":
        parser.error("--sweep chooses a threshold: only on the dev split")
    print(describe_machine())
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    if args.stories:
        articles = [a for story in stories.values() for a in story]
        gold = [g for g, story in stories.items() for _ in story]
        print(f"\nsplit {args.split}: {len(articles)} articles of {len(stories)} stories")
        print("language  B-cubed F1 (all English)  translated with a story-mate  with a stranger  seconds")
        for language in args.languages:
            started = time.perf_counter()
            rows = translations(TRANSLATIONS, language, args.split)
            c = evaluate_mixed_clustering(articles, gold, rows, language, Parts.default())
            print(
                f"{language:8}  {c.bcubed_f1:.3f} ({c.english_f1:.3f})         {c.with_a_mate}/{c.translated}"
                f"                           {c.with_a_stranger}/{c.translated}  {time.perf_counter() - started:.0f}"
            )
        return
    comparer = StoryComparer(Parts.default())
    settings = (
        [(cosine, bonus) for cosine in args.cosines for bonus in args.bonuses]
        if args.sweep
        else [(align.CROSS_LINGUAL_SAME_FACT_COSINE, align.CROSS_LINGUAL_BONUS)]
    )
    for cosine, bonus in settings:
        align.CROSS_LINGUAL_SAME_FACT_COSINE, align.CROSS_LINGUAL_BONUS = cosine, bonus
        print(f"\nsplit {args.split}, cross-lingual same-fact cosine {cosine}, bonus {bonus}")
        print(
            "language  stories  links kept        across: kept      across: also in English  conflicts kept"
            "  quote groups kept across (direct)  seconds"
        )
        for language in args.languages:
            started = time.perf_counter()
            s = evaluate_invariance(
                stories, translations(TRANSLATIONS, language, args.split), language, comparer
            )
            print(
                f"{language:8}  {s.stories:7}  {s.kept_share:.3f} ({s.kept}/{s.links})  "
                f"{s.recall_across:.3f} ({s.kept_across}/{s.links_across})  "
                f"{s.agreement_across:.3f} ({s.right_across}/{s.found_across})  "
                f"{s.conflicts_kept_share:.3f} ({s.conflicts_kept}/{s.conflicts})  "
                f"{s.quote_recall_across:.3f} ({s.quote_links_kept}/{s.quote_links_across}; "
                f"direct {s.direct_links_kept}/{s.direct_links_across})  "
                f"{time.perf_counter() - started:.0f}"
            )


if __name__ == "__main__":
    main()
