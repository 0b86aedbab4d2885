"""Which ECB+ articles tests/data/multilingual translates: per split, 8 stories drawn with a fixed
seed, and in each the article of 800–2,600 characters sharing most words with the story's other
articles (so that it shares claims a translation could lose). Uses no output of newsprism.

    python scripts/pick_translations.py [tests/data/stories/ecbplus.jsonl]
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from newsprism.evaluation.unseen import ecb_stories, labelled_stories

REPO = Path(__file__).resolve().parent.parent
STORIES_PER_SPLIT = 8
SEED = 14
_WORD = re.compile(r"[a-z]{4,}")


def _shared_share(words: dict[str, set[str]], article_id: str) -> float:
    """The share of an article's words that the story's other articles use too."""
    others = set().union(*(w for k, w in words.items() if k != article_id))
    return len(words[article_id] & others) / (len(words[article_id]) or 1)


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
    labelled = labelled_stories(REPO / "tests" / "data" / "compare" / "stories.jsonl")
    for split in ("dev", "eval"):
        picks = []
        for gold, articles in ecb_stories(corpus, split, labelled).items():
            words = {a.id: set(_WORD.findall(a.text.lower())) for a in articles}

            sized = [a for a in articles if 800 <= len(a.text) <= 2600]
            if sized:
                picks.append((gold, max(sized, key=lambda a: _shared_share(words, a.id)).id))
        random.Random(SEED).shuffle(picks)
        for gold, article_id in sorted(picks[:STORIES_PER_SPLIT]):
            print(split, gold, article_id)


if __name__ == "__main__":
    main()
