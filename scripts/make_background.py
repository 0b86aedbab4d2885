"""Rebuild src/newsprism/data/news-background.npy: the mean sentence embedding of general news.

    python scripts/make_background.py [../shared/corpus/ecbplus.jsonl]

Alignment subtracts it (blended with the story's own mean) so that what every sentence of news
shares does not make two unrelated sentences look alike. Built from every third article of ECB+
(CC BY 3.0, Cybulska & Vossen 2014): 3,000 sentences of five words or more.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from newsprism.embed import default_embedder

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "corpus" / "ecbplus.jsonl"
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    sentences = [s for r in records[::3] for s in r["text"].split("\n\n") if len(s.split()) >= 5][:3000]
    mean = default_embedder().embed(sentences).mean(axis=0)
    np.save(REPO / "src" / "newsprism" / "data" / "news-background.npy", mean)
    print(f"{len(sentences)} sentences; norm of the mean {np.linalg.norm(mean):.3f}")


if __name__ == "__main__":
    main()
