"""Whether a figure's counted noun is the same thing in two languages, per split.

    python bench/counted_nouns.py --split dev

Each translated article (tests/data/multilingual) is read next to its English original; a
translated unit is paired with the original unit e5 finds closest, and within such a pair two
figure's counted noun is paired with each of the other side's. On dev these pairs are labelled by
hand (tests/data/multilingual/counted-nouns-dev.tsv: one thing or not); the bench prints, per
candidate threshold of compare/counted.py, the precision and recall of "one thing" (the threshold
is chosen there). On eval, which has no labels, it lists the pairs with their cosines for a reader.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cross_lingual import CORPUS, LABELLED, TRANSLATIONS
from machine import describe_machine
from newsprism.analysis import annotate_story
from newsprism.compare.claims import Unit, split_units
from newsprism.compare.counted import COUNTED_NOUN_SAME_COSINE, CountedNouns
from newsprism.compare.quote_groups import group_quotes
from newsprism.evaluation.multilingual import LANGUAGES, as_translated, translations
from newsprism.evaluation.unseen import ecb_stories, labelled_stories
from newsprism.model import Story
from newsprism.nlp import analyze_language
from newsprism.parts import Parts


def counted_pairs(
    english: list[Unit], translated: list[Unit], parts: Parts
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(positives, negatives) of one article and its translation: counted-noun pairs."""
    model = parts.get_cross_lingual()
    assert model is not None
    if not english or not translated:
        return [], []
    closest = (model.embed([u.text for u in translated]) @ model.embed([u.text for u in english]).T).argmax(
        axis=1
    )
    positives: list[tuple[str, str]] = []
    negatives: list[tuple[str, str]] = []
    for unit, match in zip(translated, closest.tolist(), strict=True):
        for qt in unit.quantities:
            for qe in english[match].quantities:
                if not qt.counted or not qe.counted or qe.counted.startswith(("clock time", "duration")):
                    continue
                (positives if qt.value == qe.value else negatives).append((qe.counted, qt.counted))
    return positives, negatives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "eval"), default="dev")
    args = parser.parse_args()
    print(describe_machine())
    parts = Parts()
    cross_lingual = parts.get_cross_lingual()
    assert cross_lingual is not None
    nouns = CountedNouns(cross_lingual.multilingual)
    labelled = {}
    if args.split == "dev":
        lines = (TRANSLATIONS / "counted-nouns-dev.tsv").read_text(encoding="utf-8").splitlines()
        rows = [line.split("\t") for line in lines if line and not line.startswith("#")][1:]
        labelled = {(english, translated): same == "1" for english, translated, same in rows}
    stories = ecb_stories(CORPUS, args.split, labelled_stories(LABELLED))
    originals = {a.id: a for story in stories.values() for a in story}
    found: set[tuple[str, str]] = set()
    for language in LANGUAGES:
        for row in translations(TRANSLATIONS, language, args.split):
            original = originals[row["id"]]
            both = [original, as_translated(original, row, language).model_copy(update={"id": "translated"})]
            layer = analyze_language(annotate_story(Story.of(both), parts))
            units = split_units(
                layer.annotated, layer.entities, group_quotes(layer.quotes, layer.annotated), layer.dates
            )
            positives, negatives = counted_pairs(
                [u for u in units if u.article_id == original.id],
                [u for u in units if u.article_id == "translated"],
                parts,
            )
            found |= set(positives) | set(negatives)
    print(f"split {args.split}: {len(found)} distinct counted-noun pairs")
    if not labelled:
        for english, translated in sorted(found):
            print(f"  {nouns.cosine(english, translated):.3f}  {english} / {translated}")
        return
    missing = found - set(labelled)
    if missing:
        print(f"  not labelled ({len(missing)}): {sorted(missing)[:5]}")
    pairs = sorted(found & set(labelled))
    same = np.array([labelled[p] for p in pairs])
    cosines = np.array([nouns.cosine(*p) for p in pairs])
    print(f"  labelled: {int(same.sum())} one thing, {int((~same).sum())} different things")
    for threshold in np.arange(0.84, 0.93, 0.01):
        taken = cosines >= threshold
        precision = (taken & same).sum() / max(taken.sum(), 1)
        mark = "  ← COUNTED_NOUN_SAME_COSINE" if abs(threshold - COUNTED_NOUN_SAME_COSINE) < 1e-9 else ""
        print(
            f"  cosine ≥ {threshold:.2f}: precision {precision:.3f} ({int(taken.sum())} taken), "
            f"recall {(taken & same).sum() / same.sum():.3f}{mark}"
        )


if __name__ == "__main__":
    main()
