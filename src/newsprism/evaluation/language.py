"""Scores for the language layer against the hand-labelled set in tests/data/nlp (see its README).

Labels name things by their exact strings, not offsets, so they survive changes in tokenisation;
each labelled string is located in the text here. Matching rules:

* entities: a gold mention is every word-bounded occurrence of an alias of a labelled PERSON, ORG
  or GPE (longest first, no overlaps); a predicted mention (of an entity typed PERSON, ORG or GPE)
  is right when it overlaps an occurrence of any labelled alias. Resolution is scored with B-cubed
  over the mentions both sides agree exist (gold entity vs predicted entity), across the articles of
  a labelled group, so merging "Antony"/"Anthony Blinken" and keeping two Bidens apart both count;
* quotes: a prediction matches a gold quote when their character ranges overlap by at least half of
  the shorter one (a prediction spanning paragraphs also matches the further labels it contains); the speaker is right when its name, an alias of its entity, or its role agrees
  with the gold speaker (case- and accent-insensitive; a surname alone agrees with the full name);
* dates: a label stands for every occurrence of its string; an expression matches by overlap; it is
  resolved right when value and precision both equal the label (an unresolvable label wants no
  value). Week expressions are not labelled (see README) and are left out of the predictions.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from newsprism.lexicon import fold
from newsprism.model import Article, Quote
from newsprism.nlp import AnnotatedArticle, analyze_language, annotate
from newsprism.nlp.entities import EntityIndex

STRICT_TYPES = frozenset({"PERSON", "ORG", "GPE"})


@dataclass
class Score:
    """Precision = right / predicted; recall = found / gold. With one-to-one matching right and
    found are equal; for entity mentions several predictions may cover one gold mention."""

    right: int = 0
    predicted: int = 0
    gold: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.right += other.right
        self.predicted += other.predicted
        self.gold += other.gold
        self.found += other.found

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "gold": self.gold,
            "predicted": self.predicted,
        }


@dataclass
class LanguageScores:
    articles: int = 0
    entity_mentions: Score = field(default_factory=Score)
    entity_types_right: int = 0
    entity_types_seen: int = 0
    resolution_precision: float = 0.0
    resolution_recall: float = 0.0
    quotes: Score = field(default_factory=Score)
    direct_quotes: Score = field(default_factory=Score)
    reported_quotes: Score = field(default_factory=Score)
    speakers: Score = field(
        default_factory=Score
    )  # right speaker / quotes predicted with one / gold with one
    dates: Score = field(default_factory=Score)
    date_values: Score = field(default_factory=Score)  # right value / predicted / gold, end to end

    def as_dict(self) -> dict[str, Any]:
        r_p, r_r = self.resolution_precision, self.resolution_recall
        return {
            "articles": self.articles,
            "entity_mentions": self.entity_mentions.as_dict(),
            "entity_type_accuracy": round(self.entity_types_right / max(1, self.entity_types_seen), 3),
            "entity_resolution_bcubed": {
                "precision": round(r_p, 3),
                "recall": round(r_r, 3),
                "f1": round(2 * r_p * r_r / (r_p + r_r) if r_p + r_r else 0.0, 3),
            },
            "quotes": self.quotes.as_dict(),
            "direct_quotes": self.direct_quotes.as_dict(),
            "reported_quotes": self.reported_quotes.as_dict(),
            "speakers": self.speakers.as_dict(),
            "dates": self.dates.as_dict(),
            "date_values": self.date_values.as_dict(),
        }


def load_labels(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_articles(records: Sequence[dict[str, Any]]) -> list[Article]:
    return [
        Article(
            id=r["id"],
            source=r["source"],
            outlet=None,
            domain=None,
            title=r.get("title"),
            published=r.get("published"),
            language="en",
            text=r["text"],
            url=r.get("url"),
        )
        for r in records
    ]


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    if not needle:
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
    return [m.span() for m in pattern.finditer(text)]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _gold_mentions(record: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    """(start, end, gold entity key, type) for every alias occurrence, longest alias first."""
    text = record["text"]
    found: list[tuple[int, int, str, str]] = []
    aliases = [
        (alias, entity["name"], entity["type"])
        for entity in record["entities"]
        for alias in {entity["name"], *entity["aliases"]}
    ]
    for alias, name, entity_type in sorted(aliases, key=lambda a: -len(a[0])):
        for span in _occurrences(text, alias):
            if not any(_overlap(span, (s, e)) for s, e, _, _ in found):
                found.append((span[0], span[1], name, entity_type))
    return found


def _bcubed(pairs: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """B-cubed precision and recall of predicted clusters (second) against gold clusters (first)."""
    if not pairs:
        return 0.0, 0.0
    by_gold: dict[str, list[int]] = defaultdict(list)
    by_pred: dict[str, list[int]] = defaultdict(list)
    for i, (gold, pred) in enumerate(pairs):
        by_gold[gold].append(i)
        by_pred[pred].append(i)
    precision = recall = 0.0
    for gold, pred in pairs:
        same_both = sum(1 for j in by_pred[pred] if pairs[j][0] == gold)
        precision += same_both / len(by_pred[pred])
        recall += same_both / len(by_gold[gold])
    return precision / len(pairs), recall / len(pairs)


def _speaker_agrees(gold: str, quote: Quote, entities: EntityIndex) -> bool:
    speaker = quote.speaker
    if speaker is None:
        return False
    names = {speaker.name}
    if speaker.role:
        names.add(speaker.role)
    if speaker.entity_id:
        entity = entities.by_id(speaker.entity_id)
        names.update([entity.name, *entity.aliases])
    wanted = fold(gold)
    for name in names:
        got = fold(name)
        if got == wanted or (got.split() and wanted.split() and got.split()[-1] == wanted.split()[-1]):
            return True
        if len(got) > 6 and fuzz.token_set_ratio(got, wanted) >= 85:
            return True
    return False


def _match(
    gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]
) -> tuple[dict[int, int], set[int]]:
    """Greedy one-to-one matching by overlap of at least half the shorter range."""
    pairs = []
    for g, gs in enumerate(gold):
        for p, ps in enumerate(predicted):
            shared = _overlap(gs, ps)
            if shared and shared >= 0.5 * min(gs[1] - gs[0], ps[1] - ps[0]):
                pairs.append((shared, g, p))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, g, p in sorted(pairs, reverse=True):
        if g not in matched and p not in used:
            matched[g] = p
            used.add(p)
    return matched, used


def _quote_ranges(record: dict[str, Any]) -> list[tuple[int, int]]:
    ranges = []
    for quote in record["quotes"]:
        spans = _occurrences(record["text"], quote["text"]) or [
            (i, i + len(quote["text"])) for i in [record["text"].find(quote["text"])] if i >= 0
        ]
        ranges.append(spans[0] if spans else (0, 0))
    return ranges


QuoteExtractor = Callable[[AnnotatedArticle, EntityIndex], list[Quote]]


def evaluate_language(
    records: Sequence[dict[str, Any]], *, quote_extractor: QuoteExtractor | None = None
) -> LanguageScores:
    """Run the language layer over the labelled articles (one story per labelled group, each other
    article its own story) and score it. ``quote_extractor`` swaps in another quote extractor
    (textacy's, in bench/) scored the same way."""
    scores = LanguageScores(articles=len(records))
    annotated = {a.id: a for a in annotate(labelled_articles(records))}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        groups[record.get("group") or record["id"]].append(record)
    resolution_pairs: list[tuple[str, str]] = []
    for group_key, members in groups.items():
        layer = analyze_language([annotated[r["id"]] for r in members])
        for record in members:
            _score_entities(record, layer.entities, scores, resolution_pairs, group_key)
            quotes = [q for q in layer.quotes if q.article_id == record["id"]]
            if quote_extractor is not None:
                quotes = quote_extractor(annotated[record["id"]], layer.entities)
            _score_quotes(record, quotes, layer.entities, scores)
            _score_dates(record, [d for d in layer.dates if d.article_id == record["id"]], scores)
    scores.resolution_precision, scores.resolution_recall = _bcubed(resolution_pairs)
    return scores


def _score_entities(
    record: dict[str, Any],
    entities: EntityIndex,
    scores: LanguageScores,
    resolution_pairs: list[tuple[str, str]],
    group_key: str,
) -> None:
    gold_all = _gold_mentions(record)
    gold_strict = [g for g in gold_all if g[3] in STRICT_TYPES]
    predicted = [
        (m.start, m.end, entity.id, entity.type)
        for entity in entities.entities
        for m in entity.mentions
        if m.article_id == record["id"] and entity.type in STRICT_TYPES
    ]
    right = sum(1 for p in predicted if any(_overlap((p[0], p[1]), (g[0], g[1])) for g in gold_all))
    found = 0
    for g in gold_strict:
        hits = [p for p in predicted if _overlap((p[0], p[1]), (g[0], g[1]))]
        if hits:
            found += 1
            best = max(hits, key=lambda p: _overlap((p[0], p[1]), (g[0], g[1])))
            resolution_pairs.append((f"{group_key}:{g[2]}", best[2]))
            scores.entity_types_seen += 1
            scores.entity_types_right += best[3] == g[3]
    scores.entity_mentions.add(
        Score(right=right, predicted=len(predicted), gold=len(gold_strict), found=found)
    )


def _match_quotes(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> dict[int, int]:
    """One-to-one matching, and then: a quote running over several paragraphs is one quote to
    newsprism and one label per paragraph in the set, so a matched prediction that wholly contains
    further labels matches them too."""
    matched, _ = _match(gold, predicted)
    for g, (gs, ge) in enumerate(gold):
        if g in matched or ge <= gs:
            continue
        for p, (ps, pe) in enumerate(predicted):
            if ps <= gs and ge <= pe and p in matched.values():
                matched[g] = p
                break
    return matched


def _score_quotes(
    record: dict[str, Any], quotes: Sequence[Quote], entities: EntityIndex, scores: LanguageScores
) -> None:
    gold = record["quotes"]
    gold_ranges = _quote_ranges(record)
    predicted = [(q.start, q.end) for q in quotes]
    matched = _match_quotes(gold_ranges, predicted)
    scores.quotes.add(
        Score(right=len(set(matched.values())), predicted=len(predicted), gold=len(gold), found=len(matched))
    )
    for kind, score in (("direct", scores.direct_quotes), ("reported", scores.reported_quotes)):
        g_idx = [i for i, q in enumerate(gold) if q["kind"] == kind]
        p_idx = [i for i, q in enumerate(quotes) if q.kind == kind]
        m = _match_quotes([gold_ranges[i] for i in g_idx], [predicted[i] for i in p_idx])
        score.add(Score(right=len(set(m.values())), predicted=len(p_idx), gold=len(g_idx), found=len(m)))
    right = sum(
        1
        for g, p in matched.items()
        if gold[g]["speaker"] and _speaker_agrees(gold[g]["speaker"], quotes[p], entities)
    )
    scores.speakers.add(
        Score(
            right=right,
            predicted=sum(1 for q in quotes if q.speaker is not None),
            gold=sum(1 for q in gold if q["speaker"]),
            found=right,
        )
    )


def _score_dates(record: dict[str, Any], dates: Iterable[Any], scores: LanguageScores) -> None:
    predicted = [d for d in dates if d.precision != "week"]
    # A label stands for every occurrence of its string (the labels list each date string once
    # per meaning, not per occurrence).
    gold: list[dict[str, Any]] = []
    gold_ranges: list[tuple[int, int]] = []
    for label in record["dates"]:
        for span in _occurrences(record["text"], label["text"]):
            if span not in gold_ranges:
                gold.append(label)
                gold_ranges.append(span)
    matched, _ = _match(gold_ranges, [(d.start, d.end) for d in predicted])
    scores.dates.add(Score(right=len(matched), predicted=len(predicted), gold=len(gold), found=len(matched)))
    right = sum(
        1
        for g, p in matched.items()
        if gold[g]["value"] is not None
        and predicted[p].value == gold[g]["value"]
        and predicted[p].precision == gold[g]["precision"]
    )
    scores.date_values.add(
        Score(
            right=right,
            predicted=sum(1 for d in predicted if d.value is not None),
            gold=sum(1 for label in gold if label["value"] is not None),
            found=right,
        )
    )


def textacy_quotes(article: AnnotatedArticle, entities: EntityIndex) -> list[Quote]:
    """textacy's direct-quotation extractor over the same spaCy parses, as a baseline.

    It sees one paragraph at a time (the same docs newsprism uses) and raises on some
    apostrophes ("Queens' College"); a paragraph it cannot read yields no quotes."""
    from textacy.extract.triples import direct_quotations

    from newsprism.model import Speaker
    from newsprism.nlp.quotes import quote_id

    quotes: list[Quote] = []
    for paragraph in article.paragraphs:
        try:
            triples = list(direct_quotations(paragraph.doc))
        except Exception:  # textacy raises bare errors on unbalanced marks
            continue
        for triple in triples:
            start = paragraph.start + triple.content.start_char
            end = paragraph.start + triple.content.end_char
            text = article.text
            while start < end and (text[start] in "“”\"'‘’«»„ " or text[start].isspace()):
                start += 1
            while end > start and (text[end - 1] in "“”\"'‘’«»„ ,"):
                end -= 1
            speaker = None
            if triple.speaker:
                s = paragraph.start + min(t.idx for t in triple.speaker)
                e = paragraph.start + max(t.idx + len(t.text) for t in triple.speaker)
                entity = entities.entity_at(article.id, s, e)
                name = entity.name if entity else text[s:e]
                speaker = Speaker(name=name, entity_id=entity.id if entity else None, role=None)
            quotes.append(
                Quote(
                    id=quote_id(article.id, start, end),
                    article_id=article.id,
                    start=start,
                    end=end,
                    text=text[start:end],
                    kind="direct",
                    speaker=speaker,
                    group_id=None,
                )
            )
    return quotes
