"""How well cleaning removes what should go and keeps what should stay.

Labels (tests/data/cleaning/labels.jsonl) list, per article, the paragraphs a person marked for
removal. A removed paragraph is a true positive when its text matches a labelled one; precision
and recall are micro-averaged over all removed / labelled paragraphs (and, weighted by characters,
reported beside them). Header lines taken out by the text reader are metadata, not cleaning, and
are not counted.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsprism.clean import clean_document, normalize_for_compare
from newsprism.model import RawDocument
from newsprism.read import text_document
from newsprism.read.html import extract_html


@dataclass
class CleaningScores:
    articles: int = 0
    labelled: int = 0
    removed: int = 0
    correct: int = 0
    labelled_chars: int = 0
    removed_chars: int = 0
    correct_chars: int = 0
    false_removals: list[tuple[str, str]] = field(default_factory=list)  # (source, text)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.removed if self.removed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0

    @property
    def char_precision(self) -> float:
        return self.correct_chars / self.removed_chars if self.removed_chars else 1.0

    @property
    def char_recall(self) -> float:
        return self.correct_chars / self.labelled_chars if self.labelled_chars else 1.0


def load_document(root: Path, source: str, url: str | None) -> RawDocument:
    """The document exactly as the pipeline's reader produces it."""
    path = root / source
    if source.endswith(".html.gz") or source.endswith(".html"):
        data = gzip.decompress(path.read_bytes()) if source.endswith(".gz") else path.read_bytes()
        return extract_html(data.decode("utf-8", errors="replace"), source, url)
    return text_document(source, path.read_text(encoding="utf-8"))


def evaluate_cleaning(labels_path: Path, root: Path) -> CleaningScores:
    """Score cleaning on every labelled article; ``root`` is what label sources are relative to."""
    scores = CleaningScores()
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        document = load_document(root, record["source"], record.get("url"))
        article = clean_document(document)
        predicted = Counter(normalize_for_compare(r.text) for r in article.removed if r.kind != "header")
        expected: Counter[str] = Counter()
        for item in record["remove"]:
            expected[normalize_for_compare(item["text"])] += int(item.get("count", 1))
        predicted.pop("", None)
        expected.pop("", None)
        scores.articles += 1
        for key, count in predicted.items():
            hit = min(count, expected.get(key, 0))
            scores.removed += count
            scores.correct += hit
            scores.removed_chars += count * len(key)
            scores.correct_chars += hit * len(key)
            if count > hit:
                scores.false_removals.append((record["source"], key))
        for key, count in expected.items():
            scores.labelled += count
            scores.labelled_chars += count * len(key)
            if count > predicted.get(key, 0):
                scores.missed.append((record["source"], key))
    return scores


_TOKEN = re.compile(r"\w+")


def token_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1, as the article-extraction benchmark measures them."""
    pred = Counter(t.lower() for t in _TOKEN.findall(predicted))
    gold = Counter(t.lower() for t in _TOKEN.findall(truth))
    overlap = sum((pred & gold).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
