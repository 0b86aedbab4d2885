"""Rebuild src/newsprism/data/e5-small-cross-lingual.npz: what lets e5 compare units in other
languages on MiniLM's scale (embed.CrossLingual).

    python scripts/make_cross_lingual.py [tests/data/stories/ecbplus.jsonl]

Learned from the development split only (evaluation.unseen.split_of), so the evaluation split
measures it honestly:
- ``background``: e5's mean vector of the dev split's English news sentences;
- ``english_mean``, ``projection``: a ridge regression from e5 vectors (less their mean) to the
  MiniLM vectors of the same dev sentences;
- ``plain_*_<language>``, ``centred_*_<language>`` (and ``_any``, pooled): for every dev article translated in tests/data/multilingual, e5's
  cosines between its translated sentences and the other articles' sentences of its story, and
  MiniLM's cosines between the English originals and those same sentences, each sorted and read
  at the same quantiles: a translated pair gets the cosine its original would have had at the
  same rank.
ECB+ (CC BY 3.0, Cybulska & Vossen 2014); the translations' provenance is in tests/data/multilingual/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from newsprism.embed import E5Small, MiniLMOnnx, centred
from newsprism.evaluation.unseen import labelled_stories, split_of

REPO = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO / "tests" / "data" / "multilingual"
LANGUAGES = ("ru", "es", "fr", "ar")
RIDGE = 1.0  # chosen on held-out dev sentences: 0.1 and 1 fit alike (cosine to MiniLM 0.70), 10 worse
MIN_WORDS = 4
# Dense at the top, where thresholds live (a pair of one fact is in the top 1 % of a story's pairs).
QUANTILES = np.concatenate([np.linspace(0.0, 0.9, 91)[:-1], np.linspace(0.9, 1.0, 401)])


def sentences(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if len(p.split()) >= MIN_WORDS]  # ECB+ paragraphs are sentences


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "tests" / "data" / "stories" / "ecbplus.jsonl"
    labelled = labelled_stories(REPO / "tests" / "data" / "compare" / "stories.jsonl")
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    dev = [r for r in records if split_of(r["gold"], labelled) == "dev"]
    minilm, e5 = MiniLMOnnx(), E5Small()
    texts = list(dict.fromkeys(s for r in dev for s in sentences(r["text"])))
    main_vectors, e5_vectors = minilm.embed(texts), e5.embed(texts)
    english_mean = e5_vectors.mean(axis=0)
    shifted = e5_vectors - english_mean
    projection = np.linalg.solve(
        shifted.T @ shifted + RIDGE * np.eye(shifted.shape[1]), shifted.T @ main_vectors
    )

    by_id = {r["id"]: r for r in records}
    stories: dict[str, list[dict[str, str]]] = {}
    for r in records:
        stories.setdefault(r["gold"], []).append(r)
    found: dict[str, list[np.ndarray]] = {}
    for language in LANGUAGES:
        for line in (TRANSLATIONS / f"{language}-dev.jsonl").read_text(encoding="utf-8").splitlines():
            translated = json.loads(line)
            original = by_id[translated["id"]]
            own_english, own_translated = sentences(original["text"]), sentences(translated["text"])
            if len(own_english) != len(own_translated):
                continue
            others = [
                s
                for r in stories[original["gold"]]
                if r["id"] != original["id"]
                for s in sentences(r["text"])
            ]
            k = len(own_english)
            reference = minilm.embed(own_english + others)
            mixed = e5.embed(own_translated + others)
            reference_centred = centred(reference, minilm.background())
            mixed_centred = centred(mixed, english_mean)
            # Per language (e5 puts Arabic further from English than Spanish) and pooled ("any",
            # for pairs of two other languages and for languages without translations here).
            for scope in (language, "any"):
                for name, values in (
                    ("plain_main", reference[:k] @ reference[k:].T),
                    ("plain_e5", mixed[:k] @ mixed[k:].T),
                    ("centred_main", reference_centred[:k] @ reference_centred[k:].T),
                    ("centred_e5", mixed_centred[:k] @ mixed_centred[k:].T),
                ):
                    found.setdefault(f"{name}_{scope}", []).append(values.ravel())
    knots = {
        key: np.quantile(np.concatenate(values), QUANTILES).astype(np.float32)
        for key, values in found.items()
    }
    np.savez_compressed(
        REPO / "src" / "newsprism" / "data" / "e5-small-cross-lingual.npz",
        background=english_mean.astype(np.float32),
        english_mean=english_mean.astype(np.float32),
        projection=projection.astype(np.float32),
        **knots,
    )
    pairs = sum(len(v) for v in found["plain_e5_any"])
    print(f"{len(texts)} dev sentences, {pairs} translated pairs; at the 99th percentile:")
    for scope in (*LANGUAGES, "any"):
        print(
            f"  {scope}: e5 {knots[f'plain_e5_{scope}'][-40]:.3f} → MiniLM {knots[f'plain_main_{scope}'][-40]:.3f}"
        )


if __name__ == "__main__":
    main()
