"""Conflicts on stories the rules were not built on: a development / evaluation split of the ECB+
stories, planted conflicts for recall, and the conflicts reported on untouched stories, dumped
in context for a reader to judge (precision).

Split. Every ECB+ story (``gold``) of at least MIN_ARTICLES articles falls into "dev" or "eval"
by a hash of its id (SPLIT_SALT), except the stories of tests/data/compare, which the rules were
corrected on: those are always "dev". Only the dev split may be looked at while changing rules.

Planting. A fact two outlets state alike is a pair of sentences of two articles (ECB+
paragraphs are sentences) that share most content words and one value, in the same words
around it (the two words before or after it): a figure, a weekday, a
month, a person's full name, a quoted window of at least QUOTE_WINDOW_WORDS words, or an
auxiliary verb. One article of the pair gets that value changed (a different figure, another
weekday or month, another person, one quoted word turned into its opposite, the auxiliary
negated); the story is compared again, and the plant is found when a reported conflict has a
side overlapping the changed text and another side in another article. The pairs are chosen by
word overlap only, never by newsprism's own alignment, so recall is not measured on what
newsprism already aligns.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.analysis import annotate_story
from newsprism.compare import Comparison, compare_story
from newsprism.compare.detectors.base import FURNITURE, REPORT_MIN_CONFIDENCE
from newsprism.model import Article, Conflict, Story, article_labels
from newsprism.nlp import analyze_language
from newsprism.nlp.annotate import AnnotatedArticle
from newsprism.parts import Parts

SPLIT_SALT = "newsprism-unseen-v1"
MIN_ARTICLES = 3
# Two sentences "state one fact alike" when at least this share of their content words (Jaccard)
# is common to both, not counting the value that is changed.
PLANT_MIN_OVERLAP = 0.4
QUOTE_WINDOW_WORDS = 6
# "Stated alike" means in the same words around the fact: the partner sentence repeats the value
# with the two words before it or the two words after it.
CONTEXT_WORDS = 2
MAX_PLANTS_PER_KIND_PER_STORY = 2

STOP_WORDS = frozenset(
    """a an the and or but if of in on at to for from by with as is are was were be been being has
    have had do does did will would shall should can could may might must not no it its this that
    these those he she they we you i his her their our your him them us me who whom which what
    when where why how there here than then so said says say also after before over under about
    into out up down more most some any all each other such only own same very just""".split()
)

OPPOSITES = {
    "increase": "decrease",
    "more": "less",
    "support": "oppose",
    "good": "bad",
    "right": "wrong",
    "always": "never",
    "safe": "dangerous",
    "happy": "sad",
    "agree": "disagree",
    "strong": "weak",
    "win": "lose",
    "best": "worst",
    "high": "low",
    "love": "hate",
    "accept": "reject",
    "great": "terrible",
    "important": "unimportant",
    "possible": "impossible",
    "true": "false",
    "proud": "ashamed",
    "better": "worse",
    "guilty": "innocent",
    "easy": "hard",
    "glad": "sorry",
    "positive": "negative",
    "confident": "doubtful",
    "pleased": "disappointed",
    "early": "late",
}
OPPOSITES |= {b: a for a, b in list(OPPOSITES.items())}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
AUXILIARIES = ("was", "were", "is", "are", "has", "have", "had", "will", "would", "could", "can")
# A name no ECB+ story holds: the planted "different person".
PLANTED_PERSON = "Daniel Whitcombe"

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_FIGURE = re.compile(r"(?<![\w.,:/-])[1-9]\d{0,2}(?:,\d{3})*(?:\.\d+)?(?![\w:/%-]|[.,]\d)")
_PERSON = re.compile(r"\b[A-Z][a-z]+ (?:[A-Z]\. )?[A-Z][a-z]{2,}\b")
_QUOTED = re.compile(r'"\s*([^"]{20,400}?)\s*"')


def split_of(gold: str, labelled: frozenset[str] = frozenset()) -> str:
    if gold in labelled:
        return "dev"
    digest = hashlib.sha256(f"{SPLIT_SALT}:{gold}".encode()).digest()
    return "eval" if digest[0] < 128 else "dev"


def split_digest(golds: Sequence[str]) -> str:
    """The hash CI pins: a changed evaluation split fails loudly instead of drifting."""
    return hashlib.sha256("\n".join(sorted(golds)).encode()).hexdigest()[:16]


def labelled_stories(path: Path) -> frozenset[str]:
    return frozenset(
        json.loads(line)["story"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def all_ecb_stories(path: Path) -> dict[str, list[Article]]:
    """Every ECB+ story, each as its articles (outlet = the ECB+ document, since every document
    comes from a different source; a content hash, so they can be stored)."""
    from newsprism.clean import content_hash

    stories: dict[str, list[Article]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        stories.setdefault(row["gold"], []).append(
            Article(
                id=row["id"],
                source=f"ecbplus.jsonl#{row['id']}",
                outlet=f"ECB+ {row['id']}",
                domain=None,
                title=row.get("title"),
                published=None,
                language="en",
                text=row["text"],
                content_hash=content_hash(row["text"]),
            )
        )
    return stories


def ecb_stories(path: Path, split: str, labelled: frozenset[str]) -> dict[str, list[Article]]:
    """The ECB+ stories of one split with MIN_ARTICLES or more (``all_ecb_stories``)."""
    return {
        gold: articles
        for gold, articles in sorted(all_ecb_stories(path).items())
        if len(articles) >= MIN_ARTICLES and split_of(gold, labelled) == split
    }


# --------------------------------------------------------------------------- planting


@dataclass(frozen=True)
class Plant:
    story: str
    kind: str
    article_id: str  # the changed article
    start: int  # the changed text in the changed article's new text
    end: int
    original: str
    altered: str
    partner_id: str  # the article that states the fact as the original did
    partner_start: int
    partner_end: int
    text: str  # the changed article's whole new text


# A line shorter than this is a headline, dateline or caption, not a sentence stating a fact.
PLANT_MIN_WORDS = 8


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for piece in text.split("\n"):
        if len(piece.split()) >= PLANT_MIN_WORDS and not FURNITURE.match(piece):
            yield at, piece
        at += len(piece) + 1


def _content(sentence: str, leave_out: str = "") -> set[str]:
    left_out = {w.lower() for w in _WORD.findall(leave_out)}
    return {
        w.lower()
        for w in _WORD.findall(sentence)
        if w.lower() not in STOP_WORDS and w.lower() not in left_out
    }


def _overlap(a: str, b: str, value: str) -> float:
    x, y = _content(a, value), _content(b, value)
    return len(x & y) / len(x | y) if x | y else 0.0


def _other_figure(value: str) -> str | None:
    digits = value.replace(",", "")
    try:
        number = float(digits)
    except ValueError:
        return None
    if 1900 <= number <= 2100 and "." not in digits:
        return None  # a year: a date, not a count
    changed = number * 2 + 3 if number < 1000 else number * 1.6
    text = f"{changed:.{len(digits.split('.')[1])}f}" if "." in digits else f"{round(changed):,}"
    return text if "," in value or "." in digits else text.replace(",", "")


def _candidates(kind: str, sentence: str, people: frozenset[str]) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, original, altered) inside one sentence, for one kind of plant."""
    if kind == "number":
        for m in _FIGURE.finditer(sentence):
            altered = _other_figure(m.group())
            if altered:
                yield m.start(), m.end(), m.group(), altered
    elif kind == "date":
        for names in (WEEKDAYS, MONTHS):
            for i, name in enumerate(names):
                for m in re.finditer(rf"\b{name}\b", sentence):
                    yield m.start(), m.end(), name, names[(i + 2) % len(names)]
    elif kind == "entity":
        for m in _PERSON.finditer(sentence):
            if m.group() in people and not _inside_quote(sentence, m.start()):
                yield m.start(), m.end(), m.group(), PLANTED_PERSON
    elif kind == "quote_wording":
        for q in _QUOTED.finditer(sentence):
            for w in _WORD.finditer(q.group(1)):
                opposite = OPPOSITES.get(w.group().lower())
                if opposite:
                    at = q.start(1) + w.start()
                    yield at, at + len(w.group()), w.group(), opposite
    elif kind == "negation":
        for aux in AUXILIARIES:
            for m in re.finditer(rf"\b{aux}\b(?! not)(?!n't)", sentence):
                if not _inside_quote(sentence, m.start()):
                    yield m.start(), m.end(), m.group(), f"{m.group()} not"


def _same_words_around(sentence: str, start: int, end: int, other: str) -> bool:
    """The value stands in the same words in both sentences: the other holds the value with the
    CONTEXT_WORDS words before it, or with the CONTEXT_WORDS words after it, as one phrase."""
    before = sentence[:start].split()[-CONTEXT_WORDS:]
    after = sentence[end:].split()[:CONTEXT_WORDS]
    value = sentence[start:end]
    phrases = []
    if len(before) == CONTEXT_WORDS:
        phrases.append(" ".join([*before, value]))
    if len(after) == CONTEXT_WORDS:
        phrases.append(value + sentence[end:].split(after[0], 1)[0] + " ".join(after))
    squeezed = " ".join(other.split())
    return any(" ".join(p.split()) in squeezed for p in phrases)


def _inside_quote(sentence: str, at: int) -> bool:
    return sentence[:at].count('"') % 2 == 1


def _shared_quote_window(a: str, b: str) -> bool:
    """Both sentences quote the same run of at least QUOTE_WINDOW_WORDS words."""
    for q in _QUOTED.finditer(a):
        words = q.group(1).split()
        for i in range(len(words) - QUOTE_WINDOW_WORDS + 1):
            if " ".join(words[i : i + QUOTE_WINDOW_WORDS]) in b:
                return True
    return False


PLANT_KINDS = ("number", "date", "entity", "quote_wording", "negation")


def plants_for(story: str, articles: Sequence[Article], people: frozenset[str] = frozenset()) -> list[Plant]:
    """Up to MAX_PLANTS_PER_KIND_PER_STORY plants of each kind, each in a different article;
    ``people`` are the full names the parser tagged as persons (the only names replaced)."""
    sentences = [(a, start, s) for a in articles for start, s in _sentences(a.text)]
    plants: list[Plant] = []
    for kind in PLANT_KINDS:
        used: set[str] = set()
        for a, a_start, a_sentence in sentences:
            if len([p for p in plants if p.kind == kind]) >= MAX_PLANTS_PER_KIND_PER_STORY:
                break
            if a.id in used:
                continue
            found = _plant_in(story, kind, a, a_start, a_sentence, sentences, people)
            if found is not None:
                plants.append(found)
                used.add(a.id)
    return plants


def _plant_in(
    story: str,
    kind: str,
    a: Article,
    a_start: int,
    a_sentence: str,
    sentences: Sequence[tuple[Article, int, str]],
    people: frozenset[str],
) -> Plant | None:
    for start, end, original, altered in _candidates(kind, a_sentence, people):
        for b, b_start, b_sentence in sentences:
            if b.id == a.id or original not in b_sentence:
                continue
            if kind == "quote_wording" and not _shared_quote_window(a_sentence, b_sentence):
                continue
            if kind != "quote_wording" and _overlap(a_sentence, b_sentence, original) < PLANT_MIN_OVERLAP:
                continue
            if not _same_words_around(a_sentence, start, end, b_sentence):
                continue
            at = a_start + start
            text = a.text[:at] + altered + a.text[a_start + end :]
            partner = b_start + b_sentence.index(original)
            return Plant(
                story=story,
                kind=kind,
                article_id=a.id,
                start=at,
                end=at + len(altered),
                original=original,
                altered=altered,
                partner_id=b.id,
                partner_start=partner,
                partner_end=partner + len(original),
                text=text,
            )
    return None


# --------------------------------------------------------------------------- running


@dataclass
class UnseenScores:
    stories: int = 0
    articles: int = 0
    conflicts: int = 0  # reported on the untouched stories
    plants: dict[str, int] = field(default_factory=dict)  # kind → planted
    found: dict[str, int] = field(default_factory=dict)  # kind → found among what a brief shows
    candidates: dict[str, int] = field(default_factory=dict)  # kind → found at any confidence
    kind_right: dict[str, int] = field(default_factory=dict)
    missed: list[Plant] = field(default_factory=list)

    @property
    def planted_recall(self) -> float:
        total = sum(self.plants.values())
        return sum(self.found.values()) / total if total else 0.0

    @property
    def candidate_recall(self) -> float:
        total = sum(self.plants.values())
        return sum(self.candidates.values()) / total if total else 0.0


class StoryRunner:
    """Compares stories, annotating each article text once (plants change one article)."""

    def __init__(self, parts: Parts, min_confidence: float = REPORT_MIN_CONFIDENCE) -> None:
        self.parts = parts
        self.min_confidence = min_confidence
        self._annotated: dict[tuple[str, str], AnnotatedArticle] = {}

    def people(self, articles: Sequence[Article]) -> frozenset[str]:
        return frozenset(
            e.text
            for a in articles
            for paragraph in self._annotated[(a.id, a.text)].paragraphs
            for e in paragraph.doc.ents
            if e.label_ == "PERSON" and len(e.text.split()) >= 2
        )

    def compare(self, articles: Sequence[Article]) -> Comparison:
        missing = [a for a in articles if (a.id, a.text) not in self._annotated]
        if missing:
            for done in annotate_story(Story.of(missing), self.parts):
                self._annotated[(done.article.id, done.article.text)] = done
        annotated = [self._annotated[(a.id, a.text)] for a in articles]
        return compare_story(
            Story.of(list(articles)),
            analyze_language(annotated),
            self.parts.get_embedder(),
            self.parts.get_judge(),
            min_confidence=self.min_confidence,
            cross_lingual=self.parts.cross_lingual_for(a.language for a in articles),
        )


def found_plant(plant: Plant, conflicts: Sequence[Conflict]) -> Conflict | None:
    for conflict in conflicts:
        changed = any(
            s.article_id == plant.article_id and s.start < plant.end + 1 and plant.start < s.end + 1
            for s in conflict.sides
        )
        other = any(s.article_id != plant.article_id for s in conflict.sides)
        if changed and other:
            return conflict
    return None


def evaluate_unseen(
    stories: dict[str, list[Article]],
    parts: Parts,
    on_story: Callable[[str, Comparison], None] | None = None,
    shown_from: float = REPORT_MIN_CONFIDENCE,
) -> UnseenScores:
    """Every conflict found on each untouched story (``on_story`` sees them all, whatever their
    confidence), then recall of every plant in it: among what a brief shows (confidence of at
    least ``shown_from``) and among all candidates."""
    runner = StoryRunner(parts, 0.0)
    scores = UnseenScores(stories=len(stories))
    for gold, articles in stories.items():
        scores.articles += len(articles)
        untouched = runner.compare(articles)
        scores.conflicts += sum(1 for c in untouched.conflicts if (c.confidence or 0) >= shown_from)
        if on_story is not None:
            on_story(gold, untouched)
        for plant in plants_for(gold, articles, runner.people(articles)):
            changed = [
                a.model_copy(update={"text": plant.text}) if a.id == plant.article_id else a for a in articles
            ]
            comparison = runner.compare(changed)
            hit = found_plant(plant, [c for c in comparison.conflicts if (c.confidence or 0) >= shown_from])
            scores.plants[plant.kind] = scores.plants.get(plant.kind, 0) + 1
            if found_plant(plant, comparison.conflicts) is not None:
                scores.candidates[plant.kind] = scores.candidates.get(plant.kind, 0) + 1
            if hit is not None:
                scores.found[plant.kind] = scores.found.get(plant.kind, 0) + 1
                scores.kind_right[plant.kind] = scores.kind_right.get(plant.kind, 0) + (
                    hit.kind == plant.kind
                )
            else:
                scores.missed.append(plant)
    return scores


def conflicts_in_context(
    gold: str, comparison: Comparison, articles: Sequence[Article]
) -> list[dict[str, Any]]:
    """Each reported conflict with the whole sentence around each side, for a reader to judge."""
    by_id = {a.id: a for a in articles}
    labels = article_labels(articles)
    records = []
    for conflict in comparison.conflicts:
        sides = []
        for side in conflict.sides:
            text = by_id[side.article_id].text
            begin = text.rfind("\n", 0, side.start) + 1
            finish = text.find("\n", side.end)
            sides.append(
                {
                    "article_id": side.article_id,
                    "outlet": labels[side.article_id],
                    "value": side.value,
                    "span": side.text,
                    "sentence": text[begin : finish if finish >= 0 else len(text)],
                }
            )
        records.append(
            {
                "story": gold,
                "key": conflict_key(gold, conflict),
                "kind": conflict.kind,
                "confidence": conflict.confidence,
                "evidence": conflict.evidence,
                "description": conflict.description,
                "sides": sides,
            }
        )
    return records


def conflict_key(gold: str, conflict: Conflict) -> str:
    """Names one reported conflict across runs: its story, kind and sides' places."""
    where = sorted(f"{s.article_id}:{s.start}:{s.end}" for s in conflict.sides)
    return hashlib.sha256(f"{gold}|{conflict.kind}|{'|'.join(where)}".encode()).hexdigest()[:16]
