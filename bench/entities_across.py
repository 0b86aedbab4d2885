"""Entities across scripts: each translation (tests/data/multilingual) analysed with its English
original; prints, per language, how many of the original's named people, organisations and places
have a mention in the translation merged into them, and (``--show``) the merges and misses.

    python bench/entities_across.py --split dev [--languages ru ar] [--show]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cross_lingual import CORPUS, LABELLED, TRANSLATIONS
from machine import describe_machine
from newsprism.evaluation.multilingual import LANGUAGES, evaluate_entity_merges, translations
from newsprism.evaluation.unseen import ecb_stories, labelled_stories
from newsprism.parts import Parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    parser.add_argument("--show", action="store_true", help="print each merge and miss")
    args = parser.parse_args()
    print(describe_machine())
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    originals = {a.id: a for story in stories.values() for a in story}
    parts = Parts.default()
    print(f"\nsplit {args.split}\nlanguage  names  merged  recall  seconds")
    for language in args.languages:
        started = time.perf_counter()
        scores = evaluate_entity_merges(
            originals, translations(TRANSLATIONS, language, args.split), language, parts
        )
        seconds = time.perf_counter() - started
        print(f"{language:8}  {scores.names:5}  {scores.found:6}  {scores.recall:6.2f}  {seconds:7.1f}")
        if args.show:
            for name, spellings in scores.merged:
                print(f"    merged  {name}  <-  {' | '.join(spellings)}")
            for name in scores.missed:
                print(f"    missed  {name}")


if __name__ == "__main__":
    main()
