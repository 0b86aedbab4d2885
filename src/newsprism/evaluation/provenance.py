"""Text reuse measured: labelled pairs of real articles and planted rewrites of real wires.

Labelled (tests/data/provenance/pairs-*.jsonl with labels-*.jsonl): two ECB+ articles of one story,
every paragraph of the second labelled verbatim / rewritten / independent by a reader
(labelling.md). Planted (wires-*.jsonl with rewrites-*.jsonl): real wire articles rewritten by hand
as a re-publisher would (rewriting.md) — paragraphs kept, paraphrased, moved, cut, and the
re-publisher's own added. A paragraph counts as found reused when a passage of it is matched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.provenance import SAME_SOURCE_MIN_SHARE, ArticleText, TextReuse, passages_of, reuse_between

REUSED_LABELS = ("verbatim", "rewritten")


@dataclass
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.true_positive += predicted and actual
        self.false_positive += predicted and not actual
        self.false_negative += actual and not predicted

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else float("nan")

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else float("nan")

    def line(self) -> str:
        tp, fp, fn = self.true_positive, self.false_positive, self.false_negative
        return f"precision {self.precision:.3f} ({tp}/{tp + fp})  recall {self.recall:.3f} ({tp}/{tp + fn})"


@dataclass
class LabelledScores:
    pairs: int = 0
    paragraphs_labelled: int = 0
    pair_reuse: Counts = field(default_factory=Counts)
    paragraphs: Counts = field(default_factory=Counts)
    one_source: Counts = field(default_factory=Counts)
    found_by_label: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in REUSED_LABELS})


@dataclass
class PlantedScores:
    rewrites: int = 0
    found_by_operation: dict[str, list[int]] = field(
        default_factory=lambda: {"verbatim": [0, 0], "paraphrased": [0, 0], "own": [0, 0]}
    )
    one_source: int = 0

    def share(self, operation: str) -> float:
        found, total = self.found_by_operation[operation]
        return found / total if total else float("nan")


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _reuse(text: str, source: str) -> TextReuse | None:
    return reuse_between(
        ArticleText("b", tuple(passages_of(text))), ArticleText("a", tuple(passages_of(source)))
    )


def _matched_paragraphs(reuse: TextReuse | None) -> set[int]:
    return {m.passage.paragraph for m in reuse.matches} if reuse else set()


def _one_source(reuse: TextReuse | None) -> bool:
    return reuse is not None and max(reuse.share, reuse.share_of_article) >= SAME_SOURCE_MIN_SHARE


def labelled_scores(data: Path, split: str) -> LabelledScores:
    pairs = {row["pair"]: row for row in _read(data / f"pairs-{split}.jsonl")}
    scores = LabelledScores()
    for label in _read(data / f"labels-{split}.jsonl"):
        row = pairs[label["pair"]]
        a, b = "\n\n".join(row["a"]["paragraphs"]), "\n\n".join(row["b"]["paragraphs"])
        reuse = _reuse(b, a)
        scores.pairs += 1
        scores.pair_reuse.add(reuse is not None, label["verdict"] == "reuse")
        found = _matched_paragraphs(reuse)
        for paragraph in label["paragraphs"]:
            scores.paragraphs_labelled += 1
            actual = paragraph["label"] in REUSED_LABELS
            scores.paragraphs.add(paragraph["b"] in found, actual)
            if actual:
                scores.found_by_label[paragraph["label"]][0] += paragraph["b"] in found
                scores.found_by_label[paragraph["label"]][1] += 1
        # One source, by the labels: at least half the shorter article's paragraphs reused.
        reused = sum(1 for p in label["paragraphs"] if p["label"] in REUSED_LABELS)
        shorter = min(len(row["a"]["paragraphs"]), len(row["b"]["paragraphs"]))
        scores.one_source.add(_one_source(reuse), reused * 2 >= max(1, shorter))
    return scores


def planted_scores(data: Path, split: str) -> PlantedScores:
    wires = {row["id"]: row for row in _read(data / f"wires-{split}.jsonl")}
    scores = PlantedScores()
    for rewrite in _read(data / f"rewrites-{split}.jsonl"):
        source = "\n\n".join(wires[rewrite["id"]]["paragraphs"])
        reuse = _reuse("\n\n".join(p["text"] for p in rewrite["paragraphs"]), source)
        found = _matched_paragraphs(reuse)
        scores.rewrites += 1
        for index, paragraph in enumerate(rewrite["paragraphs"]):
            scores.found_by_operation[paragraph["operation"]][0] += index in found
            scores.found_by_operation[paragraph["operation"]][1] += 1
        scores.one_source += _one_source(reuse)
    return scores


def data_digest(data: Path, split: str) -> str:
    """The hash CI pins for a split's labelled and planted files."""
    digest = hashlib.sha256()
    for name in ("pairs", "labels", "wires", "rewrites"):
        digest.update((data / f"{name}-{split}.jsonl").read_bytes())
    return digest.hexdigest()[:16]
